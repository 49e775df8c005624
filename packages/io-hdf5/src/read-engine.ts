/**
 * The h5wasm instances that READ files (untrusted input): their memory is bounded while they work
 * and released when they are dropped.
 *
 * - **Bounded.** Emscripten grows an instance's WebAssembly memory through
 *   `WebAssembly.Memory.prototype.grow`. A guard installed there (transparent for every other
 *   memory in the process) refuses to let a read instance grow past the limit of the read in
 *   progress: its size when the read started, plus `maxMetadataBytes` for the file's structure, plus
 *   the bytes of the arrays the reader has allowed after checking their declared sizes against
 *   `maxBytes`. HDF5's `malloc` then fails and HDF5 reports an error, which becomes a
 *   {@link LimitError} — instead of a corrupt size field taking gigabytes.
 * - **Released.** Where h5wasm's Emscripten factory can be reached (Node: the file beside
 *   `import.meta.resolve('h5wasm')`), each read instance is a fresh call of that factory rather than
 *   a fresh evaluation of h5wasm's ES module, so nothing global keeps it: an instance that is
 *   dropped is garbage-collected with its memory. An instance is dropped after a trap, after
 *   {@link MAX_HDF5_ERRORS} HDF5 errors (each leaks some WebAssembly stack), and as soon as its
 *   memory has grown more than {@link RETIRE_GROWTH} bytes over its size at start.
 * - Where the factory cannot be reached (bundles, browsers), reads use the shared instance of
 *   engine.ts: still bounded by the guard, but a retired instance is not released (see engine.ts).
 */
import { type CoreEngine, MAX_HDF5_ERRORS, getEngine } from './engine.js';
import type { H5Module } from './engine.js';

/** A read instance whose memory grew by more than this over its size at start is dropped after the read. */
export const RETIRE_GROWTH = 48 * 2 ** 20;

interface Guard {
  /** Memory size (bytes) when the instance started. */
  readonly startBytes: number;
  /** Largest memory size the read in progress may grow to (Infinity between reads). */
  limit: number;
  /** Growth that was refused during the read in progress: the size asked for. */
  refused: number | null;
  /** Memory size when the read in progress started. */
  readStart: number;
  /** Bytes of arrays allowed during the read in progress. */
  arrays: number;
}

type Factory = (arg: {
  noInitialRun: boolean;
  instantiateWasm?: (imports: unknown, receive: (instance: unknown, module: unknown) => void) => object;
}) => Promise<H5Module>;

interface WasmApi {
  instantiate(source: unknown, imports: unknown): Promise<unknown>;
}

const guards = new Map<CoreEngine, Guard>();
let own: CoreEngine | null = null;
let creating: Promise<CoreEngine> | null = null;
let factory: Promise<Factory | null> | null = null;
let generation = 0;
let dropped = 0;
let guardInstalled = false;

function installGrowGuard(): void {
  if (guardInstalled) return;
  guardInstalled = true;
  // (this package's TypeScript lib has no WebAssembly types: the little that is used, declared here)
  type Memory = { readonly buffer: ArrayBuffer; grow(delta: number): number };
  const wasm = (globalThis as unknown as { WebAssembly?: { Memory?: { prototype: Memory } } }).WebAssembly;
  const proto = wasm?.Memory?.prototype;
  if (proto === undefined) return;
  const grow = proto.grow;
  proto.grow = function guardedGrow(this: Memory, delta: number): number {
    if (guards.size > 0) {
      const buffer = this.buffer;
      for (const [engine, g] of guards) {
        if (engine.M.HEAPU8.buffer !== buffer) continue;
        const want = buffer.byteLength + delta * 65536;
        if (want > g.limit) {
          g.refused = Math.max(g.refused ?? 0, want);
          // Emscripten catches this and reports an allocation failure to HDF5's malloc.
          throw new RangeError('kerasts: the HDF5 engine memory limit of this read is reached');
        }
        break;
      }
    }
    return grow.call(this, delta);
  };
}

/** h5wasm's Emscripten factory, beside the module `import.meta.resolve('h5wasm')` names; null where unreachable. */
async function loadFactory(): Promise<Factory | null> {
  const meta = import.meta as ImportMeta & { resolve?: (specifier: string) => string };
  if (typeof meta.resolve !== 'function') return null;
  try {
    const url = new URL('./hdf5_util.js', meta.resolve('h5wasm')).href;
    if (!url.startsWith('file:')) return null; // only on disk (Node): a browser would fetch 4 MB again
    const mod = (await import(/* @vite-ignore */ url)) as { default?: unknown };
    return typeof mod.default === 'function' ? (mod.default as Factory) : null;
  } catch {
    return null;
  }
}

/** h5wasm's compiled WebAssembly module, kept after the first instance: later instances skip the compile. */
let compiled: unknown = null;

/**
 * A fresh instance from the factory. The first one compiles h5wasm's WebAssembly (and the compiled
 * module is kept, caught as Emscripten instantiates it); later ones instantiate that module through
 * Emscripten's `instantiateWasm` hook, several times faster.
 */
async function instantiate(make: Factory): Promise<H5Module> {
  const WA = (globalThis as unknown as { WebAssembly: WasmApi }).WebAssembly;
  if (compiled === null) {
    const plain = WA.instantiate;
    WA.instantiate = async function (this: unknown, source: unknown, imports: unknown): Promise<unknown> {
      const result = await plain.call(this, source, imports);
      // h5wasm is an Emscripten main module: its imports alone have 'GOT.mem'
      const mod = (result as { module?: unknown } | null)?.module;
      if (mod !== undefined && typeof imports === 'object' && imports !== null && 'GOT.mem' in imports) compiled = mod;
      return result;
    };
    try {
      return await make({ noInitialRun: true });
    } finally {
      WA.instantiate = plain;
    }
  }
  const mod = compiled;
  let fail: (err: unknown) => void = () => {};
  const failed = new Promise<never>((_, reject) => {
    fail = reject;
  });
  return Promise.race([
    make({
      noInitialRun: true,
      instantiateWasm: (imports, receive) => {
        WA.instantiate(mod, imports).then((instance) => receive(instance, mod), fail);
        return {};
      },
    }),
    failed,
  ]);
}

async function createOwn(make: Factory): Promise<CoreEngine> {
  const M = await instantiate(make);
  if (M.activate_throwing_error_handler() < 0) throw new Error('could not install the throwing HDF5 error handler');
  const engine: CoreEngine = { M, FS: M.FS, generation: generation++, hdf5Errors: 0, poisoned: false };
  guards.set(engine, { startBytes: M.HEAPU8.length, limit: Number.POSITIVE_INFINITY, refused: null, readStart: 0, arrays: 0 });
  return engine;
}

/**
 * The instance to read one file with: this module's own (released when dropped) where h5wasm's
 * factory is reachable, else the shared instance of engine.ts (bounded by the guard too).
 */
export async function getReadEngine(): Promise<CoreEngine> {
  installGrowGuard();
  factory ??= loadFactory();
  const make = await factory;
  if (make === null) {
    const shared = await getEngine();
    if (!guards.has(shared)) {
      for (const e of guards.keys()) if (e !== shared && e !== own) guards.delete(e); // replaced by engine.ts
      guards.set(shared, { startBytes: shared.M.HEAPU8.length, limit: Number.POSITIVE_INFINITY, refused: null, readStart: 0, arrays: 0 });
    }
    return shared;
  }
  if (own !== null && !own.poisoned && own.hdf5Errors < MAX_HDF5_ERRORS) return own;
  if (own !== null) {
    // damaged outside a read (see endRead): drop it
    guards.delete(own);
    own = null;
    dropped++;
  }
  creating ??= createOwn(make).then(
    (e) => {
      own = e;
      creating = null;
      return e;
    },
    (err: unknown) => {
      creating = null;
      throw err;
    },
  );
  return creating;
}

/** Start a read: the memory may grow by `metadataBytes` from its present size (plus what {@link allowArray} adds). */
export function beginRead(engine: CoreEngine, metadataBytes: number): void {
  const g = guards.get(engine);
  if (!g) return;
  g.refused = null;
  g.readStart = engine.M.HEAPU8.length;
  g.arrays = 0;
  g.limit = g.readStart + metadataBytes;
}

/** Let the read in progress allocate an array of `bytes` (already checked against `maxBytes`) plus `metadataBytes` of work space. */
export function allowArray(engine: CoreEngine, bytes: number, metadataBytes: number): void {
  const g = guards.get(engine);
  if (!g) return;
  g.arrays += bytes;
  g.limit = Math.max(g.limit, engine.M.HEAPU8.length + bytes + metadataBytes);
}

/**
 * When growth was refused during the read in progress: how much memory the read asked for beyond
 * its arrays (bytes over the read's start, less the arrays allowed), else null.
 */
export function refusedGrowth(engine: CoreEngine): number | null {
  const g = guards.get(engine);
  if (!g || g.refused === null) return null;
  return Math.max(0, g.refused - g.readStart - g.arrays);
}

/** The limit in force for the read in progress (bytes of WebAssembly memory). */
export function memoryLimit(engine: CoreEngine): number {
  return guards.get(engine)?.limit ?? Number.POSITIVE_INFINITY;
}

/**
 * End a read: lift the limit, and drop the instance when it trapped, has seen too many HDF5 errors
 * or has grown more than {@link RETIRE_GROWTH} (its memory can never shrink; a fresh one is cheap).
 */
export function endRead(engine: CoreEngine): void {
  const g = guards.get(engine);
  if (!g) return;
  g.limit = Number.POSITIVE_INFINITY;
  g.refused = null;
  const tooBig = engine.M.HEAPU8.length - g.startBytes > RETIRE_GROWTH;
  const unhealthy = engine.poisoned || engine.hdf5Errors >= MAX_HDF5_ERRORS;
  if (engine === own && (tooBig || unhealthy)) {
    guards.delete(engine);
    own = null;
    dropped++;
  } else if (engine !== own && unhealthy) {
    guards.delete(engine); // engine.ts replaces its shared instance on the next getEngine()
  } else if (engine !== own && tooBig) {
    engine.poisoned = true; // the shared instance is replaced (its memory is not released: see engine.ts)
    guards.delete(engine);
  }
}

/** For tests and the fuzz harness: read instances created and dropped so far, and the live one's memory. */
export function readEngineStats(): { created: number; dropped: number; liveBytes: number | null } {
  return { created: generation, dropped, liveBytes: own === null ? null : own.M.HEAPU8.length };
}

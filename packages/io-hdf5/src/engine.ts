/**
 * Life cycle of the h5wasm (HDF5 compiled to WebAssembly) instance.
 *
 * Two facts about h5wasm 0.10.x shape this module:
 *
 * 1. With `activate_throwing_error_handler()`, an HDF5 error becomes a JS exception thrown from
 *    inside the HDF5 error callback. The exception unwinds through WebAssembly frames without
 *    running their epilogues, so every HDF5 error leaks some WebAssembly stack (and an open
 *    temporary file). Measured: after about 2,250 errors the instance breaks
 *    ("null function or function signature mismatch").
 * 2. A corrupt file can make the HDF5 C code trap ("memory access out of bounds"). After a trap the
 *    instance's internal state is undefined; later calls may fail or return garbage.
 *
 * So an instance is retired after any trap or non-HDF5 exception, or after {@link MAX_HDF5_ERRORS}
 * HDF5 errors, and the next call gets a fresh instance: a fresh copy of h5wasm's ES module, loaded
 * from `import.meta.resolve('h5wasm')` plus a query string (Node ≥ 20.6, browsers with an import
 * map) or, in ES-module bundles and module workers, from the URL of the chunk that holds h5wasm
 * (h5wasm-instance.ts) plus a query string. Each retired instance's memory stays referenced by the
 * ES module map (ES modules cannot be unloaded), typically a few tens of MB, so a process that reads
 * a very large number of corrupt files grows slowly. Where a fresh copy cannot be loaded (a classic
 * IIFE bundle, a dev server that pre-bundles h5wasm), the call fails with a {@link KerastsError}
 * instead of silently using a damaged instance.
 *
 * All work on an instance is synchronous between one `await getEngine()` and the end of the
 * operation, so operations never interleave and no HDF5 file stays open across calls.
 */
import { KerastsError } from '@kerasts/tensor';

/** The h5wasm module namespace (classes File, Group, ... bound to one WebAssembly instance). */
export type H5Namespace = typeof import('h5wasm');
/** The Emscripten module of one instance (low-level HDF5 functions, heap, file system). */
export type H5Module = H5Namespace['Module'];
/** Emscripten's in-memory file system of one instance. */
export type H5FS = H5Module['FS'];

/** After this many HDF5 errors an instance is retired (see the module comment). */
export const MAX_HDF5_ERRORS = 100;

/** One h5wasm WebAssembly instance (its Emscripten module only) and its health. */
export interface CoreEngine {
  readonly M: H5Module;
  readonly FS: H5FS;
  /** Sequence number of this instance (0 for the first). */
  readonly generation: number;
  /** HDF5 errors seen on this instance so far. */
  hdf5Errors: number;
  /** Set after a trap or an unexpected exception: the instance must not be used again. */
  poisoned: boolean;
}

/** One h5wasm instance with h5wasm's high-level classes bound to it (what the writer uses). */
export interface Engine extends CoreEngine {
  readonly ns: H5Namespace;
}

let current: Engine | null = null;
let loading: Promise<Engine> | null = null;
let generation = 0;
let fileCounter = 0;

function withQuery(url: string, gen: number): string {
  return `${url}${url.includes('?') ? '&' : '?'}kerasts-instance=${gen}`;
}

/** A namespace that is a fresh evaluation of h5wasm (not the one `first` came from). */
function isFresh(ns: Partial<H5Namespace> | undefined, first: H5Namespace): ns is H5Namespace {
  return ns !== undefined && typeof ns.File === 'function' && typeof ns.ready?.then === 'function' && ns.ready !== first.ready;
}

/**
 * h5wasm's module namespace for instance `gen`. Instance 0 is the ordinary import; later ones need a
 * fresh evaluation of h5wasm's ES module, tried two ways: `import.meta.resolve('h5wasm')` plus a
 * query (Node, browsers with an import map), then the URL of the chunk that holds h5wasm plus a
 * query (Vite/Rollup/esbuild ES-module bundles, module workers). Where neither gives a fresh copy
 * (an IIFE worker bundle, a dev server that pre-bundles h5wasm), the call fails with a KerastsError.
 */
async function loadNamespace(gen: number): Promise<H5Namespace> {
  const first = (await import('./h5wasm-instance.js')) as unknown as H5Namespace & { instanceUrl: string };
  if (gen === 0) return first;
  const tried: string[] = [];
  const meta = import.meta as ImportMeta & { resolve?: (specifier: string) => string };
  try {
    if (typeof meta.resolve !== 'function') throw new Error('import.meta.resolve is not available');
    const ns = (await import(/* @vite-ignore */ withQuery(meta.resolve('h5wasm'), gen))) as Partial<H5Namespace>;
    if (isFresh(ns, first)) return ns;
    tried.push('import.meta.resolve gave the same instance');
  } catch (err) {
    tried.push(`import.meta.resolve('h5wasm'): ${String((err as Error)?.message ?? err)}`);
  }
  const url = first.instanceUrl;
  const here = (globalThis as { location?: { href?: string } }).location?.href;
  // In a classic (IIFE) bundle the chunk is the whole script: importing it again would run it again.
  if (url && url !== here) {
    try {
      const ns = (await import(/* @vite-ignore */ withQuery(url, gen))) as Partial<H5Namespace>;
      if (isFresh(ns, first)) return ns;
      tried.push(`${url} gave the same instance`);
    } catch (err) {
      tried.push(`${url}: ${String((err as Error)?.message ?? err)}`);
    }
  } else tried.push('h5wasm is inlined in the running script');
  throw new KerastsError(
    `the HDF5 engine (h5wasm) was damaged by an earlier corrupt file and cannot be restarted in this environment ` +
      `(${tried.join('; ')}); restart the process or reload the page`,
    'h5wasm',
  );
}

async function createEngine(gen: number): Promise<Engine> {
  const ns = await loadNamespace(gen);
  const M = await ns.ready;
  if (M.activate_throwing_error_handler() < 0) {
    throw new KerastsError('could not install the throwing HDF5 error handler', 'h5wasm');
  }
  return { ns, M, FS: M.FS, generation: gen, hdf5Errors: 0, poisoned: false };
}

/** The current healthy instance, creating (or re-creating) it when needed. */
export async function getEngine(): Promise<Engine> {
  if (current && !current.poisoned && current.hdf5Errors < MAX_HDF5_ERRORS) return current;
  if (current) {
    current = null;
    generation += 1;
  }
  if (!loading) {
    const gen = generation;
    loading = createEngine(gen).then(
      (e) => {
        current = e;
        loading = null;
        return e;
      },
      (err: unknown) => {
        loading = null;
        throw err;
      },
    );
  }
  return loading;
}

/** Is this an error reported by the HDF5 library through the throwing error handler? */
export function isHdf5Error(err: unknown): err is Error {
  return err instanceof Error && err.message.includes('HDF5-DIAG');
}

/** Errors thrown on purpose by h5wasm's C++ glue (`throw_error`), e.g. "error - name not defined!". */
function isGlueError(err: unknown): boolean {
  return (
    err instanceof Error &&
    err.constructor === Error &&
    /^(error - name not defined!|data type not supported|Float size not supported|Reference size not supported|Failed to get)/.test(
      err.message,
    )
  );
}

/**
 * Record an exception that escaped from h5wasm: HDF5 errors count towards retirement; anything else
 * (a WebAssembly trap, a RangeError from a blown stack, ...) poisons the instance at once.
 */
export function noteEngineError(engine: CoreEngine, err: unknown): void {
  if (err instanceof KerastsError) return;
  if (isHdf5Error(err) || isGlueError(err)) engine.hdf5Errors += 1;
  else engine.poisoned = true;
}

/**
 * Short human summary of an HDF5 error stack: the innermost "major / minor" pair, e.g.
 * "File accessibility: File has been truncated". Falls back to the first line.
 */
export function summarizeHdf5Error(err: unknown): string {
  const text = err instanceof Error ? err.message : String(err);
  const majors = [...text.matchAll(/major:\s*(.+)/g)].map((m) => m[1]?.trim() ?? '');
  const minors = [...text.matchAll(/minor:\s*(.+)/g)].map((m) => m[1]?.trim() ?? '');
  const details = [...text.matchAll(/#\d+:.*? in (\w+)\(\): (.+)/g)].map((m) => m[2]?.trim() ?? '');
  if (minors.length > 0) {
    const major = majors[majors.length - 1] ?? '';
    const minor = minors[minors.length - 1] ?? '';
    const detail = details[details.length - 1];
    return `${major}: ${minor}${detail ? ` (${detail})` : ''}`;
  }
  if (err instanceof Error && err.constructor.name === 'RuntimeError') return `WebAssembly trap: ${text}`;
  return (text.split('\n')[0] ?? text).slice(0, 300);
}

/** A file name in the instance's in-memory file system that no other call uses. */
export function uniqueMemfsName(engine: CoreEngine, suffix: string): string {
  fileCounter += 1;
  return `/kerasts-${engine.generation}-${fileCounter}-${suffix}.h5`;
}

/** Remove a file from the in-memory file system, ignoring errors (used in `finally`). */
export function unlinkQuietly(engine: CoreEngine, name: string): void {
  try {
    engine.FS.unlink(name);
  } catch {
    /* already gone */
  }
}

/** For tests: how many instances have been created so far (the current one's generation). */
export function engineGeneration(): number {
  return current?.generation ?? generation;
}

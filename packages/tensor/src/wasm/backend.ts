/**
 * The WebAssembly SIMD backend: loading the kernels, the backend switch, and one linear memory shared
 * by every kernel call, managed as a stack (a call takes what it needs with {@link wasmAlloc} and gives
 * it back with {@link wasmRelease}).
 *
 * The kernels are compiled from AssemblyScript (scripts/asm/kernels.ts) by scripts/build-wasm.mjs into
 * `kernels-wasm.ts` (base64), so nothing is read from disk. Where WebAssembly SIMD is unavailable, or
 * when `setBackend('js')` is called (or `KERASTS_BACKEND=js` is set in the environment at load), every
 * kernel runs its pure-TypeScript path.
 */
import { KERNELS_WASM_BASE64 } from './kernels-wasm.js';

/** Which implementation the kernels use: WebAssembly SIMD or pure TypeScript. */
export type Backend = 'js' | 'wasm';

/** The little of the WebAssembly JS API used here (the package compiles without DOM or WebAssembly typings). */
interface WasmMemory {
  readonly buffer: ArrayBuffer;
  grow(pages: number): number;
}
interface WasmInstance {
  readonly exports: unknown;
}
interface WasmApi {
  validate(bytes: Uint8Array): boolean;
  Module: new (bytes: Uint8Array) => object;
  Instance: new (module: object, imports: object) => WasmInstance;
  instantiate(bytes: Uint8Array, imports: object): Promise<{ instance: WasmInstance }>;
}

/** The functions the WebAssembly module exports (pointers are byte addresses in its memory). */
export interface WasmKernels {
  readonly memory: WasmMemory;
  setScratch(p: number): void;
  packedBSize(k: number, n: number): number;
  packB(k: number, n: number, b: number, ldb: number, trans: number, dst: number): void;
  gemmPacked(m: number, n: number, k: number, a: number, lda: number, bp: number, c: number, ldc: number, accumulate: number, ap: number): void;
  gemmPackedAT(m: number, n: number, k: number, a: number, lda: number, bp: number, c: number, ldc: number, accumulate: number, ap: number): void;
  addColumnSums(rows: number, n: number, src: number, ld: number, dst: number): void;
  im2col(x: number, geo: number, channels: number, c0: number, cg: number, n0: number, n1: number, cols: number): void;
  maxPool(x: number, geo: number, c: number, batch: number, y: number, argmax: number): void;
  globalMaxPool(x: number, batch: number, positions: number, c: number, y: number): void;
  col2im(cols: number, geo: number, channels: number, c0: number, cg: number, n0: number, n1: number, x: number): void;
  reluBackward(x: number, dy: number, dx: number, n: number): void;
  convDirect(x: number, geo: number, cin: number, n0: number, n1: number, w: number, cout: number, bias: number, act: number, y: number, pool: number, xb: number, tmp: number): void;
  maxPoolBackward(dy: number, argmax: number, n: number, dx: number, nx: number): void;
  /** scripts/asm/winograd.ts */
  winogradConv(x: number, nb: number, geo: number, up: number, bias: number, act: number, y: number, zero: number, v: number, m: number, tb: number, ap: number, pool: number): void;
  winograd4Conv(x: number, nb: number, geo: number, up: number, bias: number, act: number, y: number, zero: number, v: number, m: number, tb: number, ap: number, pool: number, tmp: number): void;
  /** scripts/asm/token-conv1d.ts */
  tokenConv1d(
    table: number, slots: number, batch: number, steps: number, outSteps: number, taps: number, stride: number, dilation: number, pad: number,
    f: number, bias: number, relu: number, y: number, ptrs: number,
  ): void;
  adamStep(n: number, w: number, g: number, m: number, v: number, vh: number, alpha: number, c1: number, c2: number, eps: number): void;
  activate(code: number, p: number, n: number): void;
  lstmCell(batch: number, u: number, z: number, c: number, h: number, rec: number, act: number, out: number, outStride: number): void;
  lstmRun(batch: number, T: number, u: number, z: number, up: number, h: number, c: number, rec: number, act: number, out: number, seq: number, ap: number, h0Zero: number, keep: number, ofac: number, scratch: number): void;
  lstmTrainRun(
    batch: number, T: number, u: number, pre: number, gates: number, c: number, hIn: number, actC: number, h: number, up: number, mask: number, rec: number, act: number, ap: number, h0Zero: number,
    keep: number, ofac: number, out: number, scratch: number,
  ): void;
  allFinite(n: number, p: number): number;
  gruRun(
    batch: number, T: number, u: number, gx: number, up: number, uph: number, h: number, rb: number, resetAfter: number, rec: number, act: number,
    out: number, seq: number, ap: number, h0Zero: number, keep: number, ofac: number, scratch: number,
  ): void;
  gruTrainRun(
    batch: number, T: number, u: number, pre: number, gates: number, inner: number, hs: number, hIn: number, up: number, uph: number, rb: number,
    mask: number, resetAfter: number, rec: number, act: number, ap: number, h0Zero: number, keep: number, ofac: number, out: number, scratch: number,
  ): void;
  gruBackRun(
    batch: number, T: number, u: number, pre: number, gates: number, inner: number, hs: number, hIn: number, dOut: number, dh: number,
    dzx: number, dzh: number, utp: number, uhtp: number, mask: number, resetAfter: number, rec: number, act: number, ap: number,
    keep: number, ofac: number, scratch: number,
  ): void;
  rnnRun(batch: number, T: number, u: number, z: number, up: number, h: number, act: number, out: number, seq: number, ap: number, h0Zero: number, keep: number, ofac: number, scratch: number): void;
  rnnTrainRun(batch: number, T: number, u: number, pre: number, hs: number, hIn: number, up: number, mask: number, act: number, ap: number, h0Zero: number, keep: number, ofac: number, out: number): void;
  rnnBackRun(
    batch: number, T: number, u: number, pre: number, hs: number, dOut: number, dh: number, dz: number, utp: number, mask: number, act: number, ap: number,
    keep: number, ofac: number, scratch: number,
  ): void;
  lstmBackRun(
    batch: number, T: number, u: number, pre: number, gates: number, c: number, actC: number, dOut: number, dh: number, dc: number, dz: number, utp: number, mask: number, rec: number, act: number, ap: number,
    keep: number, ofac: number, scratch: number,
  ): void;
}

/**
 * Sizes from which the kernels use WebAssembly: below them the pure-TypeScript loops are faster
 * (copying in and out and packing cost more than they save). `gemm`: n·k, the work per row of C;
 * `lstm`: units²·timesteps, the recurrent work per sample. Neither depends on the number of rows, so
 * that a sample's result does not depend on the batch it is computed in (the WebAssembly kernels sum
 * every row in the same order however many rows there are). Mutable for tests and tuning.
 */
export const wasmThresholds = { gemm: 1024, lstm: 0 };

/** Byte address of the 128-byte tile the kernels use for partial stores. */
const TILE = 1024;
/** Byte address of the packed-A scratch of gemmPacked (MC×KC = 256×256 floats). */
export const APACK = 65536;
const APACK_BYTES = 256 * 256 * 4;
/** Where the allocation stack starts. */
const HEAP_BASE = APACK + APACK_BYTES;
const PAGE = 65536;

let requested: Backend = readEnvBackend();
let kernels: WasmKernels | null = null;
let loadState: 'idle' | 'loading' | 'ready' | 'failed' = 'idle';
let loadFailure: string | null = null;
let top = HEAP_BASE;
/**
 * End of the pinned region (packed weights kept between calls, see pack-cache.ts): blocks live in
 * [HEAP_BASE, pinnedEnd) and the stack starts at pinnedEnd.
 */
let pinnedEnd = HEAP_BASE;
/** Free holes of the pinned region, by address: `[address, bytes]`. */
const pinnedFree: [number, number][] = [];
let f32View: Float32Array | null = null;

function readEnvBackend(): Backend {
  const env = (globalThis as { process?: { env?: Record<string, string | undefined> } }).process?.env;
  return env?.KERASTS_BACKEND === 'js' ? 'js' : 'wasm';
}

/**
 * Chooses the backend for all kernels: `'wasm'` (the default; used where WebAssembly SIMD is available)
 * or `'js'` (pure TypeScript everywhere). Results agree within float32 rounding.
 */
export function setBackend(backend: Backend): void {
  if (backend !== 'js' && backend !== 'wasm') throw new TypeError(`setBackend: expected 'js' or 'wasm', got ${String(backend)}`);
  requested = backend;
}

/** The backend kernels actually use now: `'wasm'` only when requested and the module loaded. */
export function getBackend(): Backend {
  return wasmKernels() !== null ? 'wasm' : 'js';
}

/** Why the WebAssembly backend is not in use, or null when it is. */
export function wasmUnavailableReason(): string | null {
  if (requested === 'js') return "setBackend('js') or KERASTS_BACKEND=js";
  wasmKernels();
  return loadState === 'ready' ? null : (loadFailure ?? 'still loading');
}

/**
 * Resolves once the WebAssembly module has loaded (or failed to). In Node it loads synchronously on
 * first use; browsers refuse synchronous compilation of larger modules on the main thread, where this
 * lets a caller wait for the asynchronous load instead of running the first calls in pure TypeScript.
 */
export async function wasmReady(): Promise<Backend> {
  wasmKernels();
  while (loadState === 'loading') await new Promise((r) => setTimeout(r, 1));
  return getBackend();
}

/** The kernels, or null when the pure-TypeScript path must be used. */
export function wasmKernels(): WasmKernels | null {
  if (requested !== 'wasm') return null;
  if (loadState === 'idle') load();
  return kernels;
}

function load(): void {
  const WebAssembly = (globalThis as { WebAssembly?: WasmApi }).WebAssembly;
  if (typeof WebAssembly !== 'object' || typeof WebAssembly.Module !== 'function') {
    loadState = 'failed';
    loadFailure = 'WebAssembly is not available';
    return;
  }
  const bytes = decodeBase64(KERNELS_WASM_BASE64);
  if (!WebAssembly.validate(bytes)) {
    loadState = 'failed';
    loadFailure = 'WebAssembly SIMD is not supported by this engine';
    return;
  }
  try {
    const instance = new WebAssembly.Instance(new WebAssembly.Module(bytes), {});
    ready(instance);
  } catch (err) {
    // Browsers refuse synchronous compilation of modules over 4 KiB on the main thread: compile
    // asynchronously and use the pure-TypeScript path until then.
    loadState = 'loading';
    WebAssembly.instantiate(bytes, {}).then(
      (r) => ready(r.instance),
      (e: unknown) => {
        loadState = 'failed';
        loadFailure = `WebAssembly module failed to load: ${String(e ?? err)}`;
      },
    );
  }
}

function ready(instance: WasmInstance): void {
  const k = instance.exports as unknown as WasmKernels;
  const need = HEAP_BASE + PAGE;
  const have = k.memory.buffer.byteLength;
  if (have < need) k.memory.grow(Math.ceil((need - have) / PAGE));
  k.setScratch(TILE);
  kernels = k;
  loadState = 'ready';
}

function decodeBase64(s: string): Uint8Array {
  const table = new Uint8Array(128);
  const alphabet = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/';
  for (let i = 0; i < 64; i++) table[alphabet.charCodeAt(i)] = i;
  let len = s.length;
  while (len > 0 && s[len - 1] === '=') len--;
  const out = new Uint8Array((len * 3) >> 2);
  let o = 0;
  for (let i = 0; i < len; i += 4) {
    const a = table[s.charCodeAt(i)]!;
    const b = table[s.charCodeAt(i + 1)]!;
    const c = i + 2 < len ? table[s.charCodeAt(i + 2)]! : 0;
    const d = i + 3 < len ? table[s.charCodeAt(i + 3)]! : 0;
    const v = (a << 18) | (b << 12) | (c << 6) | d;
    if (o < out.length) out[o++] = (v >> 16) & 255;
    if (o < out.length) out[o++] = (v >> 8) & 255;
    if (o < out.length) out[o++] = v & 255;
  }
  return out;
}

/** The current allocation mark (give it to {@link wasmRelease} to free what was taken after it). */
export function wasmMark(): number {
  return top;
}

/** Frees everything allocated after `mark` (never the pinned blocks taken meanwhile). */
export function wasmRelease(mark: number): void {
  top = mark > pinnedEnd ? mark : pinnedEnd;
}

/**
 * Takes a block of `bytes` (a multiple of 16) that outlives the current call: from a hole of the
 * pinned region (first fit), else at the end of the region, which is only possible while the stack is
 * empty (nothing allocated after the region's end). Returns its byte address, or -1 when neither is
 * possible (the caller then uses the stack). May grow the memory (earlier views detach).
 */
export function wasmPin(k: WasmKernels, bytes: number): number {
  for (let i = 0; i < pinnedFree.length; i++) {
    const hole = pinnedFree[i]!;
    if (hole[1] < bytes) continue;
    const p = hole[0];
    if (hole[1] === bytes) pinnedFree.splice(i, 1);
    else {
      hole[0] += bytes;
      hole[1] -= bytes;
    }
    return p;
  }
  if (top !== pinnedEnd) return -1;
  const p = pinnedEnd;
  const end = p + bytes;
  const have = k.memory.buffer.byteLength;
  if (end > have) k.memory.grow(Math.ceil((end - have) / PAGE));
  pinnedEnd = end;
  top = end;
  return p;
}

/**
 * Gives back a block of {@link wasmPin}: it becomes a hole (merged with its neighbours); holes at the
 * end of the region give their room back to the stack when the stack is empty.
 */
export function wasmUnpin(p: number, bytes: number): void {
  let i = 0;
  while (i < pinnedFree.length && pinnedFree[i]![0] < p) i++;
  pinnedFree.splice(i, 0, [p, bytes]);
  // merge with the next hole, then with the previous one
  const next = pinnedFree[i + 1];
  if (next !== undefined && p + bytes === next[0]) {
    pinnedFree[i]![1] += next[1];
    pinnedFree.splice(i + 1, 1);
  }
  const prev = pinnedFree[i - 1];
  if (prev !== undefined && prev[0] + prev[1] === p) {
    prev[1] += pinnedFree[i]![1];
    pinnedFree.splice(i, 1);
  }
  const last = pinnedFree[pinnedFree.length - 1];
  if (last !== undefined && last[0] + last[1] === pinnedEnd && top === pinnedEnd) {
    pinnedFree.pop();
    pinnedEnd = last[0];
    top = pinnedEnd;
  }
}

/**
 * Takes `floats` float32 slots (16-byte aligned) from the stack and returns their byte address,
 * growing the memory when needed. Growing detaches earlier views: take every buffer a computation
 * needs before making views with {@link wasmF32}.
 */
export function wasmAlloc(k: WasmKernels, floats: number): number {
  const p = top;
  const end = p + ((floats * 4 + 15) & ~15);
  const have = k.memory.buffer.byteLength;
  if (end > have) k.memory.grow(Math.ceil((end - have) / PAGE));
  top = end;
  return p;
}

/** A Float32Array over the whole memory (re-made after the memory grew). */
export function wasmF32(k: WasmKernels): Float32Array {
  if (f32View === null || f32View.buffer !== k.memory.buffer) f32View = new Float32Array(k.memory.buffer);
  return f32View;
}

/** Copies `len` floats of `src` from `offset` into the memory at byte address `p`. */
export function wasmCopyIn(k: WasmKernels, p: number, src: Float32Array, offset: number, len: number): void {
  const mem = wasmF32(k);
  mem.set(offset === 0 && len === src.length ? src : src.subarray(offset, offset + len), p >> 2);
}

/** Whether `arr` lies in the kernels' memory (then its data need not be copied). */
export function inWasmMemory(k: WasmKernels, arr: Float32Array): boolean {
  return arr.buffer === k.memory.buffer;
}

/**
 * Single-precision matrix multiplication on row-major, contiguous `Float32Array`s.
 *
 * Where WebAssembly SIMD is available (see wasm/backend.ts) products with n·k ≥ 1024 run in the
 * WebAssembly kernels (packed panels, a 4×8 f32x4 micro-kernel, operands copied into the module's
 * memory unless they live there already), and large ones are shared by rows with helper threads
 * (wasm/threads.ts). Every row is summed in the same order however many rows are computed, so a row's
 * result does not depend on the batch it belongs to.
 *
 * The pure-TypeScript kernel (the fallback, and small products) walks i-k-j (the inner loop runs over
 * contiguous columns of B and C), blocks over k and j so that a panel of B stays in cache while every
 * row of A streams past it, and unrolls 4 rows of A by 4 steps of k so that each C element is loaded and
 * stored once per four multiply-adds and each B element loaded serves four rows (the four products are
 * summed in double precision before the store). With `transposeB` (B stored n×k) it computes dot
 * products of contiguous rows instead, a 2×4 tile of C at a time.
 */
import { ConfigError, ShapeMismatchError } from './errors.js';
import { Tensor } from './tensor.js';
import { readyHelpers, shareParts, type Helper } from './wasm/threads.js';
import { packedWeights } from './wasm/pack-cache.js';
import { APACK, inWasmMemory, wasmAlloc, wasmCopyIn, wasmF32, wasmKernels, wasmMark, wasmRelease, wasmThresholds, type WasmKernels } from './wasm/backend.js';

/** Options of {@link gemm}. */
export interface GemmOptions {
  /** Index of A[0,0] in `a` (default 0). */
  aOffset?: number;
  /** Index of B[0,0] in `b` (default 0). */
  bOffset?: number;
  /** Index of C[0,0] in `c` (default 0). */
  cOffset?: number;
  /** Add the product to what C holds instead of overwriting it (default false). */
  accumulate?: boolean;
  /** B is stored as n×k (i.e. compute A·Bᵀ of the stored matrix) (default false). */
  transposeB?: boolean;
  /**
   * A is stored as k×m (i.e. compute Aᵀ·B of the stored matrix, e.g. the weight gradient xᵀ·dz)
   * (default false). The WebAssembly kernel packs A from its stored transpose; elsewhere a transposed
   * copy is made first (O(m·k), against O(m·n·k) for the product).
   */
  transposeA?: boolean;
  /**
   * B is a long-lived weight whose in-place changes are announced with `markWeightsChanged` (as
   * layers' weights are): its packed panels may be kept between calls (see `packCacheStats`) instead
   * of being packed on every call (default false).
   */
  cacheB?: boolean;
}

/** Columns of B/C per block: 256 floats = 1 KiB per row segment. */
const NB = 256;
/** Rows of B (steps of k) per block: a 128×256 panel of B is 128 KiB and stays in L2. */
const KB = 128;

/** Multiply-adds from which a product with a transposed A runs in WebAssembly whatever n·k. */
const TRANSPOSE_A_WASM_MIN_WORK = 65536;

/**
 * `C[m×n] = (accumulate ? C : 0) + A[m×k] · B[k×n]`, all row-major and contiguous.
 *
 * With `transposeB`, B is stored n×k (row j of the stored B is column j of the B used).
 * Offsets say where each matrix starts in its array; C must not overlap A or B.
 *
 * @throws {ConfigError} if a dimension or offset is not a non-negative integer.
 * @throws {ShapeMismatchError} if an array is too short for its matrix.
 */
export function gemm(
  m: number,
  n: number,
  k: number,
  a: Float32Array,
  b: Float32Array,
  c: Float32Array,
  options?: GemmOptions,
): void {
  const aOff = options?.aOffset ?? 0;
  const bOff = options?.bOffset ?? 0;
  const cOff = options?.cOffset ?? 0;
  const accumulate = options?.accumulate ?? false;
  const transposeB = options?.transposeB ?? false;
  const transposeA = options?.transposeA ?? false;
  const cacheB = options?.cacheB ?? false;
  checkDim('m', m);
  checkDim('n', n);
  checkDim('k', k);
  checkDim('aOffset', aOff);
  checkDim('bOffset', bOff);
  checkDim('cOffset', cOff);
  checkLength('A', a, aOff, transposeA ? k : m, transposeA ? m : k);
  checkLength('B', b, bOff, transposeB ? n : k, transposeB ? k : n);
  checkLength('C', c, cOff, m, n);
  if (m === 0 || n === 0) return;
  if (transposeA) {
    // Aᵀ·B is a weight gradient (inputsᵀ · ∂L/∂outputs): k is the batch, m a weight dimension, so the
    // total work may choose the path too (a Dense(10) over 1600 inputs: n·k = 640 per row, but 1M
    // multiply-adds, which the TypeScript loops took 1 ms or more for, after transposing A). A row's
    // numbers still do not depend on how many rows there are.
    const kern = k > 0 && (n * k >= wasmThresholds.gemm || m * n * k >= TRANSPOSE_A_WASM_MIN_WORK) ? wasmKernels() : null;
    // One thread: the WebAssembly kernel packs A straight from its stored transpose (the same packed
    // panels, so the same numbers, as packing a transposed copy). Shared rows need the copy.
    if (kern !== null && !(m >= PARALLEL_MIN_ROWS && m * n * k >= PARALLEL_MIN_WORK && !inWasmMemory(kern, c) && readyHelpers().length > 0)) {
      gemmWasm(kern, m, n, k, a, aOff, b, bOff, c, cOff, accumulate, transposeB, cacheB, true);
      return;
    }
    gemm(m, n, k, transposed(a, aOff, k, m), b, c, { bOffset: bOff, cOffset: cOff, accumulate, transposeB, cacheB });
    return;
  }
  if (k > 0 && n * k >= wasmThresholds.gemm) {
    const kern = wasmKernels();
    if (kern !== null) {
      if (m >= PARALLEL_MIN_ROWS && m * n * k >= PARALLEL_MIN_WORK && !inWasmMemory(kern, c)) {
        const helpers = readyHelpers();
        if (helpers.length > 0) {
          gemmParallel(kern, helpers, m, n, k, a, aOff, b, bOff, c, cOff, accumulate, transposeB, cacheB);
          return;
        }
      }
      gemmWasm(kern, m, n, k, a, aOff, b, bOff, c, cOff, accumulate, transposeB, cacheB);
      return;
    }
  }
  if (transposeB) {
    gemmNT(m, n, k, a, aOff, b, bOff, c, cOff, accumulate);
    return;
  }
  if (!accumulate) c.fill(0, cOff, cOff + m * n);
  if (k === 0) return;
  gemmNN(m, n, k, a, aOff, b, bOff, c, cOff);
}

/**
 * The WebAssembly SIMD path: A, B (and C when accumulating) are copied into the kernels' memory unless
 * they already live there, B is packed into 8-column panels (or its kept panels are used, `cacheB`),
 * and C is copied back.
 */
function gemmWasm(
  kern: WasmKernels,
  m: number,
  n: number,
  k: number,
  a: Float32Array,
  aOff: number,
  b: Float32Array,
  bOff: number,
  c: Float32Array,
  cOff: number,
  accumulate: boolean,
  transposeB: boolean,
  cacheB = false,
  transposeA = false,
): void {
  const mark = wasmMark();
  const aIn = inWasmMemory(kern, a);
  const bIn = inWasmMemory(kern, b);
  const cIn = inWasmMemory(kern, c);
  // Kept panels first (they join the pinned region only while nothing else is allocated), then all
  // other memory: growing it would detach views made before.
  const kept = cacheB && !bIn ? packedWeights(kern, b, k, n, bOff, transposeB ? k : n, transposeB) : null;
  const pa = aIn ? a.byteOffset + 4 * aOff : wasmAlloc(kern, m * k);
  const pb = bIn || kept !== null ? b.byteOffset + 4 * bOff : wasmAlloc(kern, k * n);
  const pc = cIn ? c.byteOffset + 4 * cOff : wasmAlloc(kern, m * n);
  const pbp = kept !== null ? kept.p : wasmAlloc(kern, kern.packedBSize(k, n));
  if (!aIn) wasmCopyIn(kern, pa, a, aOff, m * k);
  if (!bIn && kept === null) wasmCopyIn(kern, pb, b, bOff, k * n);
  if (!cIn && accumulate) wasmCopyIn(kern, pc, c, cOff, m * n);
  if (kept === null) kern.packB(k, n, pb, transposeB ? k : n, transposeB ? 1 : 0, pbp);
  if (transposeA) kern.gemmPackedAT(m, n, k, pa, m, pbp, pc, n, accumulate ? 1 : 0, APACK);
  else kern.gemmPacked(m, n, k, pa, k, pbp, pc, n, accumulate ? 1 : 0, APACK);
  if (!cIn) c.set(wasmF32(kern).subarray(pc >> 2, (pc >> 2) + m * n), cOff);
  wasmRelease(mark);
}

/** Multiply-adds from which a product is shared with helper threads (A and B are copied to each). */
const PARALLEL_MIN_WORK = 32_000_000;
/** Rows of A from which a product is split (each row reuses all of B). */
const PARALLEL_MIN_ROWS = 32;

/** Rows per part when a product is shared between threads (parts are claimed dynamically). */
function rowBounds(m: number, threads: number): number[] {
  const parts = Math.min(m, 2 * threads);
  const bounds: number[] = [];
  for (let p = 0; p <= parts; p++) bounds.push(Math.round((p * m) / parts));
  return bounds;
}

/** A product shared with helper threads: copies of A's rows, of B and (accumulating) of C's rows. Internal. */
export interface GemmJob {
  kind: 'gemm';
  n: number;
  k: number;
  a: Float32Array;
  b: Float32Array;
  c: Float32Array | null;
  transposeB: boolean;
  bounds: number[];
}

/** Part i of a shared product (in a helper thread): its rows of C. Internal. */
export function runGemmPart(job: GemmJob, i: number): Float32Array {
  const r0 = job.bounds[i]!, r1 = job.bounds[i + 1]!;
  const c = job.c === null ? new Float32Array((r1 - r0) * job.n) : job.c.slice(r0 * job.n, r1 * job.n);
  gemm(r1 - r0, job.n, job.k, job.a, job.b, c, { aOffset: r0 * job.k, accumulate: job.c !== null, transposeB: job.transposeB });
  return c;
}

/**
 * Shares the rows of C between the calling thread and the helpers, in parts claimed dynamically
 * (threads.ts shareParts). A row is computed exactly as on one thread.
 */
function gemmParallel(
  kern: WasmKernels,
  helpers: Helper[],
  m: number,
  n: number,
  k: number,
  a: Float32Array,
  aOff: number,
  b: Float32Array,
  bOff: number,
  c: Float32Array,
  cOff: number,
  accumulate: boolean,
  transposeB: boolean,
  cacheB: boolean,
): void {
  const bounds = rowBounds(m, helpers.length + 1);
  const job: GemmJob = {
    kind: 'gemm', n, k, transposeB, bounds,
    a: a.slice(aOff, aOff + m * k),
    b: b.slice(bOff, bOff + k * n),
    c: accumulate ? c.slice(cOff, cOff + m * n) : null,
  };
  const transfer: ArrayBufferLike[] = [job.a.buffer, job.b.buffer];
  if (job.c !== null) transfer.push(job.c.buffer);
  shareParts<{ part: number; c: Float32Array }>(
    helpers,
    bounds.length - 1,
    job as unknown as Record<string, unknown>,
    transfer,
    (i) => {
      const r0 = bounds[i]!, r1 = bounds[i + 1]!;
      // (this thread's parts use kept panels; helpers pack their copy)
      gemmWasm(kern, r1 - r0, n, k, a, aOff + r0 * k, b, bOff, c, cOff + r0 * n, accumulate, transposeB, cacheB);
    },
    (r) => c.set(r.c, cOff + bounds[r.part]! * n),
  );
}

/** The `cols × rows` transpose of the `rows × cols` matrix at `off` in `a` (a new array), in cache-sized tiles. */
function transposed(a: Float32Array, off: number, rows: number, cols: number): Float32Array {
  const t = new Float32Array(rows * cols);
  const TB = 32;
  for (let r0 = 0; r0 < rows; r0 += TB) {
    const r1 = r0 + TB < rows ? r0 + TB : rows;
    for (let c0 = 0; c0 < cols; c0 += TB) {
      const c1 = c0 + TB < cols ? c0 + TB : cols;
      for (let r = r0; r < r1; r++) {
        const src = off + r * cols;
        for (let c = c0; c < c1; c++) t[c * rows + r] = a[src + c]!;
      }
    }
  }
  return t;
}

function checkDim(name: string, v: number): void {
  if (!Number.isInteger(v) || v < 0) throw new ConfigError(`gemm: ${name} must be a non-negative integer, got ${v}`);
}

function checkLength(name: string, arr: Float32Array, off: number, rows: number, cols: number): void {
  if (off + rows * cols > arr.length) {
    throw new ShapeMismatchError(
      `gemm: ${name} needs ${rows * cols} values from offset ${off} but its array has ${arr.length}`,
      [rows, cols],
      [Math.max(0, arr.length - off)],
    );
  }
}

/** C += A·B (C already initialised): blocks of NB columns × KB steps of k, rows of A in groups of 4, 2, 1. */
function gemmNN(
  m: number,
  n: number,
  k: number,
  a: Float32Array,
  aOff: number,
  b: Float32Array,
  bOff: number,
  c: Float32Array,
  cOff: number,
): void {
  for (let j0 = 0; j0 < n; j0 += NB) {
    const j1 = j0 + NB < n ? j0 + NB : n;
    for (let k0 = 0; k0 < k; k0 += KB) {
      const k1 = k0 + KB < k ? k0 + KB : k;
      let i = 0;
      for (; i + 3 < m; i += 4) rows4(n, k, a, aOff + i * k, b, bOff, c, cOff + i * n, j0, j1, k0, k1);
      if (i + 1 < m) {
        rows2(n, k, a, aOff + i * k, b, bOff, c, cOff + i * n, j0, j1, k0, k1);
        i += 2;
      }
      if (i < m) rows1(n, a, aOff + i * k, b, bOff, c, cOff + i * n, j0, j1, k0, k1);
    }
  }
}

/** Four rows of C (starting at c0) += four rows of A (starting at a0) · B, over the block j0..j1 × k0..k1. */
function rows4(
  n: number,
  k: number,
  a: Float32Array,
  a0: number,
  b: Float32Array,
  bOff: number,
  c: Float32Array,
  c0: number,
  j0: number,
  j1: number,
  k0: number,
  k1: number,
): void {
  const a1 = a0 + k, a2 = a1 + k, a3 = a2 + k;
  const c1 = c0 + n, c2 = c1 + n, c3 = c2 + n;
  let p = k0;
  for (; p + 3 < k1; p += 4) {
    const x00 = a[a0 + p]!, x01 = a[a0 + p + 1]!, x02 = a[a0 + p + 2]!, x03 = a[a0 + p + 3]!;
    const x10 = a[a1 + p]!, x11 = a[a1 + p + 1]!, x12 = a[a1 + p + 2]!, x13 = a[a1 + p + 3]!;
    const x20 = a[a2 + p]!, x21 = a[a2 + p + 1]!, x22 = a[a2 + p + 2]!, x23 = a[a2 + p + 3]!;
    const x30 = a[a3 + p]!, x31 = a[a3 + p + 1]!, x32 = a[a3 + p + 2]!, x33 = a[a3 + p + 3]!;
    const b0 = bOff + p * n, b1 = b0 + n, b2 = b1 + n, b3 = b2 + n;
    for (let j = j0; j < j1; j++) {
      const y0 = b[b0 + j]!, y1 = b[b1 + j]!, y2 = b[b2 + j]!, y3 = b[b3 + j]!;
      c[c0 + j] = c[c0 + j]! + (x00 * y0 + x01 * y1 + x02 * y2 + x03 * y3);
      c[c1 + j] = c[c1 + j]! + (x10 * y0 + x11 * y1 + x12 * y2 + x13 * y3);
      c[c2 + j] = c[c2 + j]! + (x20 * y0 + x21 * y1 + x22 * y2 + x23 * y3);
      c[c3 + j] = c[c3 + j]! + (x30 * y0 + x31 * y1 + x32 * y2 + x33 * y3);
    }
  }
  for (; p < k1; p++) {
    const x0 = a[a0 + p]!, x1 = a[a1 + p]!, x2 = a[a2 + p]!, x3 = a[a3 + p]!;
    const bp = bOff + p * n;
    for (let j = j0; j < j1; j++) {
      const y = b[bp + j]!;
      c[c0 + j] = c[c0 + j]! + x0 * y;
      c[c1 + j] = c[c1 + j]! + x1 * y;
      c[c2 + j] = c[c2 + j]! + x2 * y;
      c[c3 + j] = c[c3 + j]! + x3 * y;
    }
  }
}

/** Two rows of C += two rows of A · B over one block. */
function rows2(
  n: number,
  k: number,
  a: Float32Array,
  a0: number,
  b: Float32Array,
  bOff: number,
  c: Float32Array,
  c0: number,
  j0: number,
  j1: number,
  k0: number,
  k1: number,
): void {
  const a1 = a0 + k;
  const c1 = c0 + n;
  let p = k0;
  for (; p + 3 < k1; p += 4) {
    const x00 = a[a0 + p]!, x01 = a[a0 + p + 1]!, x02 = a[a0 + p + 2]!, x03 = a[a0 + p + 3]!;
    const x10 = a[a1 + p]!, x11 = a[a1 + p + 1]!, x12 = a[a1 + p + 2]!, x13 = a[a1 + p + 3]!;
    const b0 = bOff + p * n, b1 = b0 + n, b2 = b1 + n, b3 = b2 + n;
    for (let j = j0; j < j1; j++) {
      const y0 = b[b0 + j]!, y1 = b[b1 + j]!, y2 = b[b2 + j]!, y3 = b[b3 + j]!;
      c[c0 + j] = c[c0 + j]! + (x00 * y0 + x01 * y1 + x02 * y2 + x03 * y3);
      c[c1 + j] = c[c1 + j]! + (x10 * y0 + x11 * y1 + x12 * y2 + x13 * y3);
    }
  }
  for (; p < k1; p++) {
    const x0 = a[a0 + p]!, x1 = a[a1 + p]!;
    const bp = bOff + p * n;
    for (let j = j0; j < j1; j++) {
      const y = b[bp + j]!;
      c[c0 + j] = c[c0 + j]! + x0 * y;
      c[c1 + j] = c[c1 + j]! + x1 * y;
    }
  }
}

/** One row of C += one row of A · B over one block (k unrolled by 8: one load/store of C per 8 products). */
function rows1(
  n: number,
  a: Float32Array,
  a0: number,
  b: Float32Array,
  bOff: number,
  c: Float32Array,
  c0: number,
  j0: number,
  j1: number,
  k0: number,
  k1: number,
): void {
  let p = k0;
  for (; p + 7 < k1; p += 8) {
    const x0 = a[a0 + p]!, x1 = a[a0 + p + 1]!, x2 = a[a0 + p + 2]!, x3 = a[a0 + p + 3]!;
    const x4 = a[a0 + p + 4]!, x5 = a[a0 + p + 5]!, x6 = a[a0 + p + 6]!, x7 = a[a0 + p + 7]!;
    const b0 = bOff + p * n, b1 = b0 + n, b2 = b1 + n, b3 = b2 + n;
    const b4 = b3 + n, b5 = b4 + n, b6 = b5 + n, b7 = b6 + n;
    for (let j = j0; j < j1; j++) {
      c[c0 + j] =
        c[c0 + j]! +
        (x0 * b[b0 + j]! + x1 * b[b1 + j]! + x2 * b[b2 + j]! + x3 * b[b3 + j]! +
          (x4 * b[b4 + j]! + x5 * b[b5 + j]! + x6 * b[b6 + j]! + x7 * b[b7 + j]!));
    }
  }
  for (; p + 3 < k1; p += 4) {
    const x0 = a[a0 + p]!, x1 = a[a0 + p + 1]!, x2 = a[a0 + p + 2]!, x3 = a[a0 + p + 3]!;
    const b0 = bOff + p * n, b1 = b0 + n, b2 = b1 + n, b3 = b2 + n;
    for (let j = j0; j < j1; j++) {
      c[c0 + j] = c[c0 + j]! + (x0 * b[b0 + j]! + x1 * b[b1 + j]! + x2 * b[b2 + j]! + x3 * b[b3 + j]!);
    }
  }
  for (; p < k1; p++) {
    const x = a[a0 + p]!;
    const bp = bOff + p * n;
    for (let j = j0; j < j1; j++) c[c0 + j] = c[c0 + j]! + x * b[bp + j]!;
  }
}

/**
 * C = (accumulate ? C : 0) + A·Bᵀ with B stored n×k: dot products of contiguous rows, a 2×4 tile of C
 * at a time (8 running sums in double precision, 6 loads per 8 multiply-adds). Columns of C are taken in
 * blocks whose rows of B fit in about 128 KiB, so a block stays in cache while all rows of A pass.
 */
function gemmNT(
  m: number,
  n: number,
  k: number,
  a: Float32Array,
  aOff: number,
  b: Float32Array,
  bOff: number,
  c: Float32Array,
  cOff: number,
  accumulate: boolean,
): void {
  const jb = Math.max(4, Math.floor(32768 / Math.max(k, 1)) & ~3);
  for (let j0 = 0; j0 < n; j0 += jb) {
    const j1 = j0 + jb < n ? j0 + jb : n;
    let i = 0;
    for (; i + 1 < m; i += 2) ntRows2(k, n, a, aOff + i * k, b, bOff, c, cOff + i * n, j0, j1, accumulate);
    if (i < m) ntRow1(k, a, aOff + i * k, b, bOff, c, cOff + i * n, j0, j1, accumulate);
  }
}

/** Two rows of C (from c0, row stride n), columns j0..j1, of A·Bᵀ. */
function ntRows2(
  k: number,
  n: number,
  a: Float32Array,
  ai: number,
  b: Float32Array,
  bOff: number,
  c: Float32Array,
  ci: number,
  j0: number,
  j1: number,
  accumulate: boolean,
): void {
  const ai1 = ai + k;
  const ci1 = ci + n;
  let j = j0;
  for (; j + 3 < j1; j += 4) {
    const b0 = bOff + j * k, b1 = b0 + k, b2 = b1 + k, b3 = b2 + k;
    let s0 = 0, s1 = 0, s2 = 0, s3 = 0, t0 = 0, t1 = 0, t2 = 0, t3 = 0;
    for (let p = 0; p < k; p++) {
      const x = a[ai + p]!, w = a[ai1 + p]!;
      const y0 = b[b0 + p]!, y1 = b[b1 + p]!, y2 = b[b2 + p]!, y3 = b[b3 + p]!;
      s0 += x * y0;
      s1 += x * y1;
      s2 += x * y2;
      s3 += x * y3;
      t0 += w * y0;
      t1 += w * y1;
      t2 += w * y2;
      t3 += w * y3;
    }
    if (accumulate) {
      s0 += c[ci + j]!;
      s1 += c[ci + j + 1]!;
      s2 += c[ci + j + 2]!;
      s3 += c[ci + j + 3]!;
      t0 += c[ci1 + j]!;
      t1 += c[ci1 + j + 1]!;
      t2 += c[ci1 + j + 2]!;
      t3 += c[ci1 + j + 3]!;
    }
    c[ci + j] = s0;
    c[ci + j + 1] = s1;
    c[ci + j + 2] = s2;
    c[ci + j + 3] = s3;
    c[ci1 + j] = t0;
    c[ci1 + j + 1] = t1;
    c[ci1 + j + 2] = t2;
    c[ci1 + j + 3] = t3;
  }
  for (; j < j1; j++) {
    const bj = bOff + j * k;
    let s = 0, t = 0;
    for (let p = 0; p < k; p++) {
      const y = b[bj + p]!;
      s += a[ai + p]! * y;
      t += a[ai1 + p]! * y;
    }
    c[ci + j] = accumulate ? c[ci + j]! + s : s;
    c[ci1 + j] = accumulate ? c[ci1 + j]! + t : t;
  }
}

/** One row of C, columns j0..j1, of A·Bᵀ. */
function ntRow1(
  k: number,
  a: Float32Array,
  ai: number,
  b: Float32Array,
  bOff: number,
  c: Float32Array,
  ci: number,
  j0: number,
  j1: number,
  accumulate: boolean,
): void {
  let j = j0;
  for (; j + 3 < j1; j += 4) {
    const b0 = bOff + j * k, b1 = b0 + k, b2 = b1 + k, b3 = b2 + k;
    let s0 = 0, s1 = 0, s2 = 0, s3 = 0;
    for (let p = 0; p < k; p++) {
      const x = a[ai + p]!;
      s0 += x * b[b0 + p]!;
      s1 += x * b[b1 + p]!;
      s2 += x * b[b2 + p]!;
      s3 += x * b[b3 + p]!;
    }
    if (accumulate) {
      s0 += c[ci + j]!;
      s1 += c[ci + j + 1]!;
      s2 += c[ci + j + 2]!;
      s3 += c[ci + j + 3]!;
    }
    c[ci + j] = s0;
    c[ci + j + 1] = s1;
    c[ci + j + 2] = s2;
    c[ci + j + 3] = s3;
  }
  for (; j < j1; j++) {
    const bj = bOff + j * k;
    let s = 0;
    for (let p = 0; p < k; p++) s += a[ai + p]! * b[bj + p]!;
    c[ci + j] = accumulate ? c[ci + j]! + s : s;
  }
}

/**
 * Matrix product of two rank-2 tensors, `[m, k] · [k, n] -> [m, n]` (a new tensor).
 *
 * @throws {ShapeMismatchError} if the operands are not rank 2 or their inner dimensions differ.
 */
export function matmul(a: Tensor, b: Tensor, options?: { transposeB?: boolean }): Tensor {
  const transposeB = options?.transposeB ?? false;
  if (a.rank !== 2) throw new ShapeMismatchError('matmul: the first operand must be rank 2', [null, null], a.shape);
  if (b.rank !== 2) throw new ShapeMismatchError('matmul: the second operand must be rank 2', [null, null], b.shape);
  const m = a.shape[0]!;
  const k = a.shape[1]!;
  const n = transposeB ? b.shape[0]! : b.shape[1]!;
  const kb = transposeB ? b.shape[1]! : b.shape[0]!;
  if (kb !== k) {
    throw new ShapeMismatchError(
      'matmul: inner dimensions differ',
      transposeB ? [null, k] : [k, null],
      b.shape,
    );
  }
  const out = new Float32Array(m * n);
  gemm(m, n, k, a.data, b.data, out, { transposeB });
  return new Tensor(out, [m, n]);
}

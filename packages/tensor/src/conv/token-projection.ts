/**
 * Per-token projections of an embedding table through a 1-D convolution kernel, computed lazily and
 * kept between calls.
 *
 * A convolution over embedded tokens only ever multiplies embedding rows by kernel taps, so its output
 * at step t is `bias + Σ_k P[token at the k-th window position][k]` with `P[v][k] = E[v] · W_k` (a
 * `kernelSize × filters` block per vocabulary entry). Rows of P are made the first time their token is
 * seen — the batch's new tokens' embedding rows gathered, one GEMM against the kernel read as
 * `inDim × (kernelSize·filters)`, written into the next free rows — so a one-off call pays only for the
 * tokens it holds and later calls mostly gather. A row is computed alone (GEMM rows do not depend on
 * the other rows of the product), so it is the same whichever batch first needed it.
 *
 * **Invalidation**: a table remembers the weight versions (`markWeightsChanged`) of the embeddings and
 * the kernel it was made from; when either changed, its rows are forgotten and made again as needed.
 * Replacing a weight's array (`releasePackedWeights`) or `clearPackCache` frees the tables of those
 * arrays / all tables, as does garbage collection of either array.
 *
 * **Memory**: a table takes `vocab × kernelSize × filters × 4` bytes (plus the slot map and a
 * permuted copy of the kernel). With WebAssembly its rows live in the kernels' memory (pinned, as the
 * pack cache's panels: the GEMM writes them in place and the gather-add reads them there; a freed
 * table leaves a hole that later pinned blocks reuse, WebAssembly memory never shrinks), else in a
 * JavaScript array. All tables together are capped by {@link setTokenProjectionLimit}
 * (default 64 MiB: the Embedding(20000, 128) → Conv1D(128, 5) of a typical text CNN fits, a 50 000-word
 * vocabulary with 256 filters does not); a table that would pass the cap is not made and the caller
 * computes the convolution the ordinary way.
 */
import { ConfigError } from '../errors.js';
import { gemm } from '../gemm.js';
import { APACK, wasmAlloc, wasmF32, wasmKernels, wasmMark, wasmPin, wasmRelease, wasmUnpin, type WasmKernels } from '../wasm/backend.js';
import { onWeightCacheRelease, weightVersion } from '../wasm/pack-cache.js';

/**
 * The computed rows of one (embeddings, kernel) pair: `kernelSize × filters` values per computed row,
 * tap-major (row `s` holds `P[v][k][f]` at `s·K·F + k·F + f`), either in the WebAssembly kernels'
 * memory ({@link address}) or in {@link rows}.
 */
export interface TokenProjection {
  /** Row of each vocabulary entry, or -1 while not computed (the "computed" map). */
  readonly slots: Int32Array;
  /** Byte address of row 0 in the kernels' memory, or -1 when the rows are in {@link rows}. */
  readonly address: number;
  /** The rows, when they live in JavaScript memory (else null). */
  readonly rows: Float32Array | null;
}

interface Entry extends TokenProjection {
  readonly key: string;
  readonly vocab: number;
  readonly inDim: number;
  readonly taps: number;
  readonly filters: number;
  readonly bytes: number;
  /** Pinned bytes at {@link address} (0 for a JavaScript table). */
  readonly pinned: number;
  /** The kernel as `inDim × (taps·filters)`: `wPerm[c·K·F + k·F + f] = kernel[k·inDim·F + c·F + f]`. */
  readonly wPerm: Float32Array;
  eVersion: number;
  wVersion: number;
  /** Rows used so far. */
  used: number;
}

const DEFAULT_LIMIT = 64 * 1024 * 1024;
let limitBytes = DEFAULT_LIMIT;
let liveBytes = 0;
let rowsComputed = 0;
/** Live tables by `${embeddingsId},${kernelId}`; a table holds no reference to its arrays. */
const tables = new Map<string, Entry>();
/** A small id per array (WeakMap: an id does not keep its array alive). */
const ids = new WeakMap<Float32Array, number>();
let nextId = 1;

interface FinalizationRegistryLike<T> {
  register(target: object, held: T): void;
}
declare const FinalizationRegistry: (new <T>(cleanup: (held: T) => void) => FinalizationRegistryLike<T>) | undefined;
/** Frees the tables of an array that was garbage-collected. */
const registry: FinalizationRegistryLike<number> | null = typeof FinalizationRegistry === 'function' ? new FinalizationRegistry<number>((id) => freeArrayTables(id)) : null;

function idOf(a: Float32Array): number {
  let id = ids.get(a);
  if (id === undefined) {
    id = nextId++;
    ids.set(a, id);
    registry?.register(a, id);
  }
  return id;
}

function free(e: Entry): void {
  if (tables.get(e.key) !== e) return;
  tables.delete(e.key);
  liveBytes -= e.bytes;
  if (e.address >= 0) wasmUnpin(e.address, e.pinned);
}

function freeArrayTables(id: number): void {
  for (const e of [...tables.values()]) {
    const [a, b] = e.key.split(',');
    if (Number(a) === id || Number(b) === id) free(e);
  }
}

// The pack cache's clear and release also drop these tables (they are derived from weights too).
onWeightCacheRelease({
  clear: () => {
    for (const e of [...tables.values()]) free(e);
  },
  release: (a) => {
    const id = ids.get(a);
    if (id !== undefined) freeArrayTables(id);
  },
});

/**
 * Caps the memory all token-projection tables may take together (bytes, default 64 MiB). A new table
 * that would pass it first drops the least recently used tables; a table larger than the cap alone is
 * not made (the convolution then runs as usual). 0 turns the projection off. Lowering it does not free
 * tables already made: call `clearPackCache` for that.
 *
 * @throws {RangeError} if `bytes` is negative or not a number.
 */
export function setTokenProjectionLimit(bytes: number): void {
  if (!(bytes >= 0)) throw new RangeError(`setTokenProjectionLimit: expected a non-negative number of bytes, got ${bytes}`);
  limitBytes = bytes;
}

/** What the token-projection tables hold now. */
export interface TokenProjectionStats {
  /** Live tables. */
  readonly tables: number;
  /** Bytes they take. */
  readonly bytes: number;
  readonly limitBytes: number;
  /** Rows (one per token and table) computed since the process started. */
  readonly rowsComputed: number;
}

/** The tables' current size and how many rows were computed so far (for tests and tuning). */
export function tokenProjectionStats(): TokenProjectionStats {
  return { tables: tables.size, bytes: liveBytes, limitBytes, rowsComputed };
}

/** Bytes of a table for these sizes (rows, slot map and permuted kernel). */
export function tokenProjectionBytes(vocab: number, inDim: number, taps: number, filters: number): number {
  return 4 * (vocab * taps * filters + vocab + inDim * taps * filters);
}

function permuteKernel(kernel: Float32Array, out: Float32Array, inDim: number, taps: number, filters: number): void {
  const kf = taps * filters;
  for (let k = 0; k < taps; k++) {
    for (let c = 0; c < inDim; c++) {
      const src = (k * inDim + c) * filters;
      out.set(kernel.subarray(src, src + filters), c * kf + k * filters);
    }
  }
}

function checkSizes(embeddings: Float32Array, vocab: number, inDim: number, kernel: Float32Array, taps: number, filters: number): void {
  for (const [k, v] of [['vocab', vocab], ['inDim', inDim], ['kernelSize', taps], ['filters', filters]] as const) {
    if (!Number.isInteger(v) || v < 1) throw new ConfigError(`tokenProjection: ${k} must be a positive integer, got ${v}`);
  }
  if (embeddings.length !== vocab * inDim) throw new ConfigError(`tokenProjection: embeddings have ${embeddings.length} values, expected ${vocab} × ${inDim}`);
  if (kernel.length !== taps * inDim * filters) throw new ConfigError(`tokenProjection: kernel has ${kernel.length} values, expected ${taps} × ${inDim} × ${filters}`);
}

/**
 * The projection table of `embeddings` (`vocab × inDim`) through `kernel` (`taps × inDim × filters`,
 * Keras' Conv1D layout), with a row for every index in `indices` (each in `[0, vocab)`: the caller has
 * checked them, e.g. with `embeddingIndices`). Returns null when the table alone would pass the memory cap (older tables are dropped, least recently used first, to make room).
 * Both arrays must be long-lived weights whose in-place changes are announced with
 * `markWeightsChanged` (as layers' weights are).
 *
 * @throws {ConfigError} if a size is not a positive integer or an array does not match it.
 */
export function tokenProjection(
  embeddings: Float32Array,
  vocab: number,
  inDim: number,
  kernel: Float32Array,
  taps: number,
  filters: number,
  indices: Int32Array,
): TokenProjection | null {
  checkSizes(embeddings, vocab, inDim, kernel, taps, filters);
  const key = `${idOf(embeddings)},${idOf(kernel)}`;
  const eVersion = weightVersion(embeddings);
  const wVersion = weightVersion(kernel);
  let e = tables.get(key);
  // (sizes changed, or rows in the kernels' memory while the backend was switched to TypeScript)
  if (e !== undefined && (e.vocab !== vocab || e.inDim !== inDim || e.taps !== taps || e.filters !== filters || (e.address >= 0 && wasmKernels() === null))) {
    free(e);
    e = undefined;
  }
  if (e === undefined) {
    const bytes = tokenProjectionBytes(vocab, inDim, taps, filters);
    if (bytes > limitBytes) return null;
    // Room is made by dropping the least recently used tables (the Map's order: each use moves its
    // table to the end). Safe: a table is used only within the call that returned it.
    for (const old of [...tables.values()]) {
      if (liveBytes + bytes <= limitBytes) break;
      free(old);
    }
    const kf = taps * filters;
    // rows in the kernels' memory when it can pin them (nothing else allocated: the start of a call)
    const kern = wasmKernels();
    const pinned = kern !== null ? (vocab * kf * 4 + 15) & ~15 : 0;
    const address = kern !== null ? wasmPin(kern, pinned) : -1;
    e = {
      key, vocab, inDim, taps, filters, bytes, address,
      pinned: address >= 0 ? pinned : 0,
      rows: address >= 0 ? null : new Float32Array(vocab * kf),
      slots: new Int32Array(vocab).fill(-1),
      wPerm: new Float32Array(inDim * kf),
      eVersion, wVersion, used: 0,
    };
    permuteKernel(kernel, e.wPerm, inDim, taps, filters);
    tables.set(key, e);
    liveBytes += bytes;
  } else if (e.eVersion !== eVersion || e.wVersion !== wVersion) {
    // a weight changed in place (training, a loader): every row is stale
    e.slots.fill(-1);
    e.used = 0;
    if (e.wVersion !== wVersion) permuteKernel(kernel, e.wPerm, inDim, taps, filters);
    e.eVersion = eVersion;
    e.wVersion = wVersion;
  }
  computeMissing(e, embeddings, indices);
  tables.delete(key);
  tables.set(key, e);
  return e;
}

/** Gives every index without a row the next free row: gather their embeddings, one GEMM into the table. */
function computeMissing(e: Entry, embeddings: Float32Array, indices: Int32Array): void {
  const { slots, inDim } = e;
  const first = e.used;
  let fresh: Int32Array | null = null;
  let n = 0;
  for (let p = 0; p < indices.length; p++) {
    const v = indices[p]!;
    if (slots[v]! >= 0) continue;
    fresh ??= new Int32Array(Math.min(indices.length - p, e.vocab - first));
    slots[v] = first + n;
    fresh[n++] = v;
  }
  if (fresh === null) return;
  const kf = e.taps * e.filters;
  if (e.rows !== null) {
    const a = new Float32Array(n * inDim);
    for (let i = 0; i < n; i++) a.set(embeddings.subarray(fresh[i]! * inDim, (fresh[i]! + 1) * inDim), i * inDim);
    gemm(n, kf, inDim, a, e.wPerm, e.rows, { cOffset: first * kf });
  } else {
    wasmRows(wasmKernels()!, e, embeddings, fresh, n, first);
  }
  e.used = first + n;
  rowsComputed += n;
}

/**
 * The GEMM of {@link computeMissing} in the kernels' memory, written straight into the pinned table:
 * the new tokens' embedding rows gathered into A, the permuted kernel packed as B (the same packed
 * product `gemm` runs, one thread).
 */
function wasmRows(kern: WasmKernels, e: Entry, embeddings: Float32Array, fresh: Int32Array, n: number, first: number): void {
  const { inDim } = e;
  const kf = e.taps * e.filters;
  const mark = wasmMark();
  const pa = wasmAlloc(kern, n * inDim);
  const pw = wasmAlloc(kern, inDim * kf);
  const pbp = wasmAlloc(kern, kern.packedBSize(inDim, kf));
  const mem = wasmF32(kern);
  for (let i = 0; i < n; i++) mem.set(embeddings.subarray(fresh[i]! * inDim, (fresh[i]! + 1) * inDim), (pa >> 2) + i * inDim);
  mem.set(e.wPerm, pw >> 2);
  kern.packB(inDim, kf, pw, kf, 0, pbp);
  kern.gemmPacked(n, kf, inDim, pa, inDim, pbp, e.address + 4 * first * kf, kf, 0, APACK);
  wasmRelease(mark);
}

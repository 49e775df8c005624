/**
 * Packed weights kept between calls.
 *
 * The WebAssembly GEMM multiplies by B in packed 8-column panels (`packB`). A weight matrix (a Dense
 * kernel, an RNN's kernel and recurrent kernel, a convolution kernel) is the same from one predict to
 * the next, so its panels are kept in the kernels' memory, keyed by the weight's `Float32Array` and
 * checked against that array's **weight version**, a counter kept here for every array that the code
 * which changes weight values bumps ({@link markWeightsChanged}):
 *
 * - `@kerasts/layers` bumps it whenever a `LayerWeight.value` is assigned (`setWeights`, every file
 *   loader, transfer's `applyWeights`, BatchNormalization's moving statistics, `adapt`), and
 *   `@kerasts/model` after every optimizer step and constraint (they update the arrays in place).
 * - A new array is a new key: it has no panels yet.
 *
 * Only calls that say their B is such a weight (`gemm`'s `cacheB`, the recurrent kernels' and
 * `denseForward`/`convForward`'s `cacheWeights`) use the cache; anything else is packed per call as
 * before, so ad hoc arrays never take memory here.
 *
 * **Who owns it**: this module, one cache per JavaScript thread (per WebAssembly instance). Helper
 * threads receive copies of the weights with each job and pack them per call; only the calling thread
 * caches. **Invalidation**: a lookup whose version differs from the entry's frees the old panels and
 * packs again; replacing a layer weight's value frees the old array's panels
 * ({@link releasePackedWeights}); when an array is garbage-collected its panels are freed
 * (FinalizationRegistry); {@link clearPackCache} frees everything. **Memory**: about one extra copy of every weight matrix
 * that has run a predict through WebAssembly (k × n rounded up to 8 columns, 4 bytes per value), held
 * in the kernels' linear memory, which WebAssembly cannot shrink: freed panels leave holes that later
 * panels reuse (first fit), and the end of the region is given back to the per-call stack. Past
 * {@link setPackCacheLimit} (default 1 GiB) new panels are packed per call instead of kept.
 *
 * Writing into a weight's `Float32Array` directly (`w.value.data[i] = …`) is not seen: call
 * {@link markWeightsChanged} on the array afterwards, or assign a new tensor to `w.value`.
 */
import { wasmAlloc, wasmF32, wasmMark, wasmPin, wasmRelease, wasmUnpin, type WasmKernels } from './backend.js';

const versions = new WeakMap<Float32Array, number>();

/**
 * Says that the values of these weight arrays changed in place, so that packed copies of them are
 * not used again (see the module's documentation). Cheap: one counter per array.
 */
export function markWeightsChanged(...arrays: readonly Float32Array[]): void {
  for (const a of arrays) versions.set(a, (versions.get(a) ?? 0) + 1);
}

/** The weight version of an array: 0 until {@link markWeightsChanged} is first called on it. */
export function weightVersion(a: Float32Array): number {
  return versions.get(a) ?? 0;
}

interface Entry {
  version: number;
  p: number;
  bytes: number;
  allFinite: boolean;
}

/** Entries per source array, by layout (k, n, offset, ld, transposed). */
const entries = new WeakMap<Float32Array, Map<string, Entry>>();
/** Every live entry map (to clear them all); the maps do not reference their arrays. */
const allMaps = new Set<Map<string, Entry>>();
let cachedBytes = 0;
let limitBytes = 1024 * 1024 * 1024;
let hits = 0;
let misses = 0;

interface FinalizationRegistryLike<T> {
  register(target: object, held: T): void;
}
declare const FinalizationRegistry: (new <T>(cleanup: (held: T) => void) => FinalizationRegistryLike<T>) | undefined;

/** Frees the panels of arrays that were garbage-collected (between tasks, never inside a kernel call). */
const registry: FinalizationRegistryLike<Map<string, Entry>> | null =
  typeof FinalizationRegistry === 'function' ? new FinalizationRegistry<Map<string, Entry>>((map) => freeMap(map)) : null;

function freeEntry(e: Entry): void {
  if (e.p < 0) return;
  wasmUnpin(e.p, e.bytes);
  cachedBytes -= e.bytes;
  e.p = -1;
}

function freeMap(map: Map<string, Entry>): void {
  for (const e of map.values()) freeEntry(e);
  map.clear();
  allMaps.delete(map);
}

/** Another cache of values derived from weights (conv/token-projection.ts) that lives and dies with this one. */
export interface WeightCacheListener {
  /** Free everything (from {@link clearPackCache}). */
  clear(): void;
  /** Free what was derived from this array (from {@link releasePackedWeights}). */
  release(a: Float32Array): void;
}
const listeners: WeightCacheListener[] = [];

/** Has {@link clearPackCache} and {@link releasePackedWeights} free another weight-derived cache too. @internal */
export function onWeightCacheRelease(listener: WeightCacheListener): void {
  listeners.push(listener);
}

/**
 * Frees every packed weight kept so far (they are packed again on their next use), and the other
 * caches derived from weights (the token projections of Embedding → Conv1D).
 */
export function clearPackCache(): void {
  for (const map of [...allMaps]) freeMap(map);
  for (const l of listeners) l.clear();
}

/**
 * Frees the panels kept for this array now, rather than when it is garbage-collected (layers call it
 * when a weight's value is replaced: the old array's panels are then unlikely to be used again, and
 * if they are, they are packed again).
 */
export function releasePackedWeights(a: Float32Array): void {
  const map = entries.get(a);
  if (map !== undefined) freeMap(map);
  for (const l of listeners) l.release(a);
}

/**
 * Caps the memory packed weights may keep (bytes, default 1 GiB); panels that would pass it are
 * packed per call instead. Lowering it does not free what is kept: call {@link clearPackCache}.
 *
 * @throws {RangeError} if `bytes` is negative or not a number.
 */
export function setPackCacheLimit(bytes: number): void {
  if (!(bytes >= 0)) throw new RangeError(`setPackCacheLimit: expected a non-negative number of bytes, got ${bytes}`);
  limitBytes = bytes;
}

/** What the pack cache holds now, and its hits and misses since the process started. */
export interface PackCacheStats {
  /** Packed matrices kept. */
  readonly entries: number;
  /** Bytes they take in the kernels' memory. */
  readonly bytes: number;
  readonly limitBytes: number;
  /** Lookups served from the cache. */
  readonly hits: number;
  /** Lookups that packed (first use, a changed version, or over the limit). */
  readonly misses: number;
}

/** The cache's current size and counters (for tests and tuning). */
export function packCacheStats(): PackCacheStats {
  let n = 0;
  for (const map of allMaps) for (const e of map.values()) if (e.p >= 0) n++;
  return { entries: n, bytes: cachedBytes, limitBytes, hits, misses };
}

/** Packed panels of a weight matrix in the kernels' memory. */
export interface PackedB {
  /** Byte address of the panels. */
  readonly p: number;
  /** Whether every value of the matrix is finite. */
  readonly allFinite: boolean;
}

/**
 * The packed panels of the `k × n` matrix B whose element (r, j) is `src[off + r·ld + j]`
 * (`trans`: `src[off + j·ld + r]`), kept between calls when possible (see the module's documentation),
 * else packed on the stack, which the caller's {@link wasmRelease} frees.
 *
 * Call it before taking other stack memory in the same call: new panels join the pinned region
 * only while nothing is allocated after it. Growing the memory detaches views: make views afterwards.
 */
export function packedWeights(kern: WasmKernels, src: Float32Array, k: number, n: number, off: number, ld: number, trans: boolean): PackedB {
  const key = `${k},${n},${off},${ld},${trans ? 1 : 0}`;
  const version = weightVersion(src);
  let map = entries.get(src);
  const old = map?.get(key);
  if (old !== undefined && old.p >= 0 && old.version === version) {
    hits++;
    return { p: old.p, allFinite: old.allFinite };
  }
  misses++;
  if (old !== undefined) {
    freeEntry(old);
    map!.delete(key);
  }
  const bytes = (kern.packedBSize(k, n) * 4 + 15) & ~15;
  let p = cachedBytes + bytes <= limitBytes ? wasmPin(kern, bytes) : -1;
  const pinned = p >= 0;
  if (!pinned) p = wasmAlloc(kern, bytes >> 2);
  // the source rows the panels read, copied to scratch above everything else
  const rows = trans ? n : k;
  const span = rows === 0 ? 0 : (rows - 1) * ld + (trans ? k : n);
  const mark = wasmMark();
  const ps = wasmAlloc(kern, span);
  if (span > 0) wasmF32(kern).set(src.subarray(off, off + span), ps >> 2);
  kern.packB(k, n, ps, ld, trans ? 1 : 0, p);
  // (over the rows read: every value of B, and for a column slice its neighbours too, which only
  // makes the answer more cautious)
  const allFinite = kern.allFinite(span, ps) === 1;
  wasmRelease(mark);
  if (pinned) {
    if (map === undefined) {
      map = new Map();
      entries.set(src, map);
      allMaps.add(map);
      registry?.register(src, map);
    }
    map.set(key, { version, p, bytes, allFinite });
    allMaps.add(map); // (again after clearPackCache)
    cachedBytes += bytes;
  }
  return { p, allFinite };
}

/**
 * Panels derived from a weight array by the caller (e.g. a convolution kernel transformed for the
 * Winograd algorithm, then packed), kept like {@link packedWeights}' under `key` and invalidated with
 * the same weight version. `build(p)` writes `floats` floats at byte address `p` and returns whether
 * every value it derived from is finite; it may take and release stack memory (above `p`).
 *
 * Call it before taking other stack memory in the same call (as {@link packedWeights}).
 */
export function packedDerived(kern: WasmKernels, src: Float32Array, key: string, floats: number, build: (p: number) => boolean): PackedB {
  const version = weightVersion(src);
  let map = entries.get(src);
  const old = map?.get(key);
  if (old !== undefined && old.p >= 0 && old.version === version) {
    hits++;
    return { p: old.p, allFinite: old.allFinite };
  }
  misses++;
  if (old !== undefined) {
    freeEntry(old);
    map!.delete(key);
  }
  const bytes = (floats * 4 + 15) & ~15;
  let p = cachedBytes + bytes <= limitBytes ? wasmPin(kern, bytes) : -1;
  const pinned = p >= 0;
  if (!pinned) p = wasmAlloc(kern, bytes >> 2);
  const mark = wasmMark();
  const allFinite = build(p);
  wasmRelease(mark);
  if (pinned) {
    if (map === undefined) {
      map = new Map();
      entries.set(src, map);
      allMaps.add(map);
      registry?.register(src, map);
    }
    map.set(key, { version, p, bytes, allFinite });
    allMaps.add(map);
    cachedBytes += bytes;
  }
  return { p, allFinite };
}

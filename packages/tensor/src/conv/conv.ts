/**
 * N-D convolution (1 to 3 spatial axes) over channels-last data, forward and backward, as im2col + GEMM:
 * the window rows of a block of samples are gathered into a column matrix and multiplied by the kernel
 * read as a `(prod(k)·in/groups) × out` matrix (Keras' kernel layout `(k..., in/groups, out)`).
 *
 * Work is cut into blocks of whole samples whose size depends only on the geometry (never on the
 * number of threads), so a result — including the kernel gradient, summed block by block in order — is
 * the same however it is computed. Transposed convolutions are the input gradient of the convolution
 * they transpose (see geometry.ts `transposeGeometry`).
 */
import { LINEAR, RELU, type Activation } from '../activations.js';
import { ConfigError, ShapeMismatchError } from '../errors.js';
import { giveF32, takeF32 } from '../buffer-pool.js';
import { gemm } from '../gemm.js';
import { fillRows as fillWasmRows } from '../rnn/common.js';
import { APACK, wasmAlloc, wasmF32, wasmKernels, wasmMark, wasmRelease, type WasmKernels } from '../wasm/backend.js';
import { packedWeights } from '../wasm/pack-cache.js';
import { poolForward } from '../pooling/pool.js';
import { readyHelpers, shareParts, type Helper } from '../wasm/threads.js';
import { prod, type WindowGeometry } from './geometry.js';
import { col2im, geoInts, geom3, im2col, type Geom3 } from './im2col.js';
import { winogradApplies, winogradForward, winogradInputGradient, winogradPoolFusable, winogradTile, winogradWork } from './winograd.js';

/** A convolution: batch, window geometry and channels. */
export interface ConvSpec {
  readonly batch: number;
  readonly geometry: WindowGeometry;
  readonly inChannels: number;
  readonly outChannels: number;
  /** Channel groups (Keras' `groups`); both channel counts must be multiples of it. Default 1. */
  readonly groups?: number;
}

/** Floats of column matrix per block of samples (4 MiB): bounds the scratch memory of large inputs. */
const BLOCK_FLOATS = 1 << 20;

/** Checked sizes of a convolution. @internal */
export interface ConvDims {
  batch: number;
  g: Geom3;
  cin: number;
  cout: number;
  groups: number;
  cinG: number;
  coutG: number;
  /** Window taps (prod(k)). */
  taps: number;
  /** Column-row length: taps·cinG. */
  kdim: number;
  inPos: number;
  outPos: number;
  /** Samples per block. */
  block: number;
  /** A 1×1 window, stride 1, no padding: the input is its own column matrix. */
  pointwise: boolean;
}

/** @internal */
export function convDims(spec: ConvSpec): ConvDims {
  const groups = spec.groups ?? 1;
  const { batch, inChannels: cin, outChannels: cout } = spec;
  for (const [k, v] of [['batch', batch], ['inChannels', cin], ['outChannels', cout], ['groups', groups]] as const) {
    if (!Number.isInteger(v) || v < (k === 'batch' ? 0 : 1)) throw new ConfigError(`convolution: ${k} must be a positive integer, got ${v}`);
  }
  if (cin % groups !== 0 || cout % groups !== 0) throw new ConfigError(`convolution: ${cin} input and ${cout} output channels are not divisible into ${groups} groups`);
  const geo = spec.geometry;
  if (geo.inSize.length < 1 || geo.inSize.length > 3) throw new ConfigError(`convolution: 1 to 3 spatial axes are supported, got ${geo.inSize.length}`);
  const g = geom3(geo);
  const taps = prod(geo.window);
  const cinG = cin / groups;
  const kdim = taps * cinG;
  const outPos = prod(geo.outSize);
  const pointwise = taps === 1 && geo.strides.every((s) => s === 1) && geo.padBefore.every((p) => p === 0) && outPos === prod(geo.inSize);
  return {
    batch, g, cin, cout, groups, cinG, coutG: cout / groups, taps, kdim,
    inPos: prod(geo.inSize), outPos,
    block: Math.max(1, Math.floor(BLOCK_FLOATS / Math.max(1, outPos * kdim))),
    pointwise,
  };
}

function expect(what: string, arr: Float32Array, n: number): void {
  if (arr.length !== n) throw new ShapeMismatchError(`convolution: ${what} has ${arr.length} values, expected ${n}`, [n], [arr.length]);
}

/** Columns `j0..j0+w` of a row-major `rows × cols` matrix, as a new contiguous matrix. */
function columns(a: Float32Array, rows: number, cols: number, j0: number, w: number): Float32Array {
  if (j0 === 0 && w === cols) return a;
  const out = new Float32Array(rows * w);
  for (let r = 0; r < rows; r++) out.set(a.subarray(r * cols + j0, r * cols + j0 + w), r * w);
  return out;
}

/** Options of {@link convForward}. */
export interface ConvForwardOptions {
  /** Applied to the result (default linear); `relu` inside the WebAssembly kernel, any other after it. */
  activation?: Activation;
  /**
   * The kernel is a long-lived weight whose in-place changes are announced with `markWeightsChanged`
   * (as layers' weights are): its packed panels may be kept between calls (default false).
   */
  cacheWeights?: boolean;
  /**
   * The Winograd output tile where a 3×3 stride-1 convolution takes that path (default
   * `winogradOptions.tile`). Training passes 2: F(2×2) rounds closer to the direct sum, and Adam turns
   * rounding differences in near-zero gradients into weight differences (measured on random CNNs
   * trained 2 epochs against Keras 3.15.1: worst weight |Δ| 2.4e-5 with F(2×2), 1.5e-4 with F(4×4)),
   * while F(4×4) saved only about 5% of a W6 training step.
   */
  winogradTile?: 'auto' | 2 | 4;
}

/**
 * `y = activation(conv(x, kernel) + bias)`: `x` is `(batch, *inSize, inChannels)`, `kernel`
 * `(*window, inChannels/groups, outChannels)`, the result `(batch, *outSize, outChannels)`.
 *
 * With WebAssembly (and one group) the input, the packed kernel, the column matrix and the result all
 * live in the kernels' memory: im2col writes the columns there (a 1-D convolution with stride 1 and no
 * dilation or padding needs none: its window rows overlap in the input itself, read with a row stride
 * of one position), the bias is laid into the result first and the product added onto it. Large
 * batches are shared with helper threads by samples; a sample's numbers do not depend on that.
 *
 * With `options.cacheWeights` the kernel's packed panels may be kept between calls (ungrouped
 * convolutions; a group's columns are copied per call).
 *
 * @throws {ShapeMismatchError} if an array has the wrong length.
 */
export function convForward(x: Float32Array, kernel: Float32Array, bias: Float32Array | null, spec: ConvSpec, options?: ConvForwardOptions): Float32Array {
  const activation = options?.activation ?? LINEAR;
  const cacheWeights = options?.cacheWeights ?? false;
  const d = convDims(spec);
  expect('input', x, d.batch * d.inPos * d.cin);
  expect('kernel', kernel, d.kdim * d.cout);
  if (bias !== null) expect('bias', bias, d.cout);
  const kern = d.groups === 1 && d.batch > 0 ? wasmKernels() : null;
  let y: Float32Array;
  let applied = activation === LINEAR;
  if (kern !== null) {
    const fused = activation === RELU ? RELU_CODE : LINEAR_CODE;
    applied ||= fused === RELU_CODE;
    // every value is written below: a pooled buffer (given back by the graph once the next layer has
    // read it) spares the page faults of a fresh multi-megabyte array per call
    y = takeF32(d.batch * d.outPos * d.cout, false);
    const wino = winogradApplies(d) ? winogradTile(d, options?.winogradTile) : 0;
    const helpers = useHelpers(d, wino);
    if (helpers.length > 0) convParallel(kern, helpers, x, kernel, bias, d, fused, y, wino, cacheWeights, false);
    else convWasm(kern, x, kernel, bias, d, 0, d.batch, fused, y, 0, cacheWeights, wino);
  } else {
    y = convForwardJs(x, kernel, bias, d, cacheWeights);
  }
  if (!applied) activation.apply(y, 0, d.batch * d.outPos, d.cout);
  return y;
}

/**
 * `maxPool(activation(conv(x, kernel) + bias))`: a convolution ({@link convForward}'s arguments) and the
 * max pooling over its output (`pool`: the pooling's window geometry, whose input size is the
 * convolution's output size; dilation 1) in one pass, giving `(batch, *pool.outSize, outChannels)`.
 *
 * A convolution with a short window row (few input channels; see `convTuning`) runs directly in
 * WebAssembly with the pooling fused in, so its full-size output is never stored; so does a Winograd
 * convolution followed by a 2×2, stride-2 pooling without padding (the maxima taken in its output
 * transform); any other runs as {@link convForward} then {@link poolForward}. Either way the values are
 * bit for bit those of the two separate calls.
 *
 * @throws {ShapeMismatchError} if an array has the wrong length or the pooling's input size is not the
 * convolution's output size.
 * @throws {ConfigError} if the pooling has a dilation.
 */
export function convMaxPoolForward(x: Float32Array, kernel: Float32Array, bias: Float32Array | null, spec: ConvSpec, pool: WindowGeometry, options?: ConvForwardOptions): Float32Array {
  const d = convDims(spec);
  const outSize = spec.geometry.outSize;
  if (pool.inSize.length !== outSize.length || pool.inSize.some((v, i) => v !== outSize[i])) {
    throw new ShapeMismatchError(`convMaxPoolForward: the pooling's input size (${pool.inSize.join('×')}) is not the convolution's output size (${outSize.join('×')})`, [...outSize], [...pool.inSize]);
  }
  if (pool.dilations.some((v) => v !== 1)) throw new ConfigError('convMaxPoolForward: a max pooling has no dilation');
  const activation = options?.activation ?? LINEAR;
  const kernelAct = activation === RELU || activation === LINEAR;
  const act = activation === RELU ? RELU_CODE : LINEAR_CODE;
  const wino = d.batch > 0 && d.groups === 1 && winogradApplies(d);
  if (wino && kernelAct && winogradPoolFusable(pool)) {
    const wkern = wasmKernels();
    if (wkern !== null) {
      expect('input', x, d.batch * d.inPos * d.cin);
      expect('kernel', kernel, d.kdim * d.cout);
      if (bias !== null) expect('bias', bias, d.cout);
      // the same Winograd values convForward computes, maxima taken in its output transform
      const y = takeF32(d.batch * prod(pool.outSize) * d.cout, false);
      const tile = winogradTile(d, options?.winogradTile);
      const helpers = useHelpers(d, tile);
      const cacheWeights = options?.cacheWeights ?? false;
      if (helpers.length > 0) convParallel(wkern, helpers, x, kernel, bias, d, act, y, tile, cacheWeights, true);
      else convWasm(wkern, x, kernel, bias, d, 0, d.batch, act, y, 0, cacheWeights, tile, true);
      return y;
    }
  }
  // (never where convForward would take Winograd: the fused values must be those of the two calls)
  const kern = d.batch > 0 && directConv(d) && !wino && kernelAct ? wasmKernels() : null;
  if (kern === null) {
    const z = convForward(x, kernel, bias, spec, options);
    const y = poolForward(z, { batch: d.batch, geometry: pool, channels: d.cout }, 'max', false).output;
    giveF32(z);
    return y;
  }
  expect('input', x, d.batch * d.inPos * d.cin);
  expect('kernel', kernel, d.kdim * d.cout);
  if (bias !== null) expect('bias', bias, d.cout);
  const y = takeF32(d.batch * prod(pool.outSize) * d.cout, false);
  convDirectWasm(kern, x, kernel, bias, d, 0, d.batch, act, geom3(pool), y, 0);
  return y;
}

/** How a convolution runs in WebAssembly: Winograd with this output tile, or 0 for the other paths. */
type WinogradPath = 0 | 2 | 4;

/** Activation codes of the WebAssembly kernels (scripts/asm/kernels.ts `vact`). */
const RELU_CODE = 5;
const LINEAR_CODE = 6;
/**
 * Multiply-adds (of the path taken: Winograd does 2.25–4× fewer than im2col) from which a convolution
 * is shared with helper threads (each gets a copy of the input). Sharing costs CPU time whatever the
 * size: measured on 2 cores, 0.7–1.7 ms per call (the input copied to shared memory, the helper
 * transforming and packing the kernel, waking it), +38% for the W6 model's second convolution at batch
 * 64 (42.5M multiply-adds: 3.3 → 4.6 ms CPU) and +7.5% at 30×30 inputs (190M: 17.9 → 19.3 ms), with no
 * wall-clock gain while the cores were busy. So only convolutions of 128M multiply-adds and more (about
 * 6 ms on one thread) are shared. Mutable for tuning. @internal
 */
export const convThreads = { minWork: 128_000_000 };

/** The helper threads a convolution of `d` is shared with (none below `convThreads.minWork`). */
function useHelpers(d: ConvDims, winograd: WinogradPath): Helper[] {
  if (d.batch < 2) return [];
  const work = winograd !== 0 ? winogradWork(d, winograd) : d.batch * d.outPos * d.kdim * d.cout;
  return work >= convThreads.minWork ? readyHelpers() : [];
}

/**
 * Samples `n0..n1` of the convolution in WebAssembly, written into `y` from float `yOff` (`x` holds
 * every sample; only those are copied in). Groups must be 1.
 */
function convWasm(
  kern: WasmKernels,
  x: Float32Array,
  kernel: Float32Array,
  bias: Float32Array | null,
  d: ConvDims,
  n0: number,
  n1: number,
  act: number,
  y: Float32Array,
  yOff: number,
  cacheWeights = false,
  winograd: WinogradPath = 0,
  pool = false,
): void {
  if (winograd !== 0) {
    const step = (pool ? (d.g.outH >> 1) * (d.g.outW >> 1) : d.outPos) * d.cout;
    const direct = (a: number, b: number): void => {
      if (!pool) {
        convWasm(kern, x, kernel, bias, d, a, b, act, y, yOff + (a - n0) * step, cacheWeights);
        return;
      }
      // (samples with a NaN or ±∞: the direct convolution, then the pooling, as the two calls)
      const z = takeF32((b - a) * d.outPos * d.cout, false);
      convWasm(kern, x, kernel, bias, d, a, b, act, z, 0, cacheWeights);
      const g = d.g;
      const geometry: WindowGeometry = { inSize: [g.outH, g.outW], outSize: [g.outH >> 1, g.outW >> 1], window: [2, 2], strides: [2, 2], dilations: [1, 1], padBefore: [0, 0] };
      const p = poolForward(z, { batch: b - a, geometry, channels: d.cout }, 'max', false).output;
      y.set(p, yOff + (a - n0) * step);
      giveF32(p);
      giveF32(z);
    };
    winogradForward(kern, x, kernel, bias, d, n0, n1, act, y, yOff, cacheWeights, direct, pool, winograd);
    return;
  }
  const nb = n1 - n0;
  const g = d.g;
  if (directConv(d)) {
    convDirectWasm(kern, x, kernel, bias, d, n0, n1, act, null, y, yOff);
    return;
  }
  // 1-D, stride 1, no dilation, no padding: row r of the column matrix is x[r·cin .. r·cin + kdim).
  const direct = g.inD * g.inH === 1 && g.kD * g.kH === 1 && g.sW === 1 && g.dW === 1 && g.pW === 0;
  const block = Math.min(d.block, nb);
  const inLen = nb * d.inPos * d.cin;
  const outLen = nb * d.outPos * d.cout;
  const mark = wasmMark();
  // Kept panels first (they join the pinned region only while nothing else is allocated), then all
  // other memory: growing it would detach views made before.
  const kept = cacheWeights ? packedWeights(kern, kernel, d.kdim, d.cout, 0, d.cout, false) : null;
  const px = wasmAlloc(kern, inLen);
  const pk = kept !== null ? 0 : wasmAlloc(kern, d.kdim * d.cout);
  const pkp = kept !== null ? kept.p : wasmAlloc(kern, kern.packedBSize(d.kdim, d.cout));
  const py = wasmAlloc(kern, outLen);
  const pcols = direct ? 0 : wasmAlloc(kern, block * d.outPos * d.kdim);
  const pgeo = wasmAlloc(kern, 18);
  const mem = wasmF32(kern);
  mem.set(x.subarray(n0 * d.inPos * d.cin, n1 * d.inPos * d.cin), px >> 2);
  if (kept === null) {
    mem.set(kernel, pk >> 2);
    kern.packB(d.kdim, d.cout, pk, d.cout, 0, pkp);
  }
  new Int32Array(mem.buffer, pgeo, 18).set(geoInts(g));
  if (bias !== null) fillWasmRows(mem, py >> 2, bias, nb * d.outPos, d.cout);
  const acc = bias !== null ? 1 : 0;
  if (direct) {
    for (let n = 0; n < nb; n++) {
      kern.gemmPacked(d.outPos, d.cout, d.kdim, px + 4 * n * d.inPos * d.cin, d.cin, pkp, py + 4 * n * d.outPos * d.cout, d.cout, acc, APACK);
    }
  } else {
    for (let b0 = 0; b0 < nb; b0 += block) {
      const b1 = Math.min(nb, b0 + block);
      kern.im2col(px, pgeo, d.cin, 0, d.cin, b0, b1, pcols);
      kern.gemmPacked((b1 - b0) * d.outPos, d.cout, d.kdim, pcols, d.kdim, pkp, py + 4 * b0 * d.outPos * d.cout, d.cout, acc, APACK);
    }
  }
  if (act !== LINEAR_CODE) kern.activate(act, py, outLen);
  y.set(wasmF32(kern).subarray(py >> 2, (py >> 2) + outLen), yOff);
  wasmRelease(mark);
}

/**
 * Window rows of at most this many values (taps·channels) are convolved directly (convDirect in
 * scripts/asm/cnn.ts) instead of by im2col + GEMM: with so short a row the GEMM's time goes into writing
 * the column matrix and reading and writing its output, not into products (a 3×3 window over 1 channel:
 * about 3× slower than direct). The results are bit for bit the same. Mutable for tests and tuning. @internal
 */
export const convTuning = { directMaxK: 32 };

/** Whether {@link convWasm} convolves directly (one group, a short window row). @internal */
export function directConv(d: ConvDims): boolean {
  return d.groups === 1 && d.kdim <= convTuning.directMaxK;
}

/**
 * Samples `n0..n1` convolved directly in WebAssembly into `y` from float `yOff`; with `pool` (a max
 * pooling's geometry over the convolution's output) the pooled result instead, without the
 * convolution's output ever being stored.
 */
function convDirectWasm(
  kern: WasmKernels,
  x: Float32Array,
  kernel: Float32Array,
  bias: Float32Array | null,
  d: ConvDims,
  n0: number,
  n1: number,
  act: number,
  pool: Geom3 | null,
  y: Float32Array,
  yOff: number,
): void {
  const nb = n1 - n0;
  const inLen = nb * d.inPos * d.cin;
  const outLen = nb * (pool === null ? d.outPos : pool.outD * pool.outH * pool.outW) * d.cout;
  const mark = wasmMark();
  const px = wasmAlloc(kern, inLen);
  const pw = wasmAlloc(kern, d.kdim * d.cout);
  const pb = bias !== null ? wasmAlloc(kern, d.cout) : 0;
  const py = wasmAlloc(kern, outLen);
  const pgeo = wasmAlloc(kern, 36);
  const pxb = wasmAlloc(kern, 3 * d.kdim);
  const ptmp = wasmAlloc(kern, d.cout);
  const mem = wasmF32(kern);
  mem.set(x.subarray(n0 * d.inPos * d.cin, n1 * d.inPos * d.cin), px >> 2);
  mem.set(kernel, pw >> 2);
  if (bias !== null) mem.set(bias, pb >> 2);
  const ints = new Int32Array(mem.buffer, pgeo, 36);
  ints.set(geoInts(d.g));
  if (pool !== null) ints.set(geoInts(pool), 18);
  kern.convDirect(px, pgeo, d.cin, 0, nb, pw, d.cout, pb, act, py, pool === null ? 0 : pgeo + 72, pxb, ptmp);
  y.set(mem.subarray(py >> 2, (py >> 2) + outLen), yOff);
  wasmRelease(mark);
}

/**
 * A convolution shared with helper threads by samples: the input and the result live in shared memory
 * (helpers read every sample they may claim and write their samples' results in place). Internal.
 */
export interface ConvJob {
  kind: 'conv';
  x: Float32Array;
  y: Float32Array;
  kernel: Float32Array;
  bias: Float32Array | null;
  dims: ConvDims;
  act: number;
  bounds: number[];
  /** Winograd's output tile, or 0 (decided by the caller, so that every part computes alike). */
  winograd: WinogradPath;
  /** A 2×2, stride-2 max pooling fused into the Winograd output transform (`y` holds the pooled values). */
  pool: boolean;
}

/** Part i of a shared convolution (in a helper thread): writes its samples of the result into `job.y`. Internal. */
export function runConvPart(job: ConvJob, i: number): void {
  const n0 = job.bounds[i]!, n1 = job.bounds[i + 1]!;
  const kern = wasmKernels();
  if (kern === null) throw new Error('kerasts helper: WebAssembly kernels unavailable');
  const g = job.dims.g;
  const step = (job.pool ? (g.outH >> 1) * (g.outW >> 1) : job.dims.outPos) * job.dims.cout;
  convWasm(kern, job.x, job.kernel, job.bias, job.dims, n0, n1, job.act, job.y, n0 * step, false, job.winograd, job.pool);
}

let scratch: Float32Array | null = null;
/** Floats of shared scratch kept between calls (16 MiB); larger convolutions take a fresh buffer. */
const SCRATCH_MAX_FLOATS = 4 * 1024 * 1024;

/**
 * n floats over a SharedArrayBuffer, reused between calls: a fresh multi-megabyte buffer per call costs
 * more in page faults than the copy into it. Only used within one call.
 */
function sharedScratch(n: number): Float32Array {
  if (n > SCRATCH_MAX_FLOATS) return new Float32Array(new SharedArrayBuffer(4 * n));
  if (scratch === null || scratch.length < n) scratch = new Float32Array(new SharedArrayBuffer(4 * Math.max(n, 1 << 18)));
  return scratch.subarray(0, n);
}

function convParallel(
  kern: WasmKernels,
  helpers: Helper[],
  x: Float32Array,
  kernel: Float32Array,
  bias: Float32Array | null,
  d: ConvDims,
  act: number,
  y: Float32Array,
  winograd: WinogradPath,
  cacheWeights: boolean,
  pool: boolean,
): void {
  const parts = Math.min(d.batch, 2 * (helpers.length + 1));
  const bounds: number[] = [];
  for (let p = 0; p <= parts; p++) bounds.push(Math.round((p * d.batch) / parts));
  const step = (pool ? (d.g.outH >> 1) * (d.g.outW >> 1) : d.outPos) * d.cout;
  const shared = sharedScratch(x.length + y.length);
  const xs = shared.subarray(0, x.length);
  const ys = shared.subarray(x.length);
  xs.set(x);
  const job: ConvJob = { kind: 'conv', x: xs, y: ys, kernel, bias, dims: d, act, bounds, winograd, pool };
  shareParts<{ part: number }>(
    helpers,
    parts,
    job as unknown as Record<string, unknown>,
    [],
    // (the calling thread's parts may use its pack cache: a Winograd kernel is then transformed once)
    (i) => convWasm(kern, x, kernel, bias, d, bounds[i]!, bounds[i + 1]!, act, y, bounds[i]! * step, winograd !== 0 && cacheWeights, winograd, pool),
    (r) => y.set(ys.subarray(bounds[r.part]! * step, bounds[r.part + 1]! * step), bounds[r.part]! * step),
  );
}

/** The pure-TypeScript forward pass (no WebAssembly, or groups > 1). */
function convForwardJs(x: Float32Array, kernel: Float32Array, bias: Float32Array | null, d: ConvDims, cacheWeights: boolean): Float32Array {
  const y = new Float32Array(d.batch * d.outPos * d.cout);
  if (bias !== null) fillRows(y, bias, d.batch * d.outPos);
  for (let grp = 0; grp < d.groups; grp++) {
    const w = columns(kernel, d.kdim, d.cout, grp * d.coutG, d.coutG);
    const cols = d.pointwise ? null : new Float32Array(Math.min(d.block, d.batch) * d.outPos * d.kdim);
    const tmp = d.groups > 1 ? new Float32Array(Math.min(d.block, d.batch) * d.outPos * d.coutG) : null;
    for (let n0 = 0; n0 < d.batch; n0 += d.block) {
      const n1 = Math.min(d.batch, n0 + d.block);
      const rows = (n1 - n0) * d.outPos;
      let a = x, aOff = n0 * d.inPos * d.cin;
      if (cols) {
        im2col(x, d.g, d.cin, grp * d.cinG, d.cinG, n0, n1, cols, 0);
        a = cols;
        aOff = 0;
      } else if (d.groups > 1) {
        a = columns(x.subarray(aOff, aOff + rows * d.cin), rows, d.cin, grp * d.cinG, d.cinG);
        aOff = 0;
      }
      if (tmp) {
        gemm(rows, d.coutG, d.kdim, a, w, tmp, { aOffset: aOff });
        for (let r = 0; r < rows; r++) {
          const yo = (n0 * d.outPos + r) * d.cout + grp * d.coutG;
          for (let j = 0; j < d.coutG; j++) y[yo + j] = y[yo + j]! + tmp[r * d.coutG + j]!;
        }
      } else {
        gemm(rows, d.cout, d.kdim, a, w, y, { aOffset: aOff, cOffset: n0 * d.outPos * d.cout, accumulate: bias !== null, cacheB: w === kernel && cacheWeights });
      }
    }
  }
  return y;
}

/** Copies `bias` into each of `rows` rows of `y`. @internal */
export function fillRows(y: Float32Array, bias: Float32Array, rows: number): void {
  const n = bias.length;
  if (n < 16) {
    for (let r = 0, o = 0; r < rows; r++) for (let j = 0; j < n; j++, o++) y[o] = bias[j]!;
  } else {
    for (let r = 0; r < rows; r++) y.set(bias, r * n);
  }
}

/**
 * ∂L/∂x of {@link convForward} for `dz = ∂L/∂z` (`(batch, *outSize, outChannels)`): the result has the
 * input's shape. This is also the forward pass of a transposed convolution. A 3×3, stride-1 2-D
 * convolution's gradient is computed as the Winograd convolution of `dz` with the turned kernel when
 * that path applies (see winograd.ts).
 */
export function convBackwardInput(dz: Float32Array, kernel: Float32Array, spec: ConvSpec): Float32Array {
  const d = convDims(spec);
  expect('output gradient', dz, d.batch * d.outPos * d.cout);
  expect('kernel', kernel, d.kdim * d.cout);
  const kern = d.groups === 1 && d.batch > 0 ? wasmKernels() : null;
  if (kern !== null) {
    // 3×3, stride 1: a Winograd convolution of dz (shared with helper threads like the forward pass)
    const wino = winogradInputGradient(d, spec, kernel);
    if (wino !== null) return convForward(dz, wino.kernel, null, wino.spec, { winogradTile: 2 });
    return convBackwardInputWasm(kern, dz, kernel, d);
  }
  const dx = new Float32Array(d.batch * d.inPos * d.cin);
  const blockRows = Math.min(d.block, d.batch) * d.outPos;
  const dcols = new Float32Array(blockRows * d.kdim);
  for (let grp = 0; grp < d.groups; grp++) {
    const w = columns(kernel, d.kdim, d.cout, grp * d.coutG, d.coutG);
    for (let n0 = 0; n0 < d.batch; n0 += d.block) {
      const n1 = Math.min(d.batch, n0 + d.block);
      const rows = (n1 - n0) * d.outPos;
      const dzg = d.groups > 1 ? columns(dz.subarray(n0 * d.outPos * d.cout, n1 * d.outPos * d.cout), rows, d.cout, grp * d.coutG, d.coutG) : dz;
      const dzOff = d.groups > 1 ? 0 : n0 * d.outPos * d.cout;
      // dcols = dz · wᵀ (w is stored kdim × coutG, i.e. "n × k" for transposeB)
      gemm(rows, d.kdim, d.coutG, dzg, w, dcols, { aOffset: dzOff, transposeB: true });
      col2im(dcols, 0, d.g, d.cin, grp * d.cinG, d.cinG, n0, n1, dx);
    }
  }
  return dx;
}

/** ∂L/∂kernel of {@link convForward}: `Σ colsᵀ · dz`, summed block by block in order. */
export function convBackwardKernel(x: Float32Array, dz: Float32Array, spec: ConvSpec): Float32Array {
  const d = convDims(spec);
  expect('input', x, d.batch * d.inPos * d.cin);
  expect('output gradient', dz, d.batch * d.outPos * d.cout);
  const kern = d.groups === 1 && d.batch > 0 ? wasmKernels() : null;
  if (kern !== null) return convBackwardKernelWasm(kern, x, dz, d);
  const dk = new Float32Array(d.kdim * d.cout);
  const blockRows = Math.min(d.block, d.batch) * d.outPos;
  const cols = d.pointwise && d.groups === 1 ? null : new Float32Array(blockRows * d.kdim);
  const part = d.groups > 1 ? new Float32Array(d.kdim * d.coutG) : null;
  for (let grp = 0; grp < d.groups; grp++) {
    part?.fill(0);
    for (let n0 = 0; n0 < d.batch; n0 += d.block) {
      const n1 = Math.min(d.batch, n0 + d.block);
      const rows = (n1 - n0) * d.outPos;
      let a = x, aOff = n0 * d.inPos * d.cin;
      if (cols) {
        if (d.pointwise) {
          const xs = columns(x.subarray(aOff, aOff + rows * d.cin), rows, d.cin, grp * d.cinG, d.cinG);
          cols.set(xs.subarray(0, rows * d.kdim));
        } else {
          im2col(x, d.g, d.cin, grp * d.cinG, d.cinG, n0, n1, cols, 0);
        }
        a = cols;
        aOff = 0;
      }
      const dzg = d.groups > 1 ? columns(dz.subarray(n0 * d.outPos * d.cout, n1 * d.outPos * d.cout), rows, d.cout, grp * d.coutG, d.coutG) : dz;
      const dzOff = d.groups > 1 ? 0 : n0 * d.outPos * d.cout;
      // (kdim × rows) · (rows × coutG): A is stored rows × kdim, i.e. transposed
      const target = part ?? dk;
      gemm(d.kdim, d.coutG, rows, a.subarray(aOff, aOff + rows * d.kdim), dzg.subarray(dzOff, dzOff + rows * d.coutG), target, { transposeA: true, accumulate: n0 > 0 });
    }
    if (part) {
      for (let r = 0; r < d.kdim; r++) dk.set(part.subarray(r * d.coutG, (r + 1) * d.coutG), r * d.cout + grp * d.coutG);
    }
  }
  return dk;
}

/** Options of {@link convBackward}: which gradients to compute, and a relu to go back through first. */
export interface ConvBackwardOptions {
  /**
   * The output of a relu the convolution's result went through (`convForward` with `activation: relu`):
   * `dy` is then ∂L/∂relu-output and is first multiplied by relu' (1 where this is positive, else 0).
   */
  reluOutput?: Float32Array;
  /** Compute ∂L/∂kernel (default true). */
  kernel?: boolean;
  /** Compute ∂L/∂bias (default false). */
  bias?: boolean;
  /** Compute ∂L/∂x (default true). */
  input?: boolean;
}

/** What {@link convBackward} returns (null where not asked for). */
export interface ConvBackwardResult {
  dInput: Float32Array | null;
  dKernel: Float32Array | null;
  dBias: Float32Array | null;
}

/**
 * The backward pass of {@link convForward} in one call: from `dy` (`(batch, *outSize, outChannels)`)
 * and, with `options.reluOutput`, through the relu first, the gradients of the kernel, the bias and the
 * input. The same numbers as `activationBackward` (relu), {@link convBackwardKernel},
 * {@link biasGradient} and {@link convBackwardInput} called one after the other; with WebAssembly (one
 * group) the gradient enters the kernels' memory once and serves all three (a 3×3 stride-1 input
 * gradient, which convBackwardInput computes as a Winograd convolution, is handed to that path).
 *
 * @throws {ShapeMismatchError} if an array has the wrong length.
 */
export function convBackward(x: Float32Array, dy: Float32Array, kernel: Float32Array, spec: ConvSpec, options: ConvBackwardOptions = {}): ConvBackwardResult {
  const d = convDims(spec);
  const wantKernel = options.kernel ?? true, wantBias = options.bias ?? false, wantInput = options.input ?? true;
  const relu = options.reluOutput ?? null;
  const outLen = d.batch * d.outPos * d.cout;
  expect('input', x, d.batch * d.inPos * d.cin);
  expect('output gradient', dy, outLen);
  expect('kernel', kernel, d.kdim * d.cout);
  if (relu !== null) expect('relu output', relu, outLen);
  const kern = d.groups === 1 && d.batch > 0 ? wasmKernels() : null;
  if (kern === null) {
    let dz = dy;
    if (relu !== null) {
      dz = new Float32Array(outLen);
      for (let i = 0; i < outLen; i++) dz[i] = relu[i]! > 0 ? dy[i]! : 0;
    }
    return {
      dKernel: wantKernel ? convBackwardKernel(x, dz, spec) : null,
      dBias: wantBias ? biasGradient(dz, d.batch * d.outPos, d.cout) : null,
      dInput: wantInput ? convBackwardInput(dz, kernel, spec) : null,
    };
  }
  const inLen = d.batch * d.inPos * d.cin;
  const block = Math.min(d.block, d.batch);
  const blockRows = block * d.outPos;
  // a 3×3 stride-1 input gradient is a Winograd convolution of dz (as convBackwardInput computes it)
  const wino = wantInput ? winogradInputGradient(d, spec, kernel) : null;
  const wantCols = wantInput && wino === null;
  const mark = wasmMark();
  const pdz = wasmAlloc(kern, outLen);
  const prelu = relu !== null ? wasmAlloc(kern, outLen) : 0;
  const px = wantKernel ? wasmAlloc(kern, inLen) : 0;
  const pdzp = wantKernel ? wasmAlloc(kern, kern.packedBSize(blockRows, d.cout)) : 0;
  const pdk = wantKernel ? wasmAlloc(kern, d.kdim * d.cout) : 0;
  const pdb = wantBias ? wasmAlloc(kern, d.cout) : 0;
  const pk = wantCols ? wasmAlloc(kern, d.kdim * d.cout) : 0;
  const pkp = wantCols ? wasmAlloc(kern, kern.packedBSize(d.cout, d.kdim)) : 0;
  const pdx = wantCols ? wasmAlloc(kern, inLen) : 0;
  const pcols = (wantKernel && !d.pointwise) || wantCols ? wasmAlloc(kern, blockRows * d.kdim) : 0;
  const pgeo = wasmAlloc(kern, 18);
  const mem = wasmF32(kern);
  mem.set(dy, pdz >> 2);
  new Int32Array(mem.buffer, pgeo, 18).set(geoInts(d.g));
  if (relu !== null) {
    mem.set(relu, prelu >> 2);
    kern.reluBackward(prelu, pdz, pdz, outLen);
  }
  let dKernel: Float32Array | null = null, dBias: Float32Array | null = null, dInput: Float32Array | null = null;
  if (wantKernel) {
    // as convBackwardKernelWasm
    mem.set(x, px >> 2);
    for (let n0 = 0; n0 < d.batch; n0 += block) {
      const n1 = Math.min(d.batch, n0 + block);
      const rows = (n1 - n0) * d.outPos;
      let a = px + 4 * n0 * d.inPos * d.cin;
      if (!d.pointwise) {
        kern.im2col(px, pgeo, d.cin, 0, d.cin, n0, n1, pcols);
        a = pcols;
      }
      kern.packB(rows, d.cout, pdz + 4 * n0 * d.outPos * d.cout, d.cout, 0, pdzp);
      kern.gemmPackedAT(d.kdim, d.cout, rows, a, d.kdim, pdzp, pdk, d.cout, n0 > 0 ? 1 : 0, APACK);
    }
    dKernel = takeF32(d.kdim * d.cout, false);
    dKernel.set(mem.subarray(pdk >> 2, (pdk >> 2) + dKernel.length));
  }
  if (wantBias) {
    // as biasGradient: float32 column sums in row order
    mem.fill(0, pdb >> 2, (pdb >> 2) + d.cout);
    kern.addColumnSums(d.batch * d.outPos, d.cout, pdz, d.cout, pdb);
    dBias = mem.slice(pdb >> 2, (pdb >> 2) + d.cout);
  }
  let dzOut: Float32Array | null = null;
  if (wino !== null) {
    dzOut = takeF32(outLen, false);
    dzOut.set(mem.subarray(pdz >> 2, (pdz >> 2) + outLen));
  }
  if (wantCols) {
    // as convBackwardInputWasm
    mem.set(kernel, pk >> 2);
    mem.fill(0, pdx >> 2, (pdx >> 2) + inLen);
    kern.packB(d.cout, d.kdim, pk, d.cout, 1, pkp);
    for (let n0 = 0; n0 < d.batch; n0 += block) {
      const n1 = Math.min(d.batch, n0 + block);
      kern.gemmPacked((n1 - n0) * d.outPos, d.kdim, d.cout, pdz + 4 * n0 * d.outPos * d.cout, d.cout, pkp, pcols, d.kdim, 0, APACK);
      kern.col2im(pcols, pgeo, d.cin, 0, d.cin, n0, n1, pdx);
    }
    // a pooled buffer: the graph gives it back once the layer below has used it
    dInput = takeF32(inLen, false);
    dInput.set(mem.subarray(pdx >> 2, (pdx >> 2) + inLen));
  }
  wasmRelease(mark);
  if (wino !== null) {
    dInput = convForward(dzOut!, wino.kernel, null, wino.spec, { winogradTile: 2 });
    giveF32(dzOut);
  }
  return { dInput, dKernel, dBias };
}

/**
 * {@link convBackwardInput} in WebAssembly (one group): per block of samples `dcols = dz · kernelᵀ`
 * (the kernel packed once, transposed) and col2im adds the columns into `dx`, all in the kernels'
 * memory. The same order of operations as the TypeScript path.
 */
function convBackwardInputWasm(kern: WasmKernels, dz: Float32Array, kernel: Float32Array, d: ConvDims): Float32Array {
  const block = Math.min(d.block, d.batch);
  const inLen = d.batch * d.inPos * d.cin;
  const outLen = d.batch * d.outPos * d.cout;
  const mark = wasmMark();
  const pdz = wasmAlloc(kern, outLen);
  const pk = wasmAlloc(kern, d.kdim * d.cout);
  const pkp = wasmAlloc(kern, kern.packedBSize(d.cout, d.kdim));
  const pdx = wasmAlloc(kern, inLen);
  const pcols = wasmAlloc(kern, block * d.outPos * d.kdim);
  const pgeo = wasmAlloc(kern, 18);
  const mem = wasmF32(kern);
  mem.set(dz, pdz >> 2);
  mem.set(kernel, pk >> 2);
  mem.fill(0, pdx >> 2, (pdx >> 2) + inLen);
  // B = kernelᵀ (cout × kdim); the kernel is stored kdim × cout, i.e. "n × k"
  kern.packB(d.cout, d.kdim, pk, d.cout, 1, pkp);
  new Int32Array(mem.buffer, pgeo, 18).set(geoInts(d.g));
  for (let n0 = 0; n0 < d.batch; n0 += block) {
    const n1 = Math.min(d.batch, n0 + block);
    kern.gemmPacked((n1 - n0) * d.outPos, d.kdim, d.cout, pdz + 4 * n0 * d.outPos * d.cout, d.cout, pkp, pcols, d.kdim, 0, APACK);
    kern.col2im(pcols, pgeo, d.cin, 0, d.cin, n0, n1, pdx);
  }
  const dx = new Float32Array(inLen);
  dx.set(wasmF32(kern).subarray(pdx >> 2, (pdx >> 2) + inLen));
  wasmRelease(mark);
  return dx;
}

/**
 * {@link convBackwardKernel} in WebAssembly (one group): per block of samples im2col, then
 * `dk (+)= colsᵀ · dz` read straight from the stored columns (gemmPackedAT), summed block by block in
 * order as the TypeScript path does.
 */
function convBackwardKernelWasm(kern: WasmKernels, x: Float32Array, dz: Float32Array, d: ConvDims): Float32Array {
  const block = Math.min(d.block, d.batch);
  const inLen = d.batch * d.inPos * d.cin;
  const outLen = d.batch * d.outPos * d.cout;
  const blockRows = block * d.outPos;
  const mark = wasmMark();
  const px = wasmAlloc(kern, inLen);
  const pdz = wasmAlloc(kern, outLen);
  const pdzp = wasmAlloc(kern, kern.packedBSize(blockRows, d.cout));
  const pdk = wasmAlloc(kern, d.kdim * d.cout);
  const pcols = d.pointwise ? 0 : wasmAlloc(kern, blockRows * d.kdim);
  const pgeo = wasmAlloc(kern, 18);
  const mem = wasmF32(kern);
  mem.set(x, px >> 2);
  mem.set(dz, pdz >> 2);
  new Int32Array(mem.buffer, pgeo, 18).set(geoInts(d.g));
  for (let n0 = 0; n0 < d.batch; n0 += block) {
    const n1 = Math.min(d.batch, n0 + block);
    const rows = (n1 - n0) * d.outPos;
    let a = px + 4 * n0 * d.inPos * d.cin;
    if (!d.pointwise) {
      kern.im2col(px, pgeo, d.cin, 0, d.cin, n0, n1, pcols);
      a = pcols;
    }
    kern.packB(rows, d.cout, pdz + 4 * n0 * d.outPos * d.cout, d.cout, 0, pdzp);
    // (kdim × rows) · (rows × cout) with A stored rows × kdim
    kern.gemmPackedAT(d.kdim, d.cout, rows, a, d.kdim, pdzp, pdk, d.cout, n0 > 0 ? 1 : 0, APACK);
  }
  const dk = new Float32Array(d.kdim * d.cout);
  dk.set(wasmF32(kern).subarray(pdk >> 2, (pdk >> 2) + dk.length));
  wasmRelease(mark);
  return dk;
}

/** ∂L/∂bias: the column sums of `dz` (`rows × channels`), in float32 and row order. */
export function biasGradient(dz: Float32Array, rows: number, channels: number): Float32Array {
  const kern = rows * channels >= 4096 ? wasmKernels() : null;
  if (kern !== null) {
    // the same float32 sums in row order, four channels at a time
    const mark = wasmMark();
    const pdz = wasmAlloc(kern, rows * channels);
    const pacc = wasmAlloc(kern, channels);
    const mem = wasmF32(kern);
    mem.set(dz.subarray(0, rows * channels), pdz >> 2);
    mem.fill(0, pacc >> 2, (pacc >> 2) + channels);
    kern.addColumnSums(rows, channels, pdz, channels, pacc);
    const out = mem.slice(pacc >> 2, (pacc >> 2) + channels);
    wasmRelease(mark);
    return out;
  }
  const acc = new Float32Array(channels);
  for (let r = 0; r < rows; r++) {
    const o = r * channels;
    for (let j = 0; j < channels; j++) acc[j] = acc[j]! + dz[o + j]!;
  }
  return acc;
}

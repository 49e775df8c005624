/**
 * Winograd convolution for 2-D convolutions with a 3×3 window, stride 1 and no dilation (any padding):
 * F(2×2, 3×3) computes each 2×2 block of outputs with 16 multiplies per channel pair instead of 36,
 * F(4×4, 3×3) each 4×4 block with 36 instead of 144. The kernels are in scripts/asm/winograd.ts; this
 * module decides when to use them, transforms and packs the convolution kernel (kept in the pack cache
 * for layer weights) and lays out their memory. A 2×2, stride-2 max pooling after the convolution can
 * be fused into the output transform (the pooled values are those of the two separate calls).
 *
 * Numbers: F(2×2)'s transforms use only 0, ±1 and ±½; F(4×4)'s the interpolation points 0, ±1, 2 and
 * −½ (chosen for accuracy, see the kernel file); the kernel's transform is applied in double precision
 * and rounded once. Results differ from the direct convolution's by a few float32 roundings (F(4×4)
 * somewhat more than F(2×2): about 7e-7 against 2e-7 of the largest output on the W6 model's second
 * convolution). Samples with a NaN or an infinity (and kernels with one) take the direct path: the
 * transforms would mix an infinity with its neighbours (∞ − ∞) where the direct sum keeps it. A
 * sample's result does not depend on the batch it is in or on how the batch is shared between threads.
 */
import { APACK, wasmAlloc, wasmF32, wasmMark, wasmRelease, type WasmKernels } from '../wasm/backend.js';
import { packedDerived } from '../wasm/pack-cache.js';
import { convDims, type ConvDims, type ConvSpec } from './conv.js';
import type { WindowGeometry } from './geometry.js';

/**
 * When 2-D convolutions use a Winograd algorithm (3×3 window, stride 1, no dilation, one group,
 * WebAssembly backend, channel counts multiples of 4), and which. Mutable, for tuning and A/B tests.
 */
export const winogradOptions: {
  /** Use it at all (default true; false when the environment sets `KERASTS_WINOGRAD=0` at load). */
  enabled: boolean;
  /**
   * Fewest input channels (default 4, the least multiple of 4: measured faster than the direct path
   * from 4 input and 4 output channels up; an image model's first convolution, with 1 or 3 input
   * channels, stays direct).
   */
  minInChannels: number;
  /**
   * The output tile: `'auto'` (default) takes F(4×4, 3×3) where its products are fewer than 0.85× F(2×2)'s
   * once both are rounded up to whole tiles (measured: F(4×4) then wins from 4 to 128 channels; e.g. a
   * 5×5 or 6×6 output, as many products either way, is faster in 2×2 tiles) and the input channels are
   * at most `f4MaxInChannels`; 2 or 4 force one.
   */
  tile: 'auto' | 2 | 4;
  /**
   * Most input channels for F(4×4, 3×3) under `'auto'` (default 64). Its rounding error grows with the
   * channel count faster than F(2×2)'s (worst against a float64 convolution, relative to the largest
   * output: 1.8e-6 at 64 channels, 3.5e-6 at 512, F(2×2) 4e-7 and 9e-7); wider layers keep the margin
   * to Keras' 1e-5 for deep stacks.
   */
  f4MaxInChannels: number;
} = { enabled: readEnvEnabled(), minInChannels: 4, tile: 'auto', f4MaxInChannels: 64 };

function readEnvEnabled(): boolean {
  const env = (globalThis as { process?: { env?: Record<string, string | undefined> } }).process?.env;
  return env?.KERASTS_WINOGRAD !== '0';
}

/** Whether the convolution of `d` runs as Winograd F(2×2, 3×3) or F(4×4, 3×3) (in WebAssembly). @internal */
export function winogradApplies(d: ConvDims): boolean {
  const g = d.g;
  return (
    winogradOptions.enabled &&
    d.groups === 1 &&
    g.inD === 1 && g.kD === 1 && g.kH === 3 && g.kW === 3 &&
    g.sH === 1 && g.sW === 1 && g.dH === 1 && g.dW === 1 &&
    d.cin % 4 === 0 && d.cout % 4 === 0 &&
    d.cin >= winogradOptions.minInChannels &&
    g.outH >= 2 && g.outW >= 2
  );
}

/** The output tile's side for the convolution of `d` (which winogradApplies): 2 or 4. @internal */
export function winogradTile(d: ConvDims, requested: 'auto' | 2 | 4 = winogradOptions.tile): 2 | 4 {
  const t = requested;
  if (t !== 'auto') return t;
  if (d.cin > winogradOptions.f4MaxInChannels) return 2;
  const { outH, outW } = d.g;
  const f2 = 16 * Math.ceil(outH / 2) * Math.ceil(outW / 2);
  const f4 = 36 * Math.ceil(outH / 4) * Math.ceil(outW / 4);
  return f4 < 0.85 * f2 ? 4 : 2;
}

/**
 * Multiply-adds of the convolution of `d` on the path it takes (the GEMMs' products; Winograd's
 * transforms are not counted): what the thread policy weighs. @internal
 */
export function winogradWork(d: ConvDims, tile: 2 | 4 = winogradTile(d)): number {
  const m = tile;
  const tiles = Math.ceil(d.g.outH / m) * Math.ceil(d.g.outW / m);
  return d.batch * tiles * (m + 2) * (m + 2) * d.cin * d.cout;
}

/**
 * Whether a max pooling of geometry `pool` over the output of the convolution of `d` (which
 * winogradApplies) can be fused into its output transform: a 2×2 window, stride 2, no padding. @internal
 */
export function winogradPoolFusable(pool: WindowGeometry): boolean {
  return (
    pool.inSize.length === 2 &&
    pool.window[0] === 2 && pool.window[1] === 2 &&
    pool.strides[0] === 2 && pool.strides[1] === 2 &&
    pool.padBefore[0] === 0 && pool.padBefore[1] === 0 &&
    pool.outSize[0] === pool.inSize[0]! >> 1 && pool.outSize[1] === pool.inSize[1]! >> 1
  );
}

/** Bytes of V and M scratch per block of tiles: kept within the L2 cache between the three steps. */
const BLOCK_BYTES = 512 * 1024;

/** Tiles per block (a multiple of 4, at most the GEMM's 256 packed rows). */
function tilesPerBlock(cin: number, cout: number, xis: number): number {
  const tb = Math.floor(BLOCK_BYTES / (xis * 4 * (cin + cout)) / 4) * 4;
  return Math.min(256, Math.max(4, tb));
}

/**
 * U[ξ] = (G g Gᵀ)[ξ] for each input/output channel pair of a Keras kernel `(3, 3, cin, cout)`: 16
 * matrices `cin × cout`, computed in double precision and rounded once. G = [[1, 0, 0], [½, ½, ½],
 * [½, −½, ½], [0, 0, 1]], written out (this runs per call for kernels that are not cached). With
 * `out`, written there from float `offset` (and `out` returned).
 */
export function winogradKernel(kernel: Float32Array, cin: number, cout: number, out?: Float32Array, offset = 0): Float32Array {
  const n = cin * cout;
  // (a fresh 16·n array costs more than the transform: callers pass memory to write into)
  const u = out ?? new Float32Array(16 * n);
  const o = out !== undefined ? offset : 0;
  for (let e = o, end = o + n, k = 0; e < end; e++, k++) {
    const g00 = kernel[k]!, g01 = kernel[n + k]!, g02 = kernel[2 * n + k]!;
    const g10 = kernel[3 * n + k]!, g11 = kernel[4 * n + k]!, g12 = kernel[5 * n + k]!;
    const g20 = kernel[6 * n + k]!, g21 = kernel[7 * n + k]!, g22 = kernel[8 * n + k]!;
    // rows of G g (a = 0..3), one value per kernel column
    const a00 = g00, a01 = g01, a02 = g02;
    const a10 = (g00 + g10 + g20) * 0.5, a11 = (g01 + g11 + g21) * 0.5, a12 = (g02 + g12 + g22) * 0.5;
    const a20 = (g00 - g10 + g20) * 0.5, a21 = (g01 - g11 + g21) * 0.5, a22 = (g02 - g12 + g22) * 0.5;
    const a30 = g20, a31 = g21, a32 = g22;
    // then (G g) Gᵀ on each row
    u[e] = a00;
    u[n + e] = (a00 + a01 + a02) * 0.5;
    u[2 * n + e] = (a00 - a01 + a02) * 0.5;
    u[3 * n + e] = a02;
    u[4 * n + e] = a10;
    u[5 * n + e] = (a10 + a11 + a12) * 0.5;
    u[6 * n + e] = (a10 - a11 + a12) * 0.5;
    u[7 * n + e] = a12;
    u[8 * n + e] = a20;
    u[9 * n + e] = (a20 + a21 + a22) * 0.5;
    u[10 * n + e] = (a20 - a21 + a22) * 0.5;
    u[11 * n + e] = a22;
    u[12 * n + e] = a30;
    u[13 * n + e] = (a30 + a31 + a32) * 0.5;
    u[14 * n + e] = (a30 - a31 + a32) * 0.5;
    u[15 * n + e] = a32;
  }
  return u;
}

/**
 * U[ξ] = (G g Gᵀ)[ξ] of F(4×4, 3×3) for each input/output channel pair of a Keras kernel `(3, 3, cin,
 * cout)`: 36 matrices `cin × cout`, computed in double precision and rounded once. G's rows (points 0, 1,
 * −1, 2, −½, ∞, scaled as in scripts/asm/winograd.ts): [½, 0, 0], −[1, 1, 1]/6, [1, −1, 1]/6,
 * [1, 2, 4]/30, [−4, 2, −1]/30, [0, 0, ½]. Written into `out` from float `offset` (and `out` returned).
 */
export function winograd4Kernel(kernel: Float32Array, cin: number, cout: number, out?: Float32Array, offset = 0): Float32Array {
  const n = cin * cout;
  const u = out ?? new Float32Array(36 * n);
  const o = out !== undefined ? offset : 0;
  // One row of G g (6 rows) per pass over the channel pairs: each pass reads the 9 kernel taps and
  // writes 6 of the 36 matrices (all 36 at once, 4.5 KiB apart, ran 6× slower).
  for (let row = 0; row < 6; row++) {
    const [c0, c1, c2, d] = G4[row]!;
    const base = o + 6 * row * n;
    for (let e = base, end = base + n, k = 0; e < end; e++, k++) {
      // (G g)[row] per kernel column; c0 g0 + c1 g1 + c2 g2 with integer c, then / d, as rowG rounds
      const a0 = (c0 * kernel[k]! + c1 * kernel[3 * n + k]! + c2 * kernel[6 * n + k]!) / d;
      const a1 = (c0 * kernel[n + k]! + c1 * kernel[4 * n + k]! + c2 * kernel[7 * n + k]!) / d;
      const a2 = (c0 * kernel[2 * n + k]! + c1 * kernel[5 * n + k]! + c2 * kernel[8 * n + k]!) / d;
      rowG(u, e, n, a0, a1, a2);
    }
  }
  return u;
}

/** F(4×4)'s G as integer rows and divisors: row i is [c0, c1, c2] / d. */
const G4: readonly (readonly [number, number, number, number])[] = [
  [1, 0, 0, 2],
  [-1, -1, -1, 6],
  [1, -1, 1, 6],
  [1, 2, 4, 30],
  [-4, 2, -1, 30],
  [0, 0, 1, 2],
];

/** u[r + i·n] = (G·[g0, g1, g2])[i] for i < 6, each rounded once to float32. */
function rowG(u: Float32Array, r: number, n: number, g0: number, g1: number, g2: number): void {
  u[r] = g0 / 2;
  u[r + n] = (-g0 - g1 - g2) / 6;
  u[r + 2 * n] = (g0 - g1 + g2) / 6;
  u[r + 3 * n] = (g0 + 2 * g1 + 4 * g2) / 30;
  u[r + 4 * n] = (-4 * g0 + 2 * g1 - g2) / 30;
  u[r + 5 * n] = g2 / 2;
}

/** Writes the packed U[ξ] of `kernel` (16 for F(2×2), 36 for F(4×4)) at byte address p; returns whether the kernel is finite. */
function packKernel(kern: WasmKernels, kernel: Float32Array, cin: number, cout: number, tile: 2 | 4, p: number): boolean {
  const n = cin * cout;
  const xis = (tile + 2) * (tile + 2);
  const psz = kern.packedBSize(cin, cout);
  const pu = wasmAlloc(kern, xis * n);
  if (tile === 4) winograd4Kernel(kernel, cin, cout, wasmF32(kern), pu >> 2);
  else winogradKernel(kernel, cin, cout, wasmF32(kern), pu >> 2);
  for (let xi = 0; xi < xis; xi++) kern.packB(cin, cout, pu + 4 * xi * n, cout, 0, p + 4 * xi * psz);
  // (U is finite exactly when the kernel is, short of overflow, which then also takes the direct path)
  return kern.allFinite(xis * n, pu) === 1;
}

/**
 * Samples `n0..n1` of `x` convolved by Winograd (F(2×2) or F(4×4), {@link winogradTile}) into `y` from
 * float `yOff`, with `bias` and the fused activation code `act` (5 relu, 6 linear); with `pool`, the
 * 2×2, stride-2 max pooling of that ({@link winogradPoolFusable}), `(n, outH/2, outW/2, cout)` per
 * sample. Samples (or a kernel) with a value that is not finite are given to `direct(a, b)` (samples
 * a..b, absolute indices; it writes what this would, pooled or not) instead. @internal
 */
export function winogradForward(
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
  cacheWeights: boolean,
  direct: (a: number, b: number) => void,
  pool = false,
  tile: 2 | 4 = winogradTile(d),
): void {
  const { cin, cout, g } = d;
  const xis = (tile + 2) * (tile + 2);
  const mark = wasmMark();
  // Kept panels first (they join the pinned region only while nothing else is allocated).
  const floats = xis * kern.packedBSize(cin, cout);
  let up: number;
  let finite: boolean;
  if (cacheWeights) {
    const kept = packedDerived(kern, kernel, `winograd${tile},${cin},${cout}`, floats, (p) => packKernel(kern, kernel, cin, cout, tile, p));
    up = kept.p;
    finite = kept.allFinite;
  } else {
    up = wasmAlloc(kern, floats);
    const m = wasmMark();
    finite = packKernel(kern, kernel, cin, cout, tile, up);
    wasmRelease(m);
  }
  if (!finite) {
    wasmRelease(mark);
    direct(n0, n1);
    return;
  }
  const nb = n1 - n0;
  const sIn = d.inPos * cin, sOut = (pool ? (g.outH >> 1) * (g.outW >> 1) : d.outPos) * cout;
  const tb = tilesPerBlock(cin, cout, xis);
  const px = wasmAlloc(kern, nb * sIn);
  const py = wasmAlloc(kern, nb * sOut);
  const pgeo = wasmAlloc(kern, 8);
  const pbias = bias !== null ? wasmAlloc(kern, cout) : 0;
  const pzero = wasmAlloc(kern, cin);
  // (16 floats of padding per ξ: see xiStride in the kernel file)
  const pv = wasmAlloc(kern, xis * (tb * cin + 16));
  const pm = wasmAlloc(kern, xis * (tb * cout + 16));
  const ptmp = tile === 4 ? wasmAlloc(kern, 144) : 0;
  let mem = wasmF32(kern);
  mem.set(x.subarray(n0 * sIn, n1 * sIn), px >> 2);
  new Int32Array(mem.buffer, pgeo, 8).set([g.inH, g.inW, cin, g.outH, g.outW, g.pH, g.pW, cout]);
  if (bias !== null) mem.set(bias, pbias >> 2);
  mem.fill(0, pzero >> 2, (pzero >> 2) + cin);
  // runs of samples that are all finite go through Winograd, the others through the direct path
  let a = 0;
  while (a < nb) {
    const ok = kern.allFinite(sIn, px + 4 * a * sIn) === 1;
    let b = a + 1;
    while (b < nb && (kern.allFinite(sIn, px + 4 * b * sIn) === 1) === ok) b++;
    if (ok) {
      const xa = px + 4 * a * sIn, ya = py + 4 * a * sOut, p = pool ? 1 : 0;
      if (tile === 4) kern.winograd4Conv(xa, b - a, pgeo, up, pbias, act, ya, pzero, pv, pm, tb, APACK, p, ptmp);
      else kern.winogradConv(xa, b - a, pgeo, up, pbias, act, ya, pzero, pv, pm, tb, APACK, p);
      mem = wasmF32(kern);
      y.set(mem.subarray((py >> 2) + a * sOut, (py >> 2) + b * sOut), yOff + a * sOut);
    } else {
      direct(n0 + a, n0 + b);
    }
    a = b;
  }
  wasmRelease(mark);
}

let turned = new Float32Array(0);

/**
 * The input gradient of a 3×3, stride-1 convolution is itself one: `dx = conv(dz, k′)` with the kernel
 * turned half a turn and its channel axes swapped (`k′[i, j, o, c] = k[2 − i, 2 − j, c, o]`), padding
 * `2 − p` before each axis, over the output's positions. Returns that convolution's spec and kernel
 * when it takes the Winograd path (else null: the column path stays). @internal
 */
export function winogradInputGradient(d: ConvDims, spec: ConvSpec, kernel: Float32Array): { spec: ConvSpec; kernel: Float32Array } | null {
  const g = d.g;
  if (d.groups !== 1 || g.inD !== 1 || g.kD !== 1 || g.kH !== 3 || g.kW !== 3 || g.sH !== 1 || g.sW !== 1 || g.dH !== 1 || g.dW !== 1) return null;
  if (g.pH > 2 || g.pW > 2 || spec.geometry.inSize.length !== 2) return null;
  const geometry: WindowGeometry = {
    inSize: [g.outH, g.outW],
    outSize: [g.inH, g.inW],
    window: [3, 3],
    strides: [1, 1],
    dilations: [1, 1],
    padBefore: [2 - g.pH, 2 - g.pW],
  };
  const t: ConvSpec = { batch: d.batch, geometry, inChannels: d.cout, outChannels: d.cin };
  if (!winogradApplies(convDims(t))) return null;
  const { cin, cout } = d;
  // (a scratch array reused between calls: a fresh one costs more than the copy; convForward does not
  // keep it, as it is not a weight)
  if (turned.length < kernel.length) turned = new Float32Array(kernel.length);
  const k = turned.length === kernel.length ? turned : turned.subarray(0, kernel.length);
  for (let tap = 0; tap < 9; tap++) {
    const src = (8 - tap) * cin * cout; // (2 − i, 2 − j)
    const dst = tap * cin * cout;
    for (let c = 0; c < cin; c++) for (let o = 0; o < cout; o++) k[dst + o * cin + c] = kernel[src + c * cout + o]!;
  }
  return { spec: t, kernel: k };
}

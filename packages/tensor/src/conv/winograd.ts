/**
 * Winograd F(2×2, 3×3) for 2-D convolutions with a 3×3 window, stride 1 and no dilation (any
 * padding): each 2×2 block of outputs takes 16 multiplies per channel pair instead of 36. The kernels
 * are in scripts/asm/winograd.ts; this module decides when to use them, transforms and packs the
 * convolution kernel (kept in the pack cache for layer weights) and lays out their memory.
 *
 * Numbers: the transforms use only 0, ±1 and ±½ (the ½ applied once to the kernel, in double
 * precision), so results differ from the direct convolution's by a few float32 roundings. Samples with
 * a NaN or an infinity (and kernels with one) take the direct path: the transforms would mix an
 * infinity with its neighbours (∞ − ∞) where the direct sum keeps it. A sample's result does not
 * depend on the batch it is in or on how the batch is shared between threads.
 */
import { APACK, wasmAlloc, wasmF32, wasmMark, wasmRelease, type WasmKernels } from '../wasm/backend.js';
import { packedDerived } from '../wasm/pack-cache.js';
import { convDims, type ConvDims, type ConvSpec } from './conv.js';
import type { WindowGeometry } from './geometry.js';

/**
 * When 2-D convolutions use the Winograd F(2×2, 3×3) algorithm (3×3 window, stride 1, no dilation,
 * one group, WebAssembly backend, channel counts multiples of 4). Mutable, for tuning and A/B tests.
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
} = { enabled: readEnvEnabled(), minInChannels: 4 };

function readEnvEnabled(): boolean {
  const env = (globalThis as { process?: { env?: Record<string, string | undefined> } }).process?.env;
  return env?.KERASTS_WINOGRAD !== '0';
}

/** Whether the convolution of `d` runs as Winograd F(2×2, 3×3) (in WebAssembly). @internal */
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

/** Bytes of V and M scratch per block of tiles: kept within the L2 cache between the three steps. */
const BLOCK_BYTES = 256 * 1024;

/** Tiles per block (a multiple of 4, at most the GEMM's 256 packed rows). */
function tilesPerBlock(cin: number, cout: number): number {
  const tb = Math.floor(BLOCK_BYTES / (16 * 4 * (cin + cout)) / 4) * 4;
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

/** Writes the 16 packed U[ξ] of `kernel` at byte address p; returns whether the kernel is finite. */
function packKernel(kern: WasmKernels, kernel: Float32Array, cin: number, cout: number, p: number): boolean {
  const n = cin * cout;
  const psz = kern.packedBSize(cin, cout);
  const pu = wasmAlloc(kern, 16 * n);
  winogradKernel(kernel, cin, cout, wasmF32(kern), pu >> 2);
  for (let xi = 0; xi < 16; xi++) kern.packB(cin, cout, pu + 4 * xi * n, cout, 0, p + 4 * xi * psz);
  // (U is finite exactly when the kernel is, short of overflow, which then also takes the direct path)
  return kern.allFinite(16 * n, pu) === 1;
}

/**
 * Samples `n0..n1` of `x` convolved by Winograd F(2×2, 3×3) into `y` from float `yOff`, with `bias` and
 * the fused activation code `act` (5 relu, 6 linear). Samples (or a kernel) with a value that is not
 * finite are given to `direct(a, b)` (samples a..b, absolute indices) instead. @internal
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
): void {
  const { cin, cout, g } = d;
  const mark = wasmMark();
  // Kept panels first (they join the pinned region only while nothing else is allocated).
  const floats = 16 * kern.packedBSize(cin, cout);
  let up: number;
  let finite: boolean;
  if (cacheWeights) {
    const kept = packedDerived(kern, kernel, `winograd,${cin},${cout}`, floats, (p) => packKernel(kern, kernel, cin, cout, p));
    up = kept.p;
    finite = kept.allFinite;
  } else {
    up = wasmAlloc(kern, floats);
    const m = wasmMark();
    finite = packKernel(kern, kernel, cin, cout, up);
    wasmRelease(m);
  }
  if (!finite) {
    wasmRelease(mark);
    direct(n0, n1);
    return;
  }
  const nb = n1 - n0;
  const sIn = d.inPos * cin, sOut = d.outPos * cout;
  const tb = tilesPerBlock(cin, cout);
  const px = wasmAlloc(kern, nb * sIn);
  const py = wasmAlloc(kern, nb * sOut);
  const pgeo = wasmAlloc(kern, 8);
  const pbias = bias !== null ? wasmAlloc(kern, cout) : 0;
  const pzero = wasmAlloc(kern, cin);
  const pv = wasmAlloc(kern, 16 * tb * cin);
  const pm = wasmAlloc(kern, 16 * tb * cout);
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
      kern.winogradConv(px + 4 * a * sIn, b - a, pgeo, up, pbias, act, py + 4 * a * sOut, pzero, pv, pm, tb, APACK);
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

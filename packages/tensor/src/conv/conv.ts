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
import { ConfigError, ShapeMismatchError } from '../errors.js';
import { gemm } from '../gemm.js';
import { prod, type WindowGeometry } from './geometry.js';
import { col2im, geom3, im2col, type Geom3 } from './im2col.js';

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

/**
 * `z = conv(x, kernel) + bias` (no activation): `x` is `(batch, *inSize, inChannels)`, `kernel`
 * `(*window, inChannels/groups, outChannels)`, the result `(batch, *outSize, outChannels)`.
 *
 * With `options.cacheWeights` the kernel is a long-lived weight whose in-place changes are announced
 * with `markWeightsChanged` (as layers' weights are), and its packed panels may be kept between calls
 * (ungrouped convolutions; a group's columns are copied per call).
 *
 * @throws {ShapeMismatchError} if an array has the wrong length.
 */
export function convForward(x: Float32Array, kernel: Float32Array, bias: Float32Array | null, spec: ConvSpec, options?: { cacheWeights?: boolean }): Float32Array {
  const d = convDims(spec);
  expect('input', x, d.batch * d.inPos * d.cin);
  expect('kernel', kernel, d.kdim * d.cout);
  if (bias !== null) expect('bias', bias, d.cout);
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
        gemm(rows, d.cout, d.kdim, a, w, y, { aOffset: aOff, cOffset: n0 * d.outPos * d.cout, accumulate: bias !== null, cacheB: w === kernel && (options?.cacheWeights ?? false) });
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
 * input's shape. This is also the forward pass of a transposed convolution.
 */
export function convBackwardInput(dz: Float32Array, kernel: Float32Array, spec: ConvSpec): Float32Array {
  const d = convDims(spec);
  expect('output gradient', dz, d.batch * d.outPos * d.cout);
  expect('kernel', kernel, d.kdim * d.cout);
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

/** ∂L/∂bias: the column sums of `dz` (`rows × channels`), in float32 and row order. */
export function biasGradient(dz: Float32Array, rows: number, channels: number): Float32Array {
  const acc = new Float32Array(channels);
  for (let r = 0; r < rows; r++) {
    const o = r * channels;
    for (let j = 0; j < channels; j++) acc[j] = acc[j]! + dz[o + j]!;
  }
  return acc;
}

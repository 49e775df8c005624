/**
 * Upsampling of a row-major array: nearest (every element repeated along some axes, Keras'
 * UpSampling1D/2D/3D and `ops.repeat`) and linear along one axis at a time (bilinear
 * UpSampling2D: `jax.image.resize(..., 'bilinear')`, a triangle kernel at half-pixel centres with the
 * weights normalized over the pixels inside the image). Each has its backward pass.
 */
import { ShapeMismatchError } from '../errors.js';

const f32 = Math.fround;

function strides(shape: readonly number[]): number[] {
  const s = new Array<number>(shape.length).fill(1);
  for (let a = shape.length - 2; a >= 0; a--) s[a] = s[a + 1]! * shape[a + 1]!;
  return s;
}

function checkFactors(shape: readonly number[], factors: readonly number[]): void {
  if (factors.length !== shape.length || factors.some((f) => !Number.isInteger(f) || f < 1)) {
    throw new ShapeMismatchError('repeat: one integer factor >= 1 per axis', shape, factors);
  }
}

/**
 * Walks the output of a repeat: `body(outRowStart, srcRowStart)` for each output row of the last
 * axis (the caller handles the last axis' own repeat).
 */
function walkRows(shape: readonly number[], factors: readonly number[], body: (out: number, src: number) => void): void {
  const rank = shape.length;
  const outShape = shape.map((d, a) => d * factors[a]!);
  const srcStride = strides(shape);
  const outRow = outShape[rank - 1]!;
  let total = 1;
  for (const d of outShape) total *= d;
  if (total === 0) return;
  const idx = new Array<number>(rank).fill(0);
  let src = 0;
  for (let o = 0; o < total; o += outRow) {
    body(o, src);
    for (let a = rank - 2; a >= 0; a--) {
      idx[a]!++;
      if (idx[a]! % factors[a]! === 0) src += srcStride[a]!;
      if (idx[a]! < outShape[a]!) break;
      src -= srcStride[a]! * shape[a]!;
      idx[a] = 0;
    }
  }
}

/** Repeats every element `factors[a]` times along each axis `a` (nearest-neighbour upsampling). */
export function repeatAxes(x: Float32Array, shape: readonly number[], factors: readonly number[]): Float32Array {
  checkFactors(shape, factors);
  const rank = shape.length;
  const out = new Float32Array(shape.reduce((p, d, a) => p * d * factors[a]!, 1));
  const n = shape[rank - 1]!;
  const f = factors[rank - 1]!;
  walkRows(shape, factors, (o, s) => {
    let k = o;
    for (let j = 0; j < n; j++) {
      const v = x[s + j]!;
      for (let r = 0; r < f; r++) out[k++] = v;
    }
  });
  return out;
}

/** Backward of {@link repeatAxes}: each input element gets the sum of its copies' gradients. */
export function repeatAxesBackward(dy: Float32Array, shape: readonly number[], factors: readonly number[]): Float32Array {
  checkFactors(shape, factors);
  const rank = shape.length;
  const acc = new Float64Array(shape.reduce((p, d) => p * d, 1));
  const n = shape[rank - 1]!;
  const f = factors[rank - 1]!;
  walkRows(shape, factors, (o, s) => {
    let k = o;
    for (let j = 0; j < n; j++) {
      let t = 0;
      for (let r = 0; r < f; r++) t += dy[k++]!;
      acc[s + j] = acc[s + j]! + t;
    }
  });
  return Float32Array.from(acc);
}

/** The two input pixels and their weights for each output pixel of a linear resize along one axis. */
export interface LinearResizeWeights {
  readonly inSize: number;
  readonly outSize: number;
  readonly lo: Int32Array;
  readonly hi: Int32Array;
  readonly wLo: Float32Array;
  readonly wHi: Float32Array;
}

/**
 * JAX's weights for `jax.image.resize(method='linear')` from `inSize` to `outSize` (no antialiasing;
 * what Keras 3's bilinear UpSampling2D asks for): sample `(o + 0.5)·in/out − 0.5`, triangle kernel
 * `max(0, 1 − |d|)` over the pixels inside the image, normalized to sum 1; float32 arithmetic.
 */
export function linearResizeWeights(inSize: number, outSize: number): LinearResizeWeights {
  if (!Number.isInteger(inSize) || !Number.isInteger(outSize) || inSize < 1 || outSize < 1) {
    throw new ShapeMismatchError('linear resize: sizes must be positive integers', [inSize], [outSize]);
  }
  const lo = new Int32Array(outSize);
  const hi = new Int32Array(outSize);
  const wLo = new Float32Array(outSize);
  const wHi = new Float32Array(outSize);
  const scale = f32(outSize / inSize);
  const inv = f32(1 / scale);
  for (let o = 0; o < outSize; o++) {
    const sample = f32(f32(f32(o + 0.5) * inv) - 0.5);
    let i0 = Math.floor(sample);
    let i1 = i0 + 1;
    let w0 = Math.max(0, f32(1 - Math.abs(f32(sample - i0))));
    let w1 = Math.max(0, f32(1 - Math.abs(f32(sample - i1))));
    if (i0 < 0) {
      i0 = 0;
      w0 = 0;
    }
    if (i1 > inSize - 1) {
      i1 = inSize - 1;
      w1 = 0;
    }
    const total = f32(w0 + w1);
    lo[o] = i0;
    hi[o] = i1;
    wLo[o] = total > 0 ? f32(w0 / total) : 0;
    wHi[o] = total > 0 ? f32(w1 / total) : 0;
  }
  return { inSize, outSize, lo, hi, wLo, wHi };
}

/** Resizes axis `axis` of `x` (row-major, `shape`) with the given linear weights. */
export function resizeAxisLinear(x: Float32Array, shape: readonly number[], axis: number, w: LinearResizeWeights): Float32Array {
  if (shape[axis] !== w.inSize) throw new ShapeMismatchError('linear resize: the axis does not fit the weights', [w.inSize], [shape[axis]!]);
  const outer = shape.slice(0, axis).reduce((p, d) => p * d, 1);
  const inner = shape.slice(axis + 1).reduce((p, d) => p * d, 1);
  const out = new Float32Array(outer * w.outSize * inner);
  for (let b = 0; b < outer; b++) {
    const src = b * w.inSize * inner;
    const dst = b * w.outSize * inner;
    for (let o = 0; o < w.outSize; o++) {
      const a0 = src + w.lo[o]! * inner;
      const a1 = src + w.hi[o]! * inner;
      const c0 = w.wLo[o]!;
      const c1 = w.wHi[o]!;
      const d = dst + o * inner;
      for (let k = 0; k < inner; k++) out[d + k] = f32(x[a0 + k]! * c0) + f32(x[a1 + k]! * c1);
    }
  }
  return out;
}

/** Backward of {@link resizeAxisLinear}: the transposed weights applied to `dy`. */
export function resizeAxisLinearBackward(dy: Float32Array, shape: readonly number[], axis: number, w: LinearResizeWeights): Float32Array {
  const outer = shape.slice(0, axis).reduce((p, d) => p * d, 1);
  const inner = shape.slice(axis + 1).reduce((p, d) => p * d, 1);
  const acc = new Float64Array(outer * w.inSize * inner);
  for (let b = 0; b < outer; b++) {
    const src = b * w.inSize * inner;
    const dst = b * w.outSize * inner;
    for (let o = 0; o < w.outSize; o++) {
      const a0 = src + w.lo[o]! * inner;
      const a1 = src + w.hi[o]! * inner;
      const c0 = w.wLo[o]!;
      const c1 = w.wHi[o]!;
      const d = dst + o * inner;
      for (let k = 0; k < inner; k++) {
        const g = dy[d + k]!;
        acc[a0 + k] = acc[a0 + k]! + g * c0;
        acc[a1 + k] = acc[a1 + k]! + g * c1;
      }
    }
  }
  return Float32Array.from(acc);
}

/**
 * Image resampling as Keras 3 computes it on its JAX backend (`jax.image.resize`, which Keras'
 * `ops.image.resize` calls): half-pixel centres, separable kernels whose weights are normalised per
 * output pixel, and nearest neighbour by `floor((i + 0.5) · in / out)`. TensorFlow's
 * `tf.image.resize` (v2) follows the same definitions (JAX ported its scale-and-translate op).
 */
import { ConfigError } from '../errors.js';

const f32 = Math.fround;

/** Interpolations of {@link resizeImages} (the ones Keras 3's `Resizing` accepts on every backend). */
export type ResizeInterpolation = 'bilinear' | 'nearest' | 'bicubic' | 'lanczos3' | 'lanczos5';

/** The interpolation names {@link resizeImages} implements. */
export const RESIZE_INTERPOLATIONS: readonly ResizeInterpolation[] = ['bilinear', 'nearest', 'bicubic', 'lanczos3', 'lanczos5'];

/** Where the image axes are in a rank-4 tensor. */
export type ImageLayout = 'channels_last' | 'channels_first';

const FLT_EPS = 1.1920928955078125e-7;

function lanczos(radius: number, x: number): number {
  if (x > radius) return 0;
  if (!(x > 1e-3)) return 1;
  const y = f32(radius * f32(Math.sin(Math.PI * x)) * f32(Math.sin((Math.PI * x) / radius)));
  return f32(y / f32(Math.PI * Math.PI * x * x));
}

/** Kernel and whether it is the triangle (radius 1). */
function kernelOf(method: Exclude<ResizeInterpolation, 'nearest'>): (x: number) => number {
  switch (method) {
    case 'bilinear':
      return (x) => Math.max(0, f32(1 - x));
    case 'bicubic':
      // Keys cubic with a = -0.5.
      return (x) => {
        if (x >= 2) return 0;
        if (x >= 1) return f32(f32(f32(f32(-0.5 * x + 2.5) * x) - 4) * x + 2);
        return f32(f32(f32(1.5 * x - 2.5) * x) * x + 1);
      };
    case 'lanczos3':
      return (x) => lanczos(3, x);
    case 'lanczos5':
      return (x) => lanczos(5, x);
  }
}

/**
 * The `[outSize][inSize]` weights of one axis (jax `compute_weight_mat`): for output pixel `o` the
 * sample point is `(o + 0.5)·in/out − 0.5`, each input pixel weighs `kernel(|sample − j| / s)` with
 * `s = max(in/out, 1)` when antialiasing (else 1), the weights are divided by their sum, and output
 * pixels whose sample point falls outside the input get none.
 */
export function resizeWeights(inSize: number, outSize: number, method: Exclude<ResizeInterpolation, 'nearest'>, antialias: boolean): Float32Array {
  const kernel = kernelOf(method);
  const scale = f32(outSize / inSize);
  const invScale = f32(1 / scale);
  const kernelScale = antialias ? Math.max(invScale, 1) : 1;
  const w = new Float32Array(outSize * inSize);
  for (let o = 0; o < outSize; o++) {
    const sample = f32(f32(f32(o + 0.5) * invScale) - 0.5);
    let total = 0;
    for (let j = 0; j < inSize; j++) {
      const x = f32(Math.abs(f32(sample - j)) / kernelScale);
      const v = kernel(x);
      w[o * inSize + j] = v;
      total = f32(total + v);
    }
    const inside = sample >= -0.5 && sample <= inSize - 0.5;
    for (let j = 0; j < inSize; j++) {
      const k = o * inSize + j;
      w[k] = inside && Math.abs(total) > 1000 * FLT_EPS ? f32(w[k]! / total) : 0;
    }
  }
  return w;
}

/** Source index of each output index for nearest-neighbour resizing (float32 as jax computes it). */
export function nearestIndices(inSize: number, outSize: number): Int32Array {
  const idx = new Int32Array(outSize);
  for (let o = 0; o < outSize; o++) idx[o] = Math.min(inSize - 1, Math.floor(f32(f32(f32(o + 0.5) * inSize) / outSize)));
  return idx;
}

/**
 * Resize a batch of images `(n, h, w, c)` (or `(n, c, h, w)` for `channels_first`) to `outH × outW`.
 * An axis whose size does not change is copied as it is (jax resamples only the axes that change).
 *
 * @throws {ConfigError} for an unknown interpolation or a non-positive size.
 */
export function resizeImages(
  data: Float32Array,
  shape: readonly number[],
  outH: number,
  outW: number,
  method: ResizeInterpolation,
  options: { antialias?: boolean; layout?: ImageLayout } = {},
): { data: Float32Array; shape: number[] } {
  if (!RESIZE_INTERPOLATIONS.includes(method)) throw new ConfigError(`unknown interpolation ${JSON.stringify(method)} (one of ${RESIZE_INTERPOLATIONS.join(', ')})`, 'resizeImages');
  if (!(outH > 0 && outW > 0 && Number.isInteger(outH) && Number.isInteger(outW))) throw new ConfigError(`resize target must be positive integers, found ${outH}×${outW}`, 'resizeImages');
  const cl = (options.layout ?? 'channels_last') === 'channels_last';
  const [n, a1, a2, a3] = shape as [number, number, number, number];
  const h = cl ? a1 : a2;
  const w = cl ? a2 : a3;
  const c = cl ? a3 : a1;
  // Strides of (n, y, x, ch) in the input and output layouts.
  const inS = cl ? [h * w * c, w * c, c, 1] : [c * h * w, w, 1, h * w];
  const outS = cl ? [outH * outW * c, outW * c, c, 1] : [c * outH * outW, outW, 1, outH * outW];
  const outShape = cl ? [n, outH, outW, c] : [n, c, outH, outW];
  const out = new Float32Array(n * outH * outW * c);
  if (method === 'nearest') {
    const ys = h === outH ? Int32Array.from({ length: outH }, (_, i) => i) : nearestIndices(h, outH);
    const xs = w === outW ? Int32Array.from({ length: outW }, (_, i) => i) : nearestIndices(w, outW);
    for (let b = 0; b < n; b++)
      for (let y = 0; y < outH; y++)
        for (let x = 0; x < outW; x++)
          for (let ch = 0; ch < c; ch++) out[b * outS[0]! + y * outS[1]! + x * outS[2]! + ch * outS[3]!] = data[b * inS[0]! + ys[y]! * inS[1]! + xs[x]! * inS[2]! + ch * inS[3]!]!;
    return { data: out, shape: outShape };
  }
  const antialias = options.antialias ?? false;
  const wy = h === outH ? null : resizeWeights(h, outH, method, antialias);
  const wx = w === outW ? null : resizeWeights(w, outW, method, antialias);
  // Along the height first into (n, outH, w, c) kept channels-last, then along the width.
  const mid = new Float32Array(n * outH * w * c);
  for (let b = 0; b < n; b++)
    for (let y = 0; y < outH; y++)
      for (let x = 0; x < w; x++)
        for (let ch = 0; ch < c; ch++) {
          const base = b * inS[0]! + x * inS[2]! + ch * inS[3]!;
          let s: number;
          if (!wy) s = data[base + y * inS[1]!]!;
          else {
            s = 0;
            const row = y * h;
            for (let j = 0; j < h; j++) {
              const wt = wy[row + j]!;
              if (wt !== 0) s += wt * data[base + j * inS[1]!]!;
            }
          }
          mid[((b * outH + y) * w + x) * c + ch] = s;
        }
  for (let b = 0; b < n; b++)
    for (let y = 0; y < outH; y++)
      for (let x = 0; x < outW; x++)
        for (let ch = 0; ch < c; ch++) {
          const base = (b * outH + y) * w * c + ch;
          let s: number;
          if (!wx) s = mid[base + x * c]!;
          else {
            s = 0;
            const row = x * w;
            for (let j = 0; j < w; j++) {
              const wt = wx[row + j]!;
              if (wt !== 0) s += wt * mid[base + j * c]!;
            }
          }
          out[b * outS[0]! + y * outS[1]! + x * outS[2]! + ch * outS[3]!] = s;
        }
  return { data: out, shape: outShape };
}

/**
 * The backward pass of {@link resizeImages}: the gradient of the input from the gradient of the
 * output (the transposed weights; nearest scatters into the source pixels).
 */
export function resizeImagesBackward(
  dOut: Float32Array,
  inShape: readonly number[],
  outH: number,
  outW: number,
  method: ResizeInterpolation,
  options: { antialias?: boolean; layout?: ImageLayout } = {},
): Float32Array {
  const cl = (options.layout ?? 'channels_last') === 'channels_last';
  const [n, a1, a2, a3] = inShape as [number, number, number, number];
  const h = cl ? a1 : a2;
  const w = cl ? a2 : a3;
  const c = cl ? a3 : a1;
  const inS = cl ? [h * w * c, w * c, c, 1] : [c * h * w, w, 1, h * w];
  const outS = cl ? [outH * outW * c, outW * c, c, 1] : [c * outH * outW, outW, 1, outH * outW];
  const dx = new Float32Array(n * h * w * c);
  // Each output pixel as a weighted sum over input pixels: (y weights) × (x weights).
  const axisWeights = (inSize: number, outSize: number): ((o: number, j: number) => number) => {
    if (inSize === outSize) return (o, j) => (o === j ? 1 : 0);
    if (method === 'nearest') {
      const idx = nearestIndices(inSize, outSize);
      return (o, j) => (idx[o] === j ? 1 : 0);
    }
    const m = resizeWeights(inSize, outSize, method, options.antialias ?? false);
    return (o, j) => m[o * inSize + j]!;
  };
  const fy = axisWeights(h, outH);
  const fx = axisWeights(w, outW);
  const wy = new Float32Array(outH * h);
  for (let o = 0; o < outH; o++) for (let j = 0; j < h; j++) wy[o * h + j] = fy(o, j);
  const wx = new Float32Array(outW * w);
  for (let o = 0; o < outW; o++) for (let j = 0; j < w; j++) wx[o * w + j] = fx(o, j);
  for (let b = 0; b < n; b++)
    for (let y = 0; y < outH; y++)
      for (let x = 0; x < outW; x++)
        for (let ch = 0; ch < c; ch++) {
          const g = dOut[b * outS[0]! + y * outS[1]! + x * outS[2]! + ch * outS[3]!]!;
          if (g === 0) continue;
          for (let j = 0; j < h; j++) {
            const a = wy[y * h + j]!;
            if (a === 0) continue;
            for (let i = 0; i < w; i++) {
              const bw = wx[x * w + i]!;
              if (bw !== 0) {
                const k = b * inS[0]! + j * inS[1]! + i * inS[2]! + ch * inS[3]!;
                dx[k] = dx[k]! + g * a * bw;
              }
            }
          }
        }
  return dx;
}

/**
 * Keras 3's `ops.image.affine_transform` on its JAX backend: each output pixel `(y, x)` samples the
 * input at `x' = a1·y + a0·x + a2`, `y' = b1·y + b0·x + b2` (Keras' 8-number transform
 * `[a0, a1, a2, b0, b1, b2, c0, c1]`, whose projective `c0, c1` Keras' layers leave 0) with
 * `jax.scipy.ndimage.map_coordinates`: order 0 rounds half away from zero, order 1 is bilinear, and
 * `fill_mode` maps indices outside the image (`reflect`, `wrap`, `nearest`, `mirror`) or replaces
 * them with `fill_value` (`constant`, per neighbour, as JAX).
 */
import { ConfigError } from '../errors.js';

const f32 = Math.fround;

/** How {@link affineTransform} fills pixels sampled from outside the image. */
export type AffineFillMode = 'reflect' | 'wrap' | 'constant' | 'nearest' | 'mirror';

/** Options of {@link affineTransform}. */
export interface AffineOptions {
  /** `bilinear` (default) or `nearest`. */
  interpolation?: 'bilinear' | 'nearest';
  /** Default `constant`. */
  fillMode?: AffineFillMode;
  /** Value of pixels outside the image with `constant` (default 0). */
  fillValue?: number;
  /** Where the channels are in the rank-4 batch (default `channels_last`). */
  layout?: 'channels_last' | 'channels_first';
}

const mod = (a: number, n: number): number => ((a % n) + n) % n;

function mirror(i: number, size: number): number {
  const s = size - 1;
  if (s === 0) return 0;
  return Math.abs(mod(i + s, 2 * s) - s);
}

/** JAX's index fixer of a mode (the index used for an out-of-range sample). */
function fixer(mode: AffineFillMode): (i: number, size: number) => number {
  switch (mode) {
    case 'constant':
      return (i) => i;
    case 'nearest':
      return (i, size) => Math.min(Math.max(i, 0), size - 1);
    case 'wrap':
      return (i, size) => mod(i, size);
    case 'mirror':
      return mirror;
    case 'reflect':
      return (i, size) => Math.floor((mirror(2 * i + 1, 2 * size + 1) - 1) / 2);
  }
}

/** The input taps of one output pixel: flat spatial offsets `y·w + x` (or −1 for the fill value) and weights. */
type Taps = { idx: number[]; w: number[] };

function taps(yIn: number, xIn: number, h: number, w: number, nearest: boolean, mode: AffineFillMode): Taps {
  const fix = fixer(mode);
  const axis = (c: number): [number, number][] => {
    if (nearest) return [[Math.sign(c) * Math.round(Math.abs(c)), 1]];
    const lo = Math.floor(c);
    const up = f32(c - lo);
    return [[lo, f32(1 - up)], [lo + 1, up]];
  };
  const out: Taps = { idx: [], w: [] };
  for (const [iy, wy] of axis(yIn)) {
    for (const [ix, wx] of axis(xIn)) {
      const valid = mode !== 'constant' || (iy >= 0 && iy < h && ix >= 0 && ix < w);
      out.idx.push(valid ? fix(iy, h) * w + fix(ix, w) : -1);
      out.w.push(f32(wy * wx));
    }
  }
  return out;
}

function check(shape: readonly number[], transforms: Float32Array): void {
  if (shape.length !== 4) throw new ConfigError(`affineTransform expects a batch of images (rank 4), got shape [${shape.join(', ')}]`, 'affineTransform');
  if (transforms.length !== shape[0]! * 8) throw new ConfigError(`affineTransform expects 8 numbers per image, got ${transforms.length} for ${shape[0]} images`, 'affineTransform');
}

/** For each image and output pixel, the taps (shared by the channels). */
function plan(shape: readonly number[], transforms: Float32Array, options: AffineOptions): { h: number; w: number; c: number; cl: boolean; all: Taps[][] } {
  check(shape, transforms);
  const cl = (options.layout ?? 'channels_last') === 'channels_last';
  const [n, a1, a2, a3] = shape as [number, number, number, number];
  const [h, w, c] = cl ? [a1, a2, a3] : [a2, a3, a1];
  const nearest = options.interpolation === 'nearest';
  const mode = options.fillMode ?? 'constant';
  const all: Taps[][] = [];
  for (let b = 0; b < n; b++) {
    const t = transforms.subarray(b * 8, b * 8 + 8);
    const perImage: Taps[] = [];
    for (let y = 0; y < h; y++) {
      for (let x = 0; x < w; x++) {
        // jax: coordinates = indices · T (float32), then the offsets added.
        const yIn = f32(f32(f32(y * t[4]!) + f32(x * t[3]!)) + t[5]!);
        const xIn = f32(f32(f32(y * t[1]!) + f32(x * t[0]!)) + t[2]!);
        perImage.push(taps(yIn, xIn, h, w, nearest, mode));
      }
    }
    all.push(perImage);
  }
  return { h, w, c, cl, all };
}

/**
 * Apply one affine transform per image of a batch `(n, h, w, c)` (or `(n, c, h, w)`); `transforms`
 * holds 8 numbers per image (Keras' layout, see the module comment).
 *
 * @throws {ConfigError} for a batch that is not rank 4 or a transform count that does not fit it.
 */
export function affineTransform(data: Float32Array, shape: readonly number[], transforms: Float32Array, options: AffineOptions = {}): Float32Array {
  const { h, w, c, cl, all } = plan(shape, transforms, options);
  const fill = f32(options.fillValue ?? 0);
  const out = new Float32Array(data.length);
  const hw = h * w;
  all.forEach((perImage, b) => {
    for (let p = 0; p < hw; p++) {
      const tp = perImage[p]!;
      for (let ch = 0; ch < c; ch++) {
        let s = 0;
        for (let k = 0; k < tp.idx.length; k++) {
          const q = tp.idx[k]!;
          const v = q < 0 ? fill : data[cl ? (b * hw + q) * c + ch : (b * c + ch) * hw + q]!;
          s = f32(s + f32(tp.w[k]! * v));
        }
        out[cl ? (b * hw + p) * c + ch : (b * c + ch) * hw + p] = s;
      }
    }
  });
  return out;
}

/** The gradient of {@link affineTransform}'s input from the gradient of its output (the taps transposed). */
export function affineTransformBackward(dOut: Float32Array, shape: readonly number[], transforms: Float32Array, options: AffineOptions = {}): Float32Array {
  const { h, w, c, cl, all } = plan(shape, transforms, options);
  const dx = new Float32Array(dOut.length);
  const hw = h * w;
  all.forEach((perImage, b) => {
    for (let p = 0; p < hw; p++) {
      const tp = perImage[p]!;
      for (let ch = 0; ch < c; ch++) {
        const g = dOut[cl ? (b * hw + p) * c + ch : (b * c + ch) * hw + p]!;
        if (g === 0) continue;
        for (let k = 0; k < tp.idx.length; k++) {
          const q = tp.idx[k]!;
          if (q < 0) continue;
          const i = cl ? (b * hw + q) * c + ch : (b * c + ch) * hw + q;
          dx[i] = dx[i]! + g * tp.w[k]!;
        }
      }
    }
  });
  return dx;
}

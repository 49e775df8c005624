/**
 * The activation functions of Keras' activation *layers* that take parameters (`ReLU`, `LeakyReLU`,
 * `PReLU`, `ELU`, Keras 2's `ThresholdedReLU`), forward and backward, on float32 buffers. The named
 * activations without parameters are in `activations.ts`.
 */
import { ShapeMismatchError } from '../errors.js';

/** Parameters of Keras' `relu(x, negative_slope, max_value, threshold)`. */
export interface ReluParams {
  /** Slope below the threshold (Keras' `negative_slope`, Keras 2's `alpha`); default 0. */
  negativeSlope?: number;
  /** Upper clip; `null`/absent for none. */
  maxValue?: number | null;
  /** Values at or below it are cut (default 0). */
  threshold?: number;
}

/**
 * Keras' parametrised relu, as `keras.activations.relu` computes it (the same in Keras 2's backend):
 * `x` above `threshold` (else 0), clipped to `[0, maxValue]`, minus `negativeSlope·relu(threshold − x)`.
 * Without a threshold and a clip, a non-zero slope is a leaky relu (`x ≥ 0 ? x : slope·x`).
 */
export function reluWithParams(x: Float32Array, p: ReluParams, out: Float32Array = new Float32Array(x.length)): Float32Array {
  const slope = Math.fround(p.negativeSlope ?? 0);
  const max = p.maxValue ?? null;
  const t = Math.fround(p.threshold ?? 0);
  const n = x.length;
  if (slope !== 0 && max === null && t === 0) {
    for (let i = 0; i < n; i++) {
      const v = x[i]!;
      out[i] = v >= 0 ? v : slope * v;
    }
    return out;
  }
  const hi = max === null ? Infinity : Math.fround(max);
  for (let i = 0; i < n; i++) {
    const v = x[i]!;
    let y = v > t ? v : 0;
    if (y > hi) y = hi;
    if (slope !== 0) {
      const neg = t - v;
      if (neg > 0) y = Math.fround(y - Math.fround(slope * Math.fround(neg)));
    }
    out[i] = y;
  }
  return out;
}

/**
 * Gradient of {@link reluWithParams}: `dy` where the input passes (above the threshold, below the
 * clip), `negativeSlope·dy` below the threshold, 0 elsewhere (JAX's choice at the kinks: relu'(0) = 0,
 * leaky relu'(0) = 1).
 */
export function reluWithParamsBackward(x: Float32Array, dy: Float32Array, p: ReluParams, out: Float32Array = new Float32Array(x.length)): Float32Array {
  checkSame(x, dy, 'reluWithParamsBackward');
  const slope = Math.fround(p.negativeSlope ?? 0);
  const max = p.maxValue ?? null;
  const t = Math.fround(p.threshold ?? 0);
  const hi = max === null ? Infinity : Math.fround(max);
  const leakyOnly = slope !== 0 && max === null && t === 0;
  for (let i = 0; i < x.length; i++) {
    const v = x[i]!;
    if (leakyOnly) out[i] = v >= 0 ? dy[i]! : slope * dy[i]!;
    else out[i] = v > t && v < hi ? dy[i]! : v < t ? slope * dy[i]! : 0;
  }
  return out;
}

/** `x > 0 ? x : α·(eˣ − 1)` (Keras' `elu`). */
export function eluWithAlpha(x: Float32Array, alpha: number, out: Float32Array = new Float32Array(x.length)): Float32Array {
  const a = Math.fround(alpha);
  for (let i = 0; i < x.length; i++) {
    const v = x[i]!;
    out[i] = v > 0 ? v : a * Math.expm1(v);
  }
  return out;
}

/** Gradient of {@link eluWithAlpha}: `dy` for x > 0, else `α·eˣ·dy`. */
export function eluWithAlphaBackward(x: Float32Array, dy: Float32Array, alpha: number, out: Float32Array = new Float32Array(x.length)): Float32Array {
  checkSame(x, dy, 'eluWithAlphaBackward');
  const a = Math.fround(alpha);
  for (let i = 0; i < x.length; i++) {
    const v = x[i]!;
    out[i] = v > 0 ? dy[i]! : Math.fround(a * Math.exp(v)) * dy[i]!;
  }
  return out;
}

/**
 * Where each value of a `(batch, ...shape)` input finds its PReLU α: α has `shape` with the shared
 * axes set to 1, so an element's α index keeps only its coordinates on the axes that are not shared.
 * Returned as one index per element of a single sample (`shape`'s size values).
 */
export function preluAlphaIndex(sampleShape: readonly number[], alphaShape: readonly number[]): Int32Array {
  if (sampleShape.length !== alphaShape.length || alphaShape.some((a, i) => a !== 1 && a !== sampleShape[i])) {
    throw new ShapeMismatchError('PReLU: alpha does not broadcast over the input', [...sampleShape], [...alphaShape]);
  }
  const size = sampleShape.reduce((p, d) => p * d, 1);
  const index = new Int32Array(size);
  const rank = sampleShape.length;
  const alphaStride = new Array<number>(rank).fill(0);
  for (let d = rank - 1, s = 1; d >= 0; d--) {
    alphaStride[d] = alphaShape[d] === 1 ? 0 : s;
    s *= alphaShape[d]!;
  }
  const coord = new Array<number>(rank).fill(0);
  for (let i = 0; i < size; i++) {
    let a = 0;
    for (let d = 0; d < rank; d++) a += coord[d]! * alphaStride[d]!;
    index[i] = a;
    for (let d = rank - 1; d >= 0; d--) {
      if (++coord[d]! < sampleShape[d]!) break;
      coord[d] = 0;
    }
  }
  return index;
}

/**
 * PReLU as Keras computes it: `relu(x) − α·relu(−x)` with α looked up through `alphaIndex` (from
 * {@link preluAlphaIndex}) for each element of a sample; `x` holds whole samples.
 */
export function prelu(x: Float32Array, alpha: Float32Array, alphaIndex: Int32Array, out: Float32Array = new Float32Array(x.length)): Float32Array {
  const per = alphaIndex.length;
  for (let i = 0; i < x.length; i++) {
    const v = x[i]!;
    out[i] = v > 0 ? v : v < 0 ? Math.fround(-Math.fround(alpha[alphaIndex[i % per]!]! * -v)) : 0;
  }
  return out;
}

/**
 * Gradients of {@link prelu}: `dx = dy` for x > 0, `α·dy` for x < 0, 0 at 0; `dα = Σ −relu(−x)·dy`
 * over the batch and the shared axes. Either may be skipped.
 */
export function preluBackward(
  x: Float32Array,
  dy: Float32Array,
  alpha: Float32Array,
  alphaIndex: Int32Array,
  needDx: boolean,
  needAlpha: boolean,
): { dx: Float32Array | null; dAlpha: Float32Array | null } {
  checkSame(x, dy, 'preluBackward');
  const per = alphaIndex.length;
  const dx = needDx ? new Float32Array(x.length) : null;
  const dAlpha = needAlpha ? new Float64Array(alpha.length) : null;
  for (let i = 0; i < x.length; i++) {
    const v = x[i]!;
    const j = alphaIndex[i % per]!;
    if (dx) dx[i] = v > 0 ? dy[i]! : v < 0 ? alpha[j]! * dy[i]! : 0;
    if (dAlpha && v < 0) dAlpha[j] = dAlpha[j]! + v * dy[i]!;
  }
  return { dx, dAlpha: dAlpha ? Float32Array.from(dAlpha) : null };
}

function checkSame(x: Float32Array, dy: Float32Array, what: string): void {
  if (x.length !== dy.length) throw new ShapeMismatchError(`${what}: x and dy differ in length`, [x.length], [dy.length]);
}

/**
 * Loss kernels over plain float32 buffers: the per-sample values of every Keras loss and their
 * gradients with respect to the prediction.
 *
 * The data is seen as `rows × cols`, the last axis (`cols`) being the one Keras reduces per sample
 * (a mean for most losses, a sum for the cross-entropies, KL divergence and cosine similarity). The
 * formulas, the `epsilon = 1e-7` clipping and the derivatives at the kinks (JAX gives ties of
 * `maximum`/`clip` half of the gradient; `abs'(0) = 0`) follow Keras 3 on the JAX backend.
 */
import { ConfigError, ShapeMismatchError, UnsupportedError } from '../errors.js';

/** The loss functions {@link lossKernel} computes, by their Keras 3 function names. */
export type LossKernelName =
  | 'mean_squared_error'
  | 'mean_absolute_error'
  | 'mean_absolute_percentage_error'
  | 'mean_squared_logarithmic_error'
  | 'binary_crossentropy'
  | 'categorical_crossentropy'
  | 'sparse_categorical_crossentropy'
  | 'hinge'
  | 'squared_hinge'
  | 'categorical_hinge'
  | 'huber'
  | 'log_cosh'
  | 'kl_divergence'
  | 'poisson'
  | 'cosine_similarity';

/** Every name {@link lossKernel} accepts. */
export const LOSS_KERNEL_NAMES: readonly LossKernelName[] = Object.freeze([
  'mean_squared_error',
  'mean_absolute_error',
  'mean_absolute_percentage_error',
  'mean_squared_logarithmic_error',
  'binary_crossentropy',
  'categorical_crossentropy',
  'sparse_categorical_crossentropy',
  'hinge',
  'squared_hinge',
  'categorical_hinge',
  'huber',
  'log_cosh',
  'kl_divergence',
  'poisson',
  'cosine_similarity',
] as const);

/** Options of {@link lossKernel} (Keras' loss arguments in camelCase). */
export interface LossKernelOptions {
  /** Cross-entropies: the prediction is logits, not probabilities (default false). */
  fromLogits?: boolean;
  /** Binary/categorical cross-entropy: label smoothing in [0, 1] (default 0). */
  labelSmoothing?: number;
  /** Huber: where the loss turns from quadratic to linear (default 1). */
  delta?: number;
  /** The fuzz factor (Keras' `backend.epsilon()`, default 1e-7). */
  epsilon?: number;
}

/** What {@link lossKernel} returns. */
export interface LossKernelResult {
  /** One loss value per row (float32, as Keras keeps it). */
  values: Float32Array;
  /** ∂(Σ_r rowWeights[r]·values[r])/∂yPred (`rows × cols`), or null when no weights were given. */
  grad: Float32Array | null;
}

const LOG2 = Math.log(2);

/** The gradient JAX gives `max(a, b)` with respect to `a`: 1 if a > b, 0.5 on a tie, else 0. */
function maxGrad(a: number, b: number): number {
  return a > b ? 1 : a === b ? 0.5 : 0;
}

/** ∂clip(x, lo, hi)/∂x as JAX computes `minimum(maximum(x, lo), hi)`. */
function clipGrad(x: number, lo: number, hi: number): number {
  const m = x > lo ? x : lo;
  return maxGrad(x, lo) * (m < hi ? 1 : m === hi ? 0.5 : 0);
}

function clip(x: number, lo: number, hi: number): number {
  return x < lo ? lo : x > hi ? hi : x;
}

function sigmoid(x: number): number {
  if (x >= 0) return 1 / (1 + Math.exp(-x));
  const e = Math.exp(x);
  return e / (1 + e);
}

/** log(sigmoid(x)) without overflow. */
function logSigmoid(x: number): number {
  return (x < 0 ? x : 0) - Math.log1p(Math.exp(-Math.abs(x)));
}

function softplus(x: number): number {
  return (x > 0 ? x : 0) + Math.log1p(Math.exp(-Math.abs(x)));
}

/**
 * Per-row values of a Keras loss and, when `rowWeights` is given, the gradient of the weighted sum
 * `Σ_r rowWeights[r]·value_r` with respect to `yPred`.
 *
 * `yPred` and `yTrue` are `rows × cols`, except for `sparse_categorical_crossentropy` whose `yTrue`
 * holds one class index per row (`rows` values). Hinge losses convert `{0, 1}` labels to `{−1, 1}`
 * when every label of the call is 0 or 1, as Keras does per batch. A sparse label outside
 * `[0, cols)` contributes zero (as JAX's one-hot does); callers that want an error check first.
 *
 * @throws {ShapeMismatchError} if an array has the wrong length.
 * @throws {UnsupportedError} for an unknown loss name.
 * @throws {ConfigError} for a non-integer size.
 */
export function lossKernel(
  name: LossKernelName,
  yTrue: Float32Array,
  yPred: Float32Array,
  rows: number,
  cols: number,
  options: LossKernelOptions = {},
  rowWeights: ArrayLike<number> | null = null,
): LossKernelResult {
  for (const [what, v] of [['rows', rows], ['cols', cols]] as const) {
    if (!Number.isInteger(v) || v < 0) throw new ConfigError(`lossKernel: ${what} must be a non-negative integer, got ${v}`);
  }
  const n = rows * cols;
  if (yPred.length !== n) throw new ShapeMismatchError(`lossKernel(${name}): yPred has ${yPred.length} values`, [rows, cols], [yPred.length]);
  const sparse = name === 'sparse_categorical_crossentropy';
  if (sparse ? yTrue.length !== rows : yTrue.length !== n) {
    throw new ShapeMismatchError(`lossKernel(${name}): yTrue has ${yTrue.length} values`, sparse ? [rows] : [rows, cols], [yTrue.length]);
  }
  if (rowWeights !== null && rowWeights.length !== rows) {
    throw new ShapeMismatchError(`lossKernel(${name}): rowWeights has ${rowWeights.length} values`, [rows], [rowWeights.length]);
  }
  const eps = Math.fround(options.epsilon ?? 1e-7);
  const oneMinusEps = Math.fround(1 - (options.epsilon ?? 1e-7));
  const values = new Float32Array(rows);
  const grad = rowWeights === null ? null : new Float32Array(n);
  const fromLogits = options.fromLogits ?? false;
  const ls = options.labelSmoothing ?? 0;
  const invC = cols > 0 ? 1 / cols : 0;

  switch (name) {
    case 'mean_squared_error':
    case 'mean_absolute_error':
    case 'mean_absolute_percentage_error':
    case 'mean_squared_logarithmic_error':
    case 'huber':
    case 'log_cosh':
    case 'poisson': {
      const delta = options.delta ?? 1;
      for (let r = 0; r < rows; r++) {
        const o = r * cols;
        const w = rowWeights === null ? 0 : rowWeights[r]! * invC;
        let sum = 0;
        for (let j = 0; j < cols; j++) {
          const t = yTrue[o + j]!;
          const p = yPred[o + j]!;
          let v: number;
          let d: number;
          switch (name) {
            case 'mean_squared_error': {
              const e = t - p;
              v = e * e;
              d = -2 * e;
              break;
            }
            case 'mean_absolute_error': {
              const e = t - p;
              v = Math.abs(e);
              d = e > 0 ? -1 : e < 0 ? 1 : 0;
              break;
            }
            case 'mean_absolute_percentage_error': {
              const at = Math.abs(t);
              const den = at > eps ? at : eps;
              const q = (t - p) / den;
              v = 100 * Math.abs(q);
              d = q > 0 ? -100 / den : q < 0 ? 100 / den : 0;
              break;
            }
            case 'mean_squared_logarithmic_error': {
              const pm = p > eps ? p : eps;
              const tm = t > eps ? t : eps;
              const e = Math.log(pm + 1) - Math.log(tm + 1);
              v = e * e;
              d = ((2 * e) / (pm + 1)) * maxGrad(p, eps);
              break;
            }
            case 'huber': {
              const e = p - t;
              const ae = Math.abs(e);
              if (ae <= delta) {
                v = 0.5 * e * e;
                d = e;
              } else {
                v = delta * ae - 0.5 * delta * delta;
                d = e > 0 ? delta : -delta;
              }
              break;
            }
            case 'log_cosh': {
              const e = p - t;
              v = e + softplus(-2 * e) - LOG2;
              d = Math.tanh(e);
              break;
            }
            default: {
              // poisson
              v = p - t * Math.log(p + eps);
              d = 1 - t / (p + eps);
              break;
            }
          }
          sum += v;
          if (grad !== null) grad[o + j] = w * d;
        }
        values[r] = sum * invC;
      }
      break;
    }
    case 'binary_crossentropy': {
      for (let r = 0; r < rows; r++) {
        const o = r * cols;
        const w = rowWeights === null ? 0 : rowWeights[r]! * invC;
        let sum = 0;
        for (let j = 0; j < cols; j++) {
          let t = yTrue[o + j]!;
          if (ls) t = t * (1 - ls) + 0.5 * ls;
          const p = yPred[o + j]!;
          if (fromLogits) {
            sum += -t * logSigmoid(p) - (1 - t) * logSigmoid(-p);
            if (grad !== null) grad[o + j] = w * (sigmoid(p) - t);
          } else {
            const q = clip(p, eps, oneMinusEps);
            sum += -(t * Math.log(q) + (1 - t) * Math.log(1 - q));
            if (grad !== null) grad[o + j] = w * -(t / q - (1 - t) / (1 - q)) * clipGrad(p, eps, oneMinusEps);
          }
        }
        values[r] = sum * invC;
      }
      break;
    }
    case 'categorical_crossentropy':
    case 'sparse_categorical_crossentropy': {
      const t = new Float64Array(cols);
      const g = new Float64Array(cols);
      for (let r = 0; r < rows; r++) {
        const o = r * cols;
        if (sparse) {
          t.fill(0);
          const label = Math.trunc(yTrue[r]!);
          if (label >= 0 && label < cols) t[label] = 1;
        } else {
          for (let j = 0; j < cols; j++) t[j] = ls ? yTrue[o + j]! * (1 - ls) + ls / cols : yTrue[o + j]!;
        }
        const w = rowWeights === null ? 0 : rowWeights[r]!;
        if (fromLogits) {
          let max = -Infinity;
          for (let j = 0; j < cols; j++) if (yPred[o + j]! > max) max = yPred[o + j]!;
          if (!Number.isFinite(max)) max = 0;
          let se = 0;
          for (let j = 0; j < cols; j++) se += Math.exp(yPred[o + j]! - max);
          const lse = max + Math.log(se);
          let v = 0;
          let tsum = 0;
          for (let j = 0; j < cols; j++) {
            v -= t[j]! * (yPred[o + j]! - lse);
            tsum += t[j]!;
          }
          values[r] = v;
          if (grad !== null) {
            for (let j = 0; j < cols; j++) grad[o + j] = w * (Math.exp(yPred[o + j]! - lse) * tsum - t[j]!);
          }
        } else {
          let s = 0;
          for (let j = 0; j < cols; j++) s += yPred[o + j]!;
          let v = 0;
          let gp = 0;
          for (let j = 0; j < cols; j++) {
            const p = Math.fround(yPred[o + j]! / s);
            const q = clip(p, eps, oneMinusEps);
            v -= t[j]! * Math.log(q);
            const gj = t[j]! === 0 ? 0 : (-t[j]! / q) * clipGrad(p, eps, oneMinusEps);
            g[j] = gj;
            gp += gj * p;
          }
          values[r] = v;
          if (grad !== null) for (let j = 0; j < cols; j++) grad[o + j] = (w * (g[j]! - gp)) / s;
        }
      }
      break;
    }
    case 'hinge':
    case 'squared_hinge': {
      let binary = true;
      for (let p = 0; p < n && binary; p++) {
        const t = yTrue[p]!;
        if (t !== 0 && t !== 1) binary = false;
      }
      for (let r = 0; r < rows; r++) {
        const o = r * cols;
        const w = rowWeights === null ? 0 : rowWeights[r]! * invC;
        let sum = 0;
        for (let j = 0; j < cols; j++) {
          const t = binary ? 2 * yTrue[o + j]! - 1 : yTrue[o + j]!;
          const m = 1 - t * yPred[o + j]!;
          const h = m > 0 ? m : 0;
          const dh = -t * maxGrad(m, 0);
          if (name === 'hinge') {
            sum += h;
            if (grad !== null) grad[o + j] = w * dh;
          } else {
            sum += h * h;
            if (grad !== null) grad[o + j] = w * 2 * h * dh;
          }
        }
        values[r] = sum * invC;
      }
      break;
    }
    case 'categorical_hinge': {
      for (let r = 0; r < rows; r++) {
        const o = r * cols;
        let pos = 0;
        let neg = -Infinity;
        for (let j = 0; j < cols; j++) {
          const t = yTrue[o + j]!;
          const p = yPred[o + j]!;
          pos += t * p;
          const q = (1 - t) * p;
          if (q > neg) neg = q;
        }
        const m = neg - pos + 1;
        values[r] = m > 0 ? m : 0;
        if (grad !== null) {
          const gm = rowWeights![r]! * maxGrad(m, 0);
          let ties = 0;
          for (let j = 0; j < cols; j++) if ((1 - yTrue[o + j]!) * yPred[o + j]! === neg) ties++;
          for (let j = 0; j < cols; j++) {
            const t = yTrue[o + j]!;
            const isMax = (1 - t) * yPred[o + j]! === neg ? (1 - t) / ties : 0;
            grad[o + j] = gm * (isMax - t);
          }
        }
      }
      break;
    }
    case 'kl_divergence': {
      for (let r = 0; r < rows; r++) {
        const o = r * cols;
        const w = rowWeights === null ? 0 : rowWeights[r]!;
        let sum = 0;
        for (let j = 0; j < cols; j++) {
          const t = clip(yTrue[o + j]!, eps, 1);
          const p = clip(yPred[o + j]!, eps, 1);
          sum += t * Math.log(Math.fround(t / p));
          if (grad !== null) grad[o + j] = w * (-t / p) * clipGrad(yPred[o + j]!, eps, 1);
        }
        values[r] = sum;
      }
      break;
    }
    case 'cosine_similarity': {
      const invEps = 1 / eps;
      for (let r = 0; r < rows; r++) {
        const o = r * cols;
        let st = 0;
        let sp = 0;
        for (let j = 0; j < cols; j++) {
          st += yTrue[o + j]! * yTrue[o + j]!;
          sp += yPred[o + j]! * yPred[o + j]!;
        }
        const it = Math.min(1 / Math.sqrt(st), invEps);
        const rsp = 1 / Math.sqrt(sp);
        const ip = Math.min(rsp, invEps);
        let dot = 0;
        for (let j = 0; j < cols; j++) dot += yTrue[o + j]! * it * yPred[o + j]! * ip;
        values[r] = -dot;
        if (grad !== null) {
          const w = rowWeights![r]!;
          let tp = 0;
          for (let q = 0; q < cols; q++) tp += yTrue[o + q]! * it * yPred[o + q]!;
          for (let j = 0; j < cols; j++) {
            const tn = yTrue[o + j]! * it;
            // ∂(−Σ tn·p·ip)/∂p_k = −tn_k·ip − (Σ tn·p)·∂ip/∂p_k, with ∂ip/∂p_k = −p_k·ip³ while the norm exceeds eps.
            const dIp = rsp < invEps ? -yPred[o + j]! * rsp * rsp * rsp : 0;
            grad[o + j] = w * (-tn * ip - tp * dIp);
          }
        }
      }
      break;
    }
    default:
      throw new UnsupportedError(`lossKernel: unknown loss '${String(name)}'; known: ${LOSS_KERNEL_NAMES.join(', ')}`);
  }
  return { values, grad };
}

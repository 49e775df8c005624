/**
 * Keras activation functions over float32 buffers, by their Keras names.
 *
 * Definitions follow Keras 3 (`keras.activations`, JAX backend) unless an option selects another era:
 * `hard_sigmoid` is `clip(x/6 + 0.5, 0, 1)` in Keras 3 but `clip(0.2x + 0.5, 0, 1)` in Keras 1/2 and
 * tf.keras. Every value is computed in double precision and rounded once to float32 when stored.
 */
import { ConfigError, UnsupportedError } from './errors.js';
import { erfc } from './math.js';
import { Tensor } from './tensor.js';

/** Which `hard_sigmoid`: `'keras2'` is `clip(0.2x+0.5, 0, 1)` (Keras 1, 2, tf.keras), `'keras3'` is `clip(x/6+0.5, 0, 1)`. */
export type HardSigmoidVariant = 'keras2' | 'keras3';

/**
 * Which `sparsemax`: `'keras3.15'` reproduces Keras ≤ 3.15.1, whose threshold sums every cumulative sum
 * in the support (keras-team/keras#23425; outputs need not sum to 1); `'simplex'` is the textbook
 * projection onto the probability simplex (Martins & Astudillo 2016), as fixed in later Keras.
 */
export type SparsemaxVariant = 'keras3.15' | 'simplex';

/** Options of {@link getActivation}. */
export interface ActivationOptions {
  /** Which `hard_sigmoid` (default `'keras3'`). */
  hardSigmoid?: HardSigmoidVariant;
  /** For `gelu`: use the tanh approximation (default false: the exact erf form, as `keras.activations.gelu`). */
  approximate?: boolean;
  /** Which `sparsemax` (default `'keras3.15'`). */
  sparsemax?: SparsemaxVariant;
}

/** An activation function that works in place on float32 buffers. */
export interface Activation {
  /** Canonical Keras name, e.g. `'relu'` (`'swish'` is `'silu'`, `'hard_swish'` is `'hard_silu'`). */
  readonly name: string;
  /** True when each output depends only on the input at the same place; false for softmax-like ones. */
  readonly elementwise: boolean;
  /**
   * Applies the function in place to `rows × cols` values starting at `offset`. For the softmax-like
   * ones every row of `cols` values is normalised on its own.
   */
  apply(buf: Float32Array, offset: number, rows: number, cols: number): void;
}

// SELU constants as JAX (and so Keras 3) uses them; Keras 2 rounds them to 1.67326324 and 1.05070098,
// which gives the same float32 results.
const SELU_ALPHA = 1.6732632423543772;
const SELU_SCALE = 1.0507009873554805;
const SQRT_HALF = 0.7071067811865476;
const SQRT_2_OVER_PI = 0.7978845608028654;

function elementwise(name: string, apply: (buf: Float32Array, offset: number, rows: number, cols: number) => void): Activation {
  return Object.freeze({ name, elementwise: true, apply });
}

// Each activation has its own loop (rather than one loop calling a scalar function) so that every loop
// stays monomorphic and the JIT can inline the arithmetic.

/** `linear`: the identity. */
export const LINEAR: Activation = elementwise('linear', () => {});

/** `relu`: `max(x, 0)`. */
export const RELU: Activation = elementwise('relu', (buf, offset, rows, cols) => {
  const end = offset + rows * cols;
  for (let p = offset; p < end; p++) {
    const x = buf[p]!;
    buf[p] = x > 0 ? x : 0;
  }
});

/** `relu6`: `min(max(x, 0), 6)`. */
export const RELU6: Activation = elementwise('relu6', (buf, offset, rows, cols) => {
  const end = offset + rows * cols;
  for (let p = offset; p < end; p++) {
    const x = buf[p]!;
    buf[p] = x > 0 ? (x < 6 ? x : 6) : 0;
  }
});

/** `leaky_relu` with Keras 3's default `negative_slope=0.2`. */
export const LEAKY_RELU: Activation = elementwise('leaky_relu', (buf, offset, rows, cols) => {
  const end = offset + rows * cols;
  for (let p = offset; p < end; p++) {
    const x = buf[p]!;
    buf[p] = x >= 0 ? x : 0.2 * x;
  }
});

/** `elu` with `alpha=1`: `x` for `x > 0`, else `e^x − 1`. */
export const ELU: Activation = elementwise('elu', (buf, offset, rows, cols) => {
  const end = offset + rows * cols;
  for (let p = offset; p < end; p++) {
    const x = buf[p]!;
    buf[p] = x > 0 ? x : Math.expm1(x);
  }
});

/** `celu` with `alpha=1` (the same function as `elu` with `alpha=1`). */
export const CELU: Activation = elementwise('celu', (buf, offset, rows, cols) => {
  const end = offset + rows * cols;
  for (let p = offset; p < end; p++) {
    const x = buf[p]!;
    buf[p] = x > 0 ? x : Math.expm1(x);
  }
});

/** `selu`: `scale · elu(x, alpha)` with the self-normalising constants. */
export const SELU: Activation = elementwise('selu', (buf, offset, rows, cols) => {
  const end = offset + rows * cols;
  for (let p = offset; p < end; p++) {
    const x = buf[p]!;
    buf[p] = x > 0 ? SELU_SCALE * x : SELU_SCALE * SELU_ALPHA * Math.expm1(x);
  }
});

/** `sigmoid`: `1/(1 + e^−x)`. */
export const SIGMOID: Activation = elementwise('sigmoid', (buf, offset, rows, cols) => {
  const end = offset + rows * cols;
  for (let p = offset; p < end; p++) {
    const x = buf[p]!;
    if (x >= 0) {
      buf[p] = 1 / (1 + Math.exp(-x));
    } else {
      const e = Math.exp(x);
      buf[p] = e / (1 + e);
    }
  }
});

/** `hard_sigmoid` as Keras 3 computes it: `relu6(x + 3)/6 = clip(x/6 + 0.5, 0, 1)`. */
export const HARD_SIGMOID_KERAS3: Activation = elementwise('hard_sigmoid', (buf, offset, rows, cols) => {
  const end = offset + rows * cols;
  for (let p = offset; p < end; p++) {
    const y = buf[p]! + 3;
    buf[p] = y > 0 ? (y < 6 ? y / 6 : 1) : 0;
  }
});

/** `hard_sigmoid` as Keras 1/2 and tf.keras compute it: `clip(0.2x + 0.5, 0, 1)`. */
export const HARD_SIGMOID_KERAS2: Activation = elementwise('hard_sigmoid', (buf, offset, rows, cols) => {
  const end = offset + rows * cols;
  for (let p = offset; p < end; p++) {
    const y = 0.2 * buf[p]! + 0.5;
    buf[p] = y > 0 ? (y < 1 ? y : 1) : 0;
  }
});

/** `hard_silu` (alias `hard_swish`): `x · relu6(x + 3)/6`. */
export const HARD_SILU: Activation = elementwise('hard_silu', (buf, offset, rows, cols) => {
  const end = offset + rows * cols;
  for (let p = offset; p < end; p++) {
    const x = buf[p]!;
    const y = x + 3;
    buf[p] = y > 0 ? (y < 6 ? (x * y) / 6 : x) : 0;
  }
});

/** `tanh`. */
export const TANH: Activation = elementwise('tanh', (buf, offset, rows, cols) => {
  const end = offset + rows * cols;
  for (let p = offset; p < end; p++) buf[p] = Math.tanh(buf[p]!);
});

/** `hard_tanh`: `clip(x, −1, 1)`. */
export const HARD_TANH: Activation = elementwise('hard_tanh', (buf, offset, rows, cols) => {
  const end = offset + rows * cols;
  for (let p = offset; p < end; p++) {
    const x = buf[p]!;
    buf[p] = x > 1 ? 1 : x < -1 ? -1 : x;
  }
});

/** `tanh_shrink`: `x − tanh(x)`. */
export const TANH_SHRINK: Activation = elementwise('tanh_shrink', (buf, offset, rows, cols) => {
  const end = offset + rows * cols;
  for (let p = offset; p < end; p++) {
    const x = buf[p]!;
    buf[p] = x - Math.tanh(x);
  }
});

/** `hard_shrink` with `threshold=0.5`: `x` where `|x| > 0.5`, else 0. */
export const HARD_SHRINK: Activation = elementwise('hard_shrink', (buf, offset, rows, cols) => {
  const end = offset + rows * cols;
  for (let p = offset; p < end; p++) {
    const x = buf[p]!;
    buf[p] = x > 0.5 || x < -0.5 ? x : 0;
  }
});

/** `soft_shrink` with `threshold=0.5`: `x − 0.5` above 0.5, `x + 0.5` below −0.5, else 0. */
export const SOFT_SHRINK: Activation = elementwise('soft_shrink', (buf, offset, rows, cols) => {
  const end = offset + rows * cols;
  for (let p = offset; p < end; p++) {
    const x = buf[p]!;
    buf[p] = x > 0.5 ? x - 0.5 : x < -0.5 ? x + 0.5 : 0;
  }
});

/** `softplus`: `log(1 + e^x)`, stable for large |x|. */
export const SOFTPLUS: Activation = elementwise('softplus', (buf, offset, rows, cols) => {
  const end = offset + rows * cols;
  for (let p = offset; p < end; p++) {
    const x = buf[p]!;
    buf[p] = (x > 0 ? x : 0) + Math.log1p(Math.exp(-Math.abs(x)));
  }
});

/** `log_sigmoid`: `−softplus(−x)`. */
export const LOG_SIGMOID: Activation = elementwise('log_sigmoid', (buf, offset, rows, cols) => {
  const end = offset + rows * cols;
  for (let p = offset; p < end; p++) {
    const x = buf[p]!;
    buf[p] = (x < 0 ? x : 0) - Math.log1p(Math.exp(-Math.abs(x)));
  }
});

/** `softsign`: `x/(1 + |x|)`. */
export const SOFTSIGN: Activation = elementwise('softsign', (buf, offset, rows, cols) => {
  const end = offset + rows * cols;
  for (let p = offset; p < end; p++) {
    const x = buf[p]!;
    buf[p] = x / (1 + Math.abs(x));
  }
});

/** `sparse_plus`: 0 for `x ≤ −1`, `(x+1)²/4` between, `x` for `x ≥ 1`. */
export const SPARSE_PLUS: Activation = elementwise('sparse_plus', (buf, offset, rows, cols) => {
  const end = offset + rows * cols;
  for (let p = offset; p < end; p++) {
    const x = buf[p]!;
    buf[p] = x <= -1 ? 0 : x >= 1 ? x : ((x + 1) * (x + 1)) / 4;
  }
});

/** `sparse_sigmoid`: `clip((x + 1)/2, 0, 1)`. */
export const SPARSE_SIGMOID: Activation = elementwise('sparse_sigmoid', (buf, offset, rows, cols) => {
  const end = offset + rows * cols;
  for (let p = offset; p < end; p++) {
    const y = buf[p]! + 1;
    buf[p] = y > 0 ? (y < 2 ? 0.5 * y : 1) : 0;
  }
});

/**
 * `squareplus` with `b=4`: `(x + √(x² + 4))/2`. Each step is rounded to float32 as Keras computes it,
 * because for large negative x the sum cancels and the result is decided by float32 rounding.
 */
export const SQUAREPLUS: Activation = elementwise('squareplus', (buf, offset, rows, cols) => {
  const fround = Math.fround;
  const end = offset + rows * cols;
  for (let p = offset; p < end; p++) {
    const x = buf[p]!;
    buf[p] = fround(x + fround(Math.sqrt(fround(fround(x * x) + 4)))) / 2;
  }
});

/** `exponential`: `e^x`. */
export const EXPONENTIAL: Activation = elementwise('exponential', (buf, offset, rows, cols) => {
  const end = offset + rows * cols;
  for (let p = offset; p < end; p++) buf[p] = Math.exp(buf[p]!);
});

/** `silu` (alias `swish`): `x · sigmoid(x)`. */
export const SILU: Activation = elementwise('silu', (buf, offset, rows, cols) => {
  const end = offset + rows * cols;
  for (let p = offset; p < end; p++) {
    const x = buf[p]!;
    if (x >= 0) {
      buf[p] = x / (1 + Math.exp(-x));
    } else {
      const e = Math.exp(x);
      buf[p] = (x * e) / (1 + e);
    }
  }
});

/** `gelu`, exact: `x/2 · erfc(−x/√2)` (Keras 3's default, `approximate=False`). */
export const GELU: Activation = elementwise('gelu', (buf, offset, rows, cols) => {
  const end = offset + rows * cols;
  for (let p = offset; p < end; p++) {
    const x = buf[p]!;
    buf[p] = 0.5 * x * erfc(-x * SQRT_HALF);
  }
});

/** `gelu` with `approximate=True`: `x/2 · (1 + tanh(√(2/π)(x + 0.044715x³)))`. */
export const GELU_TANH: Activation = elementwise('gelu', (buf, offset, rows, cols) => {
  const end = offset + rows * cols;
  for (let p = offset; p < end; p++) {
    const x = buf[p]!;
    buf[p] = 0.5 * x * (1 + Math.tanh(SQRT_2_OVER_PI * (x + 0.044715 * x * x * x)));
  }
});

/** `mish`: `x · tanh(softplus(x))`. */
export const MISH: Activation = elementwise('mish', (buf, offset, rows, cols) => {
  const end = offset + rows * cols;
  for (let p = offset; p < end; p++) {
    const x = buf[p]!;
    buf[p] = x * Math.tanh((x > 0 ? x : 0) + Math.log1p(Math.exp(-Math.abs(x))));
  }
});

/** `softmax` over each row: `e^(x − max) / Σ e^(x − max)`. */
export const SOFTMAX: Activation = Object.freeze({
  name: 'softmax',
  elementwise: false,
  apply(buf: Float32Array, offset: number, rows: number, cols: number): void {
    for (let r = 0; r < rows; r++) {
      const start = offset + r * cols;
      const end = start + cols;
      let max = -Infinity;
      for (let p = start; p < end; p++) if (buf[p]! > max) max = buf[p]!;
      if (max === -Infinity || max === Infinity) max = 0; // all −inf or some +inf: no finite shift exists
      let sum = 0;
      for (let p = start; p < end; p++) sum += Math.exp(buf[p]! - max);
      // Exponentiate again rather than keep a scratch row: no allocation, and exp is cheap next to the GEMM.
      for (let p = start; p < end; p++) buf[p] = Math.exp(buf[p]! - max) / sum;
    }
  },
});

/** `log_softmax` over each row: `x − max − log Σ e^(x − max)`. */
export const LOG_SOFTMAX: Activation = Object.freeze({
  name: 'log_softmax',
  elementwise: false,
  apply(buf: Float32Array, offset: number, rows: number, cols: number): void {
    for (let r = 0; r < rows; r++) {
      const start = offset + r * cols;
      const end = start + cols;
      let max = -Infinity;
      for (let p = start; p < end; p++) if (buf[p]! > max) max = buf[p]!;
      if (max === -Infinity || max === Infinity) max = 0;
      let sum = 0;
      for (let p = start; p < end; p++) sum += Math.exp(buf[p]! - max);
      const shift = max + Math.log(sum);
      for (let p = start; p < end; p++) buf[p] = buf[p]! - shift;
    }
  },
});

function makeSparsemax(variant: SparsemaxVariant): Activation {
  let sorted = new Float64Array(0);
  return Object.freeze({
    name: 'sparsemax',
    elementwise: false,
    apply(buf: Float32Array, offset: number, rows: number, cols: number): void {
      if (sorted.length < cols) sorted = new Float64Array(cols);
      for (let r = 0; r < rows; r++) {
        const start = offset + r * cols;
        const row = sorted.subarray(0, cols);
        for (let j = 0; j < cols; j++) row[j] = -buf[start + j]!; // sort ascending of −x = descending x
        row.sort();
        // support: z_(j) − (cumsum_j − 1)/j > 0 over the descending sort, j = 1..cols
        let cumsum = 0;
        let support = 0;
        let cumsumAtK = 0;
        let sumOfCumsums = 0;
        for (let j = 0; j < cols; j++) {
          const z = -row[j]!;
          cumsum += z;
          if (z - (cumsum - 1) / (j + 1) > 0) {
            support++;
            cumsumAtK = cumsum;
            sumOfCumsums += cumsum;
          }
        }
        const tau = ((variant === 'simplex' ? cumsumAtK : sumOfCumsums) - 1) / support;
        for (let j = 0; j < cols; j++) {
          const y = buf[start + j]! - tau;
          buf[start + j] = y > 0 ? y : 0;
        }
      }
    },
  });
}

/** `sparsemax` as Keras ≤ 3.15.1 computes it (see {@link SparsemaxVariant}). */
export const SPARSEMAX: Activation = makeSparsemax('keras3.15');
/** `sparsemax` as the projection onto the probability simplex. */
export const SPARSEMAX_SIMPLEX: Activation = makeSparsemax('simplex');

const BY_NAME: ReadonlyMap<string, Activation> = new Map<string, Activation>([
  ['linear', LINEAR],
  ['relu', RELU],
  ['relu6', RELU6],
  ['leaky_relu', LEAKY_RELU],
  ['elu', ELU],
  ['celu', CELU],
  ['selu', SELU],
  ['sigmoid', SIGMOID],
  ['hard_sigmoid', HARD_SIGMOID_KERAS3],
  ['hard_silu', HARD_SILU],
  ['hard_swish', HARD_SILU],
  ['tanh', TANH],
  ['hard_tanh', HARD_TANH],
  ['tanh_shrink', TANH_SHRINK],
  ['hard_shrink', HARD_SHRINK],
  ['soft_shrink', SOFT_SHRINK],
  ['softplus', SOFTPLUS],
  ['log_sigmoid', LOG_SIGMOID],
  ['softsign', SOFTSIGN],
  ['sparse_plus', SPARSE_PLUS],
  ['sparse_sigmoid', SPARSE_SIGMOID],
  ['squareplus', SQUAREPLUS],
  ['exponential', EXPONENTIAL],
  ['silu', SILU],
  ['swish', SILU],
  ['gelu', GELU],
  ['mish', MISH],
  ['softmax', SOFTMAX],
  ['log_softmax', LOG_SOFTMAX],
  ['sparsemax', SPARSEMAX],
]);

/** Every name {@link getActivation} accepts (Keras 3 names and the aliases `swish`, `hard_swish`). */
export const ACTIVATION_NAMES: readonly string[] = Object.freeze([...BY_NAME.keys()].sort());

/** Keras activations that exist but cannot be used by name here, with the reason. */
const NOT_SUPPORTED: ReadonlyMap<string, string> = new Map([
  ['glu', 'it halves the last axis, so it is not a same-shape activation'],
  ['threshold', 'it needs `threshold` and `default_value` arguments, so it cannot be used by name'],
  ['crelu', 'it doubles the last axis, so it is not a same-shape activation'],
]);

/**
 * The activation with this Keras name (`'relu'`, `'softmax'`, `'swish'`, ...). `hard_sigmoid` is the
 * Keras 3 one unless `options.hardSigmoid` is `'keras2'`; `gelu` is exact unless `options.approximate`.
 *
 * @throws {UnsupportedError} for an unknown name; the message lists the known names.
 */
export function getActivation(name: string, options?: ActivationOptions): Activation {
  if (name === 'hard_sigmoid' && options?.hardSigmoid !== undefined) {
    if (options.hardSigmoid === 'keras2') return HARD_SIGMOID_KERAS2;
    if (options.hardSigmoid !== 'keras3') {
      throw new ConfigError(`unknown hardSigmoid variant ${JSON.stringify(options.hardSigmoid)}; expected 'keras2' or 'keras3'`);
    }
    return HARD_SIGMOID_KERAS3;
  }
  if (name === 'gelu' && options?.approximate === true) return GELU_TANH;
  if (name === 'sparsemax' && options?.sparsemax === 'simplex') return SPARSEMAX_SIMPLEX;
  const found = BY_NAME.get(name);
  if (found !== undefined) return found;
  const why = NOT_SUPPORTED.get(name);
  if (why !== undefined) throw new UnsupportedError(`activation '${name}' is not supported: ${why}`);
  throw new UnsupportedError(`unknown activation '${name}'; known activations: ${ACTIVATION_NAMES.join(', ')}`);
}

/**
 * Applies an activation to a whole tensor and returns a new tensor (the input is left alone).
 * Softmax-like activations normalise along `options.axis` (default −1, the last; any axis is allowed).
 *
 * @throws {UnsupportedError} for an unknown name.
 * @throws {ConfigError} if `axis` is out of range or the tensor is a scalar for a softmax-like activation.
 */
export function activate(t: Tensor, name: string, options?: ActivationOptions & { axis?: number }): Tensor {
  const act = getActivation(name, options);
  const out = t.clone();
  if (act.elementwise) {
    act.apply(out.data, 0, 1, out.size);
    return out;
  }
  const rank = t.rank;
  const axisIn = options?.axis ?? -1;
  if (rank === 0) throw new ConfigError(`${act.name} needs a tensor of rank 1 or more, got a scalar`);
  if (!Number.isInteger(axisIn) || axisIn < -rank || axisIn >= rank) {
    throw new ConfigError(`${act.name}: axis ${axisIn} is out of range for a tensor of rank ${rank}`);
  }
  const axis = axisIn < 0 ? axisIn + rank : axisIn;
  const len = t.shape[axis]!;
  let inner = 1;
  for (let d = axis + 1; d < rank; d++) inner *= t.shape[d]!;
  const outer = len === 0 || inner === 0 ? 0 : t.size / (len * inner);
  if (inner === 1) {
    act.apply(out.data, 0, outer, len);
    return out;
  }
  // Gather each strided fibre along `axis` into a contiguous row, apply, scatter back.
  const row = new Float32Array(len);
  const data = out.data;
  for (let o = 0; o < outer; o++) {
    for (let q = 0; q < inner; q++) {
      const base = o * len * inner + q;
      for (let j = 0; j < len; j++) row[j] = data[base + j * inner]!;
      act.apply(row, 0, 1, len);
      for (let j = 0; j < len; j++) data[base + j * inner] = row[j]!;
    }
  }
  return out;
}

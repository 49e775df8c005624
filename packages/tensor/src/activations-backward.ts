/**
 * Backward passes over plain float32 buffers: the derivative of every Keras activation (including both
 * eras of `hard_sigmoid`, and the Jacobians of `softmax`, `log_softmax` and `sparsemax`).
 *
 * Derivatives follow what JAX's automatic differentiation gives for the Keras 3 (JAX backend)
 * definitions, including the value chosen at the kinks (e.g. `relu'(0) = 0`, `relu6'` is 0 at 0 and 6,
 * `leaky_relu'(0) = 1`), so that training matches Keras 3 step for step. Arithmetic runs in double
 * precision and is rounded once when stored.
 */
import { wasmAlloc, wasmF32, wasmKernels, wasmMark, wasmRelease } from './wasm/backend.js';
import {
  CELU,
  ELU,
  EXPONENTIAL,
  GELU,
  GELU_TANH,
  HARD_SHRINK,
  HARD_SIGMOID_KERAS2,
  HARD_SIGMOID_KERAS3,
  HARD_SILU,
  HARD_TANH,
  LEAKY_RELU,
  LINEAR,
  LOG_SIGMOID,
  LOG_SOFTMAX,
  MISH,
  RELU,
  RELU6,
  SELU,
  SIGMOID,
  SILU,
  SOFT_SHRINK,
  SOFTMAX,
  SOFTPLUS,
  SOFTSIGN,
  SPARSE_PLUS,
  SPARSE_SIGMOID,
  SPARSEMAX,
  SPARSEMAX_SIMPLEX,
  SQUAREPLUS,
  TANH,
  TANH_SHRINK,
  type Activation,
} from './activations.js';
import { ConfigError, ShapeMismatchError, UnsupportedError } from './errors.js';
import { erf } from './math.js';

/**
 * The derivative of an element-wise activation at one point: `f'(x)`, given the input `x` and the
 * output `y = f(x)` as the forward pass stored it (some derivatives are cheapest from `y`).
 */
export type ActivationDerivative = (x: number, y: number) => number;

const SELU_ALPHA = 1.6732632423543772;
const SELU_SCALE = 1.0507009873554805;
const SQRT_2_OVER_PI = 0.7978845608028654;
const INV_SQRT_2PI = 0.3989422804014327; // 1/√(2π)
const SQRT_HALF = 0.7071067811865476;

function sigmoid64(x: number): number {
  if (x >= 0) return 1 / (1 + Math.exp(-x));
  const e = Math.exp(x);
  return e / (1 + e);
}

const DERIVATIVES: ReadonlyMap<Activation, ActivationDerivative> = new Map<Activation, ActivationDerivative>([
  [LINEAR, () => 1],
  [RELU, (x) => (x > 0 ? 1 : 0)],
  [RELU6, (x) => (x > 0 && x < 6 ? 1 : 0)],
  [LEAKY_RELU, (x) => (x >= 0 ? 1 : 0.2)],
  [ELU, (x) => (x > 0 ? 1 : Math.exp(x))],
  // jax.nn.celu = max(x,0) + expm1(min(x,0)): at 0 each branch contributes half.
  [CELU, (x) => (x > 0 ? 1 : x < 0 ? Math.exp(x) : 1)],
  [SELU, (x) => (x > 0 ? SELU_SCALE : SELU_SCALE * SELU_ALPHA * Math.exp(x))],
  [SIGMOID, (_x, y) => y * (1 - y)],
  [HARD_SIGMOID_KERAS3, (x) => (x > -3 && x < 3 ? 1 / 6 : 0)],
  [HARD_SIGMOID_KERAS2, (x) => (x > -2.5 && x < 2.5 ? 0.2 : 0)],
  [
    HARD_SILU,
    (x) => {
      const y = x + 3;
      const r6 = y > 0 ? (y < 6 ? y : 6) : 0;
      return r6 / 6 + (y > 0 && y < 6 ? x / 6 : 0);
    },
  ],
  [TANH, (_x, y) => 1 - y * y],
  [HARD_TANH, (x) => (x >= -1 && x <= 1 ? 1 : 0)],
  [
    TANH_SHRINK,
    (x) => {
      const t = Math.tanh(x);
      return t * t;
    },
  ],
  [HARD_SHRINK, (x) => (x > 0.5 || x < -0.5 ? 1 : 0)],
  [SOFT_SHRINK, (x) => (x > 0.5 || x < -0.5 ? 1 : 0)],
  [SOFTPLUS, (x) => sigmoid64(x)],
  [LOG_SIGMOID, (x) => sigmoid64(-x)],
  [
    SOFTSIGN,
    (x) => {
      const d = 1 + Math.abs(x);
      return 1 / (d * d);
    },
  ],
  [SPARSE_PLUS, (x) => (x <= -1 ? 0 : x >= 1 ? 1 : (x + 1) / 2)],
  [SPARSE_SIGMOID, (x) => (x > -1 && x < 1 ? 0.5 : 0)],
  [SQUAREPLUS, (x) => 0.5 * (1 + x / Math.sqrt(x * x + 4))],
  [EXPONENTIAL, (_x, y) => y],
  [
    SILU,
    (x) => {
      const s = sigmoid64(x);
      return s * (1 + x * (1 - s));
    },
  ],
  [GELU, (x) => 0.5 * (1 + erf(x * SQRT_HALF)) + x * INV_SQRT_2PI * Math.exp(-0.5 * x * x)],
  [
    GELU_TANH,
    (x) => {
      const u = SQRT_2_OVER_PI * (x + 0.044715 * x * x * x);
      const t = Math.tanh(u);
      return 0.5 * (1 + t) + 0.5 * x * (1 - t * t) * SQRT_2_OVER_PI * (1 + 3 * 0.044715 * x * x);
    },
  ],
  [
    MISH,
    (x) => {
      const sp = (x > 0 ? x : 0) + Math.log1p(Math.exp(-Math.abs(x)));
      const t = Math.tanh(sp);
      return t + x * (1 - t * t) * sigmoid64(x);
    },
  ],
]);

/**
 * The point derivative of an element-wise activation, or null for the row-wise ones (`softmax`,
 * `log_softmax`, `sparsemax`), whose Jacobian {@link activationBackward} applies.
 *
 * @throws {UnsupportedError} for an activation object kerasts does not know (e.g. a custom one).
 */
export function activationDerivative(act: Activation): ActivationDerivative | null {
  const d = DERIVATIVES.get(act);
  if (d !== undefined) return d;
  if (act === SOFTMAX || act === LOG_SOFTMAX || act === SPARSEMAX || act === SPARSEMAX_SIMPLEX) return null;
  throw new UnsupportedError(`no derivative is known for activation '${act.name}'; it cannot be trained through`);
}

/** Values from which the relu gradient runs in WebAssembly (below, copying in and out costs more). */
const RELU_WASM_MIN = 4096;

/**
 * Back-propagates through an activation: `dx = J(x)ᵀ·dy` for `x`, `y = act(x)` and `dy` of
 * `rows × cols` values (`cols` is the axis softmax-like activations normalise over; element-wise ones
 * ignore the row structure). `out` receives dx and may be `dy` itself; a new array when omitted.
 *
 * - element-wise: `dx = f'(x)·dy` (see {@link activationDerivative} for the values at the kinks);
 * - `softmax`: `dx = y ⊙ (dy − Σ dy⊙y)`;
 * - `log_softmax`: `dx = dy − softmax(x)·Σ dy`;
 * - `sparsemax`: on the support S, `dx = dy − ∂τ/∂x·Σ_S dy` with τ Keras' threshold (both variants).
 *
 * @throws {ShapeMismatchError} if the arrays differ in length or are not `rows × cols`.
 * @throws {UnsupportedError} for an activation without a known derivative.
 */
export function activationBackward(
  act: Activation,
  x: Float32Array,
  y: Float32Array,
  dy: Float32Array,
  cols: number,
  out?: Float32Array,
): Float32Array {
  const n = x.length;
  if (y.length !== n || dy.length !== n || (out !== undefined && out.length !== n)) {
    throw new ShapeMismatchError('activationBackward: x, y, dy (and out) must have the same length', [n], [y.length, dy.length]);
  }
  if (!Number.isInteger(cols) || cols < 1 || n % cols !== 0) {
    throw new ConfigError(`activationBackward: cols must be a positive integer dividing ${n}, got ${cols}`);
  }
  const dx = out ?? new Float32Array(n);
  const rows = n / cols;
  if (act === LINEAR) {
    if (dx !== dy) dx.set(dy);
    return dx;
  }
  if (act === SIGMOID) {
    for (let p = 0; p < n; p++) {
      const s = y[p]!;
      dx[p] = dy[p]! * s * (1 - s);
    }
    return dx;
  }
  if (act === TANH) {
    for (let p = 0; p < n; p++) {
      const t = y[p]!;
      dx[p] = dy[p]! * (1 - t * t);
    }
    return dx;
  }
  if (act === RELU) {
    const kern = n >= RELU_WASM_MIN ? wasmKernels() : null;
    if (kern !== null) {
      // branch-free select (a compare-and-branch loop mispredicts on real data)
      const mark = wasmMark();
      const px = wasmAlloc(kern, n);
      const pdy = wasmAlloc(kern, n);
      const mem = wasmF32(kern);
      mem.set(x, px >> 2);
      mem.set(dy, pdy >> 2);
      kern.reluBackward(px, pdy, pdy, n);
      dx.set(mem.subarray(pdy >> 2, (pdy >> 2) + n));
      wasmRelease(mark);
      return dx;
    }
    for (let p = 0; p < n; p++) dx[p] = x[p]! > 0 ? dy[p]! : 0;
    return dx;
  }
  if (act === SOFTMAX) {
    for (let r = 0; r < rows; r++) {
      const o = r * cols;
      let dot = 0;
      for (let j = 0; j < cols; j++) dot += dy[o + j]! * y[o + j]!;
      for (let j = 0; j < cols; j++) dx[o + j] = y[o + j]! * (dy[o + j]! - dot);
    }
    return dx;
  }
  if (act === LOG_SOFTMAX) {
    for (let r = 0; r < rows; r++) {
      const o = r * cols;
      let sum = 0;
      for (let j = 0; j < cols; j++) sum += dy[o + j]!;
      for (let j = 0; j < cols; j++) dx[o + j] = dy[o + j]! - Math.exp(y[o + j]!) * sum;
    }
    return dx;
  }
  if (act === SPARSEMAX || act === SPARSEMAX_SIMPLEX) {
    sparsemaxBackward(act === SPARSEMAX_SIMPLEX, x, dy, dx, rows, cols);
    return dx;
  }
  const d = activationDerivative(act);
  if (d === null) throw new UnsupportedError(`no derivative is known for activation '${act.name}'`);
  for (let p = 0; p < n; p++) dx[p] = dy[p]! * d(x[p]!, y[p]!);
  return dx;
}

/**
 * Sparsemax backward. With the row sorted descending, the support is the first k entries and the
 * output is `max(x − τ, 0)`. Keras ≤ 3.15.1 uses τ = (Σ_{j≤k} c_j − 1)/k with c_j the cumulative sums,
 * so ∂τ/∂x_(i) = (k − i + 1)/k for the i-th largest (1-based, i ≤ k); the simplex projection uses
 * τ = (c_k − 1)/k and ∂τ/∂x_(i) = 1/k. Then dx = [x > τ]⊙dy − (Σ_{x_j>τ} dy_j)·∂τ/∂x.
 */
function sparsemaxBackward(simplex: boolean, x: Float32Array, dy: Float32Array, dx: Float32Array, rows: number, cols: number): void {
  const order = new Array<number>(cols);
  for (let r = 0; r < rows; r++) {
    const o = r * cols;
    for (let j = 0; j < cols; j++) order[j] = j;
    order.sort((a, b) => x[o + b]! - x[o + a]!);
    let cumsum = 0;
    let k = 0;
    let sumOfCumsums = 0;
    let cumsumAtK = 0;
    for (let j = 0; j < cols; j++) {
      const z = x[o + order[j]!]!;
      cumsum += z;
      if (z - (cumsum - 1) / (j + 1) > 0) {
        k++;
        cumsumAtK = cumsum;
        sumOfCumsums += cumsum;
      }
    }
    const tau = ((simplex ? cumsumAtK : sumOfCumsums) - 1) / k;
    // g = Σ over positive outputs of dy (the output is max(x − τ, 0), so ∂out_i/∂τ = −[x_i > τ]).
    let g = 0;
    for (let j = 0; j < cols; j++) if (x[o + j]! - tau > 0) g += dy[o + j]!;
    // Start from the direct path, then subtract g·∂τ/∂x over the support (the first k sorted entries).
    const direct = new Float64Array(cols);
    for (let j = 0; j < cols; j++) direct[j] = x[o + j]! - tau > 0 ? dy[o + j]! : 0;
    for (let i = 0; i < k; i++) {
      const j = order[i]!;
      const dTau = simplex ? 1 / k : (k - i) / k;
      direct[j] = direct[j]! - g * dTau;
    }
    for (let j = 0; j < cols; j++) dx[o + j] = direct[j]!;
  }
}

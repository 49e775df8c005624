/**
 * Keras activations as ONNX (opset 17) subgraphs, each computing what kerasts computes for the
 * model's Keras era (hard_sigmoid: 0.2x+0.5 up to Keras 2, x/6+0.5 from Keras 3), and the subset that
 * ONNX's LSTM/GRU/RNN operators can take as their own activations.
 */
import { ACTIVATION_NAMES, UnsupportedError, type HardSigmoidVariant } from '@kerasts/tensor';
import { F, Fs, I, Ss, type Attr, type GraphBuilder } from './graph.js';

const SELU_ALPHA = 1.6732632423543772;
const SELU_SCALE = 1.0507009873554805;

/** Options of {@link activation}. */
export interface ActivationExportOptions {
  /** Which hard_sigmoid the model's Keras computes. */
  hardSigmoid: HardSigmoidVariant;
  /** Axis of softmax-like activations (default −1, the last). */
  axis?: number;
}

/** Keras' hard_sigmoid slope for an era. */
export function hardSigmoidAlpha(variant: HardSigmoidVariant): number {
  return variant === 'keras2' ? 0.2 : 1 / 6;
}

/**
 * `name(x)` as ONNX nodes; returns the output's name (`x` itself for `linear`).
 *
 * @throws {UnsupportedError} for a name kerasts does not know (it would have refused it earlier).
 */
export function activation(g: GraphBuilder, x: string, name: string, options: ActivationExportOptions): string {
  const axis = options.axis ?? -1;
  switch (name) {
    case 'linear':
      return x;
    case 'relu':
      return g.op('Relu', [x]);
    case 'relu6':
      return g.op('Clip', [x, g.scalar(0), g.scalar(6)]);
    case 'leaky_relu':
      return g.op('LeakyRelu', [x], { alpha: F(0.2) });
    case 'elu':
    case 'celu':
      return g.op('Elu', [x], { alpha: F(1) });
    case 'selu':
      return g.op('Selu', [x], { alpha: F(SELU_ALPHA), gamma: F(SELU_SCALE) });
    case 'sigmoid':
      return g.op('Sigmoid', [x]);
    case 'hard_sigmoid':
      return g.op('HardSigmoid', [x], { alpha: F(hardSigmoidAlpha(options.hardSigmoid)), beta: F(0.5) });
    case 'hard_silu':
    case 'hard_swish':
      // HardSwish is x·max(0, min(1, x/6 + 1/2)) = x·relu6(x+3)/6, Keras' hard_silu in every era.
      return g.op('HardSwish', [x]);
    case 'tanh':
      return g.op('Tanh', [x]);
    case 'hard_tanh':
      return g.op('Clip', [x, g.scalar(-1), g.scalar(1)]);
    case 'tanh_shrink':
      return g.op('Sub', [x, g.op('Tanh', [x])]);
    case 'hard_shrink':
      return g.op('Shrink', [x], { lambd: F(0.5), bias: F(0) });
    case 'soft_shrink':
      return g.op('Shrink', [x], { lambd: F(0.5), bias: F(0.5) });
    case 'softplus':
      return g.op('Softplus', [x]);
    case 'log_sigmoid':
      return g.op('Neg', [g.op('Softplus', [g.op('Neg', [x])])]);
    case 'softsign':
      return g.op('Softsign', [x]);
    case 'sparse_plus': {
      const a = g.op('Add', [x, g.scalar(1)]);
      const q = g.op('Mul', [g.op('Mul', [a, a]), g.scalar(0.25)]);
      const high = g.op('Where', [g.op('GreaterOrEqual', [x, g.scalar(1)]), x, q]);
      return g.op('Where', [g.op('LessOrEqual', [x, g.scalar(-1)]), g.scalar(0), high]);
    }
    case 'sparse_sigmoid':
      return g.op('Clip', [g.op('Mul', [g.op('Add', [x, g.scalar(1)]), g.scalar(0.5)]), g.scalar(0), g.scalar(1)]);
    case 'squareplus': {
      // (x + √(x² + 4))/2 with every step in float32, as Keras computes it.
      const root = g.op('Sqrt', [g.op('Add', [g.op('Mul', [x, x]), g.scalar(4)])]);
      return g.op('Div', [g.op('Add', [x, root]), g.scalar(2)]);
    }
    case 'exponential':
      return g.op('Exp', [x]);
    case 'silu':
    case 'swish':
      return g.op('Mul', [x, g.op('Sigmoid', [x])]);
    case 'gelu': {
      // Exact gelu (Keras' approximate=False): x/2·(1 + erf(x/√2)); ONNX's Gelu op needs opset 20.
      const e = g.op('Erf', [g.op('Mul', [x, g.scalar(Math.SQRT1_2)])]);
      return g.op('Mul', [g.op('Mul', [x, g.scalar(0.5)]), g.op('Add', [e, g.scalar(1)])]);
    }
    case 'mish':
      return g.op('Mul', [x, g.op('Tanh', [g.op('Softplus', [x])])]);
    case 'softmax':
      return g.op('Softmax', [x], { axis: I(axis) });
    case 'log_softmax':
      return g.op('LogSoftmax', [x], { axis: I(axis) });
    case 'sparsemax':
      return sparsemax(g, x, axis);
    default:
      throw new UnsupportedError(`activation '${name}' has no ONNX form (known: ${ACTIVATION_NAMES.join(', ')})`);
  }
}

/**
 * Keras ≤ 3.15.1's sparsemax along `axis` (its threshold sums the cumulative sums of the whole
 * support, keras-team/keras#23425), as kerasts' default computes it.
 */
function sparsemax(g: GraphBuilder, x: string, axis: number): string {
  let input = x;
  const last = axis === -1;
  // Work on the last axis: swap it in with a transpose when the axis is another one.
  if (!last) throw new UnsupportedError(`sparsemax on axis ${axis} has no ONNX form here (only the last axis)`);
  const n = g.op('Gather', [g.op('Shape', [input]), g.ints([-1])], { axis: I(0) });
  const [sorted] = g.node('TopK', [input, n], { axis: I(-1), largest: I(1), sorted: I(1) }, 2);
  const cumsum = g.op('CumSum', [sorted!, g.constant('int64', [-1], [])]);
  const j = g.op('Cast', [g.op('Range', [g.constant('int64', [1], []), g.op('Add', [g.op('Squeeze', [n, g.ints([0])]), g.constant('int64', [1], [])]), g.constant('int64', [1], [])])], { to: I(1) });
  const bound = g.op('Div', [g.op('Sub', [cumsum, g.scalar(1)]), j]);
  const inSupport = g.op('Cast', [g.op('Greater', [g.op('Sub', [sorted!, bound]), g.scalar(0)])], { to: I(1) });
  const support = g.op('ReduceSum', [inSupport, g.ints([-1])], { keepdims: I(1) });
  const sumCumsums = g.op('ReduceSum', [g.op('Mul', [inSupport, cumsum]), g.ints([-1])], { keepdims: I(1) });
  const tau = g.op('Div', [g.op('Sub', [sumCumsums, g.scalar(1)]), support]);
  input = g.op('Relu', [g.op('Sub', [input, tau])]);
  return input;
}

/** An activation as ONNX's recurrent operators name it, with its alpha/beta where it takes them. */
export interface RecurrentActivation {
  readonly name: string;
  readonly alpha?: number;
  readonly beta?: number;
}

/**
 * The ONNX RNN-operator activation that computes Keras' `name`, or null when there is none (the
 * exporter then writes the recurrence as a Scan loop).
 */
export function recurrentActivation(name: string, hardSigmoid: HardSigmoidVariant): RecurrentActivation | null {
  switch (name) {
    case 'sigmoid':
      return { name: 'Sigmoid' };
    case 'tanh':
      return { name: 'Tanh' };
    case 'relu':
      return { name: 'Relu' };
    case 'linear':
      return { name: 'Affine', alpha: 1, beta: 0 };
    case 'hard_sigmoid':
      return { name: 'HardSigmoid', alpha: hardSigmoidAlpha(hardSigmoid), beta: 0.5 };
    case 'softsign':
      return { name: 'Softsign' };
    case 'softplus':
      return { name: 'Softplus' };
    case 'elu':
    case 'celu':
      return { name: 'Elu', alpha: 1 };
    case 'leaky_relu':
      return { name: 'LeakyRelu', alpha: 0.2 };
    default:
      return null;
  }
}

/**
 * The `activations` / `activation_alpha` / `activation_beta` attributes of an ONNX recurrent operator.
 * ONNX consumes alpha and beta in the order of the activations; an activation without a parameter
 * takes none, so the lists hold only the parameters that exist (ONNX Runtime reads them that way).
 */
export function recurrentActivationAttrs(acts: readonly RecurrentActivation[]): Record<string, Attr> {
  const attrs: Record<string, Attr> = { activations: Ss(acts.map((a) => a.name)) };
  const alphas = acts.filter((a) => a.alpha !== undefined).map((a) => a.alpha!);
  const betas = acts.filter((a) => a.beta !== undefined).map((a) => a.beta!);
  if (alphas.length) attrs.activation_alpha = Fs(alphas);
  if (betas.length) attrs.activation_beta = Fs(betas);
  return attrs;
}

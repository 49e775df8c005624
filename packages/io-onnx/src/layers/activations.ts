/** Keras' activation layers (`keras/src/layers/activations/`), plus Keras 1/2's ThresholdedReLU. */
import type { Activation, ELU, LeakyReLU, PReLU, ReLU, Softmax, ThresholdedReLU } from '@kerasts/layers';
import { activation } from '../activations.js';
import { F, I, Is, type GraphBuilder } from '../graph.js';
import type { LayerMapping, MappingTable, RefusalTable } from '../mapping.js';
import { weightOf } from './util.js';

/** `Activation(name)`: the activation over the last axis (softmax-like ones normalise that axis). */
const activationLayer: LayerMapping<Activation> = ({ g, hardSigmoid }, { layer, inputs }) => ({
  outputs: [activation(g, inputs[0]!.name, layer.activation.name, { hardSigmoid })],
});

/** Keras' relu(x, negative_slope, max_value, threshold) with its special cases as plain ONNX ops. */
function reluWithParams(g: GraphBuilder, x: string, slope: number, max: number | null, threshold: number): string {
  if (slope !== 0 && max === null && threshold === 0) return g.op('LeakyRelu', [x], { alpha: F(slope) });
  let y = threshold === 0 ? g.op('Relu', [x]) : g.op('Where', [g.op('Greater', [x, g.scalar(threshold)]), x, g.scalar(0)]);
  if (max !== null) y = g.op('Min', [y, g.scalar(max)]);
  if (slope !== 0) y = g.op('Sub', [y, g.op('Mul', [g.scalar(slope), g.op('Relu', [g.op('Sub', [g.scalar(threshold), x])])])]);
  return y;
}

const relu: LayerMapping<ReLU> = ({ g }, { layer, inputs }) => ({
  outputs: [reluWithParams(g, inputs[0]!.name, layer.negativeSlope, layer.maxValue, layer.threshold)],
});

const leakyRelu: LayerMapping<LeakyReLU> = ({ g }, { layer, inputs }) => ({
  outputs: [reluWithParams(g, inputs[0]!.name, layer.negativeSlope, null, 0)],
});

const thresholdedRelu: LayerMapping<ThresholdedReLU> = ({ g }, { layer, inputs }) => ({
  outputs: [reluWithParams(g, inputs[0]!.name, 0, null, layer.theta)],
});

/** ONNX's PRelu is Keras' `relu(x) − α·relu(−x)`; α (batch axis dropped) broadcasts from the right. */
const prelu: LayerMapping<PReLU> = ({ g }, { layer, inputs }) => {
  const w = weightOf(layer, 'alpha');
  return { outputs: [g.op('PRelu', [inputs[0]!.name, g.weight(`${layer.name}_alpha`, w.value.data, w.shape, { of: w, tag: 'alpha' })])] };
};

const elu: LayerMapping<ELU> = ({ g }, { layer, inputs }) => ({ outputs: [g.op('Elu', [inputs[0]!.name], { alpha: F(layer.alpha) })] });

/**
 * Softmax over one axis, or `exp(x − logsumexp(x))` over several (Keras 3). A mask (broadcast from
 * the right, like ONNX's Where) replaces masked inputs by −1e9 and zeroes masked outputs.
 */
const softmax: LayerMapping<Softmax> = ({ g }, { layer, inputs, masks }) => {
  const rank = inputs[0]!.shape.length;
  const axes = (typeof layer.axis === 'number' ? [layer.axis] : [...layer.axis]).map((a) => (a < 0 ? a + rank : a)).sort((a, b) => a - b);
  const mask = masks[0] ?? null;
  let x = inputs[0]!.name;
  if (mask) x = g.op('Where', [mask, x, g.scalar(-1e9)]);
  let y =
    axes.length === 1
      ? g.op('Softmax', [x], { axis: I(axes[0]!) })
      : g.op('Exp', [g.op('Sub', [x, g.op('ReduceLogSumExp', [x], { axes: Is(axes), keepdims: I(1) })])]);
  if (mask) y = g.op('Where', [mask, y, g.scalar(0)]);
  return { outputs: [y] };
};

export const activationMappings: MappingTable = [
  ['Activation', activationLayer as LayerMapping],
  ['ReLU', relu as LayerMapping],
  ['LeakyReLU', leakyRelu as LayerMapping],
  ['ThresholdedReLU', thresholdedRelu as LayerMapping],
  ['PReLU', prelu as LayerMapping],
  ['ELU', elu as LayerMapping],
  ['Softmax', softmax as LayerMapping],
];

export const activationRefusals: RefusalTable = [];

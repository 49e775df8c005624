/** Keras' core layers (`keras/src/layers/core/`): Dense, Embedding, Masking; InputLayer is the graph input itself. */
import type { Dense, Embedding, Masking } from '@kerasts/layers';
import { activation } from '../activations.js';
import { I, Is } from '../graph.js';
import type { LayerMapping, MappingTable, RefusalTable } from '../mapping.js';
import { weightOf } from './util.js';

/** `activation(x · kernel + bias)` over the last axis (MatMul broadcasts over the leading axes). */
const dense: LayerMapping<Dense> = ({ g, hardSigmoid }, { layer, inputs }) => {
  const kernel = weightOf(layer, 'kernel');
  let y = g.op('MatMul', [inputs[0]!.name, g.weight('kernel', kernel.value.data, kernel.shape, { of: kernel.value.data, tag: 'as-is' })]);
  if (layer.useBias) {
    const bias = weightOf(layer, 'bias');
    y = g.op('Add', [y, g.weight('bias', bias.value.data, bias.shape, { of: bias.value.data, tag: 'as-is' })]);
  }
  return { outputs: [activation(g, y, layer.activation.name, { hardSigmoid })] };
};

/**
 * A row of `embeddings` per index. Indices are cast to integers (Keras casts float inputs, which
 * truncates); with `mask_zero` the mask is `input != 0`, compared before the cast as Keras does.
 */
const embedding: LayerMapping<Embedding> = ({ g }, { layer, inputs }) => {
  const table = weightOf(layer, 'embeddings');
  const x = inputs[0]!.name;
  const ids = g.op('Cast', [x], { to: I(7) });
  const out = g.op('Gather', [g.weight('embeddings', table.value.data, table.shape, { of: table.value.data, tag: 'as-is' }), ids], { axis: I(0) });
  const mask = layer.maskZero ? g.op('Not', [g.op('Equal', [x, g.scalar(0)])]) : null;
  return { outputs: [out], masks: [mask] };
};

/** Steps whose features all equal `mask_value` are masked and zeroed; the mask replaces any incoming one. */
const masking: LayerMapping<Masking> = ({ g }, { layer, inputs }) => {
  const x = inputs[0]!.name;
  const differs = g.op('Cast', [g.op('Not', [g.op('Equal', [x, g.scalar(layer.maskValue)])])], { to: I(1) });
  const keep = g.op('ReduceMax', [differs], { axes: Is([-1]), keepdims: I(1) });
  const out = g.op('Mul', [x, keep]);
  const mask = g.op('Cast', [g.op('Squeeze', [keep, g.ints([-1])])], { to: I(9) });
  return { outputs: [out], masks: [mask] };
};

/** An input layer is the graph input itself; called as a layer (never in a valid graph) it is the identity. */
const inputLayer: LayerMapping = (_ctx, { inputs }) => ({ outputs: [inputs[0]!.name] });

export const coreMappings: MappingTable = [
  ['InputLayer', inputLayer],
  ['Dense', dense as LayerMapping],
  ['Embedding', embedding as LayerMapping],
  ['Masking', masking as LayerMapping],
];

export const coreRefusals: RefusalTable = [];

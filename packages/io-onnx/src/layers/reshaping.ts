/** Keras' reshaping layers (`keras/src/layers/reshaping/`): Flatten, Reshape, RepeatVector. */
import type { Flatten, RepeatVector, Reshape } from '@kerasts/layers';
import { Is } from '../graph.js';
import type { LayerMapping, MappingTable, RefusalTable } from '../mapping.js';

/** `(batch, ...)` to `(batch, n)`; channels_first moves the channels last first, as Keras does. */
const flatten: LayerMapping<Flatten> = ({ g }, { layer, inputs }) => {
  const x = inputs[0]!;
  const rank = x.shape.length;
  let v = x.name;
  if (layer.dataFormat === 'channels_first' && rank > 2) {
    const perm = [0];
    for (let a = 2; a < rank; a++) perm.push(a);
    perm.push(1);
    v = g.op('Transpose', [v], { perm: Is(perm) });
  }
  return { outputs: [g.op('Reshape', [v, g.ints([0, -1])])] };
};

/** The batch axis kept (0 copies it), the sample reshaped to `target_shape` (one −1 allowed). */
const reshape: LayerMapping<Reshape> = ({ g }, { layer, inputs }) => ({
  outputs: [g.op('Reshape', [inputs[0]!.name, g.ints([0, ...layer.targetShape])])],
});

/** `(batch, features)` to `(batch, n, features)`. */
const repeatVector: LayerMapping<RepeatVector> = ({ g }, { layer, inputs }) => ({
  outputs: [g.op('Expand', [g.op('Unsqueeze', [inputs[0]!.name, g.ints([1])]), g.ints([1, layer.n, 1])])],
});

export const reshapingMappings: MappingTable = [
  ['Flatten', flatten as LayerMapping],
  ['Reshape', reshape as LayerMapping],
  ['RepeatVector', repeatVector as LayerMapping],
];

export const reshapingRefusals: RefusalTable = [];

/** Keras' activation layers (`keras/src/layers/activations/`). */
import type { Activation } from '@kerasts/layers';
import { activation } from '../activations.js';
import type { LayerMapping, MappingTable, RefusalTable } from '../mapping.js';

/** `Activation(name)`: the activation over the last axis (softmax-like ones normalise that axis). */
const activationLayer: LayerMapping<Activation> = ({ g, hardSigmoid }, { layer, inputs }) => ({
  outputs: [activation(g, inputs[0]!.name, layer.activation.name, { hardSigmoid })],
});

export const activationMappings: MappingTable = [['Activation', activationLayer as LayerMapping]];

export const activationRefusals: RefusalTable = [];

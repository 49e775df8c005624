/**
 * Keras' regularization layers (`keras/src/layers/regularization/`): at inference every one of them
 * passes its input through unchanged (dropout and noise act only in training; ActivityRegularization
 * only adds to the loss), so each is the identity in an inference graph.
 */
import type { LayerMapping, MappingTable, RefusalTable } from '../mapping.js';

const identity: LayerMapping = (_ctx, { inputs }) => ({ outputs: [inputs[0]!.name] });

export const regularizationMappings: MappingTable = [
  ['Dropout', identity],
  ['SpatialDropout1D', identity],
  ['SpatialDropout2D', identity],
  ['SpatialDropout3D', identity],
  ['GaussianNoise', identity],
  ['GaussianDropout', identity],
  ['AlphaDropout', identity],
  ['ActivityRegularization', identity],
];

export const regularizationRefusals: RefusalTable = [];

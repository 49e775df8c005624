/** Keras' core layers (`keras/src/layers/core/`): Dense, InputLayer and `Input()`. */
import type { LayerFactory } from '../engine/layer.js';
import { Dense } from './dense.js';
import { InputLayer } from './input-layer.js';

export { Dense, type DenseOptions } from './dense.js';
export { InputLayer, Input, type InputLayerOptions, type InputOptions } from './input-layer.js';

/** Class names and factories this family adds to the registry. */
export const coreLayers: readonly (readonly [string, LayerFactory])[] = [
  ['InputLayer', InputLayer.fromConfig],
  ['Dense', Dense.fromConfig],
];

/** Keras' core layers (`keras/src/layers/core/`): Dense, Embedding, Masking, InputLayer and `Input()`. */
import type { LayerFactory } from '../engine/layer.js';
import { Dense } from './dense.js';
import { Embedding } from './embedding.js';
import { InputLayer } from './input-layer.js';
import { Masking } from './masking.js';

export { Dense, type DenseOptions } from './dense.js';
export { InputLayer, Input, type InputLayerOptions, type InputOptions } from './input-layer.js';
export { Embedding, type EmbeddingOptions } from './embedding.js';
export { Masking, type MaskingOptions } from './masking.js';

/** Class names and factories this family adds to the registry. */
export const coreLayers: readonly (readonly [string, LayerFactory])[] = [
  ['InputLayer', InputLayer.fromConfig],
  ['Dense', Dense.fromConfig],
  ['Embedding', Embedding.fromConfig],
  ['Masking', Masking.fromConfig],
];

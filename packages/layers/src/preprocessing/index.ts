/**
 * Keras' preprocessing layers that saved models carry (`keras/src/layers/preprocessing/`):
 * Normalization (mean/variance weights or config values), Rescaling.
 */
import type { LayerFactory } from '../engine/layer.js';
import { Normalization } from './normalization.js';
import { Rescaling } from './rescaling.js';

export { Normalization, type NormalizationOptions, type NestedNumbers } from './normalization.js';
export { Rescaling, type RescalingOptions } from './rescaling.js';

/** Class names and factories this family adds to the registry. */
export const preprocessingLayers: readonly (readonly [string, LayerFactory])[] = [
  ['Normalization', Normalization.fromConfig],
  ['Rescaling', Rescaling.fromConfig],
];

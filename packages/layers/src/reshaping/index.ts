/** Keras' reshaping layers (`keras/src/layers/reshaping/`): Flatten, Reshape, RepeatVector. */
import type { LayerFactory } from '../engine/layer.js';
import { Flatten } from './flatten.js';
import { RepeatVector } from './repeat-vector.js';
import { Reshape } from './reshape.js';

export { Flatten, type FlattenOptions } from './flatten.js';
export { Reshape, type ReshapeOptions } from './reshape.js';
export { RepeatVector, type RepeatVectorOptions } from './repeat-vector.js';

/** Class names and factories this family adds to the registry. */
export const reshapingLayers: readonly (readonly [string, LayerFactory])[] = [
  ['Flatten', Flatten.fromConfig],
  ['Reshape', Reshape.fromConfig],
  ['RepeatVector', RepeatVector.fromConfig],
];

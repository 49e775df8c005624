/**
 * Keras' merge layers (`keras/src/layers/merging/`): `Concatenate`, `Add`, `Subtract`, `Multiply`,
 * `Average`, `Maximum`, `Minimum`. They take a list of tensors and have no weights.
 */
import type { LayerFactory } from '../engine/layer.js';
import { Add } from './add.js';
import { Average } from './average.js';
import { Concatenate } from './concatenate.js';
import { Maximum } from './maximum.js';
import { Minimum } from './minimum.js';
import { Multiply } from './multiply.js';
import { Subtract } from './subtract.js';

export { Merge, ElementwiseMerge } from './merge.js';
export { Concatenate, type ConcatenateOptions } from './concatenate.js';
export { Add } from './add.js';
export { Subtract } from './subtract.js';
export { Multiply } from './multiply.js';
export { Average } from './average.js';
export { Maximum } from './maximum.js';
export { Minimum } from './minimum.js';

/** Class names and factories this family adds to the registry. */
export const mergingLayers: readonly (readonly [string, LayerFactory])[] = [
  ['Concatenate', Concatenate.fromConfig],
  ['Add', Add.fromConfig],
  ['Subtract', Subtract.fromConfig],
  ['Multiply', Multiply.fromConfig],
  ['Average', Average.fromConfig],
  ['Maximum', Maximum.fromConfig],
  ['Minimum', Minimum.fromConfig],
];

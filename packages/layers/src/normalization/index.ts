/**
 * Keras' normalization layers (`keras/src/layers/normalization/`): BatchNormalization,
 * LayerNormalization, GroupNormalization, UnitNormalization.
 */
import type { LayerFactory } from '../engine/layer.js';
import { BatchNormalization } from './batch-normalization.js';
import { GroupNormalization } from './group-normalization.js';
import { LayerNormalization } from './layer-normalization.js';
import { UnitNormalization } from './unit-normalization.js';

export { BatchNormalization, type BatchNormalizationOptions } from './batch-normalization.js';
export { LayerNormalization, type LayerNormalizationOptions } from './layer-normalization.js';
export { GroupNormalization, type GroupNormalizationOptions } from './group-normalization.js';
export { UnitNormalization, type UnitNormalizationOptions } from './unit-normalization.js';

/** Class names and factories this family adds to the registry. */
export const normalizationLayers: readonly (readonly [string, LayerFactory])[] = [
  ['BatchNormalization', BatchNormalization.fromConfig],
  ['LayerNormalization', LayerNormalization.fromConfig],
  ['GroupNormalization', GroupNormalization.fromConfig],
  ['UnitNormalization', UnitNormalization.fromConfig],
];

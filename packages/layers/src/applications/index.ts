/**
 * Layers that Keras defines inside `keras.applications` rather than `keras.layers`, which its saved
 * application models contain (ConvNeXt's `LayerScale`).
 */
import type { LayerFactory } from '../engine/layer.js';
import { LayerScale } from './layer-scale.js';

export { LayerScale, type LayerScaleOptions } from './layer-scale.js';

/** Class names and factories this family adds to the registry. */
export const applicationLayers: readonly (readonly [string, LayerFactory])[] = [['LayerScale', LayerScale.fromConfig]];

/** Layers Keras defines inside `keras.applications` (not `keras.layers`) and saves in those models. */
import type { LayerFormat } from './format.js';
import { sameKeys } from './format.js';

export const applicationFormats: Readonly<Record<string, LayerFormat>> = {
  LayerScale: {
    keys: sameKeys(['init_values', 'projection_dim']),
    schema: { required: ['init_values', 'projection_dim'], properties: { init_values: { type: 'number' }, projection_dim: { type: 'integer', minimum: 1 } } },
    // Keras 3 finds the class only through its module (it is not in keras.layers).
    module: 'keras.src.applications.convnext',
  },
};

/** Keras' reshaping layers in every era: Flatten, Reshape, RepeatVector. */
import type { LayerFormat } from './format.js';
import { DATA_FORMAT_SCHEMA, sameKeys } from './format.js';

export const reshapingFormats: Readonly<Record<string, LayerFormat>> = {
  Flatten: {
    // Keras 2.0.x had no data_format (it flattened as stored); 2.1+ and Keras 3 write it.
    keys: { 'keras-2.0': [], 'keras-2': ['data_format'], 'keras-3': ['data_format'] },
    defaults: () => ({ data_format: 'channels_last' }),
    schema: { properties: { data_format: DATA_FORMAT_SCHEMA } },
    dialectNote: (cfg, dialect) =>
      dialect === 'keras-2.0' && cfg.data_format === 'channels_first'
        ? 'Flatten with data_format channels_first moves the channels last before flattening; Keras 2.0.8 flattens as stored (it has no data_format), so the next layer would see its inputs in another order'
        : null,
  },
  RepeatVector: {
    keys: sameKeys(['n']),
    schema: { required: ['n'], properties: { n: { type: 'integer', minimum: 0 } } },
  },
  Reshape: {
    keys: sameKeys(['target_shape']),
    schema: {
      required: ['target_shape'],
      properties: { target_shape: { type: 'array', items: { type: 'integer', minimum: -1 } } },
    },
  },
};

/** Keras' activation layers in every era. */
import type { LayerFormat } from './format.js';
import { sameKeys } from './format.js';

export const activationFormats: Readonly<Record<string, LayerFormat>> = {
  Activation: {
    keys: sameKeys(['activation']),
    schema: { required: ['activation'], properties: { activation: { $ref: '#/$defs/activation' } } },
  },
};

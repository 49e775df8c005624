/** Keras' core layers in every era: Dense, InputLayer. */
import type { LayerFormat } from './format.js';
import { sameKeys } from './format.js';

const DENSE_KEYS_2 = [
  'units', 'activation', 'use_bias', 'kernel_initializer', 'bias_initializer', 'kernel_regularizer', 'bias_regularizer',
  'activity_regularizer', 'kernel_constraint', 'bias_constraint',
];
// Keras 3 writes activity_regularizer only when set (see write.ts).
const DENSE_KEYS_3 = ['units', 'activation', 'use_bias', 'kernel_initializer', 'bias_initializer', 'kernel_regularizer', 'bias_regularizer', 'kernel_constraint', 'bias_constraint'];

export const coreFormats: Readonly<Record<string, LayerFormat>> = {
  Dense: {
    keys: { 'keras-2.0': DENSE_KEYS_2, 'keras-2': DENSE_KEYS_2, 'keras-3': DENSE_KEYS_3 },
    schema: {
      anyOf: [{ required: ['units'] }, { required: ['output_dim'] }],
      properties: {
        units: { type: 'integer', minimum: 1 },
        output_dim: { type: 'integer', minimum: 1 },
        activation: { $ref: '#/$defs/activation' },
        use_bias: { type: 'boolean' },
        bias: { type: 'boolean' },
        kernel_initializer: { $ref: '#/$defs/initializer' },
        bias_initializer: { $ref: '#/$defs/initializer' },
        init: { $ref: '#/$defs/initializer' },
        kernel_regularizer: { $ref: '#/$defs/objectOrNull' },
        bias_regularizer: { $ref: '#/$defs/objectOrNull' },
        activity_regularizer: { $ref: '#/$defs/objectOrNull' },
        kernel_constraint: { $ref: '#/$defs/objectOrNull' },
        bias_constraint: { $ref: '#/$defs/objectOrNull' },
        input_dim: { anyOf: [{ type: 'integer', minimum: 1 }, { type: 'null' }] },
      },
    },
    normalize: (cfg) => {
      if (cfg.quantization_config === null || cfg.quantization_config === undefined) delete cfg.quantization_config;
    },
  },
  InputLayer: {
    keys: sameKeys([]),
    schema: {
      anyOf: [{ required: ['batch_input_shape'] }, { required: ['batch_shape'] }, { required: ['input_shape'] }],
      properties: { sparse: { type: 'boolean' }, ragged: { type: 'boolean' } },
    },
    normalize: (cfg) => {
      delete cfg.optional;
    },
  },
};

/** Keras' core layers in every era: Dense, InputLayer, Embedding, Masking. */
import type { LayerFormat } from './format.js';
import { sameKeys } from './format.js';

const DENSE_KEYS_2 = [
  'units', 'activation', 'use_bias', 'kernel_initializer', 'bias_initializer', 'kernel_regularizer', 'bias_regularizer',
  'activity_regularizer', 'kernel_constraint', 'bias_constraint',
];
// Keras 3 writes activity_regularizer only when set (see write.ts).
const DENSE_KEYS_3 = ['units', 'activation', 'use_bias', 'kernel_initializer', 'bias_initializer', 'kernel_regularizer', 'bias_regularizer', 'kernel_constraint', 'bias_constraint'];

const EMBEDDING_KEYS_2 = [
  'input_dim', 'output_dim', 'embeddings_initializer', 'embeddings_regularizer', 'activity_regularizer', 'embeddings_constraint',
  'mask_zero', 'input_length',
];
// Keras 3 dropped input_length (it pops it with a warning when reading); 3.13+ adds quantization_config.
const EMBEDDING_KEYS_3 = ['input_dim', 'output_dim', 'embeddings_initializer', 'embeddings_regularizer', 'activity_regularizer', 'embeddings_constraint', 'mask_zero'];

/** Keras 1's Embedding names (already renamed the Dense way by normalize.ts) back to Embedding's. */
const KERAS1_EMBEDDING: Record<string, string> = {
  units: 'output_dim',
  kernel_initializer: 'embeddings_initializer',
  kernel_regularizer: 'embeddings_regularizer',
  kernel_constraint: 'embeddings_constraint',
};

export const coreFormats: Readonly<Record<string, LayerFormat>> = {
  Embedding: {
    keys: { 'keras-2.0': EMBEDDING_KEYS_2, 'keras-2': EMBEDDING_KEYS_2, 'keras-3': EMBEDDING_KEYS_3 },
    defaults: () => ({ input_length: null, embeddings_regularizer: null, activity_regularizer: null, embeddings_constraint: null }),
    ownsInputDim: true,
    schema: {
      required: ['input_dim', 'output_dim'],
      properties: {
        input_dim: { type: 'integer', minimum: 1 },
        output_dim: { type: 'integer', minimum: 1 },
        mask_zero: { type: 'boolean' },
        input_length: { anyOf: [{ type: 'integer', minimum: 1 }, { type: 'null' }, { $ref: '#/$defs/shape' }] },
        embeddings_initializer: { $ref: '#/$defs/initializer' },
        init: { $ref: '#/$defs/initializer' },
        embeddings_regularizer: { $ref: '#/$defs/objectOrNull' },
        W_regularizer: { $ref: '#/$defs/objectOrNull' },
        activity_regularizer: { $ref: '#/$defs/objectOrNull' },
        embeddings_constraint: { $ref: '#/$defs/objectOrNull' },
        W_constraint: { $ref: '#/$defs/objectOrNull' },
        dropout: { $ref: '#/$defs/rate' },
        lora_rank: { anyOf: [{ type: 'integer' }, { type: 'null' }] },
      },
    },
    normalize: (cfg, era) => {
      if (era.keras1) {
        for (const [from, to] of Object.entries(KERAS1_EMBEDDING)) {
          if (from in cfg && !(to in cfg)) {
            cfg[to] = cfg[from]!;
            delete cfg[from];
          }
        }
        // Keras 1's input_length declared the input shape (batch, input_length).
        if (era.isFirst && cfg.batch_input_shape === undefined && typeof cfg.input_length === 'number') cfg.batch_input_shape = [null, cfg.input_length];
        if (cfg.dropout === 0) delete cfg.dropout;
      }
      if (cfg.quantization_config === null) delete cfg.quantization_config;
      if (cfg.lora_rank === null) delete cfg.lora_rank;
      delete cfg.lora_alpha;
      delete cfg.sparse;
    },
  },
  Masking: {
    keys: sameKeys(['mask_value']),
    schema: { properties: { mask_value: { type: 'number' } } },
  },
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

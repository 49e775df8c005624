/** Keras' recurrent layers in every era: LSTM (CuDNNLSTM is read as an LSTM by the layer registry). */
import type { LayerFormat } from './format.js';

const LSTM_KEYS_20 = [
  'return_sequences', 'return_state', 'go_backwards', 'stateful', 'unroll', 'implementation', 'units', 'activation',
  'recurrent_activation', 'use_bias', 'kernel_initializer', 'recurrent_initializer', 'bias_initializer', 'unit_forget_bias',
  'kernel_regularizer', 'recurrent_regularizer', 'bias_regularizer', 'activity_regularizer', 'kernel_constraint',
  'recurrent_constraint', 'bias_constraint', 'dropout', 'recurrent_dropout',
];
const LSTM_KEYS_2 = [
  'return_sequences', 'return_state', 'go_backwards', 'stateful', 'unroll', 'units', 'activation', 'recurrent_activation',
  'use_bias', 'kernel_initializer', 'recurrent_initializer', 'bias_initializer', 'unit_forget_bias', 'kernel_regularizer',
  'recurrent_regularizer', 'bias_regularizer', 'activity_regularizer', 'kernel_constraint', 'recurrent_constraint',
  'bias_constraint', 'dropout', 'recurrent_dropout', 'implementation',
];
const LSTM_KEYS_3 = [
  'return_sequences', 'return_state', 'go_backwards', 'stateful', 'unroll', 'zero_output_for_mask', 'units', 'activation',
  'recurrent_activation', 'use_bias', 'kernel_initializer', 'recurrent_initializer', 'bias_initializer', 'unit_forget_bias',
  'kernel_regularizer', 'recurrent_regularizer', 'bias_regularizer', 'activity_regularizer', 'kernel_constraint',
  'recurrent_constraint', 'bias_constraint', 'dropout', 'recurrent_dropout', 'seed',
];

export const rnnFormats: Readonly<Record<string, LayerFormat>> = {
  LSTM: {
    keys: { 'keras-2.0': LSTM_KEYS_20, 'keras-2': LSTM_KEYS_2, 'keras-3': LSTM_KEYS_3 },
    defaults: (dialect) => ({ zero_output_for_mask: false, seed: null, implementation: dialect === 'keras-2.0' ? 0 : 2 }),
    schema: {
      anyOf: [{ required: ['units'] }, { required: ['output_dim'] }],
      properties: {
        units: { type: 'integer', minimum: 1 },
        output_dim: { type: 'integer', minimum: 1 },
        activation: { $ref: '#/$defs/activation' },
        recurrent_activation: { $ref: '#/$defs/activation' },
        inner_activation: { $ref: '#/$defs/activation' },
        use_bias: { type: 'boolean' },
        kernel_initializer: { $ref: '#/$defs/initializer' },
        recurrent_initializer: { $ref: '#/$defs/initializer' },
        bias_initializer: { $ref: '#/$defs/initializer' },
        unit_forget_bias: { type: 'boolean' },
        dropout: { $ref: '#/$defs/rate' },
        recurrent_dropout: { $ref: '#/$defs/rate' },
        dropout_W: { $ref: '#/$defs/rate' },
        dropout_U: { $ref: '#/$defs/rate' },
        return_sequences: { type: 'boolean' },
        return_state: { type: 'boolean' },
        go_backwards: { type: 'boolean' },
        stateful: { type: 'boolean' },
        unroll: { type: 'boolean' },
        time_major: { type: 'boolean' },
        implementation: { type: 'integer', minimum: 0, maximum: 2 },
        consume_less: { enum: ['cpu', 'mem', 'gpu'] },
        input_dim: { anyOf: [{ type: 'integer', minimum: 1 }, { type: 'null' }] },
        input_length: { anyOf: [{ type: 'integer', minimum: 1 }, { type: 'null' }] },
      },
    },
    normalize: (cfg, era) => {
      if (era.keras1 && era.isFirst && cfg.batch_input_shape === undefined && cfg.input_dim !== undefined && cfg.input_dim !== null) {
        // Keras 1: input_dim (and input_length) on a first recurrent layer mean (timesteps, features).
        cfg.batch_input_shape = [null, cfg.input_length ?? null, cfg.input_dim];
      }
      // Defaults of the era the config comes from, where the config does not say (KERAS-FORMAT §5.4).
      const oldDefault = era.major < 2 || (era.major === 2 && era.minor < 3);
      if (cfg.recurrent_activation === undefined) cfg.recurrent_activation = oldDefault ? 'hard_sigmoid' : 'sigmoid';
      if (era.keras1) {
        cfg.kernel_initializer ??= 'glorot_uniform';
        cfg.recurrent_initializer ??= 'orthogonal';
        if (cfg.unit_forget_bias === undefined) cfg.unit_forget_bias = true;
      }
      if (cfg.time_major === false) delete cfg.time_major;
      delete cfg.zero_output_for_mask;
    },
  },
};

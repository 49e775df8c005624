/**
 * Keras' recurrent layers in every era: LSTM, GRU, SimpleRNN (CuDNNLSTM and CuDNNGRU are read as LSTM
 * and GRU by the layer registry), and the wrappers Bidirectional and TimeDistributed, whose wrapped
 * layer is a nested entry.
 */
import { isJsonObject, type JsonObject, type JsonValue } from '@kerasts/layers';
import { UnsupportedError } from '@kerasts/tensor';
import type { Dialect, EraInfo, LayerFormat, SchemaFragment } from './format.js';

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

const GRU_KEYS_20 = [
  'return_sequences', 'return_state', 'go_backwards', 'stateful', 'unroll', 'implementation', 'units', 'activation',
  'recurrent_activation', 'use_bias', 'kernel_initializer', 'recurrent_initializer', 'bias_initializer', 'kernel_regularizer',
  'recurrent_regularizer', 'bias_regularizer', 'activity_regularizer', 'kernel_constraint', 'recurrent_constraint',
  'bias_constraint', 'dropout', 'recurrent_dropout',
];
const GRU_KEYS_2 = [
  'return_sequences', 'return_state', 'go_backwards', 'stateful', 'unroll', 'units', 'activation', 'recurrent_activation',
  'use_bias', 'kernel_initializer', 'recurrent_initializer', 'bias_initializer', 'kernel_regularizer', 'recurrent_regularizer',
  'bias_regularizer', 'activity_regularizer', 'kernel_constraint', 'recurrent_constraint', 'bias_constraint', 'dropout',
  'recurrent_dropout', 'implementation', 'reset_after',
];
const GRU_KEYS_3 = [
  'return_sequences', 'return_state', 'go_backwards', 'stateful', 'unroll', 'zero_output_for_mask', 'units', 'activation',
  'recurrent_activation', 'use_bias', 'kernel_initializer', 'recurrent_initializer', 'bias_initializer', 'kernel_regularizer',
  'recurrent_regularizer', 'bias_regularizer', 'activity_regularizer', 'kernel_constraint', 'recurrent_constraint',
  'bias_constraint', 'dropout', 'recurrent_dropout', 'reset_after', 'seed',
];
const SIMPLE_RNN_KEYS_20 = [
  'return_sequences', 'return_state', 'go_backwards', 'stateful', 'unroll', 'implementation', 'units', 'activation', 'use_bias',
  'kernel_initializer', 'recurrent_initializer', 'bias_initializer', 'kernel_regularizer', 'recurrent_regularizer',
  'bias_regularizer', 'activity_regularizer', 'kernel_constraint', 'recurrent_constraint', 'bias_constraint', 'dropout',
  'recurrent_dropout',
];
const SIMPLE_RNN_KEYS_2 = [
  'return_sequences', 'return_state', 'go_backwards', 'stateful', 'unroll', 'units', 'activation', 'use_bias',
  'kernel_initializer', 'recurrent_initializer', 'bias_initializer', 'kernel_regularizer', 'recurrent_regularizer',
  'bias_regularizer', 'activity_regularizer', 'kernel_constraint', 'recurrent_constraint', 'bias_constraint', 'dropout',
  'recurrent_dropout',
];
// Keras 3's SimpleRNN.get_config has no seed (its cell has one)
const SIMPLE_RNN_KEYS_3 = [
  'return_sequences', 'return_state', 'go_backwards', 'stateful', 'unroll', 'zero_output_for_mask', 'units', 'activation',
  'use_bias', 'kernel_initializer', 'recurrent_initializer', 'bias_initializer', 'kernel_regularizer', 'recurrent_regularizer',
  'bias_regularizer', 'activity_regularizer', 'kernel_constraint', 'recurrent_constraint', 'bias_constraint', 'dropout',
  'recurrent_dropout',
];

/** Schema properties every recurrent layer's config may have (any era). */
const RNN_PROPERTIES: SchemaFragment = {
  units: { type: 'integer', minimum: 1 },
  output_dim: { type: 'integer', minimum: 1 },
  activation: { $ref: '#/$defs/activation' },
  use_bias: { type: 'boolean' },
  kernel_initializer: { $ref: '#/$defs/initializer' },
  recurrent_initializer: { $ref: '#/$defs/initializer' },
  bias_initializer: { $ref: '#/$defs/initializer' },
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
  zero_output_for_mask: { type: 'boolean' },
  implementation: { type: 'integer', minimum: 0, maximum: 2 },
  consume_less: { enum: ['cpu', 'mem', 'gpu'] },
  input_dim: { anyOf: [{ type: 'integer', minimum: 1 }, { type: 'null' }] },
  input_length: { anyOf: [{ type: 'integer', minimum: 1 }, { type: 'null' }] },
};

/** Era fixes every recurrent layer shares: Keras 1's input_dim/input_length on a first layer, tf.keras' time_major=false. */
function normalizeRnn(cfg: JsonObject, era: EraInfo): void {
  if (era.keras1 && era.isFirst && cfg.batch_input_shape === undefined && cfg.input_dim !== undefined && cfg.input_dim !== null) {
    // Keras 1: input_dim (and input_length) on a first recurrent layer mean (timesteps, features).
    cfg.batch_input_shape = [null, cfg.input_length ?? null, cfg.input_dim];
  }
  if (era.keras1) {
    cfg.kernel_initializer ??= 'glorot_uniform';
    cfg.recurrent_initializer ??= 'orthogonal';
  }
  if (cfg.time_major === false) delete cfg.time_major;
}

/** Shared by every recurrent layer: what the Keras 2 dialects cannot write. */
function rnnDialectNote(cfg: JsonObject, dialect: Dialect): string | null {
  if (dialect !== 'keras-3' && cfg.zero_output_for_mask === true) {
    return 'zero_output_for_mask=true is not written in the Keras 2 dialects (Keras 2.2 refuses the argument), so masked steps would output the carried state instead of zeros';
  }
  return null;
}

/** Keras ≤ 2.2 defaulted recurrent_activation to hard_sigmoid, Keras ≥ 2.3 to sigmoid (KERAS-FORMAT §5.4). */
function oldRecurrentDefault(era: EraInfo): boolean {
  return era.major < 2 || (era.major === 2 && era.minor < 3);
}

/** A wrapper's nested entry `{class_name, config}` of any era, normalized the same way as top-level layers. */
function nestedLayer(cfg: JsonObject, key: string, era: EraInfo): void {
  const v = cfg[key];
  if (v === undefined || v === null) {
    delete cfg[key];
    return;
  }
  if (!isJsonObject(v)) return;
  const spec = era.nested(v, `${era.path}.config.${key}`);
  cfg[key] = { class_name: spec.className, config: spec.config };
}

function stripPrefix(name: JsonValue | undefined, prefix: string): JsonValue | undefined {
  return typeof name === 'string' && name.startsWith(prefix) ? name.slice(prefix.length) : name;
}

/** Whether a Bidirectional's backward layer is the one Keras derives from the forward layer (same config, other direction). */
function derivedBackward(forward: JsonObject, backward: JsonObject): boolean {
  const f = { ...(forward.config as JsonObject) };
  const b = { ...(backward.config as JsonObject) };
  if (forward.class_name !== backward.class_name) return false;
  f.go_backwards = !(f.go_backwards === true);
  delete f.name;
  delete b.name;
  const sort = (o: JsonObject): string => JSON.stringify(Object.keys(o).sort().map((k) => [k, o[k]]));
  return sort(f) === sort(b);
}

export const rnnFormats: Readonly<Record<string, LayerFormat>> = {
  Bidirectional: {
    keys: { 'keras-2.0': ['layer', 'merge_mode'], 'keras-2': ['layer', 'merge_mode'], 'keras-3': ['merge_mode', 'layer', 'backward_layer'] },
    defaults: () => ({ merge_mode: 'concat' }),
    nestedKeys: ['layer', 'backward_layer'],
    schema: {
      required: ['layer'],
      properties: {
        layer: { $ref: '#/$defs/layer' },
        backward_layer: { anyOf: [{ $ref: '#/$defs/layer' }, { type: 'null' }] },
        merge_mode: { enum: ['concat', 'sum', 'mul', 'ave', null] },
        num_constants: { anyOf: [{ type: 'integer' }, { type: 'null' }] },
      },
    },
    normalize: (cfg, era) => {
      nestedLayer(cfg, 'layer', era);
      nestedLayer(cfg, 'backward_layer', era);
    },
    write: (out, src, dialect, nested) => {
      if (dialect === 'keras-3') return;
      // Keras 2 / tf.keras name the wrapped layer without the forward_ prefix (and add it back).
      const inner = out.layer;
      if (isJsonObject(inner) && isJsonObject(inner.config)) inner.config.name = stripPrefix(inner.config.name, 'forward_') ?? null;
      const f = src.layer;
      const b = src.backward_layer;
      if (isJsonObject(f) && isJsonObject(b) && !derivedBackward(f, b)) {
        if (dialect === 'keras-2.0') throw new UnsupportedError(`Bidirectional "${String(src.name)}" has a custom backward layer, which Keras 2.0 cannot express; write the keras-2 or keras-3 dialect`, `layer "${String(src.name)}"`);
        // tf.keras 2.x reads backward_layer (Keras 2.2/2.3 do not know it).
        out.backward_layer = nested({ className: String(b.class_name), config: b.config as JsonObject });
      }
    },
  },
  TimeDistributed: {
    keys: { 'keras-2.0': ['layer'], 'keras-2': ['layer'], 'keras-3': ['layer'] },
    nestedKeys: ['layer'],
    schema: { required: ['layer'], properties: { layer: { $ref: '#/$defs/layer' } } },
    normalize: (cfg, era) => nestedLayer(cfg, 'layer', era),
  },
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
        zero_output_for_mask: { type: 'boolean' },
        implementation: { type: 'integer', minimum: 0, maximum: 2 },
        consume_less: { enum: ['cpu', 'mem', 'gpu'] },
        input_dim: { anyOf: [{ type: 'integer', minimum: 1 }, { type: 'null' }] },
        input_length: { anyOf: [{ type: 'integer', minimum: 1 }, { type: 'null' }] },
      },
    },
    normalize: (cfg, era) => {
      normalizeRnn(cfg, era);
      // Defaults of the era the config comes from, where the config does not say (KERAS-FORMAT §5.4).
      if (cfg.recurrent_activation === undefined) cfg.recurrent_activation = oldRecurrentDefault(era) ? 'hard_sigmoid' : 'sigmoid';
      if (era.keras1 && cfg.unit_forget_bias === undefined) cfg.unit_forget_bias = true;
    },
    dialectNote: rnnDialectNote,
  },
  GRU: {
    keys: { 'keras-2.0': GRU_KEYS_20, 'keras-2': GRU_KEYS_2, 'keras-3': GRU_KEYS_3 },
    defaults: (dialect) => ({ zero_output_for_mask: false, seed: null, implementation: dialect === 'keras-2.0' ? 0 : 2 }),
    schema: {
      anyOf: [{ required: ['units'] }, { required: ['output_dim'] }],
      properties: { ...RNN_PROPERTIES, recurrent_activation: { $ref: '#/$defs/activation' }, inner_activation: { $ref: '#/$defs/activation' }, reset_after: { type: 'boolean' } },
    },
    normalize: (cfg, era) => {
      normalizeRnn(cfg, era);
      if (cfg.recurrent_activation === undefined) cfg.recurrent_activation = oldRecurrentDefault(era) ? 'hard_sigmoid' : 'sigmoid';
      // reset_after appeared in Keras 2.1.5 with default False (the layout of Keras 1/2 files); tf.keras 2
      // and Keras 3 write it, defaulting to True (the CuDNN-compatible layout).
      if (cfg.reset_after === undefined) cfg.reset_after = era.major >= 3;
    },
    dialectNote: (cfg, dialect) => {
      if (dialect === 'keras-2.0' && cfg.reset_after !== false) {
        return "reset_after=true cannot be written for Keras 2.0.8, whose GRU always applies the reset gate before the recurrent product (reset_after=false)";
      }
      return rnnDialectNote(cfg, dialect);
    },
  },
  SimpleRNN: {
    keys: { 'keras-2.0': SIMPLE_RNN_KEYS_20, 'keras-2': SIMPLE_RNN_KEYS_2, 'keras-3': SIMPLE_RNN_KEYS_3 },
    defaults: () => ({ zero_output_for_mask: false, implementation: 0 }),
    schema: { anyOf: [{ required: ['units'] }, { required: ['output_dim'] }], properties: RNN_PROPERTIES },
    normalize: normalizeRnn,
    dialectNote: rnnDialectNote,
  },
};

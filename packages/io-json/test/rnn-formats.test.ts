/**
 * GRU and SimpleRNN configs of every era (Keras 1.2.2 argument names, Keras 2.0.8, Keras 2.1.x before
 * reset_after existed, tf.keras 2, Keras 3) read with the era's defaults, and written back in each
 * dialect with Keras' keys in Keras' order. Configs are shaped as each era's `get_config` writes them
 * (keras/layers/recurrent.py of 1.2.2 / 2.0.8 / 2.2.4, keras/layers/rnn of tf.keras 2.15, Keras 3.15.1).
 */
import { readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { GRU, SimpleRNN, type JsonObject } from '@kerasts/layers';
import { UnsupportedError } from '@kerasts/tensor';
import { modelFromJSON, toJSON } from '../src/index.js';

const fixtures = join(dirname(fileURLToPath(import.meta.url)), '..', '..', '..', 'tools', 'oracle', 'fixtures', 'rnn', 'predict');

const keras1 = {
  class_name: 'Sequential',
  keras_version: '1.2.2',
  config: [
    {
      class_name: 'GRU',
      config: {
        name: 'gru_1', trainable: true, batch_input_shape: [null, 7, 3], input_dtype: 'float32', return_sequences: true, go_backwards: false,
        stateful: false, unroll: false, consume_less: 'cpu', input_dim: 3, input_length: 7, output_dim: 5, init: 'glorot_uniform',
        inner_init: 'orthogonal', activation: 'tanh', inner_activation: 'hard_sigmoid', W_regularizer: null, U_regularizer: null,
        b_regularizer: null, dropout_W: 0.1, dropout_U: 0.2,
      },
    },
    {
      class_name: 'SimpleRNN',
      config: {
        name: 'simplernn_1', trainable: true, return_sequences: false, go_backwards: true, stateful: false, unroll: false,
        consume_less: 'cpu', input_dim: 5, input_length: null, output_dim: 4, init: 'glorot_uniform', inner_init: 'orthogonal',
        activation: 'relu', W_regularizer: { name: 'WeightRegularizer', l1: 0, l2: 0.01 }, U_regularizer: null, b_regularizer: null,
        dropout_W: 0.0, dropout_U: 0.0,
      },
    },
  ],
};

const keras208 = {
  class_name: 'Sequential',
  keras_version: '2.0.8',
  backend: 'tensorflow',
  config: [
    {
      class_name: 'GRU',
      config: {
        name: 'gru_1', trainable: true, batch_input_shape: [null, null, 3], dtype: 'float32', return_sequences: false, return_state: false,
        go_backwards: false, stateful: false, unroll: false, implementation: 0, units: 4, activation: 'tanh', recurrent_activation: 'hard_sigmoid',
        use_bias: true, kernel_initializer: { class_name: 'VarianceScaling', config: { scale: 1.0, mode: 'fan_avg', distribution: 'uniform', seed: null } },
        recurrent_initializer: { class_name: 'Orthogonal', config: { gain: 1.0, seed: null } }, bias_initializer: { class_name: 'Zeros', config: {} },
        kernel_regularizer: null, recurrent_regularizer: null, bias_regularizer: null, activity_regularizer: null, kernel_constraint: null,
        recurrent_constraint: null, bias_constraint: null, dropout: 0.0, recurrent_dropout: 0.0,
      },
    },
  ],
};

/** Keras 2.1.4 (the k214 file's era): a GRU config without reset_after, which did not exist yet. */
const keras214 = { ...keras208, keras_version: '2.1.4' };

const tfKeras = {
  class_name: 'Sequential',
  keras_version: '2.10.0',
  backend: 'tensorflow',
  config: {
    name: 'sequential',
    layers: [
      { class_name: 'InputLayer', config: { batch_input_shape: [null, 168, 105], dtype: 'float32', sparse: false, ragged: false, name: 'gru_input' } },
      {
        class_name: 'GRU',
        config: {
          name: 'gru', trainable: true, dtype: 'float32', return_sequences: true, return_state: false, go_backwards: false, stateful: false,
          unroll: false, time_major: false, units: 8, activation: 'tanh', recurrent_activation: 'sigmoid', use_bias: true,
          kernel_initializer: { class_name: 'GlorotUniform', config: { seed: null } }, recurrent_initializer: { class_name: 'Orthogonal', config: { gain: 1.0, seed: null } },
          bias_initializer: { class_name: 'Zeros', config: {} }, kernel_regularizer: null, recurrent_regularizer: null, bias_regularizer: null,
          activity_regularizer: null, kernel_constraint: null, recurrent_constraint: null, bias_constraint: null, dropout: 0.0, recurrent_dropout: 0.0,
          implementation: 2, reset_after: true,
        },
      },
      {
        class_name: 'SimpleRNN',
        config: {
          name: 'simple_rnn', trainable: true, dtype: 'float32', return_sequences: false, return_state: false, go_backwards: false, stateful: false,
          unroll: false, time_major: false, units: 3, activation: 'tanh', use_bias: true, kernel_initializer: { class_name: 'GlorotUniform', config: { seed: null } },
          recurrent_initializer: { class_name: 'Orthogonal', config: { gain: 1.0, seed: null } }, bias_initializer: { class_name: 'Zeros', config: {} },
          kernel_regularizer: null, recurrent_regularizer: null, bias_regularizer: null, activity_regularizer: null, kernel_constraint: null,
          recurrent_constraint: null, bias_constraint: null, dropout: 0.0, recurrent_dropout: 0.0,
        },
      },
    ],
  },
};

describe('GRU and SimpleRNN configs of every era', () => {
  it('Keras 1.2.2: output_dim, inner_activation, dropout_W/U, input_dim/input_length on the first layer', () => {
    const model = modelFromJSON(JSON.stringify(keras1));
    const [gru, rnn] = model.layers as [GRU, SimpleRNN];
    expect(gru).toBeInstanceOf(GRU);
    expect([gru.units, gru.recurrentActivation.name, gru.dropout, gru.recurrentDropout, gru.resetAfter, gru.returnSequences]).toEqual([5, 'hard_sigmoid', 0.1, 0.2, false, true]);
    expect(model.inputShapes).toEqual([[null, 7, 3]]);
    expect(gru.weights.map((w) => w.shape)).toEqual([[3, 15], [5, 15], [15]]);
    expect(rnn).toBeInstanceOf(SimpleRNN);
    expect([rnn.units, rnn.activation.name, rnn.goBackwards]).toEqual([4, 'relu', true]);
    expect(rnn.kept.kernel_regularizer).toEqual({ class_name: 'L1L2', config: { l1: 0, l2: 0.01 } });
    expect(model.kerasVersion).toBe('1.2.2');
  });

  it('Keras 2.0.8 and 2.1.4: no reset_after key means the Keras 2 layout (reset_after=false, bias (3u))', () => {
    for (const cfg of [keras208, keras214]) {
      const gru = modelFromJSON(JSON.stringify(cfg)).layers[0] as GRU;
      expect(gru.resetAfter).toBe(false);
      expect(gru.recurrentActivation.name).toBe('hard_sigmoid');
      expect(gru.weights.map((w) => w.shape)).toEqual([[3, 12], [4, 12], [12]]);
    }
    const noActivation = structuredClone(keras214) as typeof keras214;
    delete (noActivation.config[0]!.config as Partial<JsonObject>).recurrent_activation;
    expect((modelFromJSON(JSON.stringify(noActivation)).layers[0] as GRU).recurrentActivation.name).toBe('hard_sigmoid');
  });

  it('tf.keras 2.10: time_major=false dropped, reset_after=true kept (bias (2, 3u))', () => {
    const model = modelFromJSON(JSON.stringify(tfKeras));
    const gru = model.layers[0] as GRU;
    expect(gru.resetAfter).toBe(true);
    expect(gru.weights.map((w) => w.shape)).toEqual([[105, 24], [8, 24], [2, 24]]);
    expect(model.layers[1]).toBeInstanceOf(SimpleRNN);
  });

  it('Keras 3.15.1 configs (the oracle fixtures) read as the layer Keras built', () => {
    const fx = JSON.parse(readFileSync(join(fixtures, 'gru_reset_before_nobias_back.json'), 'utf8')) as { config: JsonObject };
    const seq = { class_name: 'Sequential', config: { name: 's', layers: [{ module: 'keras.layers', class_name: 'GRU', config: fx.config, registered_name: null }] } };
    const gru = modelFromJSON(JSON.stringify(seq)).layers[0] as GRU;
    expect([gru.resetAfter, gru.useBias, gru.goBackwards, gru.returnSequences]).toEqual([false, false, true, true]);
  });

  it('writes each dialect with Keras\' keys in Keras\' order', () => {
    const model = modelFromJSON(JSON.stringify(tfKeras));
    const keysOf = (dialect: 'keras-2' | 'keras-3', i: number) => {
      const json = JSON.parse(toJSON(model, { dialect })) as { config: { layers: { config: JsonObject }[] } };
      return Object.keys(json.config.layers[i]!.config);
    };
    const gru3 = keysOf('keras-3', 1);
    expect(gru3.slice(gru3.indexOf('return_sequences'))).toEqual([
      'return_sequences', 'return_state', 'go_backwards', 'stateful', 'unroll', 'zero_output_for_mask', 'units', 'activation',
      'recurrent_activation', 'use_bias', 'kernel_initializer', 'recurrent_initializer', 'bias_initializer', 'kernel_regularizer',
      'recurrent_regularizer', 'bias_regularizer', 'activity_regularizer', 'kernel_constraint', 'recurrent_constraint',
      'bias_constraint', 'dropout', 'recurrent_dropout', 'reset_after', 'seed',
    ]);
    const gru2 = keysOf('keras-2', 1);
    expect(gru2.slice(gru2.indexOf('return_sequences'))).toEqual([
      'return_sequences', 'return_state', 'go_backwards', 'stateful', 'unroll', 'units', 'activation', 'recurrent_activation',
      'use_bias', 'kernel_initializer', 'recurrent_initializer', 'bias_initializer', 'kernel_regularizer', 'recurrent_regularizer',
      'bias_regularizer', 'activity_regularizer', 'kernel_constraint', 'recurrent_constraint', 'bias_constraint', 'dropout',
      'recurrent_dropout', 'implementation', 'reset_after',
    ]);
    const rnn3 = keysOf('keras-3', 2);
    expect(rnn3).not.toContain('seed');
    expect(rnn3).not.toContain('recurrent_activation');
    // and back: the same model
    for (const dialect of ['keras-2', 'keras-3'] as const) {
      const again = modelFromJSON(toJSON(model, { dialect }));
      expect(again.layers.map((l) => l.getConfig())).toEqual(model.layers.map((l) => l.getConfig()));
    }
  });

  it('a GRU with reset_after=true cannot be written for Keras 2.0.8 (its GRU resets before the product)', () => {
    const model = modelFromJSON(JSON.stringify(tfKeras));
    expect(() => toJSON(model, { dialect: 'keras-2.0' })).toThrow(UnsupportedError);
    expect(() => toJSON(model, { dialect: 'keras-2.0' })).toThrow(/reset_after=true cannot be written for Keras 2\.0\.8/);
    const old = modelFromJSON(JSON.stringify(keras208));
    const back = modelFromJSON(toJSON(old, { dialect: 'keras-2.0' }));
    expect((back.layers[0] as GRU).resetAfter).toBe(false);
  });
});

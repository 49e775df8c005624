import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { ConfigError, UnsupportedError } from '@kerasts/tensor';
import { LSTM, type JsonObject } from '@kerasts/layers';
import { ArchitectureValidationError, modelFromJSON, parseModelConfig, toJSON, validateArchitecture } from '../src/index.js';
import { itShared, realFilesDir, samplesDir, seedPath } from './helpers.js';

const realDir = realFilesDir ?? '';
const samples = samplesDir;

describe('reading every era', () => {
  itShared('Keras 1.2.2 (renamed arguments) from a real published file', () => {
    const model = modelFromJSON(readFileSync(join(realDir, 'k1_lstm_tf_full.arch.json'), 'utf8'));
    expect(model.kerasVersion).toBe('1.2.2');
    const lstm = model.layers[0] as LSTM;
    expect(lstm).toBeInstanceOf(LSTM);
    expect(lstm.units).toBe(50);
    expect(lstm.recurrentActivation.name).toBe('hard_sigmoid');
    expect(lstm.dropout).toBeCloseTo(0.2);
    expect(lstm.unitForgetBias).toBe(true);
    expect(lstm.implementation).toBe(0);
    expect(model.inputShapes).toEqual([[null, 1, 1]]);
    expect(model.layers[1]!.countParams()).toBe(51);
  });

  itShared('Keras 2.0.8 list form written with the Theano backend', () => {
    const parsed = parseModelConfig(JSON.parse(readFileSync(join(realDir, 'k208_stacked_lstm_th_weights.arch.json'), 'utf8')));
    expect(parsed.dialect).toBe('keras-2.0');
    expect(parsed.config.backend).toBe('theano');
    const model = modelFromJSON(readFileSync(join(realDir, 'k208_stacked_lstm_th_weights.arch.json'), 'utf8'));
    expect(model.layers.length).toBeGreaterThan(1);
  });

  it('Keras 3 to_json (module form, DTypePolicy, batch_shape)', () => {
    const text = readFileSync(join(samples, 'to_json.json'), 'utf8');
    const parsed = parseModelConfig(JSON.parse(text));
    expect(parsed.dialect).toBe('keras-3');
    const model = modelFromJSON(text);
    expect(model.layers.map((l) => l.className)).toEqual(['LSTM', 'Dense']);
    expect(model.kerasVersion.startsWith('3')).toBe(true);
    expect(model.countParams()).toBe(213);
  });

  it('Keras 3 .keras config.json (with compile_config)', () => {
    const model = modelFromJSON(readFileSync(join(samples, 'm_keras_config.pretty.json'), 'utf8'));
    expect(model.countParams()).toBe(213);
  });

  it('tf.keras 2.x dict form with InputLayer, time_major and class-form initializers', () => {
    const cfg = {
      class_name: 'Sequential',
      config: {
        name: 'sequential',
        layers: [
          { class_name: 'InputLayer', config: { batch_input_shape: [null, 3, 2], dtype: 'float32', sparse: false, ragged: false, name: 'lstm_input' } },
          {
            class_name: 'LSTM',
            config: {
              name: 'lstm', trainable: true, dtype: 'float32', batch_input_shape: [null, 3, 2], return_sequences: false, return_state: false,
              go_backwards: false, stateful: false, unroll: false, time_major: false, units: 5, activation: 'tanh', recurrent_activation: 'sigmoid',
              use_bias: true, kernel_initializer: { class_name: 'GlorotUniform', config: { seed: null } },
              recurrent_initializer: { class_name: 'Orthogonal', config: { gain: 1.0, seed: null } },
              bias_initializer: { class_name: 'Zeros', config: {} }, unit_forget_bias: true,
              kernel_regularizer: { class_name: 'L2', config: { l2: 0.009999999776482582 } }, recurrent_regularizer: null, bias_regularizer: null,
              activity_regularizer: null, kernel_constraint: null, recurrent_constraint: null, bias_constraint: null, dropout: 0.0, recurrent_dropout: 0.0, implementation: 2,
            },
          },
        ],
      },
      keras_version: '2.15.0',
      backend: 'tensorflow',
    };
    const model = modelFromJSON(cfg);
    expect(model.kerasVersion).toBe('2.15.0');
    expect(model.countParams()).toBe(4 * (5 * 7 + 5));
    // regularizers are kept and written back unchanged
    const back = JSON.parse(toJSON(model)) as { config: { layers: { config: JsonObject }[] } };
    expect(back.config.layers[1]!.config.kernel_regularizer).toEqual({ class_name: 'L2', config: { l2: 0.009999999776482582 } });
    expect(back.config.layers[1]!.config.time_major).toBeUndefined();
  });

  it('Keras 2.2.x LSTM without recurrent_activation gets the era default (hard_sigmoid)', () => {
    const cfg = { class_name: 'Sequential', keras_version: '2.2.4', config: { name: 's', layers: [{ class_name: 'LSTM', config: { name: 'l', units: 2, batch_input_shape: [null, 1, 1] } }] } };
    expect((modelFromJSON(cfg).layers[0] as LSTM).recurrentActivation.name).toBe('hard_sigmoid');
    const k23 = { ...cfg, keras_version: '2.3.1' };
    expect((modelFromJSON(k23).layers[0] as LSTM).recurrentActivation.name).toBe('sigmoid');
  });
});

describe('bad configs give errors that name the JSON path, what was found and what was expected', () => {
  const good = () => JSON.parse(readFileSync(seedPath, 'utf8')) as { config: { config: JsonObject; class_name: string }[] };

  it('a wrong type', () => {
    const cfg = good();
    cfg.config[1]!.config.units = 'four';
    try {
      modelFromJSON(cfg as never);
      throw new Error('should have thrown');
    } catch (e) {
      expect(e).toBeInstanceOf(ConfigError);
      expect(e).toBeInstanceOf(ArchitectureValidationError);
      const msg = (e as Error).message;
      expect(msg).toContain('config[1].config.units');
      expect(msg).toContain('Dense "dense_1"');
      expect(msg).toContain('expected integer');
      expect(msg).toContain('"four"');
    }
  });

  it('lists every problem at once', () => {
    const cfg = good();
    cfg.config[0]!.config.units = -3;
    cfg.config[0]!.config.dropout = 1.5;
    delete cfg.config[1]!.config.units;
    const issues = validateArchitecture(cfg as never);
    const paths = issues.map((i) => i.path);
    expect(paths).toContain('config[0].config.units');
    expect(paths).toContain('config[0].config.dropout');
    expect(issues.find((i) => i.path === 'config[1].config')!.message).toMatch(/missing required key: one of "units" or "output_dim"/);
  });

  it('not an object / missing class_name', () => {
    expect(() => modelFromJSON('[1, 2]')).toThrow(ConfigError);
    expect(() => modelFromJSON('{"config": []}')).toThrow(/missing required key "class_name"/);
    expect(() => modelFromJSON('{"class_name": "Sequential", ')).toThrow(/not valid JSON/);
  });

  it('an unknown layer class names it and points to registerLayer', () => {
    const cfg = good();
    cfg.config[1]!.class_name = 'Conv7D';
    expect(() => modelFromJSON(cfg as never)).toThrow(UnsupportedError);
    expect(() => modelFromJSON(cfg as never)).toThrow(/"Conv7D".*registerLayer/);
  });

  it('Lambda layers are refused by name, never executed', () => {
    const cfg = good();
    cfg.config[1] = { class_name: 'Lambda', config: { name: 'lam', function: ['4wEAAAAAAAAA', null, null], function_type: 'lambda' } };
    expect(() => modelFromJSON(cfg as never)).toThrow(/unsupported: layer class "Lambda" "lam"/);
  });

  it('functional models load (more in functional.test.ts)', () => {
    const text = readFileSync(join(samples, 'func_to_json.json'), 'utf8');
    const model = modelFromJSON(text);
    expect(model.layers.map((l) => l.className)).toEqual(['InputLayer', 'LSTM', 'Dropout', 'Dense']);
  });
});

describe('the dialects we write', () => {
  const seedText = readFileSync(seedPath, 'utf8');
  it('keras-2 (default) has an InputLayer with batch_input_shape and no batch_input_shape elsewhere', () => {
    const model = modelFromJSON(seedText);
    const out = JSON.parse(toJSON(model)) as { module: string; config: { layers: { class_name: string; config: JsonObject }[] } };
    expect(out.module).toBe('keras');
    expect(out.config.layers[0]!.class_name).toBe('InputLayer');
    expect(out.config.layers[0]!.config.batch_input_shape).toEqual([null, 1, 8]);
    expect(out.config.layers.slice(1).every((l) => l.config.batch_input_shape === undefined)).toBe(true);
  });
  it('keras-3 has module form and batch_shape', () => {
    const model = modelFromJSON(readFileSync(join(samples, 'to_json.json'), 'utf8'));
    const out = JSON.parse(toJSON(model, { dialect: 'keras-3' })) as { config: { layers: { module: string; class_name: string; config: JsonObject }[] } };
    expect(out.config.layers[0]!.config.batch_shape).toEqual([null, 1, 8]);
    expect(out.config.layers[1]!.module).toBe('keras.layers');
    expect((out.config.layers[1]!.config.kernel_initializer as JsonObject).module).toBe('keras.initializers');
  });
});

// Convolution and pooling models of every class and option (tools/oracle/fixtures/conv/predict, made by
// tools/oracle/gen_conv_fixtures.py with Keras 3.15.1): built from the JSON Keras wrote (to_json and the
// legacy .h5 model_config), with Keras' weights, they predict what Keras predicted, and every dialect we
// write rebuilds the same model.
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { UnsupportedError } from '@kerasts/tensor';
import { modelFromJSON, numericsNotes, parseModelConfig, toJSON } from '../src/index.js';
import { repoRoot, toTensor, type PredictFixture } from './helpers.js';

const dir = join(repoRoot, 'tools', 'oracle', 'fixtures', 'conv', 'predict');
const names = readdirSync(dir)
  .filter((f) => f.endsWith('.json'))
  .map((f) => f.slice(0, -5))
  .sort();
const load = (name: string): PredictFixture & { output_shape: (number | null)[] } => JSON.parse(readFileSync(join(dir, `${name}.json`), 'utf8')) as never;

/**
 * max |a − b| / max(1, max |b|): absolute for outputs below 1, relative to the output's magnitude for
 * large activations (float32 sums of large terms carry errors of their own size).
 */
function maxRelDiff(a: ArrayLike<number>, b: ArrayLike<number>): number {
  let m = 0;
  let scale = 1;
  for (let i = 0; i < b.length; i++) scale = Math.max(scale, Math.abs(b[i]!));
  for (let i = 0; i < b.length; i++) m = Math.max(m, Math.abs(a[i]! - b[i]!));
  return m / scale;
}

const worst = new Map<string, number>();

describe('convolution and pooling models predict what Keras 3.15.1 predicts', () => {
  it('covers every convolution and pooling class', () => {
    const classes = new Set(names.flatMap((n) => (load(n).model_json as { config: { layers: { class_name: string }[] } }).config.layers.map((l) => l.class_name)));
    for (const c of [
      'Conv1D', 'Conv2D', 'Conv3D', 'SeparableConv1D', 'SeparableConv2D', 'DepthwiseConv1D', 'DepthwiseConv2D', 'Conv1DTranspose', 'Conv2DTranspose',
      'Conv3DTranspose', 'MaxPooling1D', 'MaxPooling2D', 'MaxPooling3D', 'AveragePooling1D', 'AveragePooling2D', 'AveragePooling3D', 'GlobalMaxPooling1D',
      'GlobalMaxPooling2D', 'GlobalMaxPooling3D', 'GlobalAveragePooling1D', 'GlobalAveragePooling2D', 'GlobalAveragePooling3D',
    ]) {
      expect(classes.has(c), c).toBe(true);
    }
  });
  for (const name of names) {
    it(name, () => {
      const fx = load(name);
      const model = modelFromJSON(fx.model_json as never);
      model.setWeights(fx.weights.map(toTensor));
      expect(model.outputShapes[0]).toEqual(fx.output_shape);
      const y = model.predict(toTensor(fx.input));
      expect([...y.shape]).toEqual(fx.output.shape);
      const d = maxRelDiff(y.data, fx.output.values);
      expect(d).toBeLessThanOrEqual(1e-5);
      // the legacy .h5 model_config form gives the same model
      const fromH5 = modelFromJSON(fx.model_config_h5 as never, { kerasVersion: fx.keras_version });
      fromH5.setWeights(fx.weights.map(toTensor));
      expect(maxRelDiff(fromH5.predict(toTensor(fx.input)).data, fx.output.values)).toBeLessThanOrEqual(1e-5);
      for (const l of (fx.model_json as { config: { layers: { class_name: string }[] } }).config.layers.slice(1)) {
        worst.set(l.class_name, Math.max(worst.get(l.class_name) ?? 0, d));
      }
    });
  }
  it('worst |Δ| per class (relative above 1)', () => {
    console.log([...worst].sort().map(([c, d]) => `${c}: ${d.toExponential(2)}`).join('\n'));
    expect(worst.size).toBeGreaterThan(20);
  });
});

describe('every dialect rebuilds a convolution model that predicts the same', () => {
  for (const name of names) {
    it(name, () => {
      const fx = load(name);
      const model = modelFromJSON(fx.model_json as never);
      model.setWeights(fx.weights.map(toTensor));
      const x = toTensor(fx.input);
      const y = model.predict(x);
      for (const dialect of ['keras-2', 'keras-2.0', 'keras-3'] as const) {
        if (numericsNotes(model.toConfig(), dialect).length) {
          // the dialect's Keras would compute something else: writing must refuse, not change numbers
          expect(() => toJSON(model, { dialect }), dialect).toThrow(UnsupportedError);
          continue;
        }
        const json = toJSON(model, { dialect });
        const again = modelFromJSON(json);
        again.setWeights(model.getWeights());
        expect(Array.from(again.predict(x).data), dialect).toEqual(Array.from(y.data));
        expect(parseModelConfig(JSON.parse(json)).config.layers.length).toBeGreaterThan(0);
      }
    });
  }
  it('writes Keras 3 configs with the keys Keras 3 writes, in its order', () => {
    for (const name of names) {
      const fx = load(name);
      const model = modelFromJSON(fx.model_json as never);
      const ours = JSON.parse(toJSON(model, { dialect: 'keras-3' })) as { config: { layers: { class_name: string; config: Record<string, unknown> }[] } };
      const theirs = (fx.model_json as { config: { layers: { class_name: string; config: Record<string, unknown> }[] } }).config.layers;
      ours.config.layers.forEach((l, i) => {
        if (l.class_name === 'InputLayer' || l.class_name === 'Dense' || l.class_name === 'LSTM') return;
        const keys = Object.keys(theirs[i]!.config).filter((k) => k !== 'quantization_config');
        expect(Object.keys(l.config), `${name} ${l.class_name}`).toEqual(keys);
        for (const k of ['kernel_size', 'strides', 'padding', 'dilation_rate', 'data_format', 'groups', 'pool_size', 'output_padding', 'keepdims', 'depth_multiplier', 'filters']) {
          if (k in theirs[i]!.config) expect(l.config[k], `${name} ${k}`).toEqual(theirs[i]!.config[k]);
        }
      });
    }
  });
});

describe('Keras 2 key sets', () => {
  it('keras-2.0 writes Conv1D without data_format and pooling 1-D as Keras 2.0.8 (strides, pool_size, padding)', () => {
    const model = modelFromJSON(load('conv1d_pool_lstm').model_json as never);
    const json = JSON.parse(toJSON(model, { dialect: 'keras-2.0' })) as { config: { class_name: string; config: Record<string, unknown> }[] };
    const conv = json.config[0]!.config;
    expect(Object.keys(conv)).toEqual([
      'name', 'trainable', 'batch_input_shape', 'dtype', 'filters', 'kernel_size', 'strides', 'padding', 'dilation_rate', 'activation', 'use_bias',
      'kernel_initializer', 'bias_initializer', 'kernel_regularizer', 'bias_regularizer', 'activity_regularizer', 'kernel_constraint', 'bias_constraint',
    ]);
    expect(Object.keys(json.config[1]!.config)).toEqual(['name', 'trainable', 'strides', 'pool_size', 'padding']);
  });
  it('keras-2.0 refuses a dilated SeparableConv2D: Keras 2.0.8 would ignore the dilation', () => {
    const model = modelFromJSON(load('separable_conv2d').model_json as never);
    expect(numericsNotes(model.toConfig(), 'keras-2.0').join(' ')).toMatch(/dilation_rate/);
    expect(numericsNotes(model.toConfig(), 'keras-2')).toEqual([]);
  });
  it('keras-2 writes groups and keepdims only when an older Keras would not assume them', () => {
    const grouped = modelFromJSON(load('conv2d_groups').model_json as never);
    const g = JSON.parse(toJSON(grouped, { dialect: 'keras-2' })) as { config: { layers: { config: Record<string, unknown> }[] } };
    const keys = Object.keys(g.config.layers[1]!.config);
    expect(keys.indexOf('groups')).toBe(keys.indexOf('dilation_rate') + 1);
    const plain = JSON.parse(toJSON(modelFromJSON(load('conv2d_valid').model_json as never), { dialect: 'keras-2' })) as { config: { layers: { config: Record<string, unknown> }[] } };
    expect('groups' in plain.config.layers[1]!.config).toBe(false);
    const kd = JSON.parse(toJSON(modelFromJSON(load('global_average_pooling2d_keepdims').model_json as never), { dialect: 'keras-2' })) as { config: { layers: { config: Record<string, unknown> }[] } };
    expect(kd.config.layers[1]!.config.keepdims).toBe(true);
    const nokd = JSON.parse(toJSON(modelFromJSON(load('global_average_pooling1d').model_json as never), { dialect: 'keras-2' })) as { config: { layers: { config: Record<string, unknown> }[] } };
    expect('keepdims' in nokd.config.layers[1]!.config).toBe(false);
  });
});

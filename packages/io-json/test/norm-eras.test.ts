// Configs of the normalization / preprocessing / reshaping layers as older Keras wrote them.
import { describe, expect, it } from 'vitest';
import { Tensor, UnsupportedError } from '@kerasts/tensor';
import { modelFromJSON, parseModelConfig, toJSON } from '../src/index.js';

const layer = (cls: string, config: Record<string, unknown>) => ({ class_name: cls, config });

describe('Keras 1 configs', () => {
  const k1 = {
    class_name: 'Sequential',
    keras_version: '1.2.2',
    config: [
      layer('Convolution2D', { name: 'c', nb_filter: 2, nb_row: 3, nb_col: 3, dim_ordering: 'th', border_mode: 'valid', batch_input_shape: [null, 1, 8, 8] }),
      layer('ZeroPadding2D', { name: 'z', padding: [1, 0, 2, 1], trainable: true }),
      layer('UpSampling2D', { name: 'u', size: [2, 2], trainable: true }),
      layer('UpSampling1D', { name: 'u1', length: 3, trainable: true }),
      layer('BatchNormalization', { name: 'bn', mode: 0, axis: 1, epsilon: 1e-3, momentum: 0.99, gamma_regularizer: null, beta_regularizer: null, trainable: true }),
    ],
  };
  it('padding 4-tuples become pairs, UpSampling1D length is size, and the model dim_ordering fills data_format', () => {
    const layers = parseModelConfig(k1 as never).config.layers;
    const by = (n: string) => layers.find((l) => l.config.name === n)!.config;
    expect(by('z').padding).toEqual([[1, 0], [2, 1]]);
    expect(by('z').data_format).toBe('channels_first');
    expect(by('u').data_format).toBe('channels_first');
    expect(by('u1').size).toBe(3);
    expect(by('bn').mode).toBeUndefined();
  });
  it('BatchNormalization mode 2 is refused by name', () => {
    const bad = { class_name: 'Sequential', keras_version: '1.2.2', config: [layer('BatchNormalization', { name: 'bn', mode: 2, axis: -1, epsilon: 1e-3, momentum: 0.99, batch_input_shape: [null, 3] })] };
    expect(() => modelFromJSON(bad as never)).toThrow(UnsupportedError);
    expect(() => modelFromJSON(bad as never)).toThrow(/mode 2/);
  });
  it('a Keras 1 BatchNormalization (gamma, beta, running_mean, running_std = variance) predicts γ(x−μ)/√(σ²+ε)+β', () => {
    const cfg = { class_name: 'Sequential', keras_version: '1.2.2', config: [layer('BatchNormalization', { name: 'bn', mode: 0, axis: -1, epsilon: 0.01, momentum: 0.99, batch_input_shape: [null, 2] })] };
    const m = modelFromJSON(cfg as never);
    m.setWeights([new Tensor(Float32Array.of(2, 1), [2]), new Tensor(Float32Array.of(0.5, 0), [2]), new Tensor(Float32Array.of(1, -1), [2]), new Tensor(Float32Array.of(3.99, 0.24), [2])]);
    const y = m.predict(new Tensor(Float32Array.of(3, 0), [1, 2]));
    expect(y.data[0]).toBeCloseTo(2 * (3 - 1) / 2 + 0.5, 5);
    expect(y.data[1]).toBeCloseTo(1 * (0 + 1) / 0.5, 5);
  });
});

describe('tf.keras configs', () => {
  it('a one-entry axis list is the int Keras 3 takes; fused/renorm=false keys are dropped', () => {
    const cfg = {
      class_name: 'Sequential',
      keras_version: '2.4.0',
      config: {
        name: 's',
        layers: [
          layer('InputLayer', { name: 'in', batch_input_shape: [null, 2, 2, 3], dtype: 'float32' }),
          layer('BatchNormalization', { name: 'bn', axis: [3], momentum: 0.99, epsilon: 0.001, center: true, scale: true, fused: null, renorm: false, renorm_clipping: null, renorm_momentum: 0.99 }),
          layer('LayerNormalization', { name: 'ln', axis: [3], epsilon: 0.001, center: true, scale: true }),
        ],
      },
    };
    const spec = parseModelConfig(cfg as never).config.layers;
    expect(spec[1]!.config.axis).toBe(3);
    expect(spec[1]!.config.fused).toBeUndefined();
    expect(spec[1]!.config.renorm).toBeUndefined();
    const m = modelFromJSON(cfg as never);
    expect(m.getWeights().map((w) => w.shape)).toEqual([[3], [3], [3], [3], [3], [3]]);
  });
  it('several BatchNormalization axes (tf.keras only) refuse to be written for Keras 3', () => {
    const cfg = {
      class_name: 'Sequential',
      keras_version: '2.4.0',
      config: { name: 's', layers: [layer('InputLayer', { name: 'in', batch_input_shape: [null, 2, 3], dtype: 'float32' }), layer('BatchNormalization', { name: 'bn', axis: [1, 2] })] },
    };
    const m = modelFromJSON(cfg as never);
    expect(m.getWeights()[0]!.shape).toEqual([1, 2, 3]);
    expect(() => toJSON(m, { dialect: 'keras-3' })).toThrow(UnsupportedError);
  });
});

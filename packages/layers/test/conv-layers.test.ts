import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { beforeEach, describe, expect, it } from 'vitest';
import { ConfigError, ShapeMismatchError, Tensor } from '@kerasts/tensor';
import {
  AveragePooling2D,
  clearSession,
  Conv1D,
  Conv1DTranspose,
  Conv2D,
  Conv2DTranspose,
  Conv3D,
  deserializeLayer,
  DepthwiseConv2D,
  GlobalAveragePooling1D,
  GlobalMaxPooling1D,
  GlobalMaxPooling2D,
  INFERENCE,
  MaxPooling1D,
  MaxPooling2D,
  registeredLayers,
  SeparableConv2D,
  type JsonObject,
} from '../src/index.js';

beforeEach(() => clearSession());

describe('convolution and pooling constructors take Keras’ positional arguments', () => {
  it('Conv2D(filters, kernelSize, options) as keras.layers.Conv2D(32, 3, activation="relu")', () => {
    const c = new Conv2D(32, 3, { activation: 'relu' });
    expect([c.filters, c.kernelSize, c.strides, c.padding, c.dataFormat, c.activation.name]).toEqual([32, [3, 3], [1, 1], 'valid', 'channels_last', 'relu']);
    expect(new Conv2D({ filters: 8, kernelSize: [3, 2], strides: 2, padding: 'same' }).getConfig()).toMatchObject({ kernel_size: [3, 2], strides: [2, 2], padding: 'same' });
    expect(new Conv1D(4, 5).kernelSize).toEqual([5]);
    expect(new Conv3D(2, [1, 2, 3]).kernelSize).toEqual([1, 2, 3]);
    expect(new DepthwiseConv2D(3, { depthMultiplier: 2 }).depthMultiplier).toBe(2);
    expect(new SeparableConv2D(16, 3).filters).toBe(16);
    expect(new Conv2DTranspose(4, 3, { strides: 2, outputPadding: 1 }).outputPadding).toEqual([1, 1]);
    expect(new MaxPooling2D(2).poolSize).toEqual([2, 2]);
    expect(new MaxPooling2D().strides).toEqual([2, 2]);
    expect(new MaxPooling1D(3, { strides: 1 }).strides).toEqual([1]);
    expect(new GlobalMaxPooling2D({ keepdims: true }).keepdims).toBe(true);
  });
  it('refuses unknown options, naming the closest valid one', () => {
    expect(() => new Conv2D(8, 3, { kernel_size: 3 } as never)).toThrow(/no option "kernel_size"; did you mean "kernelSize"/);
    expect(() => new MaxPooling2D(2, { pool_size: 2 } as never)).toThrow(ConfigError);
    expect(() => new GlobalAveragePooling1D({ keepDims: true } as never)).toThrow(/did you mean "keepdims"/);
    expect(() => new Conv2D({ kernelSize: 3 } as never)).toThrow(/needs "filters"/);
  });
  it('refuses what Keras refuses', () => {
    expect(() => new Conv2D(4, 3, { padding: 'causal' })).toThrow(/"valid" or "same"/);
    expect(() => new Conv1D(4, 3, { padding: 'causal' })).not.toThrow();
    expect(() => new Conv2D(4, 3, { strides: 2, dilationRate: 2 })).toThrow(/dilation_rate/);
    expect(() => new Conv2D(5, 3, { groups: 2 })).toThrow(/groups/);
    expect(() => new Conv2D(4, [3, 3, 3])).toThrow(/kernel_size/);
    expect(() => new Conv2DTranspose(4, 3, { strides: 2, outputPadding: 2 })).toThrow(/output_padding/);
    expect(() => new Conv2D(4, 3, { dataFormat: 'channels_middle' as never })).toThrow(/data_format/);
    const bad = new Conv2D(4, 3, { groups: 2 });
    expect(() => bad.build([null, 8, 8, 3])).toThrow(/groups/);
  });
  it('checks input ranks and sizes with typed errors naming the layer', () => {
    const c = new Conv2D(2, 3, { name: 'c' });
    c.build([null, 5, 5, 1]);
    expect(() => c.call(new Tensor(new Float32Array(25), [1, 5, 5]), INFERENCE)).toThrow(ShapeMismatchError);
    expect(() => c.call(new Tensor(new Float32Array(50), [1, 5, 5, 2]), INFERENCE)).toThrow(/"c"/);
    expect(() => new MaxPooling2D(3).computeOutputShape([null, 2, 2, 1])).toThrow(ShapeMismatchError);
  });
});

describe('configs', () => {
  const all: [string, () => { getConfig(): JsonObject; className: string }][] = [
    ['Conv1D', () => new Conv1D(4, 3, { padding: 'causal', dilationRate: 2, groups: 2 })],
    ['Conv2D', () => new Conv2D(8, [3, 2], { strides: [2, 1], padding: 'same', dataFormat: 'channels_first', activation: 'tanh', useBias: false })],
    ['SeparableConv2D', () => new SeparableConv2D(8, 3, { depthMultiplier: 2, pointwiseRegularizer: { class_name: 'L2', config: { l2: 0.1 } } })],
    ['DepthwiseConv2D', () => new DepthwiseConv2D([3, 1], { depthwiseConstraint: { class_name: 'NonNeg', config: {} } })],
    ['Conv1DTranspose', () => new Conv1DTranspose(3, 4, { strides: 3, outputPadding: 2, padding: 'same' })],
    ['AveragePooling2D', () => new AveragePooling2D([2, 3], { strides: 1, padding: 'same' })],
    ['GlobalMaxPooling1D', () => new GlobalMaxPooling1D({ dataFormat: 'channels_first', keepdims: true })],
  ];
  for (const [name, make] of all) {
    it(`${name}: fromConfig(getConfig()) gives the same config`, () => {
      const a = make();
      const cfg = a.getConfig();
      const b = deserializeLayer(a.className, cfg);
      expect(b.getConfig()).toEqual(cfg);
    });
  }
  it('registers every class and Keras’ aliases of every era', () => {
    const names = registeredLayers();
    for (const n of ['Convolution1D', 'Convolution2D', 'AtrousConvolution2D', 'Deconvolution2D', 'SeparableConvolution2D', 'MaxPool2D', 'GlobalAvgPool1D', 'Conv3DTranspose', 'DepthwiseConv1D']) {
      expect(names).toContain(n);
    }
    expect(deserializeLayer('Convolution2D', { filters: 2, kernel_size: [3, 3] }).className).toBe('Conv2D');
  });
});

describe('GlobalAveragePooling1D with a mask (Keras 3.15.1, tools/oracle/fixtures/conv/layer)', () => {
  const fx = JSON.parse(readFileSync(join(import.meta.dirname, '..', '..', '..', 'tools', 'oracle', 'fixtures', 'conv', 'layer', 'global_average_pooling1d_mask.json'), 'utf8')) as {
    config: JsonObject;
    input: { shape: number[]; values: number[] };
    mask: { shape: number[]; values: number[] };
    output: { values: number[] };
    output_without_mask: { values: number[] };
  };
  const t = (a: { shape: number[]; values: number[] }): Tensor => new Tensor(Float32Array.from(a.values), a.shape);
  it('averages only the unmasked steps, and consumes the mask', () => {
    const layer = deserializeLayer('GlobalAveragePooling1D', fx.config);
    expect(layer.supportsMasking).toBe(true);
    const y = layer.call(t(fx.input), INFERENCE, t(fx.mask));
    y.data.forEach((v, i) => expect(Math.abs(v - fx.output.values[i]!)).toBeLessThanOrEqual(1e-6));
    const plain = layer.call(t(fx.input), INFERENCE);
    plain.data.forEach((v, i) => expect(Math.abs(v - fx.output_without_mask.values[i]!)).toBeLessThanOrEqual(1e-6));
    expect(layer.computeMask(t(fx.input), t(fx.mask))).toBeNull();
  });
  it('GlobalMaxPooling1D ignores a mask (as Keras 3)', () => {
    expect(new GlobalMaxPooling1D().supportsMasking).toBe(false);
  });
  it('the masked mean trains: its gradient goes to the unmasked steps only', () => {
    const layer = deserializeLayer('GlobalAveragePooling1D', fx.config);
    const x = t(fx.input);
    const tape = layer.forwardTrain(x, { ...INFERENCE, training: true, needInputGrad: true, random: null }, t(fx.mask));
    const g = tape.backward(new Tensor(new Float32Array(tape.output.size).fill(1), tape.output.shape)).dInput!;
    const [, steps, ch] = x.shape as [number, number, number];
    for (let n = 0; n < 3; n++) {
      const kept = fx.mask.values.slice(n * steps, (n + 1) * steps).reduce((a, b) => a + b, 0);
      for (let s = 0; s < steps; s++) expect(g.data[(n * steps + s) * ch]).toBeCloseTo(fx.mask.values[n * steps + s]! / kept, 6);
    }
  });
});

/**
 * Every layer class the README's TensorFlow.js row claims works both ways: a one-layer kerasts model
 * (seeded weights) saved as a model.json loads in TensorFlow.js 4.22.0 and predicts as kerasts does;
 * the model tfjs loaded, saved again by tfjs' own `model.save`, loads in kerasts and predicts the same.
 */
import { afterAll, describe, expect, it } from 'vitest';
import * as L from '@kerasts/layers';
import { Tensor } from '@kerasts/tensor';
import { Functional, Sequential, type Model } from '@kerasts/model';
import { kerasConfigFromTfjs, loadTfjsModel, modelToTfjsFiles, TFJS_COMPUTES_OTHERWISE, TFJS_LAYER_CLASSES } from '../src/index.js';
import { fromTf, loadWithTfjs, maxAbsDiff, saveWithTfjs, seeded, tf } from './tfjs.js';

type LayerCase = [name: string, build: () => L.Layer, inShape: number[]];

const CASES: LayerCase[] = [
  ['Dense', () => new L.Dense({ units: 3, activation: 'tanh' }), [4]],
  ['Embedding', () => new L.Embedding({ inputDim: 7, outputDim: 3 }), [5]],
  ['Masking', () => new L.Masking({ maskValue: 0 }), [4, 3]],
  ['Activation', () => new L.Activation({ activation: 'softplus' }), [4]],
  ['ReLU', () => new L.ReLU({ maxValue: 1.5 }), [4]],
  ['LeakyReLU', () => new L.LeakyReLU({ negativeSlope: 0.2 }), [4]],
  ['PReLU', () => new L.PReLU({ sharedAxes: [1], alphaInitializer: { class_name: 'Constant', config: { value: 0.3 } } }), [3, 4]],
  ['ELU', () => new L.ELU({}), [4]],
  ['Softmax', () => new L.Softmax({}), [3, 4]],
  ['ThresholdedReLU', () => new L.ThresholdedReLU({ theta: 0.3 }), [4]],
  ['Dropout', () => new L.Dropout({ rate: 0.5 }), [4]],
  ['SpatialDropout1D', () => new L.SpatialDropout1D({ rate: 0.5 }), [4, 3]],
  ['GaussianNoise', () => new L.GaussianNoise({ stddev: 0.5 }), [4]],
  ['GaussianDropout', () => new L.GaussianDropout({ rate: 0.5 }), [4]],
  ['AlphaDropout', () => new L.AlphaDropout({ rate: 0.5 }), [4]],
  ['LSTM', () => new L.LSTM({ units: 3, returnSequences: true }), [5, 2]],
  ['GRU', () => new L.GRU({ units: 3, resetAfter: false }), [5, 2]],
  ['SimpleRNN', () => new L.SimpleRNN({ units: 3 }), [5, 2]],
  ['Bidirectional', () => new L.Bidirectional({ layer: new L.LSTM({ units: 2 }), mergeMode: 'ave' }), [5, 2]],
  ['TimeDistributed', () => new L.TimeDistributed({ layer: new L.Dense({ units: 2 }) }), [5, 3]],
  ['Flatten', () => new L.Flatten({}), [3, 2]],
  ['Reshape', () => new L.Reshape({ targetShape: [2, 3] }), [6]],
  ['RepeatVector', () => new L.RepeatVector({ n: 3 }), [2]],
  ['Permute', () => new L.Permute({ dims: [2, 1] }), [3, 2]],
  ['ZeroPadding2D', () => new L.ZeroPadding2D({ padding: [1, 2] }), [3, 3, 2]],
  ['Cropping2D', () => new L.Cropping2D({ cropping: [[1, 0], [0, 1]] }), [4, 4, 2]],
  ['UpSampling2D', () => new L.UpSampling2D({ size: [2, 2] }), [2, 3, 2]],
  ['Conv1D', () => new L.Conv1D({ filters: 3, kernelSize: 2, dilationRate: 2 }), [6, 2]],
  ['Conv2D', () => new L.Conv2D({ filters: 3, kernelSize: 3, strides: 2, padding: 'same' }), [5, 5, 2]],
  ['Conv3D', () => new L.Conv3D({ filters: 2, kernelSize: 2 }), [3, 3, 3, 2]],
  ['SeparableConv2D', () => new L.SeparableConv2D({ filters: 3, kernelSize: 2, depthMultiplier: 2 }), [4, 4, 2]],
  ['DepthwiseConv2D', () => new L.DepthwiseConv2D({ kernelSize: 2, depthMultiplier: 2 }), [4, 4, 2]],
  ['Conv2DTranspose', () => new L.Conv2DTranspose({ filters: 2, kernelSize: 3, strides: 2, padding: 'same' }), [3, 3, 2]],
  ['Conv3DTranspose', () => new L.Conv3DTranspose({ filters: 2, kernelSize: 2, strides: 1 }), [2, 2, 2, 2]],
  ['MaxPooling1D', () => new L.MaxPooling1D({ poolSize: 2 }), [6, 2]],
  ['MaxPooling2D', () => new L.MaxPooling2D({ poolSize: 2, padding: 'same' }), [5, 5, 2]],
  ['MaxPooling3D', () => new L.MaxPooling3D({ poolSize: 2 }), [4, 4, 4, 1]],
  ['AveragePooling1D', () => new L.AveragePooling1D({ poolSize: 2 }), [6, 2]],
  ['AveragePooling2D', () => new L.AveragePooling2D({ poolSize: 2 }), [4, 4, 2]],
  ['AveragePooling3D', () => new L.AveragePooling3D({ poolSize: 2 }), [4, 4, 4, 1]],
  ['GlobalMaxPooling1D', () => new L.GlobalMaxPooling1D({}), [5, 3]],
  ['GlobalMaxPooling2D', () => new L.GlobalMaxPooling2D({}), [3, 3, 2]],
  ['GlobalAveragePooling1D', () => new L.GlobalAveragePooling1D({}), [5, 3]],
  ['GlobalAveragePooling2D', () => new L.GlobalAveragePooling2D({}), [3, 3, 2]],
  ['BatchNormalization', () => new L.BatchNormalization({}), [4]],
  ['LayerNormalization', () => new L.LayerNormalization({}), [4]],
  ['Rescaling', () => new L.Rescaling({ scale: 0.5, offset: 1 }), [4]],
];

const MERGES = ['Concatenate', 'Add', 'Multiply', 'Average', 'Maximum', 'Minimum'] as const;

function seedModel(model: Model, seed: number): void {
  let k = 0;
  for (const l of model.layers) {
    for (const w of l.weights) {
      const v = seeded(w.value.size, seed * 100 + k++);
      if (/variance|gamma/.test(w.name)) for (let i = 0; i < v.length; i++) v[i] = Math.abs(v[i]!) + 0.5;
      w.value = new Tensor(v, [...w.shape]);
    }
  }
}

function inputFor(name: string, shape: number[], seed: number): Tensor {
  const full = [2, ...shape];
  const n = full.reduce((a, b) => a * b, 1);
  if (name === 'Embedding') return new Tensor(Float32Array.from({ length: n }, (_, i) => (i * 3) % 7), full);
  const v = seeded(n, seed, 2);
  if (name === 'Masking') for (let i = 0; i < 3; i++) v[3 + i] = 0; // one masked step
  return new Tensor(v, full);
}

const tfPredict = (m: tf.LayersModel, xs: Tensor[]): Float32Array => {
  const t = xs.map((x) => tf.tensor(x.data, [...x.shape]));
  return fromTf(m.predict(t.length === 1 ? t[0]! : t) as tf.Tensor).data;
};

const figures: string[] = [];

async function bothWays(name: string, model: Model, xs: Tensor[]): Promise<void> {
  const want = model.predict(xs.length === 1 ? xs[0]! : xs).data;
  const back = await loadWithTfjs(modelToTfjsFiles(model).files);
  const dOut = maxAbsDiff(tfPredict(back, xs), want);
  const again = await loadTfjsModel(await saveWithTfjs(back), { warn: () => {} });
  const dIn = maxAbsDiff(again.predict(xs.length === 1 ? xs[0]! : xs).data, tfPredict(back, xs));
  figures.push(`${name}: kerasts→tfjs ${dOut.toExponential(1)}, tfjs→kerasts ${dIn.toExponential(1)}`);
  expect(dOut, 'kerasts -> tfjs').toBeLessThanOrEqual(1e-5);
  expect(dIn, 'tfjs -> kerasts').toBeLessThanOrEqual(1e-5);
}

describe('every layer claimed, both ways through TensorFlow.js', () => {
  it('the cases cover every registered layer tfjs has', () => {
    const covered = new Set([...CASES.map((c) => c[0]), ...MERGES]);
    const claimed = L.registeredLayers().filter((c) => c !== 'InputLayer' && TFJS_LAYER_CLASSES.has(c) && !TFJS_COMPUTES_OTHERWISE.has(c));
    expect(claimed.filter((c) => !covered.has(c))).toEqual([]);
  });
  CASES.forEach(([name, build, inShape], i) => {
    it(name, async () => {
      const model = new Sequential([build()]);
      model.build([null, ...inShape]);
      seedModel(model, i + 1);
      await bothWays(name, model, [inputFor(name, inShape, 50 + i)]);
    });
  });
  MERGES.forEach((name, i) => {
    it(name, async () => {
      const a = L.Input({ shape: [3], name: 'a' });
      const b = L.Input({ shape: [3], name: 'b' });
      const Merge = (L as unknown as Record<string, new (o: object) => { apply(x: L.SymbolicTensor[]): L.SymbolicTensor }>)[name]!;
      const merged = new Merge({}).apply([a, b]);
      const model = new Functional({ inputs: [a, b], outputs: merged });
      await bothWays(name, model, [inputFor(name, [3], 80 + i), inputFor(name, [3], 90 + i)]);
    });
  });
  afterAll(() => console.log(`worst |Δ| per layer vs TensorFlow.js 4.22.0:\n  ${figures.join('\n  ')}`));
});

describe('activation-layer options TensorFlow.js would drop are refused when saving', () => {
  const refused: [string, () => L.Layer, RegExp][] = [
    ['ReLU with negative_slope', () => new L.ReLU({ negativeSlope: 0.1 }), /ReLU has max_value only/],
    ['ReLU with threshold', () => new L.ReLU({ threshold: 0.5 }), /ReLU has max_value only/],
    ['ELU with alpha 0.5', () => new L.ELU({ alpha: 0.5 }), /ELU refuses alpha/],
    ['Softmax over axis 1', () => new L.Softmax({ axis: 1 }), /last axis only/],
  ];
  for (const [what, build, message] of refused) {
    it(what, () => {
      const model = new Sequential([build()]);
      model.build([null, 3, 4]);
      expect(() => modelToTfjsFiles(model)).toThrow(message);
    });
  }
});

describe('image layers TensorFlow.js computes otherwise, or lacks, are refused when saving', () => {
  const refused: [string, () => L.Layer, RegExp][] = [
    ['Resizing (tfjs aligns corners)', () => new L.Resizing(6, 6), /Resizing resizes with align_corners/],
    ['CenterCrop (tfjs upsizes without the aspect crop)', () => new L.CenterCrop(2, 2), /CenterCrop resizes smaller images/],
    ['RandomFlip (no such tfjs layer)', () => new L.RandomFlip('horizontal'), /TensorFlow.js has no RandomFlip layer/],
    ['RandomRotation (no such tfjs layer)', () => new L.RandomRotation(0.1), /TensorFlow.js has no RandomRotation layer/],
  ];
  for (const [what, build, message] of refused) {
    it(what, () => {
      const model = new Sequential([build()]);
      model.build([null, 4, 5, 3]);
      expect(() => modelToTfjsFiles(model)).toThrow(message);
    });
  }
  it('a model.json tfjs wrote with Resizing is refused when reading (kerasts would compute Keras’ function, not tfjs’)', () => {
    const model = new Sequential([new L.Resizing(6, 6)]);
    model.build([null, 4, 5, 3]);
    const topology = { class_name: 'Sequential', config: { name: 'seq', layers: [{ class_name: 'InputLayer', config: { batch_input_shape: [null, 4, 5, 3], dtype: 'float32', sparse: false, name: 'in' } }, { class_name: 'Resizing', config: { name: 'resizing', height: 6, width: 6, interpolation: 'bilinear', crop_to_aspect_ratio: false } }] }, keras_version: 'tfjs-layers 4.22.0', backend: 'tensor_flow.js' };
    expect(() => kerasConfigFromTfjs(topology)).toThrow(/align_corners/);
  });
});

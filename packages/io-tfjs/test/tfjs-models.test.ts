/**
 * Models built and saved by TensorFlow.js 4.22.0 load in kerasts and predict as tfjs does (1e-5);
 * the files kerasts writes load in tfjs (its own `loadLayersModel`) and predict as kerasts does.
 * tfjs-made models follow tfjs' numerics (hard_sigmoid = clip(0.2x+0.5) in LSTM/GRU, which tfjs uses
 * by default; state carried at masked steps).
 */
import { afterAll, describe, expect, it } from 'vitest';
import { Tensor } from '@kerasts/tensor';
import type { Model } from '@kerasts/model';
import { loadTfjsModelWithInfo, modelToTfjsFiles } from '../src/index.js';
import { fromTf, loadWithTfjs, maxAbsDiff, saveWithTfjs, seeded, seedWeights, tf } from './tfjs.js';

const TOL = 1e-5;
const figures: [string, number, number][] = [];

interface Case {
  name: string;
  build: () => tf.LayersModel;
  /** input batches (several for multi-input models) */
  inputs: () => Tensor[];
}

const floats = (shape: number[], seed: number, scale = 1): Tensor => new Tensor(seeded(shape.reduce((a, b) => a * b, 1), seed, scale), shape);
const ints = (rows: number[][]): Tensor => new Tensor(Float32Array.from(rows.flat()), [rows.length, rows[0]!.length]);

const CASES: Case[] = [
  {
    name: 'Dense MLP (relu, softmax, L2 regularizer)',
    build: () => {
      const m = tf.sequential();
      m.add(tf.layers.dense({ units: 8, activation: 'relu', inputShape: [5], kernelRegularizer: tf.regularizers.l2({ l2: 0.01 }) }));
      m.add(tf.layers.dense({ units: 3, activation: 'softmax' }));
      return m;
    },
    inputs: () => [floats([4, 5], 11)],
  },
  {
    name: 'LSTM (tfjs defaults: hard_sigmoid) stacked',
    build: () => {
      const m = tf.sequential();
      m.add(tf.layers.lstm({ units: 4, returnSequences: true, inputShape: [6, 3] }));
      m.add(tf.layers.lstm({ units: 3 }));
      m.add(tf.layers.dense({ units: 2 }));
      return m;
    },
    inputs: () => [floats([3, 6, 3], 12, 2)],
  },
  {
    name: 'GRU (reset_after false, hard_sigmoid) + go_backwards',
    build: () => {
      const m = tf.sequential();
      m.add(tf.layers.gru({ units: 5, returnSequences: true, inputShape: [7, 4] }));
      m.add(tf.layers.gru({ units: 3, goBackwards: true }));
      return m;
    },
    inputs: () => [floats([3, 7, 4], 13, 2)],
  },
  {
    name: 'SimpleRNN + TimeDistributed(Dense)',
    build: () => {
      const m = tf.sequential();
      m.add(tf.layers.simpleRNN({ units: 4, returnSequences: true, inputShape: [5, 3] }));
      m.add(tf.layers.timeDistributed({ layer: tf.layers.dense({ units: 2, activation: 'tanh' }) }));
      return m;
    },
    inputs: () => [floats([2, 5, 3], 14, 2)],
  },
  {
    name: 'Conv2D + MaxPooling2D + BatchNormalization + Flatten + Dense (functional)',
    build: () => {
      const inp = tf.input({ shape: [8, 8, 2] });
      let x = tf.layers.conv2d({ filters: 4, kernelSize: 3, padding: 'same', activation: 'relu' }).apply(inp) as tf.SymbolicTensor;
      x = tf.layers.maxPooling2d({ poolSize: 2 }).apply(x) as tf.SymbolicTensor;
      x = tf.layers.conv2d({ filters: 3, kernelSize: [2, 3], strides: [1, 2], padding: 'valid' }).apply(x) as tf.SymbolicTensor;
      x = tf.layers.batchNormalization().apply(x) as tf.SymbolicTensor;
      x = tf.layers.flatten().apply(x) as tf.SymbolicTensor;
      const y = tf.layers.dense({ units: 2 }).apply(x) as tf.SymbolicTensor;
      return tf.model({ inputs: inp, outputs: y });
    },
    inputs: () => [floats([2, 8, 8, 2], 15)],
  },
  {
    name: 'Conv1D + GlobalAveragePooling1D + Dropout + Dense',
    build: () => {
      const m = tf.sequential();
      m.add(tf.layers.conv1d({ filters: 4, kernelSize: 3, activation: 'elu', inputShape: [9, 2] }));
      m.add(tf.layers.globalAveragePooling1d());
      m.add(tf.layers.dropout({ rate: 0.3 }));
      m.add(tf.layers.dense({ units: 1, activation: 'sigmoid' }));
      return m;
    },
    inputs: () => [floats([3, 9, 2], 16)],
  },
  {
    name: 'Embedding(mask_zero) + Bidirectional(LSTM) + Bidirectional(GRU, sum) + BatchNormalization + Dense',
    build: () => {
      const m = tf.sequential();
      m.add(tf.layers.embedding({ inputDim: 12, outputDim: 4, inputLength: 6, maskZero: true }));
      m.add(tf.layers.bidirectional({ layer: tf.layers.lstm({ units: 3, returnSequences: true }) as tf.RNN }));
      m.add(tf.layers.bidirectional({ layer: tf.layers.gru({ units: 3 }) as tf.RNN, mergeMode: 'sum' }));
      m.add(tf.layers.batchNormalization());
      m.add(tf.layers.dense({ units: 2, activation: 'softmax' }));
      return m;
    },
    inputs: () => [ints([[1, 2, 3, 4, 5, 6], [9, 8, 7, 0, 0, 0], [11, 0, 3, 0, 2, 0]])],
  },
  {
    name: 'two inputs, Concatenate, Dense (functional)',
    build: () => {
      const a = tf.input({ shape: [3], name: 'a' });
      const b = tf.input({ shape: [4], name: 'b' });
      const ha = tf.layers.dense({ units: 4, activation: 'tanh' }).apply(a) as tf.SymbolicTensor;
      const c = tf.layers.concatenate().apply([ha, b]) as tf.SymbolicTensor;
      const y = tf.layers.dense({ units: 2 }).apply(c) as tf.SymbolicTensor;
      return tf.model({ inputs: [a, b], outputs: y });
    },
    inputs: () => [floats([2, 3], 17), floats([2, 4], 18)],
  },
];

function tfPredict(m: tf.LayersModel, xs: Tensor[]): Float32Array {
  const ins = xs.map((x) => tf.tensor(x.data, [...x.shape]));
  const y = m.predict(ins.length === 1 ? ins[0]! : ins) as tf.Tensor;
  return fromTf(y).data;
}

function ktPredict(m: Model, xs: Tensor[]): Float32Array {
  return m.predict(xs.length === 1 ? xs[0]! : xs).data;
}

describe('TensorFlow.js layers models, both ways', () => {
  for (const c of CASES) {
    it(c.name, async () => {
      const m = c.build();
      seedWeights(m, CASES.indexOf(c) + 1);
      const xs = c.inputs();
      const want = tfPredict(m, xs);
      // tfjs -> kerasts: the files tfjs' model.save wrote
      const files = await saveWithTfjs(m);
      const { model, info } = await loadTfjsModelWithInfo(files, { warn: () => {} });
      expect(info.statedKerasVersion).toBe('tfjs-layers 4.22.0');
      expect(model.kerasVersion).toBe('tfjs-layers 4.22.0');
      const got = ktPredict(model, xs);
      const dIn = maxAbsDiff(got, want);
      expect(dIn).toBeLessThanOrEqual(TOL);
      // kerasts -> tfjs: small shards, so tfjs concatenates several
      const out = modelToTfjsFiles(model, { shardBytes: 256, warn: () => {} });
      const back = await loadWithTfjs(out.files);
      const dOut = maxAbsDiff(tfPredict(back, xs), got);
      expect(dOut).toBeLessThanOrEqual(TOL);
      // every weight name tfjs gave is the one kerasts writes (tfjs loads strictly by name)
      const names = (JSON.parse(new TextDecoder().decode(files.get('model.json')!)) as { weightsManifest: { weights: { name: string }[] }[] }).weightsManifest.flatMap((g) => g.weights.map((w) => w.name));
      expect(out.modelJson.weightsManifest[0]!.weights.map((w) => w.name).sort()).toEqual([...names].sort());
      figures.push([c.name, dIn, dOut]);
    });
  }
  afterAll(() => {
    if (figures.length) console.log(`worst |Δ| vs TensorFlow.js 4.22.0 (tfjs→kerasts, kerasts→tfjs):\n${figures.map(([n, a, b]) => `  ${n}: ${a.toExponential(2)}, ${b.toExponential(2)}`).join('\n')}`);
  });
});

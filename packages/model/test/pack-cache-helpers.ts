/**
 * A model in which every layer that packs weight panels takes the WebAssembly path (Conv1D, LSTM, GRU
 * in both reset modes, SimpleRNN, Dense with n·k ≥ 1024), and the check the pack-cache tests make after
 * each way of changing weights: the model predicts exactly what a fresh model with the same weights
 * predicts (a fresh model has no kept panels). Also imported by the io-keras, io-hdf5 and transfer tests.
 */
import { expect } from 'vitest';
import { Conv1D, Dense, GRU, LSTM, SimpleRNN, type Layer } from '@kerasts/layers';
import { Random, Tensor } from '@kerasts/tensor';
import { Sequential } from '../src/index.js';

/** Input: (timesteps 6, features 8). */
export const PACKED_INPUT: readonly number[] = [6, 8];

/** The Sequential class to build with: tests of other packages pass `@kerasts/model`'s (the built one). */
export type SequentialClass = new (config: { layers: Layer[] }) => Sequential;

/** A new model of the architecture (random weights from `seed`). */
export function packedModel(seed = 1, Seq: SequentialClass = Sequential): Sequential {
  const m = new Seq({
    layers: [
      new Conv1D(48, 5, { padding: 'same', inputShape: [...PACKED_INPUT] }), // k = 5·8 = 40 (over 32: im2col + GEMM, not direct), n = 48
      new LSTM(16, { returnSequences: true }),
      new GRU(16, { returnSequences: true }), // reset_after=True: one panel set of U
      new GRU(16, { returnSequences: true, resetAfter: false }), // two column slices of U
      new SimpleRNN(32, { returnSequences: true }),
      new Dense(32, { activation: 'tanh' }), // k = n = 32
      new Dense(3),
    ],
  });
  m.build();
  const rnd = new Random(seed);
  m.setWeights(m.getWeights().map((w) => new Tensor(Float32Array.from(w.data, () => rnd.uniformRange(-0.4, 0.4)), w.shape)));
  return m;
}

/** A batch of inputs for {@link packedModel}. */
export function packedInput(batch = 5, seed = 2): Tensor {
  const rnd = new Random(seed);
  const n = batch * PACKED_INPUT[0]! * PACKED_INPUT[1]!;
  return new Tensor(Float32Array.from({ length: n }, () => rnd.uniformRange(-1, 1)), [batch, ...PACKED_INPUT]);
}

/** What a fresh model (no kept panels) with `model`'s current weights predicts for `x`. */
export function freshPredict(model: Sequential, x: Tensor): Tensor {
  const fresh = packedModel(1, model.constructor as SequentialClass);
  fresh.setWeights(model.getWeights());
  return fresh.predict(x);
}

/** `model` predicts exactly what a fresh model with its weights predicts (bit for bit: same kernels). */
export function expectFreshPrediction(model: Sequential, x: Tensor): void {
  const got = model.predict(x);
  const want = freshPredict(model, x);
  expect(got.shape).toEqual(want.shape);
  expect(Array.from(got.data)).toEqual(Array.from(want.data));
}

/** Whether two predictions differ somewhere (to show a change of weights is visible at all). */
export function differs(a: Tensor, b: Tensor): boolean {
  return a.data.some((v, i) => v !== b.data[i]);
}

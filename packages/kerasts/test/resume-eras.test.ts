// The README's claim "kerasts resumes training from the files of every era": a compiled file of each
// era loads with its optimizer state restored (the iteration count and the slots the file holds), and
// fit() continues from that state: the counter goes on from the stored value and the slots move on
// from the stored ones. (That the continued numbers equal Keras' own is checked for Keras 3 files in
// io-hdf5's resume.test.ts and io-keras' keras-files.test.ts.) Committed files always; the real-file
// corpus adds tf.keras and Keras 2.1 files when present.
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { Tensor } from '@kerasts/tensor';
import { craftedDir, describeShared, itShared, samplesDir, sharedPath } from '../../../tools/testing/shared.js';
import { loadModelWithInfo } from '../src/index.js';

async function resumes(file: string, expectVersion: RegExp, counted = true): Promise<void> {
  const { model, optimizerRestored, warnings } = await loadModelWithInfo(file);
  expect(model.kerasVersion).toMatch(expectVersion);
  expect(warnings).toEqual([]);
  expect(optimizerRestored).toBe(true);
  const stored = model.getOptimizerVariables().map((v) => Float32Array.from(v.value.data));
  const before = model.optimizer!.iterations;
  // the stored counter (Keras 2.1's RMSprop kept none: 0 there)
  if (counted) expect(before).toBeGreaterThan(0);
  // data of the model's input shape: (samples, ...) with the first input's non-batch dimensions
  const fixedBatch = model.inputShapes![0]![0]; // a stateful model's fixed batch size
  const n = fixedBatch ?? 12;
  const batchSize = fixedBatch ?? 4;
  // data of the model's shapes: (samples, ...) per input and output, unknown dimensions 4
  const data = (shape: readonly (number | null)[], k: number) => {
    const dims = shape.slice(1).map((d) => d ?? 4);
    return new Tensor(Float32Array.from({ length: n * dims.reduce((a, b) => a * b, 1) }, (_, i) => Math.abs(Math.sin(i + k)) / 2), [n, ...dims]);
  };
  const xs = model.inputShapes!.map((sh, k) => data(sh, k));
  const ys = model.outputShapes!.map((sh, k) => data(sh, 10 + k));
  const x = xs.length === 1 ? xs[0]! : xs;
  const y = ys.length === 1 ? ys[0]! : ys;
  const history = await model.fit(x, y, { epochs: 1, batchSize, shuffle: false, verbose: 0 });
  expect(Number.isFinite(history.history.loss![0]!)).toBe(true);
  expect(model.optimizer!.iterations).toBe(before + Math.ceil(n / batchSize));
  const after = model.getOptimizerVariables().map((v) => v.value.data);
  // the slot variables (all but the counters) moved on from the stored values, not from zeros
  const moved = after.filter((a, i) => a.length > 1 && a.some((v, k) => v !== stored[i]![k]));
  expect(moved.length).toBeGreaterThan(0);
}

describe('kerasts resumes training from the files of every era (committed files)', () => {
  it('Keras 2.0.8 .h5 (Adam)', () => resumes(join(craftedDir, 'k208_full.h5'), /^2\.0\.8$/));
  it('Keras 3 legacy .h5 (RMSprop)', () => resumes(join(samplesDir, 'rmsprop.h5'), /^3\./));
  it('Keras 3 .keras (Adam)', () => resumes(join(samplesDir, 'm.keras'), /^3\./));
});

describeShared('kerasts resumes training from the files of every era (real-file corpus)', () => {
  itShared('tf.keras 2.10 .h5 (Nadam over GRUs)', () => resumes(sharedPath('real-keras-files', 'files', 'tf2100_stacked_gru.h5'), /^2\.10/));
  itShared('Keras 2.2.4 .h5 (seq2seq with TimeDistributed)', () => resumes(sharedPath('real-keras-files', 'files', 'k224_seq2seq_katakana_timedistributed.h5'), /^2\.2\.4/));
  itShared('tf.keras 2.15 .h5 (LSTM)', () => resumes(sharedPath('real-keras-files', 'files', 'tf2150_lstm.h5'), /^2\.15/));
  itShared('Keras 2.1.3 .h5 (RMSprop over a SimpleRNN)', () => resumes(sharedPath('real-keras-files', 'files', 'k213_simple_rnn_full.h5'), /^2\.1\.3/, false));
});

describeShared('the exception: a Keras 1 file whose LSTM stored 12 arrays', () => {
  itShared('Keras 1.2.2 RMSprop over a 12-array LSTM: its optimizer state does not fit Keras 3 variables; a warning says so and training starts a fresh optimizer', async () => {
    const { model, optimizerRestored, warnings } = await loadModelWithInfo(sharedPath('real-keras-files', 'files', 'k1_lstm_tf_full.h5'), { warn: () => {} });
    expect(optimizerRestored).toBe(false);
    expect(warnings.join('\n')).toMatch(/does not fit this model's RMSprop optimizer .*fresh optimizer/);
    expect(model.isCompiled).toBe(true);
  });
});

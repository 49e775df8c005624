// Files real Keras 3.15.1 wrote (tools/oracle/fixtures/h5): full models, legacy weights-only files and
// the tutorial's by-name flow, read by kerasts and checked against Keras' own predictions.
import { readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { modelFromJSON } from '@kerasts/io-json';
import { ShapeMismatchError, tensor, UnsupportedError, type Tensor } from '@kerasts/tensor';
import { formatTransferReport } from '@kerasts/transfer';
import { loadModel, loadWeights } from '../src/index.js';

const dir = join(dirname(fileURLToPath(import.meta.url)), '..', '..', '..', 'tools', 'oracle', 'fixtures', 'h5');
interface Arr { shape: number[]; values: number[] }
interface Io { model_json: object; input: Arr; output: Arr; weights_before?: Arr[]; weights_after?: Arr[] }
const io = (n: string) => JSON.parse(readFileSync(join(dir, `${n}.io.json`), 'utf8')) as Io;
const t = (a: Arr): Tensor => tensor(Float32Array.from(a.values), a.shape);
const maxDiff = (a: ArrayLike<number>, b: ArrayLike<number>) => {
  let m = 0;
  for (let i = 0; i < a.length; i++) m = Math.max(m, Math.abs(a[i]! - b[i]!));
  return m;
};
const cases = ['seed_keras3', 'lstm_stacked2', 'lstm_stacked3_seq_named', 'mlp_activation_layers', 'seed_adam_trained'];

describe('full models Keras 3.15.1 saved (model.save("x.h5"))', () => {
  for (const n of cases) {
    it(`${n}.h5 loads and predicts what Keras predicted`, async () => {
      const f = io(n);
      const model = await loadModel(join(dir, `${n}.h5`));
      const y = model.predict(t(f.input));
      expect([...y.shape]).toEqual(f.output.shape);
      expect(maxDiff(y.data, f.output.values)).toBeLessThanOrEqual(1e-5);
    });
  }
});

describe('legacy weights-only files (save_weights("x.h5") layout)', () => {
  for (const n of cases) {
    it(`${n}.legacy_weights.h5 into the architecture from to_json`, async () => {
      const f = io(n);
      const model = modelFromJSON(f.model_json as never);
      const report = await loadWeights(model, join(dir, `${n}.legacy_weights.h5`));
      expect(report.mode).toBe('topological');
      expect(maxDiff(model.predict(t(f.input)).data, f.output.values)).toBeLessThanOrEqual(1e-5);
    });
    it(`${n}.h5 (a full model) is accepted by loadWeights too`, async () => {
      const f = io(n);
      const model = modelFromJSON(f.model_json as never);
      await loadWeights(model, join(dir, `${n}.h5`));
      expect(maxDiff(model.predict(t(f.input)).data, f.output.values)).toBeLessThanOrEqual(1e-5);
    });
  }
  it('the Keras 3 native .weights.h5 layout is refused by name for now', async () => {
    const model = modelFromJSON(io('seed_keras3').model_json as never);
    await expect(loadWeights(model, join(dir, 'seed_keras3.weights.h5'))).rejects.toThrow(UnsupportedError);
  });
});

describe("the tutorial's by-name transfer, checked against Keras' load_weights(by_name=True)", () => {
  it('lstm_old takes the saved LSTM, dense_new keeps its weights', async () => {
    const f = io('by_name_target');
    const model = modelFromJSON(f.model_json as never);
    model.setWeights(f.weights_before!.map(t));
    const report = await loadWeights(model, join(dir, 'by_name_source.legacy_weights.h5'), { byName: true });
    expect(report.matchedLayers.map((m) => m.layer)).toEqual(['lstm_old']);
    expect(report.untouched).toEqual(['dense_new']);
    expect(report.unmatchedStored).toEqual(['dense_old']);
    const after = model.getWeights();
    f.weights_after!.forEach((w, i) => expect(maxDiff(after[i]!.data, w.values)).toBe(0));
    expect(maxDiff(model.predict(t(f.input)).data, f.output.values)).toBeLessThanOrEqual(1e-5);
    expect(formatTransferReport(report)).toMatch(/loaded\s+lstm_old: kernel \[8, 16\], recurrent_kernel \[4, 16\], bias \[16\]/);
  });
  it('skipMismatch skips only the mismatching weights, as Keras does', async () => {
    const f = io('by_name_target_skip_mismatch');
    const model = modelFromJSON(f.model_json as never);
    model.setWeights(f.weights_before!.map(t));
    await expect(loadWeights(model, join(dir, 'by_name_source.legacy_weights.h5'), { byName: true })).rejects.toThrow(ShapeMismatchError);
    // a failed load leaves the mismatching layer as it was
    const report = await loadWeights(model, join(dir, 'by_name_source.legacy_weights.h5'), { byName: true, skipMismatch: true });
    expect(report.skipped.map((s) => `${s.layer}/${s.weight}`)).toEqual(['dense_old/kernel', 'dense_old/bias']);
    const after = model.getWeights();
    f.weights_after!.forEach((w, i) => expect(maxDiff(after[i]!.data, w.values)).toBe(0));
  });
  it('topological loading into a different head fails naming both sides', async () => {
    const model = modelFromJSON(io('by_name_target').model_json as never);
    await expect(loadWeights(model, join(dir, 'by_name_source.legacy_weights.h5'))).rejects.toThrow(/dense_old.*does not fit.*dense_new|dense_new/);
  });
});

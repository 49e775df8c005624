/**
 * The recurrent wrappers, masks and functional training against real Keras 3.15.1
 * (tools/oracle/fixtures/wrappers, made by tools/oracle/gen_wrappers_fixtures.py): each model is read
 * from Keras 3's own `to_json()` (with the mask operations Keras records), given Keras' initial
 * weights, and must predict Keras' outputs (1e-5) and, trained with `fit({ shuffle: false })` from
 * Keras' training_config, end on Keras' weights (1e-4), history (relative 1e-4) and optimizer
 * variables.
 *
 * Cases whose RNNs see a mask need masked RNN kernels; until those exist the model must refuse to
 * run (an UnsupportedError naming the mask), never compute something else.
 */
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { clearSession, INFERENCE, LSTM } from '@kerasts/layers';
import type { Model } from '@kerasts/model';
import { Tensor, UnsupportedError } from '@kerasts/tensor';
import { modelFromJSON, toJSON } from '../src/index.js';
import { maxAbsDiff, repoRoot, toTensor, type FixtureArray } from './helpers.js';

const dir = join(repoRoot, 'tools', 'oracle', 'fixtures', 'wrappers');

interface WrapperFixture {
  description: string;
  model_json: Record<string, unknown>;
  weight_names: string[];
  initial_weights: FixtureArray[];
  x: FixtureArray[];
  predict: FixtureArray[];
  y?: FixtureArray[];
  fit?: { epochs: number; batch_size: number };
  history?: Record<string, number[]>;
  weights?: FixtureArray[];
  optimizer_variables?: (FixtureArray & { name: string })[];
  training_config?: Record<string, unknown>;
}

const names = readdirSync(dir)
  .filter((f) => f.endsWith('.json') && f !== 'index.json')
  .map((f) => f.slice(0, -5))
  .sort();
const load = (n: string): WrapperFixture => JSON.parse(readFileSync(join(dir, `${n}.json`), 'utf8')) as WrapperFixture;

/** Cases in which an RNN receives a mask. */
const MASKED_RNN = new Set(['embedding_mask_lstm', 'embedding_mask_lstm_seq', 'masking_lstm', 'bidirectional_masked', 'seq2seq_masked']);

/** Whether today's RNN layers run with a mask. */
const rnnMasks = ((): boolean => {
  const l = new LSTM({ units: 1 });
  l.build([null, 2, 1]);
  try {
    l.call(new Tensor(new Float32Array(2), [1, 2, 1]), INFERENCE, new Tensor(Float32Array.from([1, 0]), [1, 2]));
    return true;
  } catch (e) {
    if (e instanceof UnsupportedError) return false;
    throw e;
  }
})();

function maxRelDiff(a: readonly number[], b: readonly number[]): number {
  let m = 0;
  a.forEach((v, i) => (m = Math.max(m, Math.abs(v - b[i]!) / Math.max(1, Math.abs(b[i]!)))));
  return m;
}

function build(fx: WrapperFixture): Model {
  clearSession();
  const model = modelFromJSON(fx.model_json as never);
  model.setWeights(fx.initial_weights.map(toTensor));
  return model;
}

const inputs = (fx: WrapperFixture): Tensor[] => fx.x.map(toTensor);

describe('recurrent wrappers and masks predict what Keras 3.15.1 predicts', () => {
  for (const name of names) {
    const fx = load(name);
    it(`${name}: ${fx.description}`, () => {
      const model = build(fx);
      if (MASKED_RNN.has(name) && !rnnMasks) {
        expect(() => model.predictOutputs(inputs(fx))).toThrow(/mask/);
        return;
      }
      const ys = model.predictOutputs(inputs(fx));
      expect(ys.length).toBe(fx.predict.length);
      let worst = 0;
      ys.forEach((y, i) => {
        expect(y.shape).toEqual(fx.predict[i]!.shape);
        worst = Math.max(worst, maxAbsDiff(y.data, fx.predict[i]!.values));
      });
      console.log(`${name}: predict max|Δ| vs Keras ${worst.toExponential(2)}`);
      expect(worst).toBeLessThanOrEqual(1e-5);
    });
  }
});

describe('fit reproduces Keras 3.15.1 (weights, history, optimizer variables)', () => {
  for (const name of names.filter((n) => load(n).history)) {
    it(name, async () => {
      const fx = load(name);
      const model = build(fx);
      model.compileFromTrainingConfig(fx.training_config as never);
      const x = inputs(fx);
      const y = fx.y!.map(toTensor);
      if (MASKED_RNN.has(name) && !rnnMasks) {
        await expect(model.fit(x.length === 1 ? x[0]! : x, y.length === 1 ? y[0]! : y, { epochs: 1, verbose: 0 })).rejects.toThrow(/mask/);
        return;
      }
      const h = await model.fit(x.length === 1 ? x[0]! : x, y.length === 1 ? y[0]! : y, { epochs: fx.fit!.epochs, batchSize: fx.fit!.batch_size, shuffle: false, verbose: 0 });
      const keys = Object.keys(fx.history!).sort();
      expect(Object.keys(h.history).sort()).toEqual(keys);
      const dl = Math.max(...keys.map((k) => maxRelDiff(h.history[k]!, fx.history![k]!)));
      const w = model.getWeights();
      let dw = 0;
      w.forEach((t, i) => (dw = Math.max(dw, maxAbsDiff(t.data, fx.weights![i]!.values))));
      const ov = model.getOptimizerVariables();
      expect(ov.map((v) => v.name)).toEqual(fx.optimizer_variables!.map((v) => v.name));
      let dov = 0;
      ov.forEach((v, i) => (dov = Math.max(dov, maxAbsDiff(v.value.data, fx.optimizer_variables![i]!.values))));
      console.log(`${name}: fit max|Δw| ${dw.toExponential(2)}, history rel Δ ${dl.toExponential(2)}, optimizer vars max|Δ| ${dov.toExponential(2)}`);
      expect(dw).toBeLessThanOrEqual(1e-4);
      expect(dl).toBeLessThanOrEqual(1e-4);
      expect(dov).toBeLessThanOrEqual(1e-4);
    });
  }
});

describe('every dialect kerasts writes reads back to the same function', () => {
  for (const name of names) {
    it(name, () => {
      const fx = load(name);
      const model = build(fx);
      const predicts = !(MASKED_RNN.has(name) && !rnnMasks);
      const ref = predicts ? model.predictOutputs(inputs(fx)) : [];
      for (const dialect of ['keras-2', 'keras-2.0', 'keras-3'] as const) {
        clearSession();
        const text = toJSON(model, { dialect });
        const again = modelFromJSON(text);
        expect(toJSON(again, { dialect })).toBe(text);
        again.setWeights(model.getWeights());
        if (!predicts) continue;
        // A keras-2.0 file reads as a Keras 2 model, and Keras 2 gives an RNN called with initial_state
        // the mask (Keras 3 does not): the masked seq2seq decoder computes Keras 2's function there.
        if (dialect === 'keras-2.0' && name === 'seq2seq_masked') continue;
        const ys = again.predictOutputs(inputs(fx));
        ys.forEach((y, i) => expect(maxAbsDiff(y.data, ref[i]!.data), `${dialect} output ${i}`).toBe(0));
      }
    });
  }
});

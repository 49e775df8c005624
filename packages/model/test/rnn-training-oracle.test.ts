/**
 * Training GRU and SimpleRNN models (and an LSTM → GRU → SimpleRNN stack) against real Keras 3.15.1:
 * tools/oracle/fixtures/rnn/train (tools/oracle/gen_rnn_fixtures.py). The same model, initial weights,
 * data and compile/fit setup; `fit({ shuffle: false })` for N epochs, compared weight by weight (1e-4),
 * per-epoch loss and metrics, and the optimizer variables (Keras 3 names — `adam/sequential_gru_gru_cell_kernel_momentum` —
 * order and values). Resume cases load Keras' weights and optimizer state midway and train on.
 */
import { describe, expect, it } from 'vitest';
import { optimizerFromConfig, type FitOptions } from '../src/index.js';
import { buildModel, fixtureNames, loadFixture, maxAbsDiff, maxRelDiff, rnnTrainFixtureDir, t, type TrainFixture } from './training-helpers.js';

const WEIGHT_TOL = 1e-4;
const LOSS_TOL = 1e-4;
const names = fixtureNames(rnnTrainFixtureDir);
const load = (name: string) => loadFixture(name, rnnTrainFixtureDir);

function fitOptions(fx: TrainFixture, epochs: number, initialEpoch = 0): FitOptions {
  return { epochs, initialEpoch, batchSize: fx.fit.batch_size, shuffle: false, verbose: 0 };
}

describe('fit of recurrent models reproduces Keras 3.15.1 (oracle fixtures)', () => {
  it('has the GRU and SimpleRNN fixtures', () => {
    expect(names.filter((n) => n.startsWith('gru_')).length).toBeGreaterThanOrEqual(6);
    expect(names.filter((n) => n.startsWith('simple_rnn_')).length).toBeGreaterThanOrEqual(3);
  });
  for (const name of names) {
    it(name, async () => {
      const fx = load(name);
      const model = buildModel(fx.model);
      model.setWeights(fx.initial_weights.map(t));
      model.compile({ optimizer: optimizerFromConfig(fx.compile.optimizer), loss: fx.compile.loss, metrics: fx.compile.metrics });
      const history = await model.fit(t(fx.x), t(fx.y), fitOptions(fx, fx.fit.epochs));
      const dw = maxAbsDiff(model.getWeights(), fx.weights);
      const keys = Object.keys(fx.history).sort();
      expect(Object.keys(history.history).sort()).toEqual(keys);
      const dl = Math.max(...keys.map((k) => maxRelDiff(history.history[k]!, fx.history[k]!)));
      const ov = model.getOptimizerVariables();
      expect(ov.map((v) => v.name)).toEqual(fx.optimizer_variables.map((v) => v.name));
      const dov = maxAbsDiff(ov.map((v) => v.value), fx.optimizer_variables);
      console.log(`${name}: ${fx.fit.epochs} epochs, max|Δw| ${dw.toExponential(2)}, max rel Δ history ${dl.toExponential(2)}, max|Δ opt vars| ${dov.toExponential(2)}`);
      expect(dw).toBeLessThanOrEqual(WEIGHT_TOL);
      expect(dl).toBeLessThanOrEqual(LOSS_TOL);
      expect(dov).toBeLessThanOrEqual(WEIGHT_TOL);
    });
  }
  for (const name of names.filter((n) => load(n).resume !== undefined)) {
    it(`${name}: resumes from Keras' weights and optimizer variables after ${load(name).resume!.after_epochs} epochs`, async () => {
      const fx = load(name);
      const r = fx.resume!;
      const model = buildModel(fx.model);
      model.setWeights(r.weights.map(t));
      model.compile({ optimizer: optimizerFromConfig(fx.compile.optimizer), loss: fx.compile.loss, metrics: fx.compile.metrics });
      model.setOptimizerWeights(r.optimizer_variables.map(t));
      await model.fit(t(fx.x), t(fx.y), fitOptions(fx, fx.fit.epochs, r.after_epochs));
      const dw = maxAbsDiff(model.getWeights(), fx.weights);
      const dov = maxAbsDiff(model.getOptimizerWeights(), fx.optimizer_variables);
      console.log(`resume ${name}: max|Δw| ${dw.toExponential(2)}, max|Δ opt vars| ${dov.toExponential(2)}`);
      expect(dw).toBeLessThanOrEqual(WEIGHT_TOL);
      expect(dov).toBeLessThanOrEqual(WEIGHT_TOL);
    });
  }
});

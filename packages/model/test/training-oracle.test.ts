/**
 * kerasts training against real Keras 3.15.1 (tools/oracle/fixtures/train, made by
 * tools/oracle/gen_train_fixtures.py): the same model, initial weights, data and compile/fit setup,
 * `fit({ shuffle: false })` for N epochs, compared weight by weight (1e-4), per-epoch loss and metrics,
 * and the optimizer variables (names, order, values).
 */
import { describe, expect, it } from 'vitest';
import { optimizerFromConfig, type FitOptions } from '../src/index.js';
import { buildModel, fixtureNames, loadFixture, maxAbsDiff, maxRelDiff, t, type TrainFixture } from './training-helpers.js';

const WEIGHT_TOL = 1e-4;
const LOSS_TOL = 1e-4;

function fitOptions(fx: TrainFixture, epochs: number, initialEpoch = 0): FitOptions {
  return {
    epochs,
    initialEpoch,
    batchSize: fx.fit.batch_size,
    shuffle: false,
    verbose: 0,
    ...(fx.fit.validation_split ? { validationSplit: fx.fit.validation_split } : {}),
    ...(fx.sample_weight ? { sampleWeight: t(fx.sample_weight) } : {}),
    ...(fx.class_weight ? { classWeight: Object.fromEntries(Object.entries(fx.class_weight).map(([k, v]) => [Number(k), v])) } : {}),
  };
}

function compiled(fx: TrainFixture) {
  const model = buildModel(fx.model);
  model.setWeights(fx.initial_weights.map(t));
  model.compile({ optimizer: optimizerFromConfig(fx.compile.optimizer), loss: fx.compile.loss, metrics: fx.compile.metrics });
  return model;
}

describe('fit reproduces Keras 3.15.1 training (oracle fixtures)', () => {
  for (const name of fixtureNames()) {
    it(name, async () => {
      const fx = loadFixture(name);
      const model = compiled(fx);
      const history = await model.fit(t(fx.x), t(fx.y), fitOptions(fx, fx.fit.epochs));
      const dw = maxAbsDiff(model.getWeights(), fx.weights);
      const keys = Object.keys(fx.history).sort();
      expect(Object.keys(history.history).sort()).toEqual(keys);
      const dl = Math.max(...keys.map((k) => maxRelDiff(history.history[k]!, fx.history[k]!)));
      const ov = model.getOptimizerVariables();
      expect(ov.map((v) => v.name)).toEqual(fx.optimizer_variables.map((v) => v.name));
      const dov = maxAbsDiff(ov.map((v) => v.value), fx.optimizer_variables);
      console.log(`${name}: max|Δw| ${dw.toExponential(2)}, max rel Δ history ${dl.toExponential(2)}, max|Δ opt vars| ${dov.toExponential(2)}`);
      expect(dw).toBeLessThanOrEqual(WEIGHT_TOL);
      expect(dl).toBeLessThanOrEqual(LOSS_TOL);
      expect(dov).toBeLessThanOrEqual(WEIGHT_TOL);
    });
  }
});

describe('resuming Keras 3.15.1 training in kerasts', () => {
  const resumable = fixtureNames().filter((n) => loadFixture(n).resume !== undefined);
  it('has resume cases', () => expect(resumable.length).toBeGreaterThanOrEqual(3));
  for (const name of resumable) {
    it(`${name}: Keras' weights + optimizer variables after ${loadFixture(name).resume!.after_epochs} epochs, then kerasts trains on`, async () => {
      const fx = loadFixture(name);
      const r = fx.resume!;
      const model = buildModel(fx.model);
      model.setWeights(r.weights.map(t));
      model.compile({ optimizer: optimizerFromConfig(fx.compile.optimizer), loss: fx.compile.loss, metrics: fx.compile.metrics });
      // The optimizer state exactly as Keras holds it (what a Keras 3 .h5 stores as optimizer_weights).
      model.setOptimizerWeights(r.optimizer_variables.map(t));
      expect(model.optimizer!.iterations).toBe(r.optimizer_variables[0]!.values[0]);
      const history = await model.fit(t(fx.x), t(fx.y), fitOptions(fx, fx.fit.epochs, r.after_epochs));
      expect(history.epoch).toEqual(Array.from({ length: fx.fit.epochs - r.after_epochs }, (_, i) => r.after_epochs + i));
      const dw = maxAbsDiff(model.getWeights(), fx.weights);
      const dl = maxRelDiff(history.history.loss!, fx.history.loss!.slice(r.after_epochs));
      const dov = maxAbsDiff(model.getOptimizerWeights(), fx.optimizer_variables);
      console.log(`resume ${name}: max|Δw| ${dw.toExponential(2)}, loss rel Δ ${dl.toExponential(2)}, max|Δ opt vars| ${dov.toExponential(2)}`);
      expect(dw).toBeLessThanOrEqual(WEIGHT_TOL);
      expect(dl).toBeLessThanOrEqual(LOSS_TOL);
      expect(dov).toBeLessThanOrEqual(WEIGHT_TOL);
    });
  }
  it('a fresh optimizer (no restored state) does not reproduce the resumed run (the state matters)', async () => {
    const fx = loadFixture('adam_lstm_mse');
    const r = fx.resume!;
    const model = buildModel(fx.model);
    model.setWeights(r.weights.map(t));
    model.compile({ optimizer: optimizerFromConfig(fx.compile.optimizer), loss: fx.compile.loss });
    await model.fit(t(fx.x), t(fx.y), fitOptions(fx, fx.fit.epochs, r.after_epochs));
    expect(maxAbsDiff(model.getWeights(), fx.weights)).toBeGreaterThan(1e-3);
  });
});

describe('training_config', () => {
  for (const name of fixtureNames()) {
    it(`${name}: getTrainingConfig() is what Keras 3.15.1 writes`, () => {
      const fx = loadFixture(name);
      const model = compiled(fx);
      const ours = model.getTrainingConfig()!;
      const theirs = structuredClone(fx.training_config);
      // Keras 3.15.1's Huber.get_config() drops `delta`; kerasts keeps it (Keras reads it back).
      const loss = theirs.loss as { class_name?: string; config?: Record<string, unknown> } | string;
      if (typeof loss === 'object' && loss.class_name === 'Huber') loss.config!.delta = (fx.compile.loss as { config: { delta: number } }).config.delta;
      expect(ours).toEqual(theirs);
    });
  }
});

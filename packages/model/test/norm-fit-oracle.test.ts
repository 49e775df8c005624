/**
 * Training through the normalization, preprocessing and reshaping layers against real Keras 3.15.1
 * (tools/oracle/fixtures/norm/fit, made by tools/oracle/gen_norm_fixtures.py): the same model,
 * initial weights, data and compile setup, `fit({ shuffle: false })`, compared weight by weight —
 * BatchNormalization's moving statistics included — with the per-epoch history, the optimizer
 * variables, and predictions after training (inference with the moving statistics).
 */
import { readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { clearSession, deserializeLayer, InputLayer, setNamingConvention, type JsonObject } from '@kerasts/layers';
import { Tensor } from '@kerasts/tensor';
import { optimizerFromConfig, Sequential, type FitOptions } from '../src/index.js';
import { maxAbsDiff, maxRelDiff, t, type Arr, type OptVar } from './training-helpers.js';

const dir = join(dirname(fileURLToPath(import.meta.url)), '..', '..', '..', 'tools', 'oracle', 'fixtures', 'norm', 'fit');
const names = (JSON.parse(readFileSync(join(dir, 'index.json'), 'utf8')) as { cases: string[] }).cases;

interface NormFitFixture {
  description: string;
  model: { input_shape: number[]; layers: { class_name: string; config: JsonObject }[] };
  initial_weights: Arr[];
  weight_names: string[];
  x: Arr;
  y: Arr;
  compile: { optimizer: JsonObject; loss: string; metrics: string[] | null };
  fit: { epochs: number; batch_size: number; validation_split: number | null };
  resume?: { after_epochs: number; history: Record<string, number[]>; weights: Arr[]; optimizer_variables: OptVar[] };
  history: Record<string, number[]>;
  weights: Arr[];
  optimizer_variables: OptVar[];
  predict: Arr;
}

const load = (n: string): NormFitFixture => JSON.parse(readFileSync(join(dir, `${n}.json`), 'utf8')) as NormFitFixture;

function build(fx: NormFitFixture): Sequential {
  clearSession();
  setNamingConvention('keras-3');
  const model = new Sequential();
  model.add(new InputLayer({ batchInputShape: [null, ...fx.model.input_shape] }));
  fx.model.layers.forEach((l, i) => model.add(deserializeLayer(l.class_name, l.config, `layers[${i}]`)));
  return model;
}

function options(fx: NormFitFixture, epochs: number, initialEpoch = 0): FitOptions {
  return {
    epochs,
    initialEpoch,
    batchSize: fx.fit.batch_size,
    shuffle: false,
    verbose: 0,
    ...(fx.fit.validation_split ? { validationSplit: fx.fit.validation_split } : {}),
  };
}

const TOL = 1e-4;

describe('fit through normalization / reshaping layers reproduces Keras 3.15.1', () => {
  it('has fixtures', () => expect(names.length).toBeGreaterThanOrEqual(10));
  for (const name of names) {
    it(name, async () => {
      const fx = load(name);
      const model = build(fx);
      model.setWeights(fx.initial_weights.map(t));
      model.compile({ optimizer: optimizerFromConfig(fx.compile.optimizer), loss: fx.compile.loss, metrics: fx.compile.metrics });
      const history = await model.fit(t(fx.x), t(fx.y), options(fx, fx.fit.epochs));
      const w = model.getWeights();
      const dw = maxAbsDiff(w, fx.weights);
      // The moving statistics on their own (the BatchNormalization state fit updates).
      const moving = fx.weight_names.map((n, i) => [n, i] as const).filter(([n]) => /moving_(mean|variance)$/.test(n)).map(([, i]) => i);
      const dm = moving.length ? maxAbsDiff(moving.map((i) => w[i]!), moving.map((i) => fx.weights[i]!)) : 0;
      const keys = Object.keys(fx.history).sort();
      expect(Object.keys(history.history).sort()).toEqual(keys);
      const dl = Math.max(...keys.map((k) => maxRelDiff(history.history[k]!, fx.history[k]!)));
      const ov = model.getOptimizerVariables();
      expect(ov.map((v) => v.name)).toEqual(fx.optimizer_variables.map((v) => v.name));
      const dov = maxAbsDiff(ov.map((v) => v.value), fx.optimizer_variables);
      const per = fx.x.shape.slice(1).reduce((a, b) => a * b, 1);
      const rows = fx.predict.shape[0]!;
      const pred = model.predict(new Tensor(Float32Array.from(fx.x.values.slice(0, rows * per)), [rows, ...fx.x.shape.slice(1)]));
      const dpred = maxAbsDiff([pred], [fx.predict]);
      console.log(`norm fit ${name}: max|Δw| ${dw.toExponential(2)} (moving stats ${dm.toExponential(2)}), rel Δ history ${dl.toExponential(2)}, max|Δ opt vars| ${dov.toExponential(2)}, max|Δ predict| ${dpred.toExponential(2)}`);
      expect(dw).toBeLessThanOrEqual(TOL);
      expect(dm).toBeLessThanOrEqual(TOL);
      expect(dl).toBeLessThanOrEqual(TOL);
      expect(dov).toBeLessThanOrEqual(TOL);
      expect(dpred).toBeLessThanOrEqual(TOL);
    });
  }
});

describe('resuming Keras 3.15.1 training through BatchNormalization', () => {
  for (const name of names.filter((n) => load(n).resume !== undefined)) {
    it(`${name}: Keras' weights (moving statistics included) and optimizer variables, then kerasts trains on`, async () => {
      const fx = load(name);
      const r = fx.resume!;
      const model = build(fx);
      model.setWeights(r.weights.map(t));
      model.compile({ optimizer: optimizerFromConfig(fx.compile.optimizer), loss: fx.compile.loss, metrics: fx.compile.metrics });
      model.setOptimizerWeights(r.optimizer_variables.map(t));
      const history = await model.fit(t(fx.x), t(fx.y), options(fx, fx.fit.epochs, r.after_epochs));
      const dw = maxAbsDiff(model.getWeights(), fx.weights);
      const dl = maxRelDiff(history.history.loss!, fx.history.loss!.slice(r.after_epochs));
      const dov = maxAbsDiff(model.getOptimizerWeights(), fx.optimizer_variables);
      console.log(`norm resume ${name}: max|Δw| ${dw.toExponential(2)}, loss rel Δ ${dl.toExponential(2)}, max|Δ opt vars| ${dov.toExponential(2)}`);
      expect(dw).toBeLessThanOrEqual(TOL);
      expect(dl).toBeLessThanOrEqual(TOL);
      expect(dov).toBeLessThanOrEqual(TOL);
    });
  }
});

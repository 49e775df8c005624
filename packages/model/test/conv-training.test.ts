/**
 * Training convolution and pooling models against real Keras 3.15.1 (tools/oracle/fixtures/conv/train,
 * made by tools/oracle/gen_conv_fixtures.py): the same layers (built from Keras' own get_config()),
 * initial weights, data and compile/fit setup, `fit({ shuffle: false })`, compared weight by weight
 * (1e-4), per-epoch loss and metrics, and the optimizer variables; resume cases restore Keras' optimizer
 * state mid-run and train on.
 */
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { clearSession, deserializeLayer, setNamingConvention, type JsonObject } from '@kerasts/layers';
import { optimizerFromConfig, Sequential, type FitOptions } from '../src/index.js';
import { maxAbsDiff, maxRelDiff, t, trainFixtureDir, type Arr, type OptVar } from './training-helpers.js';

const dir = join(trainFixtureDir, '..', 'conv', 'train');
interface ConvFit {
  description: string;
  input_shape: number[];
  layers: { class_name: string; config: JsonObject }[];
  initial_weights: Arr[];
  x: Arr;
  y: Arr;
  compile: { optimizer: JsonObject; loss: string | JsonObject; metrics: string[] | null };
  fit: { epochs: number; batch_size: number };
  resume?: { after_epochs: number; history: Record<string, number[]>; weights: Arr[]; optimizer_variables: OptVar[] };
  history: Record<string, number[]>;
  weights: Arr[];
  optimizer_variables: OptVar[];
}
const names = readdirSync(dir)
  .filter((f) => f.endsWith('.json'))
  .map((f) => f.slice(0, -5))
  .sort();
const load = (n: string): ConvFit => JSON.parse(readFileSync(join(dir, `${n}.json`), 'utf8')) as ConvFit;

function build(fx: ConvFit): Sequential {
  clearSession();
  setNamingConvention('keras-3');
  const layers = fx.layers.map((l, i) => deserializeLayer(l.class_name, i === 0 ? { ...l.config, batch_input_shape: [null, ...fx.input_shape] } : l.config));
  return new Sequential({ layers });
}

function compiled(fx: ConvFit, weights: Arr[]): Sequential {
  const model = build(fx);
  model.setWeights(weights.map(t));
  model.compile({ optimizer: optimizerFromConfig(fx.compile.optimizer), loss: fx.compile.loss, metrics: fx.compile.metrics });
  return model;
}

const opts = (fx: ConvFit, epochs: number, initialEpoch = 0): FitOptions => ({ epochs, initialEpoch, batchSize: fx.fit.batch_size, shuffle: false, verbose: 0 });

describe('fit reproduces Keras 3.15.1 training of convolution and pooling models', () => {
  it('has the fixtures', () => expect(names.length).toBeGreaterThanOrEqual(8));
  for (const name of names) {
    it(name, async () => {
      const fx = load(name);
      const model = compiled(fx, fx.initial_weights);
      const history = await model.fit(t(fx.x), t(fx.y), opts(fx, fx.fit.epochs));
      const dw = maxAbsDiff(model.getWeights(), fx.weights);
      const keys = Object.keys(fx.history).sort();
      expect(Object.keys(history.history).sort()).toEqual(keys);
      const dl = Math.max(...keys.map((k) => maxRelDiff(history.history[k]!, fx.history[k]!)));
      const ov = model.getOptimizerVariables();
      expect(ov.map((v) => v.name)).toEqual(fx.optimizer_variables.map((v) => v.name));
      const dov = maxAbsDiff(ov.map((v) => v.value), fx.optimizer_variables);
      console.log(`${name}: max|Δw| ${dw.toExponential(2)}, max rel Δ history ${dl.toExponential(2)}, max|Δ opt vars| ${dov.toExponential(2)}`);
      expect(dw).toBeLessThanOrEqual(1e-4);
      expect(dl).toBeLessThanOrEqual(1e-4);
      expect(dov).toBeLessThanOrEqual(1e-4);
    });
  }
  for (const name of names.filter((n) => load(n).resume !== undefined)) {
    it(`${name}: resumed from Keras' weights and optimizer state after ${load(name).resume!.after_epochs} epoch(s)`, async () => {
      const fx = load(name);
      const r = fx.resume!;
      const model = compiled(fx, r.weights);
      model.setOptimizerWeights(r.optimizer_variables.map(t));
      const history = await model.fit(t(fx.x), t(fx.y), opts(fx, fx.fit.epochs, r.after_epochs));
      const dw = maxAbsDiff(model.getWeights(), fx.weights);
      const dl = maxRelDiff(history.history.loss!, fx.history.loss!.slice(r.after_epochs));
      const dov = maxAbsDiff(model.getOptimizerWeights(), fx.optimizer_variables);
      console.log(`resume ${name}: max|Δw| ${dw.toExponential(2)}, loss rel Δ ${dl.toExponential(2)}, max|Δ opt vars| ${dov.toExponential(2)}`);
      expect(dw).toBeLessThanOrEqual(1e-4);
      expect(dl).toBeLessThanOrEqual(1e-4);
      expect(dov).toBeLessThanOrEqual(1e-4);
    });
  }
});

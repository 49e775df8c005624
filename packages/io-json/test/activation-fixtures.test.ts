// The activation layers (tools/oracle/fixtures/activations, made by tools/oracle/gen_activation_fixtures.py
// with Keras 3.15.1): models built from the JSON Keras wrote (to_json and the legacy .h5 model_config)
// predict what Keras predicted; every dialect rebuilds the same model or refuses where that dialect's
// Keras lacks the class; Keras 1 and tf.keras configs (alpha, init, ThresholdedReLU) compute what
// Keras computes for the same function.
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { Tensor, UnsupportedError } from '@kerasts/tensor';
import { Sequential } from '@kerasts/model';
import { Embedding, Softmax } from '@kerasts/layers';
import { modelFromJSON, numericsNotes, toJSON } from '../src/index.js';
import { repoRoot, toTensor, type PredictFixture } from './helpers.js';

const dir = join(repoRoot, 'tools', 'oracle', 'fixtures', 'activations');
const list = (sub: string): string[] =>
  readdirSync(join(dir, sub))
    .filter((f) => f.endsWith('.json'))
    .map((f) => f.slice(0, -5))
    .sort();
const load = <T>(sub: string, name: string): T => JSON.parse(readFileSync(join(dir, sub, `${name}.json`), 'utf8')) as T;
type Predict = PredictFixture & { output_shape: (number | null)[] };

function maxRelDiff(a: ArrayLike<number>, b: ArrayLike<number>): number {
  let m = 0;
  let scale = 1;
  for (let i = 0; i < b.length; i++) scale = Math.max(scale, Math.abs(b[i]!));
  for (let i = 0; i < b.length; i++) m = Math.max(m, Math.abs(a[i]! - b[i]!));
  return m / scale;
}

const worst = new Map<string, number>();

describe('activation layers predict what Keras 3.15.1 predicts', () => {
  const names = list('predict');
  it('covers every activation layer class Keras 3 has', () => {
    const classes = new Set(names.flatMap((n) => (load<Predict>('predict', n).model_json as { config: { layers: { class_name: string }[] } }).config.layers.map((l) => l.class_name)));
    for (const c of ['ReLU', 'LeakyReLU', 'PReLU', 'ELU', 'Softmax']) expect(classes.has(c), c).toBe(true);
  });
  for (const name of names) {
    it(name, () => {
      const fx = load<Predict>('predict', name);
      const model = modelFromJSON(fx.model_json as never);
      model.setWeights(fx.weights.map(toTensor));
      expect(model.outputShapes[0]).toEqual(fx.output_shape);
      const x = toTensor(fx.input);
      const y = model.predict(x);
      expect([...y.shape]).toEqual(fx.output.shape);
      const d = maxRelDiff(y.data, fx.output.values);
      expect(d).toBeLessThanOrEqual(1e-5);
      const fromH5 = modelFromJSON(fx.model_config_h5 as never, { kerasVersion: fx.keras_version });
      fromH5.setWeights(fx.weights.map(toTensor));
      expect(maxRelDiff(fromH5.predict(x).data, fx.output.values)).toBeLessThanOrEqual(1e-5);
      for (const l of (fx.model_json as { config: { layers: { class_name: string }[] } }).config.layers.slice(1)) {
        worst.set(l.class_name, Math.max(worst.get(l.class_name) ?? 0, d));
      }
      // every dialect rebuilds the same model, or refuses where that Keras lacks the class
      for (const dialect of ['keras-2', 'keras-2.0', 'keras-3'] as const) {
        if (numericsNotes(model.toConfig(), dialect).length) {
          expect(() => toJSON(model, { dialect }), dialect).toThrow(UnsupportedError);
          continue;
        }
        const again = modelFromJSON(toJSON(model, { dialect }));
        again.setWeights(model.getWeights());
        expect(Array.from(again.predict(x).data), dialect).toEqual(Array.from(y.data));
      }
    });
  }
  it('writes Keras 3 configs with the keys Keras 3 writes, in its order', () => {
    for (const name of names) {
      const fx = load<Predict>('predict', name);
      const ours = JSON.parse(toJSON(modelFromJSON(fx.model_json as never), { dialect: 'keras-3' })) as { config: { layers: { class_name: string; config: Record<string, unknown> }[] } };
      const theirs = (fx.model_json as { config: { layers: { class_name: string; config: Record<string, unknown> }[] } }).config.layers;
      ours.config.layers.forEach((l, i) => {
        if (!['ReLU', 'LeakyReLU', 'PReLU', 'ELU', 'Softmax'].includes(l.class_name)) return;
        expect(Object.keys(l.config), `${name} ${l.class_name}`).toEqual(Object.keys(theirs[i]!.config));
        for (const k of ['max_value', 'negative_slope', 'threshold', 'alpha', 'axis', 'shared_axes']) {
          if (k in theirs[i]!.config) expect(l.config[k], `${name} ${k}`).toEqual(theirs[i]!.config[k]);
        }
      });
    }
  });
  it('worst |Δ| per class (relative above 1)', () => {
    console.log([...worst].sort().map(([c, d]) => `${c}: ${d.toExponential(2)}`).join('\n'));
    expect(worst.size).toBeGreaterThanOrEqual(5);
  });
});

describe('Keras 1 and tf.keras activation configs compute what Keras computes', () => {
  type Legacy = { keras_version: string; model_config: unknown; weights: { shape: number[]; values: number[] }[]; input: { shape: number[]; values: number[] }; output: { shape: number[]; values: number[] } };
  for (const name of list('legacy')) {
    it(name, () => {
      const fx = load<Legacy>('legacy', name);
      const model = modelFromJSON(fx.model_config as never, { kerasVersion: fx.keras_version });
      model.setWeights(fx.weights.map(toTensor));
      expect(maxRelDiff(model.predict(toTensor(fx.input)).data, fx.output.values)).toBeLessThanOrEqual(1e-5);
    });
  }
  it('keras-2 writes LeakyReLU as alpha, keras-3 as negative_slope; ThresholdedReLU and the 2.0.8-less classes are refused where Keras lacks them', () => {
    const fx = load<Legacy>('legacy', 'tfkeras_leaky_thresholded');
    const model = modelFromJSON(fx.model_config as never, { kerasVersion: fx.keras_version });
    const k2 = JSON.parse(toJSON(model, { dialect: 'keras-2' })) as { config: { layers: { class_name: string; config: Record<string, unknown> }[] } };
    const leaky = k2.config.layers.find((l) => l.class_name === 'LeakyReLU')!.config;
    expect(leaky.alpha).toBeCloseTo(0.1, 7);
    expect('negative_slope' in leaky).toBe(false);
    expect(numericsNotes(model.toConfig(), 'keras-3').join(' ')).toMatch(/ThresholdedReLU/);
    expect(numericsNotes(model.toConfig(), 'keras-2.0').join(' ')).toMatch(/Keras 2\.0\.8 has no ReLU layer/);
  });
});

describe('Softmax masks broadcast from the right, as Keras', () => {
  it('a (batch, T) mask against a (batch, T, C) input with batch ≠ T is refused, as Keras refuses it', () => {
    const m = new Sequential([new Embedding({ inputDim: 5, outputDim: 4, maskZero: true, inputShape: [4] }), new Softmax()]);
    expect(() => m.predict(new Tensor(Float32Array.from([1, 2, 0, 0, 1, 0, 0, 0]), [2, 4]))).toThrow(/does not broadcast/);
  });
});

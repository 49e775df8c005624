// Normalization, preprocessing and reshaping layers against real Keras 3.15.1
// (tools/oracle/fixtures/norm/predict, made by tools/oracle/gen_norm_fixtures.py): predictions of the
// model built from Keras' JSON with Keras' weights, from the legacy .h5 model_config, and after a
// round trip through every dialect kerasts writes.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { UnsupportedError } from '@kerasts/tensor';
import { modelFromJSON, numericsNotes, parseModelConfig, toJSON } from '../src/index.js';
import { repoRoot, toTensor, type PredictFixture } from './helpers.js';

const dir = join(repoRoot, 'tools', 'oracle', 'fixtures', 'norm', 'predict');
const names = (JSON.parse(readFileSync(join(dir, 'index.json'), 'utf8')) as { cases: string[] }).cases;
const load = (n: string): PredictFixture => JSON.parse(readFileSync(join(dir, `${n}.json`), 'utf8')) as PredictFixture;

/** max |a − b| / max(1, |b|): absolute below 1, relative for large activations. */
function worst(a: ArrayLike<number>, b: ArrayLike<number>): number {
  let m = 0;
  for (let i = 0; i < a.length; i++) m = Math.max(m, Math.abs(a[i]! - b[i]!) / Math.max(1, Math.abs(b[i]!)));
  return m;
}

describe('normalization / preprocessing / reshaping layers predict what Keras 3.15.1 predicts', () => {
  it('has fixtures', () => expect(names.length).toBeGreaterThanOrEqual(5));
  for (const name of names) {
    it(name, () => {
      const fx = load(name);
      const model = modelFromJSON(fx.model_json as never);
      model.setWeights(fx.weights.map(toTensor));
      const y = model.predict(toTensor(fx.input));
      expect([...y.shape]).toEqual(fx.output.shape);
      const d = worst(y.data, fx.output.values);
      console.log(`norm predict ${name}: max |Δ| (relative above 1) ${d.toExponential(2)}`);
      expect(d).toBeLessThanOrEqual(1e-5);
      // The legacy .h5 model_config form.
      const h5 = modelFromJSON(fx.model_config_h5 as never, { kerasVersion: fx.keras_version });
      h5.setWeights(fx.weights.map(toTensor));
      expect(worst(h5.predict(toTensor(fx.input)).data, fx.output.values)).toBeLessThanOrEqual(1e-5);
    });
  }
});

describe('every dialect kerasts writes rebuilds the same model (normalization / reshaping)', () => {
  for (const name of names) {
    it(name, () => {
      const fx = load(name);
      const model = modelFromJSON(fx.model_json as never);
      model.setWeights(fx.weights.map(toTensor));
      const x = toTensor(fx.input);
      const y = model.predict(x);
      for (const dialect of ['keras-2', 'keras-2.0', 'keras-3'] as const) {
        if (numericsNotes(model.toConfig(), dialect).length) {
          // The dialect cannot express this model (Keras 2.0.8's Flatten has no data_format): refuse.
          expect(() => toJSON(model, { dialect })).toThrow(UnsupportedError);
          continue;
        }
        const json = toJSON(model, { dialect, numerics: 'ignore' });
        const again = modelFromJSON(json);
        again.setWeights(model.getWeights());
        expect(worst(again.predict(x).data, y.data), dialect).toBe(0);
        expect(parseModelConfig(JSON.parse(json)).config.layers.length).toBeGreaterThan(0);
      }
    });
  }
});

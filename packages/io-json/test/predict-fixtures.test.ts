// Predictions of models built from the JSON real Keras wrote, with Keras' weights, must equal what
// Keras 3.15.1 computed (or, for Keras-2-era models, what Keras 2 computed: hard_sigmoid 0.2x+0.5).
import { describe, expect, it } from 'vitest';
import { UnsupportedError } from '@kerasts/tensor';
import { modelFromJSON, numericsNotes, parseModelConfig, toJSON } from '../src/index.js';
import { loadFixture, loadFixtureNames, maxAbsDiff, toTensor } from './helpers.js';

const names = loadFixtureNames();

describe('predictions match real Keras on every oracle fixture', () => {
  it('has a real grid of fixtures', () => {
    expect(names.length).toBeGreaterThanOrEqual(30);
  });
  for (const name of names) {
    it(name, () => {
      const fx = loadFixture(name);
      const model = modelFromJSON(fx.model_json as never);
      model.setWeights(fx.weights.map(toTensor));
      const y = model.predict(toTensor(fx.input));
      expect([...y.shape]).toEqual(fx.output.shape);
      expect(maxAbsDiff(y.data, fx.output.values)).toBeLessThanOrEqual(1e-5);
    });
  }
});

describe('the legacy .h5 model_config form Keras 3 writes gives the same model', () => {
  for (const name of names) {
    const fx = loadFixture(name);
    if (!fx.model_config_h5) continue;
    it(name, () => {
      const model = modelFromJSON(fx.model_config_h5 as never, { kerasVersion: fx.keras_version });
      model.setWeights(fx.weights.map(toTensor));
      const y = model.predict(toTensor(fx.input));
      expect(maxAbsDiff(y.data, fx.output.values)).toBeLessThanOrEqual(1e-5);
    });
  }
});

describe('every dialect we write rebuilds a model that predicts the same', () => {
  for (const name of names) {
    it(name, () => {
      const fx = loadFixture(name);
      const model = modelFromJSON(fx.model_json as never);
      model.setWeights(fx.weights.map(toTensor));
      const x = toTensor(fx.input);
      const y = model.predict(x);
      for (const dialect of ['keras-2', 'keras-2.0', 'keras-3'] as const) {
        if (numericsNotes(model.toConfig(), dialect).length && dialect !== 'keras-2') {
          // The dialect cannot express this model's hard_sigmoid: writing must refuse, not change numbers.
          expect(() => toJSON(model, { dialect })).toThrow(UnsupportedError);
          continue;
        }
        const json = toJSON(model, { dialect, numerics: 'ignore' });
        const again = modelFromJSON(json);
        again.setWeights(model.getWeights());
        expect(maxAbsDiff(again.predict(x).data, y.data), dialect).toBe(0);
        expect(parseModelConfig(JSON.parse(json)).config.layers.length).toBeGreaterThan(0);
      }
    });
  }
});

// keras.ops nodes in the model_config of a legacy .h5 Keras 3.15.1 writes (tools/oracle/fixtures/activations/h5,
// made by gen_activation_fixtures.py): the entries lose their `module` there and Keras 3's own legacy loader
// cannot rebuild them; kerasts recognises them by their positional arguments and computes what the model did.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { NumpyOperation } from '@kerasts/layers';
import { modelFromJSON, toJSON } from '../src/index.js';
import { repoRoot, toTensor, type PredictFixture } from './helpers.js';

const fx = JSON.parse(readFileSync(join(repoRoot, 'tools', 'oracle', 'fixtures', 'activations', 'h5', 'h5_numpy_operations.json'), 'utf8')) as PredictFixture;

function maxDiff(a: ArrayLike<number>, b: ArrayLike<number>): number {
  let m = 0;
  for (let i = 0; i < b.length; i++) m = Math.max(m, Math.abs(a[i]! - b[i]!));
  return m;
}

describe('operations in a Keras 3 legacy .h5 model_config (no module)', () => {
  const entries = (fx.model_config_h5 as { config: { layers: { module?: string; class_name: string }[] } }).config.layers;
  it('the fixture still has module-less operation entries', () => {
    expect(entries.some((l) => l.module === undefined && l.class_name === 'TrueDivide')).toBe(true);
    expect(entries.some((l) => l.module === undefined && l.class_name === 'Add')).toBe(true);
  });
  for (const form of ['model_config_h5', 'model_json'] as const) {
    it(`${form}: every operation becomes a node and the model predicts what Keras predicted`, () => {
      const model = modelFromJSON(fx[form] as never, { kerasVersion: fx.keras_version });
      expect(model.layers.filter((l) => l instanceof NumpyOperation).length).toBe(9);
      model.setWeights(fx.weights.map(toTensor));
      expect(maxDiff(model.predict(toTensor(fx.input)).data, fx.output.values)).toBeLessThanOrEqual(1e-5);
      const again = modelFromJSON(toJSON(model, { dialect: 'keras-3' }));
      again.setWeights(fx.weights.map(toTensor));
      expect(maxDiff(again.predict(toTensor(fx.input)).data, fx.output.values)).toBeLessThanOrEqual(1e-5);
    });
  }
});

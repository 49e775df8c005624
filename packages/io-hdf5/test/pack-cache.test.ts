/**
 * Loading weights into a model that has predicted (its packed panels are kept, see @kerasts/tensor's
 * pack cache) must replace what it predicts: after `loadWeights` (legacy HDF5 weights and full-model
 * files) the model predicts exactly what a fresh model with the loaded weights predicts.
 */
import { beforeEach, describe, expect, it } from 'vitest';
import { clearSession } from '@kerasts/layers';
import { clearPackCache } from '@kerasts/tensor';
import { Sequential } from '@kerasts/model';
import { loadWeights, saveModel, saveWeights } from '../src/index.js';
import { differs, expectFreshPrediction, packedInput, packedModel } from '../../model/test/pack-cache-helpers.js';

const x = packedInput();

beforeEach(() => {
  clearSession();
  clearPackCache();
});

describe('pack cache: io-hdf5 loaders', () => {
  for (const [what, save] of [
    ['a weights .h5', (m: Sequential) => saveWeights(m, null)],
    ['a full-model .h5', (m: Sequential) => saveModel(m, null)],
  ] as const) {
    it(`loadWeights from ${what} into a model that has predicted`, async () => {
      const model = packedModel(1, Sequential);
      const before = model.predict(x);
      await loadWeights(model, await save(packedModel(7, Sequential)));
      expect(differs(model.predict(x), before)).toBe(true);
      expectFreshPrediction(model, x);
    });
  }
});

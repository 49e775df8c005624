/**
 * Loading weights into a model that has predicted (its packed panels are kept, see @kerasts/tensor's
 * pack cache) must replace what it predicts: after `loadKerasWeights` (.weights.h5 and .keras) the model
 * predicts exactly what a fresh model with the loaded weights predicts.
 */
import { beforeEach, describe, expect, it } from 'vitest';
import { clearSession } from '@kerasts/layers';
import { clearPackCache } from '@kerasts/tensor';
import { Sequential } from '@kerasts/model';
import { loadKerasWeights, saveKerasModel, saveKerasWeights } from '../src/index.js';
import { differs, expectFreshPrediction, packedInput, packedModel } from '../../model/test/pack-cache-helpers.js';

const x = packedInput();

beforeEach(() => {
  clearSession();
  clearPackCache();
});

describe('pack cache: io-keras loaders', () => {
  it('loadKerasWeights from a .weights.h5 into a model that has predicted', async () => {
    const model = packedModel(1, Sequential);
    const before = model.predict(x);
    const bytes = await saveKerasWeights(packedModel(5, Sequential), null);
    await loadKerasWeights(model, bytes, { fileName: 'other.weights.h5' });
    expect(differs(model.predict(x), before)).toBe(true);
    expectFreshPrediction(model, x);
  });

  it('loadKerasWeights from a .keras archive into a model that has predicted', async () => {
    const model = packedModel(1, Sequential);
    const before = model.predict(x);
    const bytes = await saveKerasModel(packedModel(6, Sequential), null);
    await loadKerasWeights(model, bytes, { fileName: 'other.keras' });
    expect(differs(model.predict(x), before)).toBe(true);
    expectFreshPrediction(model, x);
  });
});

/**
 * Transfer into a model that has predicted (its packed panels are kept, see @kerasts/tensor's pack
 * cache): after `applyWeights` (copying, or adopting the table's arrays, also when the same arrays
 * are changed in place and applied again) and `freeze` / `unfreeze` with training in between, the
 * model predicts exactly what a fresh model with its weights predicts.
 */
import { beforeEach, describe, expect, it } from 'vitest';
import { clearSession } from '@kerasts/layers';
import { Tensor, clearPackCache } from '@kerasts/tensor';
import { SGD, Sequential, type WeightTable } from '@kerasts/model';
import { applyWeights, freeze, unfreeze } from '../src/index.js';
import { differs, expectFreshPrediction, packedInput, packedModel } from '../../model/test/pack-cache-helpers.js';

const x = packedInput();

beforeEach(() => {
  clearSession();
  clearPackCache();
});

/** The weights of `m` as a table (its own arrays, not copies). */
function tableOf(m: Sequential): WeightTable {
  return {
    kerasVersion: '3.15.1',
    backend: 'jax',
    layers: m.layers.map((l) => ({ layerName: l.name, className: l.className, weights: l.weights.map((w) => ({ name: w.name, value: w.value })) })),
  };
}

describe('pack cache: transfer', () => {
  it('applyWeights (copies)', () => {
    const model = packedModel(1, Sequential);
    const before = model.predict(x);
    applyWeights(model, tableOf(packedModel(8, Sequential)));
    expect(differs(model.predict(x), before)).toBe(true);
    expectFreshPrediction(model, x);
  });

  it('applyWeights with adoptArrays, then the same arrays changed in place and applied again', () => {
    const model = packedModel(1, Sequential);
    model.predict(x);
    const table = tableOf(packedModel(8, Sequential));
    applyWeights(model, table, { adoptArrays: true });
    const first = model.predict(x); // keeps panels of the adopted arrays
    for (const l of table.layers) for (const w of l.weights) w.value.data.forEach((v, i, a) => (a[i] = v * 0.75));
    applyWeights(model, table, { adoptArrays: true });
    expect(differs(model.predict(x), first)).toBe(true);
    expectFreshPrediction(model, x);
  });

  it('freeze, train, unfreeze, train', async () => {
    const model = packedModel(1, Sequential);
    model.predict(x);
    const y = new Tensor(Float32Array.from({ length: 5 * 6 * 3 }, (_, i) => Math.cos(i)), [5, 6, 3]);
    const names = model.layers.slice(0, 3).map((l) => l.name);
    freeze(model, names);
    model.compile({ optimizer: new SGD({ learningRate: 0.1 }), loss: 'mse' });
    await model.fit(x, y, { epochs: 1, batchSize: 5, verbose: 0 });
    expectFreshPrediction(model, x);
    unfreeze(model, names);
    model.compile({ optimizer: new SGD({ learningRate: 0.1 }), loss: 'mse' });
    await model.fit(x, y, { epochs: 1, batchSize: 5, verbose: 0 });
    expectFreshPrediction(model, x);
  });
});

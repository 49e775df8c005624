/**
 * Packed weights kept between predicts (`@kerasts/tensor`'s pack cache) are never used after the
 * weights changed, whichever way they changed: after a first predict (which keeps the panels), each
 * mutation path below is taken and the model must then predict exactly what a fresh model with the
 * same weights predicts. The last block shows the check has teeth: an in-place write that is NOT
 * announced leaves the old panels in use, so a path that forgot to bump the version would fail here.
 * (io loaders and transfer: io-keras, io-hdf5 and transfer's pack-cache tests.)
 */
import { beforeEach, describe, expect, it } from 'vitest';
import { clearSession, type LayerWeight } from '@kerasts/layers';
import { Tensor, clearPackCache, getBackend, markWeightsChanged, packCacheStats } from '@kerasts/tensor';
import { Adam, SGD } from '../src/index.js';
import { differs, expectFreshPrediction, packedInput, packedModel } from './pack-cache-helpers.js';

const x = packedInput();
const y = new Tensor(Float32Array.from({ length: 5 * 6 * 3 }, (_, i) => Math.sin(i)), [5, 6, 3]);

beforeEach(() => {
  clearSession();
  clearPackCache();
});

/** A model that has predicted once (its panels are kept) and that prediction. */
function warmModel() {
  const model = packedModel();
  const before = model.predict(x);
  return { model, before };
}

/** Every weight of every layer that packs panels. */
function packedWeights(model: ReturnType<typeof packedModel>): LayerWeight[] {
  return model.layers.flatMap((l) => [...l.weights]);
}

describe('pack cache in models', () => {
  it('is in use: predict keeps panels and the next predict is served from them', () => {
    expect(getBackend()).toBe('wasm');
    const model = packedModel();
    const s0 = packCacheStats();
    model.predict(x);
    const s1 = packCacheStats();
    // Conv1D 1, LSTM 2, GRU 2, GRU(reset_after=False) 3 (W, U's z·r columns, U's h columns), SimpleRNN 2, Dense(32) 1
    expect(s1.entries - s0.entries).toBe(11);
    model.predict(x);
    const s2 = packCacheStats();
    expect(s2.hits - s1.hits).toBe(11);
    expect(s2.misses).toBe(s1.misses);
  });

  it('replacing weights frees the old arrays\' panels at once: kept bytes do not grow with each setWeights', () => {
    const { model } = warmModel();
    const bytes = packCacheStats().bytes;
    for (let seed = 20; seed < 25; seed++) {
      model.setWeights(packedModel(seed).getWeights());
      model.predict(x);
    }
    // (the helper models made above keep no panels: they never predicted)
    expect(packCacheStats().bytes).toBe(bytes);
  });

  it('model.setWeights', () => {
    const { model, before } = warmModel();
    model.setWeights(packedModel(9).getWeights());
    expect(differs(model.predict(x), before)).toBe(true);
    expectFreshPrediction(model, x);
  });

  it('layer.setWeights on every layer', () => {
    const { model, before } = warmModel();
    const other = packedModel(10);
    model.layers.forEach((l, i) => l.setWeights(other.layers[i]!.getWeights()));
    expect(differs(model.predict(x), before)).toBe(true);
    expectFreshPrediction(model, x);
  });

  it('assigning LayerWeight.value a new tensor', () => {
    const { model, before } = warmModel();
    for (const w of packedWeights(model)) w.value = new Tensor(w.value.data.map((v) => v * 0.5), w.shape);
    expect(differs(model.predict(x), before)).toBe(true);
    expectFreshPrediction(model, x);
  });

  it('writing into value.data, then assigning the same tensor back', () => {
    const { model, before } = warmModel();
    for (const w of packedWeights(model)) {
      const d = w.value.data;
      for (let i = 0; i < d.length; i += 3) d[i] = -d[i]!;
      w.value = w.value; // eslint-disable-line no-self-assign -- the assignment is the announcement
    }
    expect(differs(model.predict(x), before)).toBe(true);
    expectFreshPrediction(model, x);
  });

  it('writing into value.data, then markWeightsChanged', () => {
    const { model, before } = warmModel();
    for (const w of packedWeights(model)) {
      w.value.data.reverse();
      markWeightsChanged(w.value.data);
    }
    expect(differs(model.predict(x), before)).toBe(true);
    expectFreshPrediction(model, x);
  });

  for (const [name, optimizer] of [
    ['SGD', () => new SGD({ learningRate: 0.1 })],
    ['Adam (WebAssembly update kernel)', () => new Adam({ learningRate: 0.05 })],
  ] as const) {
    it(`fit with ${name} (optimizer steps update the arrays in place)`, async () => {
      const { model, before } = warmModel();
      model.compile({ optimizer: optimizer(), loss: 'mse' });
      await model.fit(x, y, { epochs: 2, batchSize: 5, verbose: 0 });
      expect(differs(model.predict(x), before)).toBe(true);
      expectFreshPrediction(model, x);
      // and again after a further step, with panels kept from the predict in between
      model.trainOnBatch(x, y);
      expectFreshPrediction(model, x);
    });
  }

  it('optimizer.applyGradients called directly', () => {
    const { model, before } = warmModel();
    const vars = model.trainableWeights;
    const grads = vars.map((w) => new Tensor(Float32Array.from(w.value.data, (_, i) => ((i % 7) - 3) * 0.05), w.shape));
    new SGD({ learningRate: 1 }).applyGradients(grads, vars);
    expect(differs(model.predict(x), before)).toBe(true);
    expectFreshPrediction(model, x);
  });

  it('freeze / unfreeze: a frozen layer keeps its panels (values unchanged), an unfrozen one is updated and re-packed', async () => {
    const { model } = warmModel();
    const lstm = model.layers[1]!;
    const kept = lstm.getWeights();
    lstm.trainable = false;
    model.compile({ optimizer: new SGD({ learningRate: 0.1 }), loss: 'mse' });
    await model.fit(x, y, { epochs: 1, batchSize: 5, verbose: 0 });
    lstm.getWeights().forEach((w, i) => expect(Array.from(w.data)).toEqual(Array.from(kept[i]!.data)));
    expectFreshPrediction(model, x);
    lstm.trainable = true;
    model.compile({ optimizer: new SGD({ learningRate: 0.1 }), loss: 'mse' });
    await model.fit(x, y, { epochs: 1, batchSize: 5, verbose: 0 });
    expect(lstm.getWeights().some((w, i) => differs(w, kept[i]!))).toBe(true);
    expectFreshPrediction(model, x);
  });

  describe('the check has teeth: an unannounced in-place write keeps the old panels in use', () => {
    // one case per layer that packs: if this ever stops holding, the cache is not in use there and
    // the tests above prove nothing for that layer
    for (const [index, name] of [[0, 'Conv1D'], [1, 'LSTM'], [2, 'GRU'], [3, 'GRU(reset_after=False)'], [4, 'SimpleRNN'], [5, 'Dense']] as const) {
      it(name, () => {
        const { model, before } = warmModel();
        const layer = model.layers[index]!;
        for (const w of layer.weights) if (w.name !== 'bias') w.value.data.fill(0.25); // biases are not packed
        const stale = model.predict(x);
        expect(Array.from(stale.data)).toEqual(Array.from(before.data));
        expect(differs(stale, packedModelWithWeights(model).predict(x))).toBe(true);
      });
    }
  });
});

function packedModelWithWeights(model: ReturnType<typeof packedModel>) {
  const fresh = packedModel();
  fresh.setWeights(model.getWeights());
  return fresh;
}

// dialect 'keras-2.0' writes what Keras 2.0.8 (with h5py 2) wrote for the tutorial's model: compared
// object by object with a file made in that shape (KERAS-FORMAT §2, crafted/k208_full.h5).
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { modelFromJSON } from '@kerasts/io-json';
import { readKerasH5, saveModel, saveWeights } from '../src/index.js';
import { inspectH5, type RawObject } from './h5inspect.js';
import { seedPath } from '../../../tools/testing/shared.js';
import { CRAFTED_DIR } from './helpers.js';

const seed = readFileSync(seedPath, 'utf8');

function shapeOf(o: RawObject): string {
  const strings = Object.entries(o.attrs)
    .filter(([k]) => k !== 'training_config')
    .map(([k, m]) => `${k}:${m.type}:${m.vlen ? 'vlen' : 'fixed'}:${JSON.stringify(m.shape)}`)
    .sort();
  return `${o.type} ${o.dataset ? JSON.stringify(o.dataset.shape) + o.dataset.type : ''} ${strings.join(' ')}`;
}

describe("the keras-2.0 dialect matches Keras 2.0.8's layout", () => {
  it('same groups, datasets, attribute names, string kinds and model_config as a 2.0.8 file', async () => {
    const model = modelFromJSON(seed);
    const ours = await inspectH5(await saveModel(model, null, { dialect: 'keras-2.0' }));
    const theirs = await inspectH5(new Uint8Array(readFileSync(join(CRAFTED_DIR, 'k208_full.h5'))));
    const skip = (p: string) => p.startsWith('/optimizer_weights');
    const a = [...ours.entries()].filter(([p]) => !skip(p)).map(([p, o]) => `${p} ${shapeOf(o)}`).sort();
    const b = [...theirs.entries()].filter(([p]) => !skip(p)).map(([p, o]) => `${p} ${shapeOf(o)}`).sort();
    expect(a).toEqual(b);
    const c1 = await readKerasH5(await saveModel(model, null, { dialect: 'keras-2.0' }));
    const c2 = await readKerasH5(new Uint8Array(readFileSync(join(CRAFTED_DIR, 'k208_full.h5'))));
    expect(JSON.parse(c1.rootAttrs.modelConfig!)).toEqual(JSON.parse(c2.rootAttrs.modelConfig!));
    expect(c1.weights.layers.map((l) => l.weightNames)).toEqual(c2.weights.layers.map((l) => l.weightNames));
    expect(c1.rootAttrs.kerasVersion).toBe('2.0.8');
  });
  it('weights files too: layer_names, backend and keras_version at the root', async () => {
    const c = await readKerasH5(await saveWeights(modelFromJSON(seed), null, { dialect: 'keras-2.0' }));
    expect(c.kind).toBe('weights');
    expect(c.weights.layerNames).toEqual(['lstm_1', 'dense_1']);
    expect(c.weights.layers[0]!.weightNames).toEqual(['lstm_1/kernel:0', 'lstm_1/recurrent_kernel:0', 'lstm_1/bias:0']);
    expect(c.weights.kerasVersion).toBe('2.0.8');
  });
});

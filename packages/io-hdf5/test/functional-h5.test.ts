// Functional models in Keras .h5 files: Keras 3's own func.h5 loads and predicts what Keras
// predicts; what we write has layer_names with the input layers (empty weight_names), loads back,
// and predicts the same in every dialect.
import { readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { modelFromJSON } from '@kerasts/io-json';
import { Functional } from '@kerasts/model';
import { tensor } from '@kerasts/tensor';
import { loadModel, loadWeights, modelToH5Bytes, readKerasH5, saveWeights } from '../src/index.js';

const here = dirname(fileURLToPath(import.meta.url));
const fixtures = join(here, '..', '..', '..', 'tools', 'oracle', 'fixtures', 'functional');
import { samplesDir as samples } from '../../../tools/testing/shared.js';
interface Arr { shape: number[]; values: number[] }
interface Fx { model_json: never; weights: Arr[]; inputs: Arr[]; outputs: Arr[]; layer_names: string[] }
const fx = (n: string) => JSON.parse(readFileSync(join(fixtures, `${n}.json`), 'utf8')) as Fx;
const t = (a: Arr) => tensor(Float32Array.from(a.values), a.shape);
const maxDiff = (a: ArrayLike<number>, b: ArrayLike<number>) => {
  let m = 0;
  for (let i = 0; i < a.length; i++) m = Math.max(m, Math.abs(a[i]! - b[i]!));
  return m;
};

describe('functional .h5', () => {
  it("Keras 3's func.h5 loads as a Functional and predicts Keras' numbers", async () => {
    const f = fx('func_h5_sample');
    const model = await loadModel(join(samples, 'func.h5'));
    expect(model).toBeInstanceOf(Functional);
    expect(model.layers.map((l) => l.name)).toEqual(['inp', 'lstm_a', 'drop', 'out']);
    expect(maxDiff(model.predict(t(f.inputs[0]!)).data, f.outputs[0]!.values)).toBeLessThanOrEqual(1e-5);
  });

  for (const name of ['k2_list_nodes', 'merges', 'lstm_return_state', 'shared_dense']) {
    it(`${name}: every dialect writes layer_names with the input layers and loads back the same model`, async () => {
      const f = fx(name);
      const model = modelFromJSON(f.model_json, { expect: 'Functional' });
      model.setWeights(f.weights.map(t));
      const xs = f.inputs.map(t);
      const ys = model.predictOutputs(xs);
      for (const dialect of ['keras-2', 'keras-2.0', 'keras-3'] as const) {
        const bytes = await modelToH5Bytes(model, { dialect });
        const contents = await readKerasH5(bytes, { fileName: `${name}.h5` });
        expect(contents.weights.layerNames, dialect).toEqual(f.layer_names);
        for (const l of contents.weights.layers) {
          if (model.getLayer(l.name).className === 'InputLayer') expect(l.weightNames, `${dialect} ${l.name}`).toEqual([]);
        }
        const again = await loadModel(bytes, { fileName: `${name}.h5` });
        expect(again).toBeInstanceOf(Functional);
        again.predictOutputs(xs).forEach((y, i) => expect(maxDiff(y.data, ys[i]!.data), `${dialect} output ${i}`).toBe(0));
        ys.forEach((y, i) => expect(maxDiff(y.data, f.outputs[i]!.values)).toBeLessThanOrEqual(1e-5));
      }
    });
  }

  it('weights-only files of a functional model load topologically into a fresh model', async () => {
    const f = fx('shared_nested');
    const model = modelFromJSON(f.model_json, { expect: 'Functional' });
    model.setWeights(f.weights.map(t));
    const bytes = await saveWeights(model, null);
    const fresh = modelFromJSON(f.model_json);
    const report = await loadWeights(fresh, bytes);
    expect(report.matchedLayers.map((m) => m.layer)).toEqual(['s', 'out']);
    expect(maxDiff(fresh.predict(t(f.inputs[0]!)).data, f.outputs[0]!.values)).toBeLessThanOrEqual(1e-5);
  });
});

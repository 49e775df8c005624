/**
 * Files real Keras 3.15.1 wrote (tools/oracle/gen_keras_fixtures.py): `.keras` archives and
 * `.weights.h5` load in kerasts and predict what Keras predicted; compiled archives come back compiled
 * with Keras' optimizer variables and keep training as Keras does; what kerasts writes back has the
 * layout Keras wrote.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import type { H5TreeGroup } from '@kerasts/io-hdf5';
import type { Model } from '@kerasts/model';
import { modelFromJSON } from '@kerasts/io-json';
import type { JsonObject } from '@kerasts/layers';
import { tensor, type Tensor } from '@kerasts/tensor';
import { loadKerasWeights, modelFromKerasArchive, nativeWeightsTree, readKerasArchive, saveKerasModel, saveKerasWeights, loadKerasModelWithInfo } from '../src/index.js';
import { FIXTURES, fixture } from './helpers.js';

interface TensorJson {
  shape: number[];
  values: number[];
}
interface Case {
  name: string;
  class_name: string;
  compiled: boolean;
  input: TensorJson[];
  output: TensorJson;
  layout: Record<string, { shape?: number[]; dtype?: string; name?: string }>;
  train?: { x: TensorJson[]; y: TensorJson; batch_size: number };
  optimizer?: { class_name: string; iterations: number; variables: TensorJson[] };
  resume?: { epochs: number; loss: number[]; weights: TensorJson[]; iterations: number };
}

const index = JSON.parse(readFileSync(join(FIXTURES, 'index.json'), 'utf8')) as { cases: Record<string, unknown> };
const cases = Object.keys(index.cases).map((n) => JSON.parse(readFileSync(join(FIXTURES, `${n}.json`), 'utf8')) as Case);
const t = (j: TensorJson): Tensor => tensor(Float32Array.from(j.values), j.shape);

function maxDelta(a: ArrayLike<number>, b: ArrayLike<number>): number {
  expect(a.length).toBe(b.length);
  let m = 0;
  for (let i = 0; i < a.length; i++) m = Math.max(m, Math.abs(a[i]! - b[i]!));
  return m;
}

function predict(model: Model, c: Case): Tensor {
  const xs = c.input.map(t);
  return model.predict(xs.length === 1 ? xs[0]! : xs);
}

/** The tree as Keras' h5py visit lists it: dataset path → shape, `vars` group → name. */
function layoutOf(root: H5TreeGroup): Record<string, { shape?: number[]; name?: string }> {
  const out: Record<string, { shape?: number[]; name?: string }> = {};
  const walk = (g: H5TreeGroup, path: string) => {
    for (const [k, m] of Object.entries(g.members)) {
      const p = path ? `${path}/${k}` : k;
      if (m.kind === 'dataset') out[p] = { shape: m.shape };
      else {
        const n = m.attrs.name;
        if (n && n.kind === 'strings') out[p] = { name: n.values[0]! };
        walk(m, p);
      }
    }
  };
  walk(root, '');
  return out;
}

function kerasLayout(c: Case): Record<string, { shape?: number[]; name?: string }> {
  return Object.fromEntries(Object.entries(c.layout).map(([k, v]) => [k, v.shape ? { shape: v.shape } : { name: v.name! }]));
}

/** A model with fresh weights from an archive's config.json (what `model_from_json` of it gives). */
async function architectureOf(bytes: Uint8Array): Promise<Model> {
  const { compile_config: _cc, ...arch } = (await readKerasArchive(bytes)).config as JsonObject;
  return modelFromJSON(arch);
}

describe.each(cases)('Keras-written $name', (c) => {
  it('.keras: loads and predicts what Keras predicted (within 1e-5)', async () => {
    const { model, info } = await loadKerasModelWithInfo(fixture(`${c.name}.keras`), { fileName: `${c.name}.keras` });
    expect(model.constructor.name).toBe(c.class_name);
    const d = maxDelta(predict(model, c).data, c.output.values);
    console.log(`keras->kerasts ${c.name}.keras: worst |delta| ${d.toExponential(2)}`);
    expect(d).toBeLessThanOrEqual(1e-5);
    expect(info.report.loaded.length).toBe(model.layers.reduce((n, l) => n + l.weights.length, 0));
    expect(model.isCompiled).toBe(c.compiled);
    if (c.optimizer) {
      expect(info.optimizerRestored).toBe(true);
      const ours = model.getOptimizerVariables('keras3');
      expect(ours.length).toBe(c.optimizer.variables.length);
      ours.forEach((v, i) => expect(maxDelta(v.value.data, c.optimizer!.variables[i]!.values), `optimizer variable ${i} (${v.name})`).toBe(0));
      expect(model.optimizer!.getConfig().class_name).toBe(c.optimizer.class_name);
    }
  });

  it('.weights.h5: loads into the architecture by Keras 3 paths and predicts the same', async () => {
    const fresh = await architectureOf(fixture(`${c.name}.keras`));
    const report = await loadKerasWeights(fresh, fixture(`${c.name}.weights.h5`), { fileName: `${c.name}.weights.h5` });
    expect(report.mode).toBe('topological');
    expect(report.loaded.length).toBe(fresh.layers.reduce((n, l) => n + l.weights.length, 0));
    const d = maxDelta(predict(fresh, c).data, c.output.values);
    console.log(`keras->kerasts ${c.name}.weights.h5: worst |delta| ${d.toExponential(2)}`);
    expect(d).toBeLessThanOrEqual(1e-5);
  });

  it('written back by kerasts: the layout Keras wrote, and the same predictions', async () => {
    const { model } = await loadKerasModelWithInfo(fixture(`${c.name}.keras`));
    expect(layoutOf(nativeWeightsTree(model))).toEqual(kerasLayout(c));
    const bytes = await saveKerasModel(model, null);
    const again = await readKerasArchive(bytes);
    expect(again.entries).toEqual(['metadata.json', 'config.json', 'model.weights.h5']);
    expect(layoutOf(again.weights)).toEqual(kerasLayout(c));
    const { model: m2, info } = modelFromKerasArchive(again);
    expect(maxDelta(predict(m2, c).data, predict(model, c).data)).toBe(0);
    expect(info.optimizerRestored).toBe(c.compiled);
    const w = await saveKerasWeights(model, null);
    const fresh = await architectureOf(bytes);
    await loadKerasWeights(fresh, w);
    expect(maxDelta(predict(fresh, c).data, c.output.values)).toBeLessThanOrEqual(1e-5);
  });

  it.runIf(c.resume !== undefined)('compiled: resumes training as Keras does (further fit within 1e-4)', async () => {
    const { model } = await loadKerasModelWithInfo(fixture(`${c.name}.keras`));
    const xs = c.train!.x.map(t);
    const h = await model.fit(xs.length === 1 ? xs[0]! : xs, t(c.train!.y), { epochs: c.resume!.epochs, batchSize: c.train!.batch_size, shuffle: false, verbose: 0 });
    const lossDelta = Math.max(...h.history.loss!.map((l, i) => Math.abs(l - c.resume!.loss[i]!) / Math.max(1, Math.abs(c.resume!.loss[i]!))));
    const w = model.getWeights();
    const wDelta = Math.max(...w.map((x, i) => maxDelta(x.data, c.resume!.weights[i]!.values)));
    console.log(`resume ${c.name}: max|delta w| ${wDelta.toExponential(2)}, loss rel delta ${lossDelta.toExponential(2)}`);
    expect(wDelta).toBeLessThanOrEqual(1e-4);
    expect(lossDelta).toBeLessThanOrEqual(1e-4);
    const iterations = model.getOptimizerVariables('keras3')[0]!.value.data[0];
    expect(iterations).toBe(c.resume!.iterations);
  });
});

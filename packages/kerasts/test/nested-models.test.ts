// Nested models (a Sequential or Functional used as a layer), against files and numbers real Keras
// 3.15.1 wrote (tools/oracle/gen_nested_fixtures.py): every case loads from its .keras, its legacy .h5,
// its to_json() and its .h5 model_config, predicts what Keras predicted, trains as Keras' fit did
// (frozen base included), and what kerasts writes back has Keras' layout and reads back the same.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { fixturesDir } from '../../../tools/testing/shared.js';
import {
  BatchNormalization,
  ConfigError,
  Dense,
  Functional,
  Input,
  InputLayer,
  ModelLayer,
  Sequential,
  Tensor,
  UnsupportedError,
  applyWeights,
  configToJsonObject,
  loadModel,
  loadModelWithInfo,
  modelFromJSON,
  modelFromYAML,
  toYAML,
  modelToH5Bytes,
  modelToKerasBytes,
  modelToTfjsFiles,
  nativeWeightsTree,
  readKerasH5,
  type H5TreeGroup,
  type Model,
} from '../src/index.js';

const DIR = join(fixturesDir, 'nested');
interface TensorJson {
  shape: number[];
  values: number[];
}
interface Case {
  name: string;
  model_json: Record<string, unknown>;
  model_config_h5: Record<string, unknown>;
  weights: (TensorJson & { name: string })[];
  input: TensorJson | TensorJson[];
  output: TensorJson;
  h5_weight_names: Record<string, string[]>;
  keras_weights_layout: Record<string, number[]>;
  fit?: { epochs: number; batch_size: number; y: TensorJson; losses: number[]; weights_after: (TensorJson & { name: string })[] };
}
const NAMES = ['seq_in_seq', 'func_base_head', 'frozen_base', 'shared_twice', 'func_in_seq', 'masked_nested', 'deep_nesting'];
const cases = NAMES.map((n) => JSON.parse(readFileSync(join(DIR, `${n}.json`), 'utf8')) as Case);
const t = (j: TensorJson): Tensor => new Tensor(Float32Array.from(j.values), j.shape);
const inputOf = (c: Case): Tensor | Tensor[] => (Array.isArray(c.input) ? c.input.map(t) : t(c.input));

function worst(a: ArrayLike<number>, b: ArrayLike<number>): number {
  expect(a.length).toBe(b.length);
  let m = 0;
  for (let i = 0; i < a.length; i++) m = Math.max(m, Math.abs(a[i]! - b[i]!));
  return m;
}

function fromJson(c: Case, json: Record<string, unknown>): Model {
  const m = modelFromJSON(json as never);
  m.setWeights(c.weights.map(t));
  return m;
}

/** Dataset path → shape of an HDF5 tree (Keras' h5py `visititems` over datasets). */
function datasets(g: H5TreeGroup, path = '', out: Record<string, number[]> = {}): Record<string, number[]> {
  for (const [k, m] of Object.entries(g.members)) {
    const p = path ? `${path}/${k}` : k;
    if (m.kind === 'dataset') out[p] = [...m.shape];
    else datasets(m, p, out);
  }
  return out;
}

const quiet = { warn: () => {} };

describe.each(cases)('nested models: Keras-written $name', (c) => {
  const loaders: [string, () => Promise<Model>][] = [
    ['.keras', () => loadModel(join(DIR, `${c.name}.keras`), { compile: false })],
    ['.h5', () => loadModel(join(DIR, `${c.name}.h5`), { compile: false })],
    ['to_json() + weights', async () => fromJson(c, c.model_json)],
    ['.h5 model_config + weights', async () => fromJson(c, c.model_config_h5)],
  ];
  it.each(loaders)('%s: predicts what Keras predicted (within 1e-5)', async (what, load) => {
    const model = await load();
    const d = worst(model.predict(inputOf(c)).data, c.output.values);
    console.log(`nested ${c.name} ${what}: worst |delta| vs Keras ${d.toExponential(2)}`);
    expect(d).toBeLessThanOrEqual(1e-5);
  });

  it('the nested model is one layer whose weights are Keras’ model.weights, in order', async () => {
    const model = await loadModel(join(DIR, `${c.name}.keras`), { compile: false });
    const nested = model.layers.filter((l) => l instanceof ModelLayer);
    expect(nested.length).toBeGreaterThan(0);
    const ours = model.getWeights();
    expect(ours.map((w) => w.shape)).toEqual(c.weights.map((w) => w.shape));
    expect(worst(ours.flatMap((w) => [...w.data]), c.weights.flatMap((w) => w.values))).toBe(0);
  });

  if (c.fit) {
    const fit = c.fit;
    it.each(['.keras', '.h5'])('%s: fit(epochs=2, shuffle=False) gives Keras’ losses and weights (within 1e-5)', async (ext) => {
      const { model } = await loadModelWithInfo(join(DIR, `${c.name}${ext}`), quiet);
      const h = await model.fit(inputOf(c), t(fit.y), { epochs: fit.epochs, batchSize: fit.batch_size, shuffle: false, verbose: 0 });
      const dl = worst(h.history.loss!, fit.losses);
      const ws = model.getWeights();
      const dw = worst(ws.flatMap((w) => [...w.data]), fit.weights_after.flatMap((w) => w.values));
      console.log(`nested ${c.name}${ext} fit: worst |delta loss| ${dl.toExponential(2)}, |delta w| ${dw.toExponential(2)}`);
      expect(dl).toBeLessThanOrEqual(1e-5);
      expect(dw).toBeLessThanOrEqual(1e-5);
    });
  }

  it('kerasts’ .keras has Keras’ model.weights.h5 layout, path for path', async () => {
    const model = await loadModel(join(DIR, `${c.name}.keras`), { compile: false });
    // (Keras saved the compiled model before fitting: its unbuilt optimizer's two variables are left out here)
    const keras = Object.fromEntries(Object.entries(c.keras_weights_layout).filter(([k]) => !k.startsWith('optimizer/')));
    expect(datasets(nativeWeightsTree(model, { includeOptimizer: false }))).toEqual(keras);
  });

  it('kerasts’ legacy .h5 has Keras’ groups and weight counts per group; it reads back the same', async () => {
    const model = await loadModel(join(DIR, `${c.name}.h5`), { compile: false });
    const warnings: string[] = [];
    const bytes = await modelToH5Bytes(model, { warn: (m) => warnings.push(m) });
    // a nested Functional called in a functional graph: written keras-3, which Keras 3 reads (see below)
    expect(warnings.length).toBe(['func_base_head', 'frozen_base'].includes(c.name) ? 1 : 0);
    const contents = await readKerasH5(bytes);
    const groups = Object.fromEntries(contents.weights.layers.filter((l) => l.weightNames.length > 0).map((l) => [l.name, l.weightNames.length]));
    const keras = Object.fromEntries(Object.entries(c.h5_weight_names).filter(([, v]) => v.length > 0).map(([k, v]) => [k, v.length]));
    expect(groups).toEqual(keras);
    const back = await loadModel(bytes, { compile: false });
    expect(worst(back.predict(inputOf(c)).data, c.output.values)).toBeLessThanOrEqual(1e-5);
  });

  it.each(['keras-3', 'keras-2', 'keras-2.0'] as const)('the %s dialect writes it and reads it back the same', async (dialect) => {
    const model = await loadModel(join(DIR, `${c.name}.keras`), { compile: false });
    const json = configToJsonObject(model.toConfig(), { dialect, warn: () => {} });
    const back = modelFromJSON(json);
    back.setWeights(model.getWeights());
    expect(worst(back.predict(inputOf(c)).data, c.output.values)).toBeLessThanOrEqual(1e-5);
    const nestedNames = (m: Model) => m.layers.filter((l) => l instanceof ModelLayer).map((l) => l.name);
    // Keras 2.0's list-form Sequential config has no name (K2.0.8 Sequential.get_config): a nested one gets a new name
    if (dialect === 'keras-2.0') expect(nestedNames(back).length).toBe(nestedNames(model).length);
    else expect(nestedNames(back)).toEqual(nestedNames(model));
  });

  it('YAML (PyYAML style, keras-2 dialect) writes it and reads it back the same', async () => {
    const model = await loadModel(join(DIR, `${c.name}.keras`), { compile: false });
    const back = modelFromYAML(toYAML(model, { dialect: 'keras-2', warn: () => {} }));
    back.setWeights(model.getWeights());
    expect(worst(back.predict(inputOf(c)).data, c.output.values)).toBeLessThanOrEqual(1e-5);
  });

  it('the .keras kerasts writes loads back and predicts the same', async () => {
    const model = await loadModel(join(DIR, `${c.name}.keras`), { compile: false });
    const back = await loadModel(await modelToKerasBytes(model), { compile: false });
    expect(worst(back.predict(inputOf(c)).data, c.output.values)).toBeLessThanOrEqual(1e-5);
  });
});

describe('nested models in the Keras 2 dialects: node numbering as Keras 2 and tf.keras wrote it', () => {
  const refsTo = (json: unknown, layer: string): number[] => {
    const out: number[] = [];
    const walk = (v: unknown): void => {
      if (Array.isArray(v)) {
        if (v.length >= 3 && v[0] === layer && typeof v[1] === 'number') out.push(v[1]);
        else v.forEach(walk);
      } else if (v && typeof v === 'object') Object.values(v).forEach(walk);
    };
    walk(json);
    return out;
  };
  it('a nested Functional is called as node 1 (after its own node) in keras-2 / keras-2.0, node 0 in keras-3; each reads back', async () => {
    const model = await loadModel(join(DIR, 'func_base_head.keras'), { compile: false });
    const c = cases.find((x) => x.name === 'func_base_head')!;
    const notes: string[] = [];
    for (const [dialect, node] of [['keras-2', 1], ['keras-2.0', 1], ['keras-3', 0]] as const) {
      const json = configToJsonObject(model.toConfig(), { dialect, warn: (m) => notes.push(m) });
      expect(refsTo((json.config as { layers: unknown[] }).layers.slice(2), 'base'), dialect).toEqual([node]);
      const back = modelFromJSON(json);
      back.setWeights(model.getWeights());
      expect(worst(back.predict(t(c.input as TensorJson)).data, c.output.values)).toBeLessThanOrEqual(1e-5);
    }
    expect(notes.join('\n')).toMatch(/nested functional model\(s\) "base" .* Keras 3 cannot: write the keras-3 dialect/);
  });
  it('a nested Sequential called twice in a graph keeps node 0 and 1 in keras-2 (written without its InputLayer, as tf.keras then numbers it)', async () => {
    const model = await loadModel(join(DIR, 'shared_twice.keras'), { compile: false });
    const json = configToJsonObject(model.toConfig(), { dialect: 'keras-2' });
    const layers = (json.config as { layers: { class_name: string; config: { layers?: { class_name: string }[] } }[] }).layers;
    expect(refsTo(layers.filter((l) => l.class_name !== 'Sequential'), 'encoder').sort()).toEqual([0, 1]);
    expect(layers.find((l) => l.class_name === 'Sequential')!.config.layers!.map((l) => l.class_name)).toEqual(['Dense', 'Dense']);
  });
  it('a reference to a nested model’s own node in a Keras 2 config is refused with its path', async () => {
    const model = await loadModel(join(DIR, 'func_base_head.keras'), { compile: false });
    const json = JSON.parse(JSON.stringify(configToJsonObject(model.toConfig(), { dialect: 'keras-2', warn: () => {} })).replace('["base",1,0,{}]', '["base",0,0,{}]'));
    expect(() => modelFromJSON(json)).toThrow(/config: refers to node 0 of nested model "base", its own Input-to-output node/);
  });
});

describe('nested models built in TypeScript', () => {
  const c = cases.find((x) => x.name === 'seq_in_seq')!;
  it('new Sequential([inner, Dense]) computes what Keras’ Sequential([keras.Sequential([...]), Dense]) did', () => {
    const inner = new Sequential([new Dense(4, { activation: 'relu' }), new BatchNormalization(), new Dense(3, { activation: 'tanh' })], { name: 'block' });
    const outer = new Sequential([new InputLayer({ shape: [5] }), inner, new Dense(2)], { name: 'outer' });
    outer.setWeights(c.weights.map(t));
    expect(worst(outer.predict(t(c.input as TensorJson)).data, c.output.values)).toBeLessThanOrEqual(1e-5);
    expect(outer.getLayer('block')).toBe(inner.asLayer());
  });

  it('a base called on an Input, frozen with base.trainable = false: its layers are frozen, its weights leave the trainable list', () => {
    const x = Input({ shape: [4] });
    const base = new Functional(x, new Dense(3).apply(new BatchNormalization().apply(x)), { name: 'base' });
    const inp = Input({ shape: [4] });
    const model = new Functional(inp, new Dense(1).apply(base.apply(inp)));
    expect(model.trainableWeights.length).toBe(2 + 2 + 2);
    base.trainable = false;
    expect(base.layers.every((l) => l.trainable === false)).toBe(true);
    expect(model.trainableWeights.length).toBe(2);
    expect(model.getLayer('base').trainable).toBe(false);
  });

  it('calling one model twice shares its weights (one layer, two calls)', () => {
    const enc = new Sequential([new InputLayer({ shape: [2] }), new Dense(3)], { name: 'enc' });
    const a = Input({ shape: [2] });
    const b = Input({ shape: [2] });
    const m = new Functional([a, b], [enc.apply(a), enc.apply(b)]);
    expect(m.layers.filter((l) => l instanceof ModelLayer).length).toBe(1);
    const x = new Tensor(Float32Array.from([1, 2, 3, 4]), [2, 2]);
    const [ya, yb] = m.predictOutputs([x, x]);
    expect([...ya!.data]).toEqual([...yb!.data]);
  });

  it('refuses, by name, a nested model with two inputs', () => {
    const a = Input({ shape: [2] });
    const b = Input({ shape: [2] });
    const two = new Functional([a, b], new Dense(1).apply(a), { name: 'two_in' });
    expect(() => new Sequential([two])).toThrow(UnsupportedError);
    expect(() => new Sequential([two])).toThrow(/"two_in" has 2 input/);
  });

  it('TensorFlow.js output refuses a nested model by name (typed error)', async () => {
    const model = await loadModel(join(DIR, 'seq_in_seq.keras'), { compile: false });
    expect(() => modelToTfjsFiles(model)).toThrow(UnsupportedError);
    expect(() => modelToTfjsFiles(model)).toThrow(/layer "block" \(Sequential\): a nested model/);
  });

  it('refuses a two-output nested model in a file with the position of its entry', () => {
    const a = Input({ shape: [2] });
    const two = new Functional(a, [new Dense(1).apply(a), new Dense(2).apply(a)], { name: 'two_out' });
    const outer = new Sequential([new InputLayer({ shape: [2] }), new Dense(2)]);
    const json = configToJsonObject(outer.toConfig(), { dialect: 'keras-3' }) as { config: { layers: unknown[] } };
    json.config.layers.splice(1, 0, configToJsonObject(two.toConfig(), { dialect: 'keras-3', includeVersion: false }));
    expect(() => modelFromJSON(json as never)).toThrow(UnsupportedError);
    expect(() => modelFromJSON(json as never)).toThrow(/^layers\[1\]: .*"two_out" has 1 input\(s\) and 2 output\(s\)/);
  });

  it('a model cannot contain itself', () => {
    const s = new Sequential([new Dense(1)], { name: 'selfish' });
    expect(() => s.add(s)).toThrow(ConfigError);
  });

  it('by-name transfer reaches a nested model as one layer (Keras’ load_weights(by_name=True))', async () => {
    const src = await loadModel(join(DIR, 'seq_in_seq.keras'), { compile: false });
    const dst = await loadModel(join(DIR, 'seq_in_seq.keras'), { compile: false });
    dst.setWeights(dst.getWeights().map((w) => new Tensor(new Float32Array(w.size), w.shape)));
    const report = applyWeights(dst, src.getWeightTable(), { byName: true });
    expect(report.matchedLayers.map((m) => m.layer)).toContain('block');
    expect(worst(dst.predict(t(c.input as TensorJson)).data, c.output.values)).toBeLessThanOrEqual(1e-5);
  });
});

// Functional models against real Keras 3.15.1 (tools/oracle/fixtures/functional, written by
// tools/oracle/gen_functional_fixtures.py): predictions within 1e-5 from every config form Keras
// writes (to_json, the legacy .h5 model_config, hand-written Keras 2 and Keras 1 configs), every
// dialect we write rebuilds the same predictions, and broken graphs fail with the JSON path.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { Functional, Sequential } from '@kerasts/model';
import { ConfigError, UnsupportedError, type Tensor } from '@kerasts/tensor';
import type { JsonObject, JsonValue } from '@kerasts/layers';
import { ArchitectureValidationError, modelFromJSON, parseModelConfig, toJSON } from '../src/index.js';
import { itShared, maxAbsDiff, realFilesDir, repoRoot, samplesDir, seedPath, toTensor, type FixtureArray } from './helpers.js';

const dir = join(repoRoot, 'tools', 'oracle', 'fixtures', 'functional');
interface FunctionalFixture {
  name: string;
  keras_version: string;
  reference: string;
  model_json: JsonObject;
  model_config_h5?: JsonObject;
  layer_names: string[];
  weights: (FixtureArray & { name: string })[];
  inputs: FixtureArray[];
  outputs: FixtureArray[];
}
const names = (JSON.parse(readFileSync(join(dir, 'index.json'), 'utf8')) as { cases: string[] }).cases;
const load = (n: string): FunctionalFixture => JSON.parse(readFileSync(join(dir, `${n}.json`), 'utf8')) as FunctionalFixture;

function worst(ys: Tensor[], refs: FixtureArray[]): number {
  expect(ys.length).toBe(refs.length);
  return Math.max(...ys.map((y, i) => {
    expect([...y.shape]).toEqual(refs[i]!.shape);
    return maxAbsDiff(y.data, refs[i]!.values);
  }));
}

function build(fx: FunctionalFixture, json: JsonValue = fx.model_json, kerasVersion?: string): Functional {
  const model = modelFromJSON(json, { expect: 'Functional', ...(kerasVersion ? { kerasVersion } : {}) });
  model.setWeights(fx.weights.map(toTensor));
  return model;
}

const diffs: Record<string, number> = {};

describe('functional models predict what Keras 3.15.1 predicts', () => {
  it('has the functional fixture grid', () => {
    expect(names.length).toBeGreaterThanOrEqual(15);
  });
  for (const name of names) {
    it(name, () => {
      const fx = load(name);
      const model = build(fx);
      expect(model).toBeInstanceOf(Functional);
      expect(model.layers.map((l) => l.name)).toEqual(fx.layer_names);
      expect(model.getWeights().map((w) => [...w.shape])).toEqual(fx.weights.map((w) => w.shape));
      const d = worst(model.predictOutputs(fx.inputs.map(toTensor)), fx.outputs);
      diffs[name] = d;
      expect(d).toBeLessThanOrEqual(1e-5);
      // Batches of one give the same numbers (multi-input slicing).
      const d1 = worst(model.predictOutputs(fx.inputs.map(toTensor), { batchSize: 1 }), fx.outputs);
      expect(d1).toBeLessThanOrEqual(1e-5);
    });
  }
  it('reports the worst difference', () => {
    const w = Math.max(...Object.values(diffs));
    console.log(`functional fixtures: ${Object.keys(diffs).length} cases, worst max|diff| vs Keras = ${w.toExponential(2)}`);
    expect(w).toBeLessThanOrEqual(1e-5);
  });
});

describe('the legacy .h5 model_config of the same models', () => {
  for (const name of names) {
    const fx = load(name);
    if (!fx.model_config_h5) continue;
    it(name, () => {
      const model = build(fx, fx.model_config_h5, fx.keras_version);
      expect(model.layers.map((l) => l.name)).toEqual(fx.layer_names);
      expect(worst(model.predictOutputs(fx.inputs.map(toTensor)), fx.outputs)).toBeLessThanOrEqual(1e-5);
    });
  }
});

describe('every dialect we write rebuilds a model that predicts the same', () => {
  for (const name of names) {
    it(name, () => {
      const fx = load(name);
      const model = build(fx);
      const xs = fx.inputs.map(toTensor);
      const ys = model.predictOutputs(xs);
      for (const dialect of ['keras-2', 'keras-2.0', 'keras-3'] as const) {
        const json = toJSON(model, { dialect });
        const again = modelFromJSON(json, { expect: 'Functional' });
        expect(again.layers.map((l) => l.name), dialect).toEqual(fx.layer_names);
        again.setWeights(model.getWeights());
        const ys2 = again.predictOutputs(xs);
        ys.forEach((y, i) => expect(maxAbsDiff(ys2[i]!.data, y.data), `${dialect} output ${i}`).toBe(0));
        // And the JSON round trip is stable: writing the reloaded model gives the same text.
        expect(toJSON(again, { dialect }), dialect).toBe(json);
      }
    });
  }
});

describe('reading every form', () => {
  it('recognises the dialects', () => {
    expect(parseModelConfig(load('two_inputs_concat').model_json).dialect).toBe('keras-3');
    expect(parseModelConfig(load('k2_list_nodes').model_json).dialect).toBe('keras-2');
    expect(parseModelConfig(load('k1_merge_modes').model_json).dialect).toBe('keras-1');
    const k1 = parseModelConfig(load('k1_merge_modes').model_json).config;
    expect(k1.className).toBe('Functional');
    expect(k1.layers.map((l) => l.className)).toEqual(['InputLayer', 'InputLayer', 'Dense', 'Dense', 'Add', 'Concatenate', 'Dense']);
  });

  it('reads the Keras 3 samples: func_to_json.json', () => {
    const model = modelFromJSON(readFileSync(join(samplesDir, 'func_to_json.json'), 'utf8'));
    expect(model).toBeInstanceOf(Functional);
    expect(model.layers.map((l) => `${l.name}:${l.className}`)).toEqual(['inp:InputLayer', 'lstm_a:LSTM', 'drop:Dropout', 'out:Dense']);
    expect(model.inputShapes).toEqual([[null, 1, 8]]);
    const cfg = (model as Functional).toConfig();
    expect(cfg.layers[1]!.inboundNodes[0]!.kwargs).toEqual({ training: false, mask: null });
  });

  itShared('reads the real Keras 2.0.0 "Model" architecture (k200_hls4ml)', () => {
    const text = readFileSync(join(realFilesDir ?? '', 'k200_hls4ml_3layer_dense_weights.arch.json'), 'utf8');
    const model = modelFromJSON(text);
    expect(model).toBeInstanceOf(Functional);
    expect(model.layers[0]!.className).toBe('InputLayer');
    expect(model.outputShapes).toEqual([[null, 5]]);
  });

  it('a single ref, a list, a dict, and tf.keras nesting for input_layers', () => {
    const fx = load('chain_explicit_input');
    const cfg = structuredClone(fx.model_json) as { config: JsonObject };
    for (const form of [['x', 0, 0], [['x', 0, 0]], { only: ['x', 0, 0] }, [[['x', 0, 0]]]] as JsonValue[]) {
      cfg.config.input_layers = form;
      expect(parseModelConfig(cfg as unknown as JsonValue).config).toMatchObject({ inputLayers: [{ layer: 'x', nodeIndex: 0, tensorIndex: 0 }] });
    }
  });

  it('keeps Sequential-specific typing with expect', () => {
    const seed = readFileSync(seedPath, 'utf8');
    const s: Sequential = modelFromJSON(seed, { expect: 'Sequential' });
    expect(s).toBeInstanceOf(Sequential);
    expect(() => modelFromJSON(seed, { expect: 'Functional', source: 'seed.json' })).toThrow(/seed\.json: expected a Functional model/);
  });
});

describe('the dialects we write', () => {
  const model = build(load('two_inputs_concat'));
  it('keras-2: module keras, class Model, Keras 2 list nodes', () => {
    const out = JSON.parse(toJSON(model)) as JsonObject & { config: JsonObject & { layers: JsonObject[] } };
    expect(out.module).toBe('keras');
    expect(out.class_name).toBe('Model');
    expect(out.config.input_layers).toEqual([['a', 0, 0], ['b', 0, 0]]);
    expect(out.config.layers[0]).toEqual({ name: 'a', class_name: 'InputLayer', config: { batch_input_shape: [null, 3], dtype: 'float32', sparse: false, name: 'a' }, inbound_nodes: [] });
    expect(out.config.layers[2]!.inbound_nodes).toEqual([[['a', 0, 0, {}], ['b', 0, 0, {}]]]);
  });
  it('keras-2.0: class Model with a Keras 2 version', () => {
    const out = JSON.parse(toJSON(model, { dialect: 'keras-2.0' })) as JsonObject;
    expect(out.class_name).toBe('Model');
    expect(out.module).toBeUndefined();
    expect(out.keras_version).toBe('2.0.8');
  });
  it('keras-3: native Functional, __keras_tensor__ nodes, a single output flat', () => {
    const out = JSON.parse(toJSON(model, { dialect: 'keras-3' })) as JsonObject & { config: JsonObject & { layers: JsonObject[] } };
    expect(out).toMatchObject({ module: 'keras.src.models.functional', class_name: 'Functional', registered_name: 'Functional' });
    expect(out.config.output_layers).toEqual(['d', 0, 0]);
    expect(out.config.layers[2]!.inbound_nodes).toEqual([
      {
        args: [[
          { class_name: '__keras_tensor__', config: { shape: [null, 3], dtype: 'float32', keras_history: ['a', 0, 0] } },
          { class_name: '__keras_tensor__', config: { shape: [null, 2], dtype: 'float32', keras_history: ['b', 0, 0] } },
        ]],
        kwargs: {},
      },
    ]);
  });
  it('keras-3 from a Keras 2 config (no recorded shapes) infers the tensor shapes', () => {
    const parsed = parseModelConfig(load('k2_list_nodes').model_json);
    expect(parsed.config.className).toBe('Functional');
    const again = modelFromJSON(toJSON(build(load('k2_list_nodes')), { dialect: 'keras-3' }));
    expect(again.layers.map((l) => l.name)).toEqual(load('k2_list_nodes').layer_names);
  });
});

describe('broken graphs fail with the layer and the JSON path', () => {
  const base = (): { config: { layers: JsonObject[]; input_layers: JsonValue; output_layers: JsonValue } } =>
    structuredClone(load('k2_list_nodes').model_json) as never;

  it('a reference to a layer that does not exist', () => {
    const cfg = base();
    cfg.config.layers[7]!.inbound_nodes = [[['nope', 0, 0, {}]]];
    expect(() => modelFromJSON(cfg as never, { source: 'm.json' })).toThrow(ConfigError);
    expect(() => modelFromJSON(cfg as never, { source: 'm.json' })).toThrow(/m\.json: config\.layers\[7\]\.inbound_nodes\[0\]\[0\]: refers to layer "nope"/);
  });
  it('a call that never happens (node index out of range)', () => {
    const cfg = base();
    cfg.config.layers[7]!.inbound_nodes = [[['concatenate_1', 3, 0, {}]]];
    expect(() => modelFromJSON(cfg as never)).toThrow(/cannot resolve "out_a" call #0/);
  });
  it('a tensor index a layer does not have', () => {
    const cfg = base();
    cfg.config.layers[7]!.inbound_nodes = [[['concatenate_1', 0, 2, {}]]];
    expect(() => modelFromJSON(cfg as never)).toThrow(/config\.layers\[7\]\.inbound_nodes\[0\]\[0\]: layer "concatenate_1" call #0 has 1 output\(s\); tensor index 2/);
  });
  it('incompatible merge shapes name the layer', () => {
    const cfg = base();
    cfg.config.layers[5]!.inbound_nodes = [[['shared', 0, 0, {}], ['vec_in', 0, 0, {}]]];
    expect(() => modelFromJSON(cfg as never)).toThrow(/config\.layers\[5\]\.inbound_nodes\[0\]: .*"add_1" \(Add\) cannot merge inputs of shapes \(None, 4\), \(None, 5\)/);
  });
  it('missing input_layers is a schema error naming the key', () => {
    const cfg = base() as unknown as { config: JsonObject };
    delete cfg.config.input_layers;
    expect(() => modelFromJSON(cfg as never)).toThrow(ArchitectureValidationError);
    expect(() => modelFromJSON(cfg as never)).toThrow(/config: missing required key "input_layers"/);
  });
  it('an output that the inputs cannot compute (graph disconnected)', () => {
    const cfg = base();
    cfg.config.input_layers = [['seq_in', 0, 0]];
    expect(() => modelFromJSON(cfg as never)).toThrow(/graph disconnected: input layer "vec_in"/);
  });
  it('tf.keras constant arguments and tensor kwargs are refused by name', () => {
    const cfg = base();
    cfg.config.layers[7]!.inbound_nodes = [[['_CONSTANT_VALUE', -1, 3, {}]]];
    expect(() => modelFromJSON(cfg as never)).toThrow(UnsupportedError);
    const cfg2 = base();
    cfg2.config.layers[2]!.inbound_nodes = [[['seq_in', 0, 0, { constants: [['dense_1', 0, 0]] }]]];
    expect(() => modelFromJSON(cfg2 as never)).toThrow(/layer "lstm_1" is called with a tensor as keyword argument "constants"/);
    // tf.keras' initial_state refs are read as Keras 2's extra inbound tensors, and written back per dialect
    const cfg3 = base();
    cfg3.config.layers[2]!.inbound_nodes = [[['seq_in', 0, 0, { initial_state: [['dense_1', 0, 0], ['dense_1', 0, 0]] }]]];
    const m3 = modelFromJSON(cfg3 as never);
    const spec = m3.toConfig().layers.find((l) => l.name === 'lstm_1') as { inboundNodes: { inputs: { layer: string }[] }[] };
    expect(spec.inboundNodes[0]!.inputs.map((r) => r.layer)).toEqual(['seq_in', 'dense_1', 'dense_1']);
    const k3 = JSON.parse(toJSON(m3, { dialect: 'keras-3' })) as { config: { layers: JsonObject[] } };
    const node3 = (k3.config.layers.find((l) => l.name === 'lstm_1')!.inbound_nodes as JsonObject[])[0]!;
    expect((node3.args as JsonValue[]).length).toBe(1);
    expect(((node3.kwargs as JsonObject).initial_state as JsonObject[]).map((t) => ((t.config as JsonObject).keras_history as JsonValue[])[0])).toEqual(['dense_1', 'dense_1']);
    const warnings: string[] = [];
    const k2 = JSON.parse(toJSON(m3, { dialect: 'keras-2', warn: (w) => warnings.push(w) })) as { config: { layers: JsonObject[] } };
    // Keras 3 reads initial states only from its own node form: writing keras-2 says so.
    expect(warnings.join(' ')).toMatch(/"lstm_1" take initial states .* Keras 3 cannot: write the keras-3 dialect/);
    expect(k2.config.layers.find((l) => l.name === 'lstm_1')!.inbound_nodes).toEqual([[['seq_in', 0, 0, {}], ['dense_1', 0, 0, {}], ['dense_1', 0, 0, {}]]]);
    // states of the wrong size are refused, naming the layer
    const cfg4 = base();
    cfg4.config.layers[2]!.inbound_nodes = [[['seq_in', 0, 0, {}], ['vec_in', 0, 0, {}], ['vec_in', 0, 0, {}]]];
    expect(() => modelFromJSON(cfg4 as never)).toThrow(/initial state 0 of layer "lstm_1"/);
  });
  it('Keras 3 kwargs tensors other than initial_state and mask are refused with their path', () => {
    const fx = load('lstm_seq_lstm');
    const cfg = structuredClone(fx.model_json) as { config: { layers: JsonObject[] } };
    const node = (cfg.config.layers[2]!.inbound_nodes as JsonObject[])[0]!;
    node.kwargs = { constants: [(node.args as JsonValue[])[0]!] };
    expect(() => modelFromJSON(cfg as never)).toThrow(/config\.layers\[2\]\.inbound_nodes\[0\]\.kwargs\.constants/);
    // initial_state with a tensor that is not a state: refused when the graph is built, naming the layer
    node.kwargs = { initial_state: [(node.args as JsonValue[])[0]!] };
    expect(() => modelFromJSON(cfg as never)).toThrow(/config\.layers\[2\]\.inbound_nodes\[0\].*state/);
  });
  it('a nested model entry that is no model, and Keras 1 merge modes without an equivalent', () => {
    const cfg = base();
    // a Dense's config under class "Model": read as a nested model, it lacks the model's keys
    cfg.config.layers[3]!.class_name = 'Model';
    expect(() => modelFromJSON(cfg as never)).toThrow(/config\.layers\[3\]: invalid Keras architecture config[^]*missing required key "layers"/);
    const k1 = structuredClone(load('k1_merge_modes').model_json) as { config: { layers: JsonObject[] } };
    (k1.config.layers[4]!.config as JsonObject).mode = 'cos';
    expect(() => modelFromJSON(k1 as never)).toThrow(/Keras 1 Merge layer "merge_1" with mode "cos"/);
  });
  it('duplicate layer names', () => {
    const cfg = base();
    cfg.config.layers[8]!.name = 'out_a';
    (cfg.config.layers[8]!.config as JsonObject).name = 'out_a';
    expect(() => modelFromJSON(cfg as never)).toThrow(/config\.layers\[8\]: two layers are named "out_a"/);
  });
});

// Interop suite, TypeScript side: build models with kerasts, predict, and write each one as a case
// (our JSON in a dialect, our weights, the input and OUR output) for tools/oracle/interop_check.py,
// which loads them into real Keras 3.15.1 and checks that Keras predicts the same numbers.
import { mkdirSync, readFileSync, writeFileSync, readdirSync, existsSync } from 'node:fs';
import { join, dirname } from 'node:path';
import { fileURLToPath } from 'node:url';
import { tensor, Tensor, Random, UnsupportedError } from '@kerasts/tensor';
import { LSTM, GRU, SimpleRNN, Dense, Dropout, Activation, setRandomSeed, clearSession, Input, Concatenate, Add, Subtract, Multiply, Average, Maximum, Minimum } from '@kerasts/layers';
import { Sequential, Functional } from '@kerasts/model';
import { toJSON, modelFromJSON, numericsNotes, graphNotes } from '@kerasts/io-json';
import { modelFromYAML, toYAML } from '@kerasts/io-yaml';

const here = dirname(fileURLToPath(import.meta.url));
const outDir = process.argv[2] ?? join(here, 'out');
mkdirSync(outDir, { recursive: true });
const fixturesDir = join(here, '..', 'oracle', 'fixtures', 'predict');

let count = 0;
function writeCase(name, model, input, dialect) {
  const json = toJSON(model, { dialect, numerics: 'ignore' });
  // Round trip through our own reader too: what we write must rebuild the same model here.
  const again = modelFromJSON(json);
  again.setWeights(model.getWeights());
  const y = model.predict(input);
  const y2 = again.predict(input);
  for (let i = 0; i < y.size; i++) {
    if (Math.abs(y.data[i] - y2.data[i]) > 0) throw new Error(`${name}: our own reload of the ${dialect} JSON predicts differently`);
  }
  const c = {
    name: `${name}__${dialect}`,
    json,
    weights: model.getWeights().map((w, i) => ({ name: `w${i}`, shape: [...w.shape], values: Array.from(w.data) })),
    input: { shape: [...input.shape], values: Array.from(input.data) },
    output: { shape: [...y.shape], values: Array.from(y.data) },
  };
  writeFileSync(join(outDir, `${c.name}.case.json`), JSON.stringify(c));
  count++;
}

// 1. Every Keras-3 fixture: Keras' JSON -> kerasts -> our JSON (each dialect Keras 3 loads) -> Keras.
const index = JSON.parse(readFileSync(join(fixturesDir, 'index.json'), 'utf8'));
const names = Array.isArray(index) ? index : index.cases ?? Object.keys(index);
for (const entry of names) {
  const name = typeof entry === 'string' ? entry : entry.name;
  const fx = JSON.parse(readFileSync(join(fixturesDir, `${name}.json`), 'utf8'));
  if (fx.reference !== 'keras-3.15.1') continue;
  const model = modelFromJSON(fx.model_json);
  model.setWeights(fx.weights.map((w) => tensor(Float32Array.from(w.values), w.shape)));
  const x = tensor(Float32Array.from(fx.input.values), fx.input.shape);
  writeCase(name, model, x, 'keras-2');
  writeCase(name, model, x, 'keras-3');
}

// 1b. The normalization / preprocessing / reshaping fixtures (tools/oracle/fixtures/norm/predict), in
//     every dialect Keras 3 loads that can express them (the others are refused by toJSON).
const normDir = join(here, '..', 'oracle', 'fixtures', 'norm', 'predict');
for (const name of JSON.parse(readFileSync(join(normDir, 'index.json'), 'utf8')).cases) {
  const fx = JSON.parse(readFileSync(join(normDir, `${name}.json`), 'utf8'));
  const model = modelFromJSON(fx.model_json);
  model.setWeights(fx.weights.map((w) => tensor(Float32Array.from(w.values), w.shape)));
  const x = tensor(Float32Array.from(fx.input.values), fx.input.shape);
  for (const dialect of ['keras-2', 'keras-3']) {
    if (numericsNotes(model.toConfig(), dialect).length === 0) writeCase(`norm_${name}`, model, x, dialect);
  }
}

// 2. Models made in kerasts from scratch (seeded initializers), through JSON and through YAML.
function randomInput(rng, shape) {
  const n = shape.reduce((a, b) => a * b, 1);
  return tensor(rng.fill(new Float32Array(n), () => rng.uniformRange(-2, 2)), shape);
}
const rng = new Random(7);
clearSession();
setRandomSeed(42);
const builders = {
  seed_ts: () => new Sequential({ layers: [new LSTM({ units: 4, inputShape: [1, 8] }), new Dense({ units: 1 })] }),
  stacked_ts: () =>
    new Sequential({
      layers: [
        new LSTM({ units: 6, inputShape: [5, 3], returnSequences: true, recurrentActivation: 'hard_sigmoid' }),
        new Dropout({ rate: 0.3 }),
        new LSTM({ units: 5, goBackwards: true, activation: 'relu' }),
        new Dense({ units: 3, activation: 'softmax' }),
      ],
    }),
  gru_simple_ts: () =>
    new Sequential({
      layers: [
        new GRU({ units: 6, inputShape: [5, 3], returnSequences: true }),
        new SimpleRNN({ units: 5, returnSequences: true, goBackwards: true, activation: 'relu' }),
        new GRU({ units: 4, resetAfter: false, recurrentActivation: 'hard_sigmoid', returnSequences: true }),
        new SimpleRNN({ units: 3, useBias: false }),
        new Dense({ units: 2 }),
      ],
    }),
  mlp_ts: () =>
    new Sequential({
      layers: [new Dense({ units: 7, inputShape: [4], activation: 'gelu' }), new Activation({ activation: 'swish' }), new Dense({ units: 2, activation: 'tanh', useBias: false })],
    }),
};
for (const [name, make] of Object.entries(builders)) {
  const model = make();
  const x = randomInput(rng, [3, ...model.inputShapes[0].slice(1)]);
  writeCase(name, model, x, 'keras-2');
  writeCase(name, model, x, 'keras-3');
  // YAML round trip must give the same model as well.
  const fromYaml = modelFromYAML(toYAML(model));
  fromYaml.setWeights(model.getWeights());
  const a = model.predict(x), b = fromYaml.predict(x);
  if (a.data.some((v, i) => v !== b.data[i])) throw new Error(`${name}: YAML round trip predicts differently`);
}
// 3. Functional models (several inputs/outputs, shared layers, merges): our JSON in each dialect,
//    every input and every output. keras-2.0 JSON has no "module", so Keras 3 reads it with the
//    legacy loader (what load_model('x.h5') does with a model_config).
function writeFunctionalCase(name, model, inputs, dialect) {
  // A dialect that cannot express the model's hard_sigmoid is refused by toJSON; nothing to check.
  if (dialect === 'keras-2.0' && numericsNotes(model.toConfig(), dialect).length) return;
  const json = toJSON(model, { dialect, numerics: 'ignore' });
  const again = modelFromJSON(json);
  again.setWeights(model.getWeights());
  const ys = model.predictOutputs(inputs);
  const ys2 = again.predictOutputs(inputs);
  ys.forEach((y, k) => {
    for (let i = 0; i < y.size; i++) {
      if (Math.abs(y.data[i] - ys2[k].data[i]) > 0) throw new Error(`${name}: our own reload of the ${dialect} JSON predicts differently (output ${k})`);
    }
  });
  const c = {
    name: `${name}__${dialect}`,
    json,
    ...(dialect === 'keras-2.0' ? { loader: 'legacy_model_config' } : {}),
    weights: model.getWeights().map((w, i) => ({ name: `w${i}`, shape: [...w.shape], values: Array.from(w.data) })),
    inputs: inputs.map((x) => ({ shape: [...x.shape], values: Array.from(x.data) })),
    outputs: ys.map((y) => ({ shape: [...y.shape], values: Array.from(y.data) })),
  };
  writeFileSync(join(outDir, `${c.name}.case.json`), JSON.stringify(c));
  count++;
}
const functionalDir = join(here, '..', 'oracle', 'fixtures', 'functional');
for (const name of JSON.parse(readFileSync(join(functionalDir, 'index.json'), 'utf8')).cases) {
  const fx = JSON.parse(readFileSync(join(functionalDir, `${name}.json`), 'utf8'));
  const model = modelFromJSON(fx.model_json, { kerasVersion: fx.keras_version });
  model.setWeights(fx.weights.map((w) => tensor(Float32Array.from(w.values), w.shape)));
  const xs = fx.inputs.map((a) => tensor(Float32Array.from(a.values), a.shape));
  for (const dialect of ['keras-2', 'keras-3', 'keras-2.0']) writeFunctionalCase(`func_${name}`, model, xs, dialect);
}
clearSession();
setRandomSeed(11);
const functionalBuilders = {
  // The tutorial's seed model as a graph.
  func_seed_ts: () => {
    const inp = Input({ shape: [1, 8] });
    return new Functional({ inputs: inp, outputs: new Dense({ units: 1 }).apply(new LSTM({ units: 4 }).apply(inp)) });
  },
  // A siamese LSTM: one LSTM shared by two sequences, then |a - b|-like features and two heads.
  func_siamese_ts: () => {
    const a = Input({ shape: [5, 3], name: 'left' });
    const b = Input({ shape: [5, 3], name: 'right' });
    const enc = new LSTM({ units: 6, recurrentActivation: 'hard_sigmoid', name: 'encoder' });
    const [ea, eb] = [enc.apply(a), enc.apply(b)];
    const feats = new Concatenate({ name: 'feats' }).apply([
      new Subtract().apply([ea, eb]),
      new Multiply().apply([ea, eb]),
      new Maximum().apply([ea, eb]),
      new Minimum().apply([ea, eb]),
      new Average().apply([ea, eb]),
    ]);
    const h = new Dropout({ rate: 0.2 }).apply(new Dense({ units: 8, activation: 'relu' }).apply(feats));
    return new Functional({ inputs: [a, b], outputs: [new Dense({ units: 1, activation: 'sigmoid', name: 'same' }).apply(h), new Add().apply([ea, eb])], name: 'siamese' });
  },
  // return_state outputs feeding later layers; a layer shared at two depths.
  func_states_ts: () => {
    const x = Input({ shape: [4, 2], name: 'x' });
    const [o, hs, cs] = new LSTM({ units: 3, returnState: true, returnSequences: true, name: 'enc' }).applyAll(x);
    const dec = new LSTM({ units: 3, name: 'dec' }).apply(o);
    const s = new Dense({ units: 3, activation: 'tanh', name: 's' });
    const deep = s.apply(s.apply(new Add().apply([hs, cs, dec])));
    return new Functional({ inputs: x, outputs: [deep, cs] });
  },
  // GRU and SimpleRNN returning their state (one state each) into later layers.
  func_gru_states_ts: () => {
    const x = Input({ shape: [5, 3], name: 'x' });
    const [o, h] = new GRU({ units: 4, returnState: true, returnSequences: true, name: 'gru_enc' }).applyAll(x);
    const [o2, h2] = new SimpleRNN({ units: 4, returnState: true, goBackwards: true, name: 'rnn_enc' }).applyAll(o);
    return new Functional({ inputs: x, outputs: [new Add().apply([h, h2, o2]), o] });
  },
};
for (const [name, make] of Object.entries(functionalBuilders)) {
  const model = make();
  const xs = model.inputShapes.map((s) => randomInput(rng, [3, ...s.slice(1)]));
  for (const dialect of ['keras-2', 'keras-3', 'keras-2.0']) writeFunctionalCase(name, model, xs, dialect);
  const fromYaml = modelFromYAML(toYAML(model));
  fromYaml.setWeights(model.getWeights());
  const a = model.predictOutputs(xs), b = fromYaml.predictOutputs(xs);
  if (a.some((y, k) => y.data.some((v, i) => v !== b[k].data[i]))) throw new Error(`${name}: YAML round trip predicts differently`);
}
// 4. The recurrent wrappers, Embedding, masks and seq2seq (tools/oracle/fixtures/wrappers): Keras'
//    JSON -> kerasts -> our JSON in each dialect -> Keras, every input and output. Cases whose RNNs
//    see a mask need masked RNN kernels; kerasts refuses them (UnsupportedError) until those exist.
const wrappersDir = join(here, '..', 'oracle', 'fixtures', 'wrappers');
for (const { name } of JSON.parse(readFileSync(join(wrappersDir, 'index.json'), 'utf8'))) {
  const fx = JSON.parse(readFileSync(join(wrappersDir, `${name}.json`), 'utf8'));
  clearSession();
  const model = modelFromJSON(fx.model_json);
  model.setWeights(fx.initial_weights.map((w) => tensor(Float32Array.from(w.values), w.shape)));
  const xs = fx.x.map((a) => tensor(Float32Array.from(a.values), a.shape));
  try {
    model.predictOutputs(xs);
  } catch (e) {
    if (e instanceof UnsupportedError && /mask/.test(e.message)) {
      console.log(`skipped wrappers/${name}: ${e.message}`);
      continue;
    }
    throw e;
  }
  // keras-2.0 is Keras 2.0.8's form: Keras 3 reads neither its list-form Sequential nor a wrapped
  // layer without "module" (as with real Keras 2 files); it is checked against our own reader only.
  // A decoder started from the encoder's states: Keras 3 reads initial states only from the keras-3
  // dialect (io-json warns so when writing keras-2, whose Keras 2 nodes tf.keras reads).
  const dialects = graphNotes(model.toConfig(), 'keras-2').length ? ['keras-3'] : ['keras-2', 'keras-3'];
  for (const dialect of dialects) writeFunctionalCase(`wrappers_${name}`, model, xs, dialect);
}
console.log(`exported ${count} interop cases to ${outDir}`);
if (!existsSync(outDir) || readdirSync(outDir).length === 0) process.exit(1);

// Interop for Keras 3's own formats, kerasts side: write .keras archives and .weights.h5 files with
// kerasts (re-written Keras fixtures, models made here, compiled models trained here, a Keras 2.0.8
// file converted) plus what kerasts predicts and how its further training goes, for
// tools/interop/interop_keras.py to load in real Keras 3.15.1 and compare.
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join, dirname } from 'node:path';
import { fileURLToPath } from 'node:url';
import {
  Activation, Adam, Add, Concatenate, Dense, Dropout, Functional, Input, LSTM, Maximum, Random, RMSprop, SGD, Sequential,
  clearSession, loadModel, loadModelWithInfo, modelFromJSON, rescaleHardSigmoidForKeras3, saveModel, saveWeights, setRandomSeed, tensor, toJSON,
} from 'kerasts';

const here = dirname(fileURLToPath(import.meta.url));
const root = join(here, '..', '..');
const outDir = process.argv[2];
mkdirSync(outDir, { recursive: true });
const rng = new Random(23);
const input = (shape) => tensor(rng.fill(new Float32Array(shape.reduce((a, b) => a * b, 1)), () => rng.uniformRange(-1.5, 1.5)), shape);
const tj = (t) => ({ shape: [...t.shape], values: Array.from(t.data) });
const cases = [];

async function emit(name, model, xs, extra = {}) {
  const y = model.predict(xs.length === 1 ? xs[0] : xs);
  await saveModel(model, join(outDir, `${name}.keras`), { overwrite: true });
  await saveWeights(model, join(outDir, `${name}.weights.h5`), { overwrite: true });
  // The architecture as Keras 3 JSON, for model_from_json + load_weights on the Keras side.
  cases.push({ name, keras_file: `${name}.keras`, weights_file: `${name}.weights.h5`, json: toJSON(model, { dialect: 'keras-3' }), inputs: xs.map(tj), output: tj(y), ...extra });
}

// 1. Every Keras-written fixture, read by kerasts and written back.
const fx = join(root, 'tools', 'oracle', 'fixtures', 'keras');
for (const name of Object.keys(JSON.parse(readFileSync(join(fx, 'index.json'), 'utf8')).cases)) {
  const c = JSON.parse(readFileSync(join(fx, `${name}.json`), 'utf8'));
  const m = await loadModel(join(fx, `${name}.keras`));
  await emit(`rewritten_${name}`, m, c.input.map((t) => tensor(Float32Array.from(t.values), t.shape)), m.isCompiled ? { compiled: { optimizer: c.optimizer.class_name, iterations: c.optimizer.iterations } } : {});
}

// 2. Models made in kerasts (seeded weights).
clearSession();
setRandomSeed(17);
const made = {
  lstm_stack: () => new Sequential({ layers: [new LSTM({ units: 6, inputShape: [5, 3], returnSequences: true }), new Dropout({ rate: 0.2 }), new LSTM({ units: 3, goBackwards: true, recurrentActivation: 'hard_sigmoid' }), new Activation({ activation: 'relu' }), new Dense({ units: 2, activation: 'softmax' })] }),
  dense_no_input_layer: () => { const m = new Sequential({ layers: [new Dense({ units: 4, activation: 'elu' }), new Dense({ units: 2, useBias: false })] }); m.build([null, 3]); return m; },
  functional_merges: () => {
    const a = Input({ shape: [4], name: 'a' });
    const b = Input({ shape: [4], name: 'b' });
    const da = new Dense({ units: 3, activation: 'relu', name: 'da' }).apply(a);
    const db = new Dense({ units: 3, name: 'db' }).apply(b);
    const m = new Maximum({ name: 'mx' }).apply([da, db]);
    const s = new Add({ name: 'sum' }).apply([da, db]);
    const out = new Dense({ units: 2, name: 'out' }).apply(new Concatenate({ name: 'cat' }).apply([m, s]));
    return new Functional({ inputs: [a, b], outputs: out, name: 'merges' });
  },
};
for (const [name, make] of Object.entries(made)) {
  const m = make();
  const xs = m.inputShapes.map((s) => input([4, ...s.slice(1)]));
  await emit(`made_${name}`, m, xs);
}

// 3. Compiled models trained in kerasts: Keras must load them compiled with our optimizer variables,
//    and its further fit must match kerasts' further fit of the same archive.
const trained = {
  adam_lstm: [() => new Sequential({ layers: [new LSTM({ units: 4, inputShape: [3, 2] }), new Dense({ units: 2 })] }), () => new Adam({ learningRate: 0.01 }), 'mse', [3, 2], 2],
  sgd_momentum_dense: [() => new Sequential({ layers: [new Dense({ units: 5, inputShape: [4], activation: 'tanh' }), new Dense({ units: 1 })] }), () => new SGD({ learningRate: 0.05, momentum: 0.9 }), 'mean_absolute_error', [4], 1],
  rmsprop_stack: [() => new Sequential({ layers: [new LSTM({ units: 5, inputShape: [4, 3], returnSequences: true }), new LSTM({ units: 3 }), new Dense({ units: 3, activation: 'softmax' })] }), () => new RMSprop({ learningRate: 0.005 }), 'categorical_crossentropy', [4, 3], 3],
};
for (const [name, [make, opt, loss, shape, width]] of Object.entries(trained)) {
  const m = make();
  m.compile({ optimizer: opt(), loss });
  const x = input([12, ...shape]);
  let y = tensor(rng.fill(new Float32Array(12 * width), () => rng.uniform()), [12, width]);
  if (loss === 'categorical_crossentropy') {
    const d = Float32Array.from(y.data);
    for (let i = 0; i < 12; i++) { let s = 0; for (let k = 0; k < width; k++) s += d[i * width + k]; for (let k = 0; k < width; k++) d[i * width + k] /= s; }
    y = tensor(d, [12, width]);
  }
  await m.fit(x, y, { epochs: 2, batchSize: 4, shuffle: false, verbose: 0 });
  const base = `trained_${name}`;
  await emit(base, m, [x], { compiled: { optimizer: m.optimizer.getConfig().class_name, iterations: 6 } });
  // kerasts' own resume from the archive it wrote: the reference for Keras' further fit.
  const again = await loadModel(join(outDir, `${base}.keras`));
  const h = await again.fit(x, y, { epochs: 2, batchSize: 4, shuffle: false, verbose: 0 });
  cases.at(-1).resume = { x: tj(x), y: tj(y), batch_size: 4, epochs: 2, loss: h.history.loss, weights: again.getWeights().map(tj), optimizer_variables: again.getOptimizerVariables('keras3').map((v) => tj(v.value)) };
}

// 4. A Keras 2.0.8 file (LSTM with hard_sigmoid = clip(0.2x+0.5)) converted to .keras: Keras 3 must
//    predict what Keras 2.0.8 computed (kerasts' prediction from the original file).
{
  const src = join(root, 'apps', 'examples', 'models', 'keras-2.0.8-seed-model.h5');
  const { model } = await loadModelWithInfo(src);
  const x = input([5, 1, 8]);
  const y = model.predict(x);
  rescaleHardSigmoidForKeras3(model);
  await saveModel(model, join(outDir, 'converted_keras208.keras'), { overwrite: true });
  cases.push({ name: 'converted_keras208', keras_file: 'converted_keras208.keras', weights_file: null, inputs: [tj(x)], output: tj(y) });
}

// 5. Nested models (tools/oracle/fixtures/nested, Keras-written: a Sequential in a Sequential, a base
//    under a head, a frozen base, one model called twice, a Functional in a Sequential, masks through a
//    nested model, three levels) read by kerasts and written back; two of them trained in kerasts, which
//    Keras must load compiled and keep training as kerasts does.
const nestedDir = join(root, 'tools', 'oracle', 'fixtures', 'nested');
for (const name of ['seq_in_seq', 'func_base_head', 'frozen_base', 'shared_twice', 'func_in_seq', 'masked_nested', 'deep_nesting']) {
  const c = JSON.parse(readFileSync(join(nestedDir, `${name}.json`), 'utf8'));
  const xs = (Array.isArray(c.input) ? c.input : [c.input]).map((t) => tensor(Float32Array.from(t.values), t.shape));
  await emit(`nested_${name}`, await loadModel(join(nestedDir, `${name}.keras`), { compile: false }), xs);
  if (name !== 'seq_in_seq' && name !== 'frozen_base') continue;
  // (Keras saved these compiled before fitting, with an unbuilt optimizer: kerasts starts a fresh one)
  const { model: m } = await loadModelWithInfo(join(nestedDir, `${name}.keras`), { warn: () => {} });
  const y = tensor(Float32Array.from(c.fit.y.values), c.fit.y.shape);
  await m.fit(xs[0], y, { epochs: 2, batchSize: 4, shuffle: false, verbose: 0 });
  const base = `nested_trained_${name}`;
  await emit(base, m, xs, { compiled: { optimizer: m.optimizer.getConfig().class_name, iterations: 4 } });
  const again = await loadModel(join(outDir, `${base}.keras`));
  const h = await again.fit(xs[0], y, { epochs: 2, batchSize: 4, shuffle: false, verbose: 0 });
  cases.at(-1).resume = { x: tj(xs[0]), y: tj(y), batch_size: 4, epochs: 2, loss: h.history.loss, weights: again.getWeights().map(tj), optimizer_variables: again.getOptimizerVariables('keras3').map((v) => tj(v.value)) };
}

writeFileSync(join(outDir, 'kerascases.json'), JSON.stringify({ cases }));
console.log(`exported ${cases.length} .keras interop cases`);
void modelFromJSON;

// Interop, TypeScript side for HDF5: write full-model and weights files with kerasts (every dialect
// Keras 3 loads) plus our predictions, for tools/interop/interop_h5.py to load in real Keras 3.15.1.
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join, dirname } from 'node:path';
import { fileURLToPath } from 'node:url';
import { tensor, Random } from '@kerasts/tensor';
import { LSTM, GRU, SimpleRNN, Dense, Dropout, Activation, Concatenate, Input, setRandomSeed, clearSession, BatchNormalization, LayerNormalization, GroupNormalization, UnitNormalization, Normalization, Rescaling, Reshape, Permute, ZeroPadding1D, Cropping1D, UpSampling1D, Flatten, ReLU, LeakyReLU, PReLU, ELU, Softmax, RandomFlip, RandomRotation, RandomZoom, RandomTranslation, RandomContrast, RandomBrightness, RandomColorJitter, RandomCrop, Resizing, CenterCrop, Conv2D, GlobalAveragePooling2D } from '@kerasts/layers';
import { Adam, Functional, Sequential } from '@kerasts/model';
import { toJSON, modelFromJSON } from '@kerasts/io-json';
import { saveModel, saveWeights } from '@kerasts/io-hdf5';

const here = dirname(fileURLToPath(import.meta.url));
const outDir = process.argv[2];
mkdirSync(outDir, { recursive: true });
const rng = new Random(11);
clearSession();
setRandomSeed(5);

const cases = [];
const arr = (t) => ({ shape: [...t.shape], values: Array.from(t.data) });
async function emit(name, model, x, dialect) {
  const xs = Array.isArray(x) ? x : [x];
  const ys = model.predictOutputs(xs);
  const base = `${name}__${dialect}`;
  await saveModel(model, join(outDir, `${base}.model.h5`), { dialect, overwrite: true, numerics: 'ignore', warn: () => {} });
  await saveWeights(model, join(outDir, `${base}.w.h5`), { dialect, overwrite: true, numerics: 'ignore', warn: () => {} });
  cases.push({
    name: base,
    json: toJSON(model, { dialect: 'keras-3', numerics: 'ignore' }),
    model_file: `${base}.model.h5`,
    weights_file: `${base}.w.h5`,
    ...(xs.length > 1 ? { inputs: xs.map(arr) } : { input: arr(xs[0]) }),
    ...(ys.length > 1 ? { outputs: ys.map(arr) } : { output: arr(ys[0]) }),
  });
}
const input = (shape) => tensor(rng.fill(new Float32Array(shape.reduce((a, b) => a * b, 1)), () => rng.uniformRange(-2, 2)), shape);

const models = {
  seed: () => new Sequential({ layers: [new LSTM({ units: 4, inputShape: [1, 8], name: 'lstm_old' }), new Dense({ units: 1, name: 'dense_old' })] }),
  stacked: () => new Sequential({ layers: [new LSTM({ units: 6, inputShape: [5, 3], returnSequences: true }), new Dropout({ rate: 0.2 }), new LSTM({ units: 3, goBackwards: true }), new Activation({ activation: 'relu' }), new Dense({ units: 2, activation: 'softmax' })] }),
  dense3d: () => new Sequential({ layers: [new Dense({ units: 5, inputShape: [4, 3], activation: 'elu' }), new LSTM({ units: 2, useBias: false })] }),
  gru_simple: () =>
    new Sequential({
      layers: [
        new GRU(6, { inputShape: [5, 3], returnSequences: true }),
        new SimpleRNN(4, { returnSequences: true, goBackwards: true, activation: 'relu' }),
        new GRU(3, { resetAfter: false, useBias: false }),
        new Dense(2),
      ],
    }),
};
// A functional graph: two Dense branches concatenated, then an LSTM-free head.
models.functional = () => {
  const inp = Input({ shape: [6], name: 'features' });
  const a = new Dense({ units: 4, activation: 'relu', name: 'branch_a' }).apply(inp);
  const b = new Dense({ units: 3, activation: 'tanh', name: 'branch_b' }).apply(inp);
  const cat = new Concatenate({ name: 'joined' }).apply([a, b]);
  const out = new Dense({ units: 2, name: 'head' }).apply(cat);
  return new Functional({ inputs: inp, outputs: out, name: 'two_branch' });
};
for (const [name, make] of Object.entries(models)) {
  const m = make();
  const x = input([3, ...m.inputShapes[0].slice(1)]);
  for (const dialect of ['keras-2', 'keras-3']) await emit(name, m, x, dialect);
}
// A compiled, trained GRU model: Keras must load it compiled (slot names of the GRU cell's variables).
{
  const m = new Sequential({ layers: [new GRU(5, { inputShape: [4, 2] }), new Dense(1)] });
  m.compile({ optimizer: new Adam({ learningRate: 0.01 }), loss: 'mse' });
  const x = input([16, 4, 2]);
  const y = input([16, 1]);
  await m.fit(x, y, { epochs: 2, batchSize: 4, shuffle: false, verbose: 0 });
  const base = 'trained_gru_adam';
  await saveModel(m, join(outDir, `${base}.model.h5`), { overwrite: true });
  const yp = m.predict(x);
  cases.push({ name: base, compiled: { optimizer: 'Adam', iterations: 8 }, json: toJSON(m, { dialect: 'keras-3' }), model_file: `${base}.model.h5`, weights_file: null,
    input: { shape: [...x.shape], values: Array.from(x.data) }, output: { shape: [...yp.shape], values: Array.from(yp.data) } });
}
// The recurrent wrappers, Embedding and seq2seq (tools/oracle/fixtures/wrappers; Keras' own configs and
// weights): as .h5 in each dialect Keras 3 reads them in (seq2seq's initial states: keras-3 only).
const wrappersDir = join(here, '..', 'oracle', 'fixtures', 'wrappers');
for (const name of ['embedding_dense', 'bidirectional_concat_seq', 'bidirectional_none', 'bidirectional_return_state', 'time_distributed_dense', 'repeat_vector', 'seq2seq', 'two_outputs_loss_weights', 'merge_masks_loss', 'dropout_family_inference', 'activity_regularization']) {
  const fx = JSON.parse(readFileSync(join(wrappersDir, `${name}.json`), 'utf8'));
  clearSession();
  const m = modelFromJSON(fx.model_json);
  m.setWeights(fx.initial_weights.map((w) => tensor(Float32Array.from(w.values), w.shape)));
  const xs = fx.x.map((a) => tensor(Float32Array.from(a.values), a.shape));
  for (const dialect of name === 'seq2seq' ? ['keras-3'] : ['keras-2', 'keras-3']) await emit(`wrappers_${name}`, m, xs, dialect);
}
// A compiled, trained functional model with two outputs, per-output losses and loss weights: Keras
// must load it compiled with our optimizer state, and its losses must be Keras' (evaluate agrees).
{
  const fx = JSON.parse(readFileSync(join(wrappersDir, 'two_outputs_loss_weights.json'), 'utf8'));
  clearSession();
  const m = modelFromJSON(fx.model_json);
  m.setWeights(fx.initial_weights.map((w) => tensor(Float32Array.from(w.values), w.shape)));
  m.compileFromTrainingConfig(fx.training_config);
  const xs = fx.x.map((a) => tensor(Float32Array.from(a.values), a.shape));
  const ys = fx.y.map((a) => tensor(Float32Array.from(a.values), a.shape));
  await m.fit(xs, ys, { epochs: 1, batchSize: 8, shuffle: false, verbose: 0 });
  const base = 'trained_two_outputs';
  await saveModel(m, join(outDir, `${base}.model.h5`), { overwrite: true });
  const evaluated = m.evaluate(xs, ys, { returnDict: true });
  cases.push({ name: base, compiled: { optimizer: 'Adam', iterations: 2, evaluate: evaluated, targets: ys.map(arr) }, json: toJSON(m, { dialect: 'keras-3' }), model_file: `${base}.model.h5`, weights_file: null,
    inputs: xs.map(arr), outputs: m.predictOutputs(xs).map(arr) });
}
// A compiled, trained model: Keras must load it compiled, with our optimizer and iteration count.
{
  const m = models.seed();
  m.compile({ optimizer: new Adam({ learningRate: 0.01 }), loss: 'mse', metrics: ['mae'] });
  const x = input([16, 1, 8]);
  const y = input([16, 1]);
  await m.fit(x, y, { epochs: 2, batchSize: 4, shuffle: false, verbose: 0 });
  const base = 'trained_adam';
  await saveModel(m, join(outDir, `${base}.model.h5`), { overwrite: true });
  const yp = m.predict(x);
  cases.push({ name: base, compiled: { optimizer: 'Adam', iterations: 8 }, json: toJSON(m, { dialect: 'keras-3' }), model_file: `${base}.model.h5`, weights_file: null,
    input: { shape: [...x.shape], values: Array.from(x.data) }, output: { shape: [...yp.shape], values: Array.from(yp.data) } });
}
// Normalization and reshaping layers trained in kerasts (moving statistics away from their initial
// values): Keras must load the file compiled and predict the same with the moving statistics.
{
  const m = new Sequential({
    layers: [
      new Normalization({ inputShape: [6] }),
      new Rescaling(0.5, { offset: 0.25 }),
      new Dense(8, { useBias: false }),
      new BatchNormalization({ momentum: 0.7 }),
      new Reshape([4, 2]),
      new LayerNormalization(),
      new Permute([2, 1]),
      new ZeroPadding1D([1, 0]),
      new UpSampling1D(2),
      new Cropping1D([0, 1]),
      new GroupNormalization(2),
      new UnitNormalization(),
      new Flatten(),
      new Dense(2),
    ],
  });
  m.layers[0].adapt(input([32, 6]));
  m.compile({ optimizer: new Adam({ learningRate: 0.01 }), loss: 'mse' });
  const x = input([16, 6]);
  await m.fit(x, input([16, 2]), { epochs: 2, batchSize: 4, shuffle: false, verbose: 0 });
  await emit('norm_trained', m, x, 'keras-3');
  await emit('norm_trained', m, x, 'keras-2');
}
// The activation layers trained in kerasts (PReLU's alpha moves): Keras must load the file compiled
// and predict the same.
{
  const m = new Sequential({
    layers: [
      new Dense(6, { inputShape: [5] }),
      new LeakyReLU(0.2),
      new PReLU({ alphaInitializer: { class_name: 'Constant', config: { value: 0.25 } } }),
      new Dense(5),
      new ELU(0.6),
      new ReLU({ maxValue: 1.5, negativeSlope: 0.1, threshold: 0.2 }),
      new Reshape([5, 1]),
      new Softmax({ axis: 1 }),
      new Flatten(),
      new Dense(2),
    ],
  });
  m.compile({ optimizer: new Adam({ learningRate: 0.01 }), loss: 'mse' });
  const x = input([16, 5]);
  await m.fit(x, input([16, 2]), { epochs: 2, batchSize: 4, shuffle: false, verbose: 0 });
  await emit('activations_trained', m, x, 'keras-3');
  await emit('activations_trained', m, x, 'keras-2');
}
// The image preprocessing and augmentation layers, trained in kerasts (flips, contrast and brightness
// applied in training from kerasts' seeded stream): Keras must load the file compiled and predict the
// same (the augmentations are the identity at inference, Resizing and CenterCrop as Keras computes them).
{
  const m = new Sequential({
    layers: [
      new RandomFlip('horizontal', { inputShape: [9, 10, 3] }),
      new RandomRotation(0.1, { fillMode: 'constant' }),
      new RandomZoom(0.1, { widthFactor: [-0.2, 0.1] }),
      new RandomTranslation(0.1, { widthFactor: 0.2 }),
      new RandomContrast(0.2, { valueRange: [-2, 2] }),
      new RandomBrightness([-0.1, 0.2], { valueRange: [-2, 2] }),
      new RandomColorJitter({ brightnessFactor: 0.1, valueRange: [-2, 2] }),
      new RandomCrop(8, 9),
      new Resizing(7, 7, { interpolation: 'bicubic' }),
      new CenterCrop(5, 6),
      new Resizing(6, 6, { padToAspectRatio: true, fillValue: 0.5 }),
      new Conv2D({ filters: 3, kernelSize: 3 }),
      new GlobalAveragePooling2D(),
      new Dense(2),
    ],
  });
  m.compile({ optimizer: new Adam({ learningRate: 0.01 }), loss: 'mse' });
  const x = input([16, 9, 10, 3]);
  await m.fit(x, input([16, 2]), { epochs: 2, batchSize: 4, shuffle: false, verbose: 0 });
  await emit('image_preprocessing_trained', m, x, 'keras-3');
  await emit('image_preprocessing_trained', m, x, 'keras-2');
}
// Nested models (tools/oracle/fixtures/nested; Keras' own configs and weights) as .h5 in each dialect
// Keras 3 reads: the nested model is one model_weights group, its weights trainable first. A nested
// Functional called in a functional graph: keras-3 only (Keras 3 cannot read tf.keras' node numbering).
const nestedDir = join(here, '..', 'oracle', 'fixtures', 'nested');
for (const name of ['seq_in_seq', 'func_base_head', 'frozen_base', 'shared_twice', 'func_in_seq', 'masked_nested', 'deep_nesting']) {
  const fx = JSON.parse(readFileSync(join(nestedDir, `${name}.json`), 'utf8'));
  clearSession();
  const m = modelFromJSON(fx.model_json);
  m.setWeights(fx.weights.map((w) => tensor(Float32Array.from(w.values), w.shape)));
  const x = Array.isArray(fx.input) ? fx.input.map((a) => tensor(Float32Array.from(a.values), a.shape)) : tensor(Float32Array.from(fx.input.values), fx.input.shape);
  for (const dialect of name === 'func_base_head' || name === 'frozen_base' ? ['keras-3'] : ['keras-2', 'keras-3']) await emit(`nested_${name}`, m, x, dialect);
}
// A model read from a Keras-2.0.8-era JSON (hard_sigmoid 0.2x+0.5) cannot be written for Keras 3 as
// is; kerasts refuses, and `kerasts convert` rescales the gates instead (checked in the CLI tests).
writeFileSync(join(outDir, 'h5cases.json'), JSON.stringify({ cases, by_name: { source: 'seed__keras-2.w.h5', layer: 'lstm_old' } }));
console.log(`exported ${cases.length} HDF5 interop cases`);
void readFileSync; void modelFromJSON;

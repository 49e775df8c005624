// Keras 3 idioms, both spellings: Sequential([layers]), Input(shape) + layer.apply + new Model(inputs,
// outputs), data as lists or records keyed by input/output name, and unknown option names refused in
// plain JavaScript too. Predictions are held to Keras 3.15.1's (tools/oracle/fixtures/functional).
import { readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { Concatenate, Dense, Dropout, Input, InputLayer, LSTM, setRandomSeed } from '@kerasts/layers';
import { ConfigError, ShapeMismatchError, Tensor } from '@kerasts/tensor';
import { Adam, Functional, Model, SGD, Sequential } from '../src/index.js';

const here = dirname(fileURLToPath(import.meta.url));
interface Arr { shape: number[]; values: number[] }
interface Case { weights: Arr[]; inputs: Arr[]; outputs: Arr[] }
const fixture = (name: string) => JSON.parse(readFileSync(join(here, '..', '..', '..', 'tools', 'oracle', 'fixtures', 'functional', `${name}.json`), 'utf8')) as Case;
const t = (a: Arr) => new Tensor(Float32Array.from(a.values), a.shape);
const close = (got: Tensor, want: Arr) => {
  expect(got.shape).toEqual(want.shape);
  got.data.forEach((v, i) => expect(Math.abs(v - want.values[i]!)).toBeLessThanOrEqual(1e-6));
};
const js = (v: unknown) => v as never; // what a plain-JavaScript caller can pass

describe('Sequential, both spellings', () => {
  it('new Sequential([layers]) builds the same model as { layers } (not an empty one)', () => {
    setRandomSeed(1);
    const a = new Sequential([new InputLayer({ shape: [3] }), new Dense(4, { activation: 'relu' }), new Dense(1)]);
    setRandomSeed(1);
    const b = new Sequential({ layers: [new InputLayer({ shape: [3] }), new Dense(4, { activation: 'relu' }), new Dense(1)] });
    expect(a.layers.map((l) => l.className)).toEqual(['Dense', 'Dense']);
    const x = new Tensor(Float32Array.from([1, 2, 3, -1, 0, 2]), [2, 3]);
    expect(a.predict(x).shape).toEqual([2, 1]);
    expect(Array.from(a.predict(x).data)).toEqual(Array.from(b.predict(x).data));
    expect(new Sequential([new Dense(2)], { name: 'named' }).name).toBe('named');
  });
  it('refuses what is not a layer instance, and unknown options', () => {
    expect(() => new Sequential([js(Dense)])).toThrow(/takes layer instances, found the class Dense \(call it with new/);
    expect(() => new Sequential(js({ layer: [] }))).toThrow(/Sequential has no option "layer"; did you mean "layers"\?/);
    expect(() => new Sequential([], js({ nmae: 'x' }))).toThrow(/did you mean "name"/);
  });
  it('is a Model (instanceof), as Functional is', () => {
    expect(new Sequential()).toBeInstanceOf(Model);
    const x = Input([2]);
    expect(new Model(x, new Dense(1).apply(x))).toBeInstanceOf(Model);
  });
});

describe('the functional API as Keras writes it', () => {
  const c = fixture('two_inputs_concat'); // inputs a(3), b(2) -> Concatenate -> Dense(4, tanh), Keras' weights
  const build = (spelling: 'options' | 'positional') => {
    const a = Input({ shape: [3], name: 'a' });
    const b = Input([2], { name: 'b' });
    const y = new Dense(4, { activation: 'tanh', name: 'd' }).apply(new Concatenate({ name: 'cat' }).apply([a, b]));
    const m = spelling === 'options' ? new Model({ inputs: [a, b], outputs: y }) : new Model([a, b], y, { name: 'two' });
    m.setWeights(c.weights.map(t));
    return m;
  };
  it('new Model({ inputs, outputs }) and new Model(inputs, outputs) are Functional models', () => {
    expect(build('options')).toBeInstanceOf(Functional);
    expect(build('positional').name).toBe('two');
    expect(() => (Model as unknown as () => unknown)()).toThrow(/call it with new/);
    expect(() => new Model(js({ inputs: Input([1]), output: null }))).toThrow(/Model has no option "output"; did you mean "outputs"\?/);
  });
  it('predict takes a list in input order or a record keyed by input name (Keras: within 1e-6)', () => {
    const m = build('options');
    const [xa, xb] = c.inputs.map(t);
    close(m.predict([xa!, xb!]), c.outputs[0]!);
    close(m.predict({ a: xa!, b: xb! }), c.outputs[0]!);
    close(m.predict({ b: xb!, a: xa! }), c.outputs[0]!); // keys in any order
    close(m.predict({ a: xa!.toArray(), b: xb!.toArray() } as never), c.outputs[0]!); // nested arrays too
  });
  it('a wrong record names the input it expected; a wrong list says how many', () => {
    const m = build('options');
    const [xa, xb] = c.inputs.map(t);
    expect(() => m.predict({ a: xa!, bb: xb! })).toThrow(/x has the key "bb", but model ".*" has no input of that name; did you mean "b"\? \(input names: a, b\)/);
    expect(() => m.predict({ a: xa! })).toThrow(/x has no data for the input "b"/);
    expect(() => m.predict([xa!])).toThrow(ShapeMismatchError);
    expect(() => m.predict(xa!)).toThrow(/takes 2 input/);
    expect(m.inputNames).toEqual(['a', 'b']);
    expect(m.outputNames).toEqual(['d']);
  });
});

describe('fit and evaluate take records keyed by input and output name', () => {
  const data = () => {
    const x = new Tensor(Float32Array.from({ length: 40 }, (_, i) => Math.sin(i)), [10, 4]);
    const y = new Tensor(Float32Array.from({ length: 10 }, (_, i) => Math.cos(i)), [10, 1]);
    return { x, y };
  };
  const model = () => {
    setRandomSeed(7);
    const m = new Sequential([new InputLayer({ shape: [4], name: 'features' }), new Dense(3, { activation: 'tanh' }), new Dropout(0.1), new Dense(1, { name: 'target' })]);
    m.compile({ optimizer: new SGD({ learningRate: 0.05 }), loss: 'mse' });
    return m;
  };
  it('gives exactly what the plain arrays give', async () => {
    const { x, y } = data();
    const a = model();
    const b = model();
    expect(b.getWeights().map((w) => Array.from(w.data))).toEqual(a.getWeights().map((w) => Array.from(w.data)));
    const ha = await a.fit(x, y, { epochs: 3, batchSize: 4, seed: 3, verbose: 0, validationSplit: 0.2 });
    const hb = await b.fit({ features: x }, { target: y }, { epochs: 3, batchSize: 4, seed: 3, verbose: 0, validationSplit: 0.2 });
    expect(hb.history).toEqual(ha.history);
    expect(b.evaluate({ features: x }, [y])).toEqual(a.evaluate(x, y));
    expect(() => b.evaluate({ feature: x }, y)).toThrow(/did you mean "features"/);
    await expect(b.fit(x, { targt: y }, { verbose: 0 })).rejects.toThrow(/has no output of that name; did you mean "target"/);
  });
  it('a model with several outputs trains on targets keyed by output name (or a list), and names a missing one', async () => {
    const x = Input([3]);
    const h = new Dense(2).apply(x);
    const m = new Model(x, [new Dense(1, { name: 'p' }).apply(h), new Dense(1, { name: 'q' }).apply(h)]);
    m.compile({ optimizer: 'sgd', loss: 'mse' });
    const d = new Tensor(new Float32Array(6), [2, 3]);
    const z = new Tensor(new Float32Array(2), [2, 1]);
    const hist = await m.fit(d, { p: z, q: z }, { verbose: 0 });
    expect(Object.keys(hist.history).sort()).toEqual(['loss', 'p_loss', 'q_loss']);
    expect(m.evaluate(d, [z, z])).toEqual(m.evaluate(d, { q: z, p: z }));
    await expect(m.fit(d, { p: z })).rejects.toThrow(/no data for the output "q"/);
  });
});

describe('unknown option names are errors in JavaScript too, with the closest name', () => {
  const m = () => {
    const s = new Sequential([new InputLayer({ shape: [2] }), new Dense(1)]);
    s.compile({ optimizer: 'sgd', loss: 'mse' });
    return s;
  };
  const x = new Tensor(new Float32Array(4), [2, 2]);
  const y = new Tensor(new Float32Array(2), [2, 1]);
  it('compile, fit, evaluate, predict, trainOnBatch', async () => {
    expect(() => m().compile(js({ optimizer: 'sgd', loss: 'mse', loss_weights: [1] }))).toThrow(/compile\(\) has no option "loss_weights"; did you mean "lossWeights"\?/);
    await expect(m().fit(x, y, js({ batch_size: 1 }))).rejects.toThrow(/fit\(\) has no option "batch_size"; did you mean "batchSize"\?/);
    await expect(m().fit(x, y, js({ epoch: 2 }))).rejects.toThrow(/did you mean "epochs"/);
    expect(() => m().evaluate(x, y, js({ verbos: 0 }))).toThrow(ConfigError);
    expect(() => m().evaluate(x, y, js({ batch_size: 1 }))).toThrow(/evaluate\(\) has no option "batch_size"; did you mean "batchSize"\?/);
    expect(m().evaluate(x, y, { verbose: 0 }).length).toBe(1); // Keras' display switch is accepted
    expect(() => m().predict(x, js({ batch_size: 1 }))).toThrow(/predict\(\) has no option "batch_size"; did you mean "batchSize"\?/);
    expect(() => m().trainOnBatch(x, y, js({ class_weight: {} }))).toThrow(/did you mean "classWeight"/);
    expect(() => m().predict(x, js(5))).toThrow(/takes an options object/);
  });
  it('optimizers and Input', () => {
    expect(() => new Adam(js({ learning_rate: 0.1 }))).toThrow(/Adam has no option "learning_rate"; did you mean "learningRate"\?/);
    expect(() => new Adam(js({ beta_1: 0.8 }))).toThrow(/did you mean "beta1"/);
    expect(new Adam({ learningRate: 0.1, beta1: 0.8 }).beta1).toBe(0.8);
    expect(() => Input(js({ shape: [2], nmae: 'x' }))).toThrow(/Input has no option "nmae"; did you mean "name"\?/);
    expect(() => Input([2], js({ batch_size: 2 }))).toThrow(/did you mean "batchSize"/);
    expect(() => new LSTM(2, js({ return_sequences: true }))).toThrow(/did you mean "returnSequences"/);
  });
});

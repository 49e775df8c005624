/**
 * Training functional models: the gradient of the total loss with respect to every weight is checked
 * against central finite differences of the loss (through the whole graph: several inputs and
 * outputs, merge layers, a layer shared by two calls, loss weights, per-output losses), and the logs
 * carry Keras 3's names (`loss`, `<output>_loss`, `<output>_<metric>`). One SGD step with learning
 * rate 1 moves each weight by minus its gradient, which is how the analytic gradient is read.
 */
import { describe, expect, it } from 'vitest';
import { Add, Concatenate, Dense, Input, LSTM, Multiply, Average, Maximum, Subtract, clearSession, setRandomSeed, type SymbolicTensor } from '@kerasts/layers';
import { ConfigError, Random, Tensor, markWeightsChanged } from '@kerasts/tensor';
import { Functional, SGD, type CompileOptions } from '../src/index.js';

const H = 5e-3;

function randn(rng: Random, shape: number[], scale = 1): Tensor {
  const n = shape.reduce((a, b) => a * b, 1);
  return new Tensor(Float32Array.from({ length: n }, () => rng.normal(0, scale)), shape);
}

/** ∂loss/∂w of every weight, by one SGD(lr=1) step; then the weights are put back. */
function analyticGrads(model: Functional, x: Tensor[], y: Tensor[], compile: Omit<CompileOptions, 'optimizer'>): Float32Array[] {
  const before = model.getWeights();
  model.compile({ ...compile, optimizer: new SGD({ learningRate: 1 }) });
  model.trainOnBatch(x, y);
  const after = model.getWeights();
  model.setWeights(before);
  return before.map((w, i) => Float32Array.from(w.data, (v, k) => v - after[i]!.data[k]!));
}

function numericGrads(model: Functional, x: Tensor[], y: Tensor[], compile: Omit<CompileOptions, 'optimizer'>): Float64Array[] {
  model.compile({ ...compile, optimizer: 'sgd' });
  const loss = (): number => (model.testOnBatch(x, y) as number[])[0]!;
  const weights = model.layers.flatMap((l) => l.weights);
  return weights.map((w) => {
    const p = w.value.data;
    const g = new Float64Array(p.length);
    for (let i = 0; i < p.length; i++) {
      const v = p[i]!;
      // in-place writes: announced so that kept packed weights are not used (tensor's pack cache)
      p[i] = v + H;
      markWeightsChanged(p);
      const up = loss();
      p[i] = v - H;
      markWeightsChanged(p);
      const down = loss();
      p[i] = v;
      markWeightsChanged(p);
      g[i] = (up - down) / (Math.fround(v + H) - Math.fround(v - H));
    }
    return g;
  });
}

function expectGradsClose(a: Float32Array[], n: Float64Array[], what: string): void {
  expect(a.length).toBe(n.length);
  a.forEach((ai, k) => {
    const ni = n[k]!;
    let scale = 1;
    for (const v of ni) scale = Math.max(scale, Math.abs(v));
    for (let i = 0; i < ni.length; i++) {
      if (Math.abs(ai[i]! - ni[i]!) > 3e-3 * scale) throw new Error(`${what}: weight array ${k}[${i}] analytic ${ai[i]} vs numeric ${ni[i]}`);
    }
  });
}

describe('Functional training: gradients through the graph', () => {
  it('two inputs, Concatenate, a shared Dense called twice, Add, two outputs with loss weights', () => {
    clearSession();
    setRandomSeed(3);
    const a = Input({ shape: [3], name: 'a' });
    const b = Input({ shape: [3], name: 'b' });
    const shared = new Dense({ units: 4, activation: 'tanh', name: 'shared' });
    const ha = shared.apply(a);
    const hb = shared.apply(b);
    const cat = new Concatenate({ name: 'cat' }).apply([ha, hb]);
    const sum = new Add({ name: 'add' }).apply([ha, hb]);
    const o1 = new Dense({ units: 2, name: 'out1' }).apply(cat);
    const o2 = new Dense({ units: 3, activation: 'softmax', name: 'out2' }).apply(sum);
    const model = new Functional({ inputs: [a, b], outputs: [o1, o2] });
    const rng = new Random(7);
    const x = [randn(rng, [5, 3]), randn(rng, [5, 3])];
    const y2 = new Tensor(new Float32Array(15), [5, 3]);
    for (let i = 0; i < 5; i++) y2.data[i * 3 + (i % 3)] = 1;
    const y = [randn(rng, [5, 2]), y2];
    const compile: Omit<CompileOptions, 'optimizer'> = { loss: { out1: 'mse', out2: 'categorical_crossentropy' }, lossWeights: [0.5, 2] };
    expectGradsClose(analyticGrads(model, x, y, compile), numericGrads(model, x, y, compile), 'shared/concat/add');
  });

  it('every element-wise merge (Multiply, Average, Maximum, Subtract) and an LSTM branch', () => {
    clearSession();
    setRandomSeed(4);
    const a = Input({ shape: [4, 2], name: 'seq' });
    const b = Input({ shape: [3], name: 'vec' });
    const l = new LSTM({ units: 3, name: 'lstm' }).apply(a);
    const d = new Dense({ units: 3, name: 'd' }).apply(b);
    const m: SymbolicTensor = new Multiply().apply([l, d]);
    const av = new Average().apply([l, d, m]);
    const mx = new Maximum().apply([av, d]);
    const sb = new Subtract().apply([mx, l]);
    const out = new Dense({ units: 1, name: 'out' }).apply(sb);
    const model = new Functional({ inputs: [a, b], outputs: out });
    const rng = new Random(8);
    const x = [randn(rng, [4, 4, 2]), randn(rng, [4, 3])];
    const y = [randn(rng, [4, 1])];
    const compile = { loss: 'mse' } as const;
    expectGradsClose(analyticGrads(model, x, y, compile), numericGrads(model, x, y, compile), 'merges');
  });

  it('a returned tensor that other layers also use, and an output without a loss (null)', () => {
    clearSession();
    setRandomSeed(5);
    const a = Input({ shape: [3], name: 'a' });
    const h = new Dense({ units: 4, activation: 'tanh', name: 'h' }).apply(a);
    const o = new Dense({ units: 2, name: 'o' }).apply(h);
    const model = new Functional({ inputs: a, outputs: [h, o, h] });
    const rng = new Random(9);
    const x = [randn(rng, [6, 3])];
    const y = [randn(rng, [6, 4]), randn(rng, [6, 2]), randn(rng, [6, 4])];
    const compile: Omit<CompileOptions, 'optimizer'> = { loss: ['mse', 'mae', null], lossWeights: [1, 0.3, 0] };
    const an = analyticGrads(model, x, [y[0]!, y[1]!], compile);
    expectGradsClose(an, numericGrads(model, x, [y[0]!, y[1]!], compile), 'returned + used');
  });
});

describe('Functional training: Keras 3 log names and compile forms', () => {
  function twoOutputs(): Functional {
    clearSession();
    setRandomSeed(1);
    const a = Input({ shape: [3], name: 'a' });
    const h = new Dense({ units: 4, activation: 'tanh', name: 'h' }).apply(a);
    return new Functional({ inputs: a, outputs: [new Dense({ units: 1, name: 'out1' }).apply(h), new Dense({ units: 2, activation: 'softmax', name: 'out2' }).apply(h)] });
  }
  const rng = new Random(2);
  const x = randn(rng, [8, 3]);
  const y1 = randn(rng, [8, 1]);
  const y2 = new Tensor(Float32Array.from({ length: 16 }, (_, i) => (i % 2 === (Math.floor(i / 2) % 2) ? 1 : 0)), [8, 2]);

  it('names per output: loss, out1_loss, out2_loss, out1_mae, out2_accuracy (Keras 3)', async () => {
    const m = twoOutputs();
    m.compile({ optimizer: 'sgd', loss: ['mse', 'categorical_crossentropy'], lossWeights: { out1: 0.5, out2: 2 }, metrics: { out1: 'mae', out2: ['accuracy'] } });
    const h = await m.fit(x, { out1: y1, out2: y2 }, { epochs: 1, verbose: 0, batchSize: 8 });
    expect(Object.keys(h.history).sort()).toEqual(['loss', 'out1_loss', 'out1_mae', 'out2_accuracy', 'out2_loss']);
    // the total is the weighted sum of the per-output losses
    const total = 0.5 * h.history.out1_loss![0]! + 2 * h.history.out2_loss![0]!;
    expect(h.history.loss![0]!).toBeCloseTo(total, 5);
    expect(m.getTrainingConfig()).toMatchObject({ loss: ['mse', 'categorical_crossentropy'], loss_weights: { out1: 0.5, out2: 2 }, metrics: { out1: 'mae', out2: ['accuracy'] } });
  });

  it('one loss for every output; a list of metrics per output; wrong names and counts are ConfigErrors', async () => {
    const m = twoOutputs();
    m.compile({ optimizer: 'sgd', loss: 'mse', metrics: [['mae'], null] });
    const logs = m.evaluate(x, [y1, y2], { returnDict: true });
    expect(Object.keys(logs).sort()).toEqual(['loss', 'out1_loss', 'out1_mae', 'out2_loss']);
    expect(() => m.compile({ optimizer: 'sgd', loss: { out3: 'mse' } })).toThrow(ConfigError);
    expect(() => m.compile({ optimizer: 'sgd', loss: ['mse'] })).toThrow(/1 entries, but the model has 2 output/);
    expect(() => m.compile({ optimizer: 'sgd', loss: 'mse', metrics: ['mae'] })).toThrow(/one entry .* per output/);
  });

  it('compiles from training configs of every era with per-output losses', () => {
    const m = twoOutputs();
    // Keras 2: dicts by output name, a flat metrics list for every output
    m.compileFromTrainingConfig({
      optimizer_config: { class_name: 'Adam', config: { lr: 0.001 } },
      loss: { out1: 'mse', out2: 'categorical_crossentropy' },
      metrics: ['mae'],
      loss_weights: { out1: 1, out2: 0.2 },
      sample_weight_mode: null,
    });
    const logs = m.evaluate(x, [y1, y2], { returnDict: true });
    expect(Object.keys(logs).sort()).toEqual(['loss', 'out1_loss', 'out1_mae', 'out2_loss', 'out2_mae']);
    // tf.keras: per-output metric lists; Keras 3: lists by position
    m.compileFromTrainingConfig({ optimizer_config: { class_name: 'SGD', config: { learning_rate: 0.1 } }, loss: ['mse', 'categorical_crossentropy'], metrics: [['mse'], ['accuracy']], loss_weights: [1, 1], run_eagerly: false });
    expect(Object.keys(m.evaluate(x, [y1, y2], { returnDict: true })).sort()).toEqual(['loss', 'out1_loss', 'out1_mse', 'out2_accuracy', 'out2_loss']);
  });
});

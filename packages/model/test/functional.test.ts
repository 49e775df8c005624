// Functional models built in TypeScript: Keras' layer order (input layers included), shared
// weights, several inputs and outputs, summary, config round trip, and graph errors.
import { readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { beforeEach, describe, expect, it } from 'vitest';
import { Add, Average, Concatenate, Dense, Dropout, Input, InputLayer, LSTM, Maximum, Minimum, Multiply, Subtract, clearSession, setRandomSeed } from '@kerasts/layers';
import { ConfigError, KerastsError, ShapeMismatchError, Tensor, tensor, UnsupportedError } from '@kerasts/tensor';
import { Functional, modelFromConfig, Sequential, type FunctionalConfig } from '../src/index.js';

const fixtureDir = join(dirname(fileURLToPath(import.meta.url)), '..', '..', '..', 'tools', 'oracle', 'fixtures', 'functional');
interface Arr { shape: number[]; values: number[] }
const t = (a: Arr) => tensor(Float32Array.from(a.values), a.shape);

beforeEach(() => {
  clearSession();
  setRandomSeed(3);
});

function seedLike(): Functional {
  const inp = Input({ shape: [1, 8] });
  const x = new LSTM({ units: 4 }).apply(inp);
  const out = new Dense({ units: 1 }).apply(x);
  return new Functional({ inputs: inp, outputs: out });
}

describe('Functional', () => {
  it('the seed model as a graph: names, layers with the InputLayer, summary', () => {
    const model = seedLike();
    expect(model.name).toBe('functional');
    expect(model.layers.map((l) => l.name)).toEqual(['input_layer', 'lstm', 'dense']);
    expect(model.layers[0]).toBeInstanceOf(InputLayer);
    expect(model.inputShapes).toEqual([[null, 1, 8]]);
    expect(model.outputShapes).toEqual([[null, 1]]);
    expect(model.countParams()).toBe(213);
    // A chain: Keras 3 prints it without "Connected to", input layer included.
    expect(model.summary({ print: null, lineLength: 76 }).split('\n').slice(4, 9)).toEqual([
      '│ input_layer (InputLayer)        │ (None, 1, 8)           │             0 │',
      '├─────────────────────────────────┼────────────────────────┼───────────────┤',
      '│ lstm (LSTM)                     │ (None, 4)              │           208 │',
      '├─────────────────────────────────┼────────────────────────┼───────────────┤',
      '│ dense (Dense)                   │ (None, 1)              │             5 │',
    ]);
  });

  it('predicts like the same Sequential with the same weights', () => {
    const model = seedLike();
    const seq = new Sequential({ layers: [new LSTM({ units: 4, inputShape: [1, 8] }), new Dense({ units: 1 })] });
    seq.setWeights(model.getWeights());
    const x = tensor(Float32Array.from({ length: 5 * 8 }, (_, i) => Math.sin(i)), [5, 1, 8]);
    expect(Array.from(model.predict(x).data)).toEqual(Array.from(seq.predict(x).data));
  });

  it('several inputs and outputs, in the order given; batches split every input', () => {
    const a = Input({ shape: [3], name: 'a' });
    const b = Input({ shape: [2], name: 'b' });
    const cat = new Concatenate({ name: 'cat' }).apply([a, b]);
    const y1 = new Dense({ units: 2, name: 'y1' }).apply(cat);
    const y2 = new Dense({ units: 1, name: 'y2', activation: 'sigmoid' }).apply(cat);
    const model = new Functional({ inputs: [b, a], outputs: [y2, y1], name: 'multi' });
    // Keras 3.15.1 gives this order for the same graph (depth, then first visit from the outputs).
    expect(model.layers.map((l) => l.name)).toEqual(['a', 'b', 'cat', 'y2', 'y1']);
    expect(model.inputShapes).toEqual([[null, 2], [null, 3]]);
    const xa = tensor(Float32Array.from({ length: 7 * 3 }, (_, i) => i / 10), [7, 3]);
    const xb = tensor(Float32Array.from({ length: 7 * 2 }, (_, i) => -i / 7), [7, 2]);
    const [o2, o1] = model.predictOutputs([xb, xa]);
    expect(o2!.shape).toEqual([7, 1]);
    expect(o1!.shape).toEqual([7, 2]);
    const batched = model.predictOutputs([xb, xa], { batchSize: 2 });
    expect(Array.from(batched[1]!.data)).toEqual(Array.from(o1!.data));
    expect(() => model.predictOutputs([xa, xb])).toThrow(ShapeMismatchError);
    expect(() => model.predict(xa)).toThrow(/takes 2 input\(s\), got 1/);
  });

  it('a shared layer appears once and its weights are used at every call', () => {
    const x1 = Input({ shape: [3], name: 'x1' });
    const x2 = Input({ shape: [3], name: 'x2' });
    const s = new Dense({ units: 4, name: 'shared' });
    const sum = new Add({ name: 'sum' }).apply([s.apply(x1), s.apply(x2)]);
    const model = new Functional({ inputs: [x1, x2], outputs: sum });
    expect(model.layers.map((l) => l.name)).toEqual(['x1', 'x2', 'shared', 'sum']);
    expect(model.getWeights().length).toBe(2);
    expect(model.nodesOf(s).length).toBe(2);
    const v = tensor([[1, 2, 3]]);
    const y = model.predict([v, v]);
    const single = s.call(v, { training: false, hardSigmoid: 'keras3' });
    expect(Array.from(y.data)).toEqual(Array.from(single.data).map((z) => Math.fround(z + z)));
    expect(model.summary({ print: null, lineLength: 108 })).toContain('│ shared (Dense)                │ (None, 4)                 │              16 │ x1[0][0], x2[0][0]         │');
    // Keras 2's layout: one line per connection.
    const k2 = model.summary({ print: null, style: 'keras-2' }).split('\n');
    expect(k2.slice(k2.indexOf(k2.find((l) => l.startsWith('shared'))!), k2.indexOf(k2.find((l) => l.startsWith('shared'))!) + 2)).toEqual([
      'shared (Dense)                  (None, 4)            16          x1[0][0]',
      '                                                                 x2[0][0]',
    ]);
  });

  it('layer order follows Keras (depth, then first visit) for a layer shared at two depths', () => {
    const x = Input({ shape: [3], name: 'x' });
    const s = new Dense({ units: 3, name: 's', activation: 'tanh' });
    const y = s.apply(s.apply(x));
    const out = new Dense({ units: 2, name: 'out' }).apply(new Add({ name: 'res' }).apply([y, x]));
    const model = new Functional({ inputs: x, outputs: out });
    expect(model.layers.map((l) => l.name)).toEqual(['x', 's', 'res', 'out']);
  });

  it('toConfig / fromConfig rebuild the same graph and numbers (and modelFromConfig dispatches)', () => {
    const inp = Input({ shape: [4, 3], name: 'seq' });
    const [o, h, c] = new LSTM({ units: 5, returnState: true, name: 'enc' }).applyAll(inp);
    const hc = new Concatenate({ name: 'hc' }).apply([h!, c!]);
    const model = new Functional({ inputs: inp, outputs: [new Dense({ units: 2, name: 'a' }).apply(o!), new Dense({ units: 1, name: 'b' }).apply(new Dropout({ rate: 0.5 }).apply(hc))] });
    const cfg: FunctionalConfig = model.toConfig();
    expect(cfg.layers.find((l) => l.name === 'hc')!.inboundNodes[0]!.inputs.map((r) => [r.layer, r.nodeIndex, r.tensorIndex])).toEqual([['enc', 0, 1], ['enc', 0, 2]]);
    const again = modelFromConfig(cfg);
    expect(again).toBeInstanceOf(Functional);
    again.setWeights(model.getWeights());
    const x = tensor(Float32Array.from({ length: 2 * 4 * 3 }, (_, i) => Math.cos(i)), [2, 4, 3]);
    const ys = model.predictOutputs(x);
    again.predictOutputs(x).forEach((y, i) => expect(Array.from(y.data)).toEqual(Array.from(ys[i]!.data)));
    expect(() => Functional.fromConfig(new Sequential({ layers: [new Dense({ units: 1, inputShape: [2] })] }).toConfig())).toThrow(ConfigError);
  });

  it('a Keras 3 fixture model built from scratch in TypeScript predicts Keras numbers', () => {
    const fx = JSON.parse(readFileSync(join(fixtureDir, 'merges.json'), 'utf8')) as { weights: Arr[]; inputs: Arr[]; outputs: Arr[] };
    const a = Input({ shape: [4], name: 'a' });
    const [d1, d2, d3] = [new Dense({ units: 3, name: 'd1' }), new Dense({ units: 3, name: 'd2', activation: 'tanh' }), new Dense({ units: 3, name: 'd3', activation: 'sigmoid' })].map((l) => l.apply(a));
    {
      const add = new Add({ name: 'add' }).apply([d1!, d2!, d3!]);
      const mul = new Multiply({ name: 'mul' }).apply([d1!, d2!, d3!]);
      const avg = new Average({ name: 'avg' }).apply([d1!, d2!, d3!]);
      const mx = new Maximum({ name: 'max' }).apply([d1!, d2!]);
      const mn = new Minimum({ name: 'min' }).apply([d2!, d3!]);
      const sub = new Subtract({ name: 'sub' }).apply([d1!, d3!]);
      const cat = new Concatenate({ name: 'cat' }).apply([add, mul, avg, mx, mn, sub]);
      const model = new Functional({ inputs: a, outputs: [new Dense({ units: 2, name: 'out' }).apply(cat), avg], name: 'merges' });
      model.setWeights(fx.weights.map(t));
      const ys = model.predictOutputs(fx.inputs.map(t));
      ys.forEach((y, i) => {
        const ref = fx.outputs[i]!.values;
        expect(Math.max(...Array.from(y.data, (v, k) => Math.abs(v - ref[k]!)))).toBeLessThanOrEqual(1e-5);
      });
    }
  });

  it('graph errors are typed and name the layer', () => {
    const a = Input({ shape: [3], name: 'a' });
    const b = Input({ shape: [3], name: 'b' });
    const y = new Add({ name: 'sum' }).apply([a, b]);
    expect(() => new Functional({ inputs: a, outputs: y })).toThrow(/graph disconnected: input layer "b"/);
    const d = new Dense({ units: 2, name: 'd' }).apply(a);
    expect(() => new Functional({ inputs: d, outputs: d })).toThrow(/model inputs must come from Input\(\)/);
    expect(() => new Functional({ inputs: [a, a], outputs: d })).toThrow(/given twice/);
    const twin = new Dense({ units: 1, name: 'd' }).apply(d);
    expect(() => new Functional({ inputs: a, outputs: twin })).toThrow(/"d" is used by two layers/);
    expect(() => new Functional({ inputs: [], outputs: d })).toThrow(KerastsError);
    expect(() => new Functional({ inputs: a, outputs: d }).build([null, 4])).toThrow(ShapeMismatchError);
  });

  it('an input no output depends on is still an input (Keras keeps it)', () => {
    const a = Input({ shape: [3], name: 'a' });
    const b = Input({ shape: [2], name: 'b' });
    const model = new Functional({ inputs: [a, b], outputs: new Dense({ units: 1, name: 'd' }).apply(a) });
    // Keras 3.15.1: ['a', 'b', 'd'] (the unused input gets depth 0, ordered first).
    expect(model.layers.map((l) => l.name)).toEqual(['a', 'b', 'd']);
    expect(model.predict([tensor([[1, 2, 3]]), tensor([[1, 2]])]).shape).toEqual([1, 1]);
  });

  it('a functional model trains (fit lowers the loss; gradients are checked in functional-training.test.ts)', async () => {
    const model = seedLike();
    model.compile({ optimizer: 'sgd', loss: 'mse' });
    const x = tensor(Float32Array.from({ length: 4 * 8 }, (_, i) => i / 32), [4, 1, 8]);
    const y = tensor([[1], [2], [3], [4]]);
    const h = await model.fit(x, y, { epochs: 5, verbose: 0, shuffle: false });
    expect(h.history.loss![4]!).toBeLessThan(h.history.loss![0]!);
  });

  it('stateful LSTMs keep their state across predict calls until resetStates', () => {
    const inp = Input({ batchShape: [1, 2, 3] });
    const model = new Functional({ inputs: inp, outputs: new LSTM({ units: 2, stateful: true }).apply(inp) });
    const x = new Tensor(Float32Array.from([1, 2, 3, 4, 5, 6]), [1, 2, 3]);
    const first = Array.from(model.predict(x).data);
    expect(Array.from(model.predict(x).data)).not.toEqual(first);
    model.resetStates();
    expect(Array.from(model.predict(x).data)).toEqual(first);
  });
});

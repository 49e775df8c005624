// Merge layers (Keras 3 semantics) and the symbolic-graph API they are used through.
import { beforeEach, describe, expect, it } from 'vitest';
import { ConfigError, KerastsError, ShapeMismatchError, tensor } from '@kerasts/tensor';
import {
  Add,
  applyLayer,
  Average,
  clearSession,
  Concatenate,
  Dense,
  deserializeLayer,
  INFERENCE,
  Input,
  InputLayer,
  LSTM,
  Maximum,
  Minimum,
  Multiply,
  nodesOf,
  Subtract,
  SymbolicTensor,
} from '../src/index.js';

beforeEach(() => clearSession());

const a = tensor([[1, -2, 3], [0.5, 4, -1]]);
const b = tensor([[2, 2, -3], [1.5, -4, 1]]);
const c = tensor([[0.1, 0.2, 0.3], [1, 1, 1]]);

describe('element-wise merges', () => {
  it('compute what Keras computes', () => {
    expect(Array.from(new Add().callMulti([a, b, c], INFERENCE).data)).toEqual(Array.from(Float32Array.from([3.1, 0.2, 0.3, 3, 1, 1])));
    expect(Array.from(new Subtract().callMulti([a, b], INFERENCE).data)).toEqual([-1, -4, 6, -1, 8, -2]);
    expect(Array.from(new Multiply().callMulti([a, b], INFERENCE).data)).toEqual([2, -4, -9, 0.75, -16, -1]);
    expect(Array.from(new Maximum().callMulti([a, b, c], INFERENCE).data)).toEqual(Array.from(Float32Array.from([2, 2, 3, 1.5, 4, 1])));
    expect(Array.from(new Minimum().callMulti([a, b], INFERENCE).data)).toEqual([1, -2, -3, 0.5, -4, -1]);
    const avg = new Average().callMulti([a, b, c], INFERENCE);
    // float32 sum, then float32 division by the count.
    const f = Math.fround;
    expect(avg.data[0]).toBe(f(f(f(1 + 2) + f(0.1)) / 3));
  });
  it('broadcast like Keras 3: size-1 axes stretch, lower ranks get axes after the batch', () => {
    const x = tensor([[[1, 2]]]); // (1, 1, 2)
    const y = tensor([[[10, 20], [30, 40], [50, 60]]]); // (1, 3, 2)
    expect(new Add().callMulti([x, y], INFERENCE).shape).toEqual([1, 3, 2]);
    expect(Array.from(new Add().callMulti([x, y], INFERENCE).data)).toEqual([11, 22, 31, 42, 51, 62]);
    const v = tensor([[2, 3]]); // (1, 2) → (1, 1, 2)
    expect(Array.from(new Multiply().callMulti([v, y], INFERENCE).data)).toEqual([20, 60, 60, 120, 100, 180]);
    expect(new Add().computeOutputShapeMulti([[null, 1, 4], [null, 3, 4]])).toEqual([null, 3, 4]);
    expect(() => new Add({ name: 'bad' }).computeOutputShapeMulti([[null, 3], [null, 4]])).toThrow(ShapeMismatchError);
    expect(() => new Add({ name: 'bad' }).computeOutputShapeMulti([[null, 3], [null, 4]])).toThrow(/"bad" \(Add\) cannot merge inputs of shapes \(None, 3\), \(None, 4\)/);
  });
  it('Subtract takes exactly two tensors; single tensors are refused by name', () => {
    expect(() => new Subtract({ name: 's' }).callMulti([a, b, c], INFERENCE)).toThrow(/"s" \(Subtract\) must be called on exactly 2 tensor\(s\), got 3/);
    expect(() => new Add({ name: 'plus' }).call(a)).toThrow(/"plus" \(Add\) merges a list of tensors/);
  });
});

describe('Concatenate', () => {
  it('joins along the last axis by default and along any axis', () => {
    const y = new Concatenate().callMulti([a, tensor([[9], [8]])], INFERENCE);
    expect(y.shape).toEqual([2, 4]);
    expect(Array.from(y.data)).toEqual([1, -2, 3, 9, 0.5, 4, -1, 8]);
    const p = tensor([[[1, 2]], [[3, 4]]]); // (2, 1, 2)
    const q = tensor([[[5, 6], [7, 8]], [[9, 10], [11, 12]]]); // (2, 2, 2)
    const z = new Concatenate({ axis: 1 }).callMulti([p, q], INFERENCE);
    expect(z.shape).toEqual([2, 3, 2]);
    expect(Array.from(z.data)).toEqual([1, 2, 5, 6, 7, 8, 3, 4, 9, 10, 11, 12]);
    expect(new Concatenate({ axis: 1 }).computeOutputShapeMulti([[null, 2, 3], [null, null, 3]])).toEqual([null, null, 3]);
    expect(() => new Concatenate({ name: 'cat' }).computeOutputShapeMulti([[null, 2, 3], [null, 4, 3]])).toThrow(/"cat" \(Concatenate, axis -1\) needs inputs that agree/);
  });
  it('config round trip, and a one-element axis list as some files have it', () => {
    const layer = deserializeLayer('Concatenate', { name: 'cat', trainable: true, axis: [1] });
    expect((layer as Concatenate).axis).toBe(1);
    expect(layer.getConfig()).toEqual({ name: 'cat', trainable: true, dtype: 'float32', axis: 1 });
    expect(() => deserializeLayer('Concatenate', { name: 'cat', axis: 1.5 })).toThrow(ConfigError);
    for (const cls of ['Add', 'Subtract', 'Multiply', 'Average', 'Maximum', 'Minimum']) {
      expect(deserializeLayer(cls, { name: 'm', trainable: false }).className).toBe(cls);
    }
  });
});

describe('symbolic graphs', () => {
  it('Input() and apply() record nodes with shapes; shared layers get several nodes', () => {
    const x = Input({ shape: [1, 8] });
    expect(x).toBeInstanceOf(SymbolicTensor);
    expect(x.shape).toEqual([null, 1, 8]);
    expect(x.layer).toBeInstanceOf(InputLayer);
    expect(x.layer.name).toBe('input_layer');
    const lstm = new LSTM({ units: 4, returnState: true });
    const [o, h, cs] = lstm.applyAll(x);
    expect([o!.shape, h!.shape, cs!.shape]).toEqual([[null, 4], [null, 4], [null, 4]]);
    expect(h!.history).toEqual(['lstm', 0, 1]);
    const d = new Dense({ units: 2 });
    d.apply(o!);
    const second = d.apply(h!);
    expect(second.history).toEqual(['dense', 1, 0]);
    expect(nodesOf(d).length).toBe(2);
    expect(d.weights.length).toBe(2);
  });
  it('errors name the layer', () => {
    const x = Input({ shape: [3] });
    const y = Input({ shape: [5] });
    expect(() => new Dense({ units: 2, name: 'd' }).apply([x, y])).toThrow(/"d" \(Dense\) takes one input tensor, but was called on 2/);
    const d = new Dense({ units: 2, name: 'e' });
    d.apply(x);
    expect(() => d.apply(y)).toThrow(ShapeMismatchError);
    expect(() => new Concatenate({ name: 'cat' }).apply([x, Input({ batchShape: [null, 2, 3] })])).toThrow(/"cat"/);
    expect(() => Input({})).toThrow(ConfigError);
    expect(() => applyLayer(new Dense({ units: 1, name: 'f' }), [] as SymbolicTensor[])).toThrow(KerastsError);
    expect(() => x.layer.apply(x)).toThrow(/cannot be called on tensors/);
  });
});

/**
 * The RNN driver's own behaviour (the numbers are checked against Keras in rnn-oracle.test.ts):
 * states and their count, stateful runs, initial states, masks, backward with state gradients,
 * errors, Keras 3 variable paths.
 */
import { beforeEach, describe, expect, it } from 'vitest';
import { Random, ShapeMismatchError, Tensor } from '@kerasts/tensor';
import { clearSession, GRU, INFERENCE, LSTM, RNN, SimpleRNN, type TrainCallContext } from '../src/index.js';

const TRAIN: TrainCallContext = { training: true, hardSigmoid: 'keras3', needInputGrad: true, random: null };

function rand(seed: number, shape: number[], scale = 1): Tensor {
  const r = new Random(seed);
  const n = shape.reduce((a, b) => a * b, 1);
  return new Tensor(Float32Array.from({ length: n }, () => r.normal(0, scale)), shape);
}

function sliceSteps(x: Tensor, t0: number, t1: number): Tensor {
  const [B, T, D] = x.shape as [number, number, number];
  const out = new Float32Array(B * (t1 - t0) * D);
  for (let b = 0; b < B; b++) out.set(x.data.subarray((b * T + t0) * D, (b * T + t1) * D), b * (t1 - t0) * D);
  return new Tensor(out, [B, t1 - t0, D]);
}

beforeEach(() => clearSession());

const layers: [string, (o: { returnSequences?: boolean; returnState?: boolean; stateful?: boolean; goBackwards?: boolean }) => RNN][] = [
  ['LSTM', (o) => new LSTM(3, o)],
  ['GRU', (o) => new GRU(3, o)],
  ['GRU reset_after=false', (o) => new GRU(3, { ...o, resetAfter: false })],
  ['SimpleRNN', (o) => new SimpleRNN(3, o)],
];

describe.each(layers)('the RNN driver with %s', (cls, make) => {
  it('counts states and shapes every output', () => {
    const l = make({ returnSequences: true, returnState: true });
    l.build([null, 5, 2]);
    expect(l).toBeInstanceOf(RNN);
    expect(l.units).toBe(3);
    expect(l.stateCount).toBe(cls === 'LSTM' ? 2 : 1);
    expect(l.outputCount).toBe(1 + l.stateCount);
    expect(l.outputShapesFor([null, 5, 2])).toEqual([[null, 5, 3], ...Array.from({ length: l.stateCount }, () => [null, 3])]);
    const r = l.run(rand(1, [2, 5, 2]), INFERENCE);
    expect(r.output.shape).toEqual([2, 5, 3]);
    expect(r.states.map((s) => s.shape)).toEqual(Array.from({ length: l.stateCount }, () => [2, 3]));
    // the last step of the sequence is the returned h
    expect(Array.from(r.output.data.subarray(4 * 3, 5 * 3))).toEqual(Array.from(r.states[0]!.data.subarray(0, 3)));
  });

  it('a stateful layer continues where the last batch ended, until resetStates()', () => {
    const x = rand(2, [2, 6, 2]);
    const whole = make({});
    whole.build([null, 6, 2]);
    const full = whole.run(x, INFERENCE);
    const s = make({ stateful: true });
    s.build([null, 3, 2]);
    s.setWeights(whole.getWeights());
    s.run(sliceSteps(x, 0, 3), INFERENCE);
    expect(s.states).not.toBeNull();
    const second = s.run(sliceSteps(x, 3, 6), INFERENCE);
    expect(Array.from(second.output.data)).toEqual(Array.from(full.output.data));
    s.resetStates();
    expect(s.states).toBeNull();
    const again = s.run(sliceSteps(x, 0, 3), INFERENCE);
    const fresh = whole.run(sliceSteps(x, 0, 3), INFERENCE);
    expect(Array.from(again.output.data)).toEqual(Array.from(fresh.output.data));
    expect(() => s.run(rand(3, [3, 3, 2]), INFERENCE)).toThrow(ShapeMismatchError);
  });

  it('an initial state given to a run is where the sequence starts (two halves chained = the whole)', () => {
    const l = make({ returnState: true });
    l.build([null, 6, 2]);
    const x = rand(4, [2, 6, 2]);
    const full = l.run(x, INFERENCE);
    const first = l.run(sliceSteps(x, 0, 4), INFERENCE);
    const second = l.run(sliceSteps(x, 4, 6), INFERENCE, { initialState: first.states });
    expect(Array.from(second.output.data)).toEqual(Array.from(full.output.data));
    expect(() => l.run(x, INFERENCE, { initialState: [first.states[0]!, ...first.states].slice(0, l.stateCount + 1) })).toThrow(ShapeMismatchError);
  });

  it('an all-ones mask changes nothing; masked steps carry the state; a wrong mask shape is refused', () => {
    const l = make({ returnSequences: true });
    l.build([null, 4, 2]);
    const x = rand(5, [2, 4, 2]);
    const plain = l.run(x, INFERENCE);
    expect(Array.from(l.run(x, INFERENCE, { mask: new Tensor(new Float32Array(8).fill(1), [2, 4]) }).output.data)).toEqual(Array.from(plain.output.data));
    // masking the last two steps of sample 1: its outputs there repeat step 1's
    const m = new Tensor(Float32Array.from([1, 1, 1, 1, 1, 1, 0, 0]), [2, 4]);
    const masked = l.run(x, INFERENCE, { mask: m });
    const row = (t: Tensor, b: number, s: number) => Array.from(t.data.subarray((b * 4 + s) * 3, (b * 4 + s + 1) * 3));
    expect(row(masked.output, 1, 3)).toEqual(row(plain.output, 1, 1));
    expect(row(masked.output, 0, 3)).toEqual(row(plain.output, 0, 3));
    expect(l.computeMask(x, m)).toBe(m);
    expect(make({}).computeMask(x, m)).toBeNull();
    expect(() => l.run(x, INFERENCE, { mask: new Tensor(new Float32Array(6), [2, 3]) })).toThrow(ShapeMismatchError);
  });

  it('backward takes ∂output and/or ∂states (null for none) and gives ∂initial state', () => {
    const l = make({ returnState: true });
    l.build([null, 4, 2]);
    const x = rand(6, [2, 4, 2]);
    const init = Array.from({ length: l.stateCount }, (_, i) => rand(7 + i, [2, 3], 0.5));
    const dOut = rand(10, [2, 3]);
    const dStates = Array.from({ length: l.stateCount }, (_, i) => rand(11 + i, [2, 3]));
    const a = l.runTrain(x, TRAIN, { initialState: init }).backward(dOut, dStates);
    // ∂output alone + ∂states alone = both together (the backward pass is linear in its seeds)
    const b = l.runTrain(x, TRAIN, { initialState: init }).backward(dOut);
    const c = l.runTrain(x, TRAIN, { initialState: init }).backward(null, dStates);
    const sum = (p: Tensor, q: Tensor) => Array.from(p.data).map((v, i) => v + q.data[i]!);
    a.dInitialState!.forEach((d, i) => {
      sum(b.dInitialState![i]!, c.dInitialState![i]!).forEach((v, k) => expect(Math.abs(v - d.data[k]!)).toBeLessThan(1e-5));
    });
    sum(b.dInput!, c.dInput!).forEach((v, k) => expect(Math.abs(v - a.dInput!.data[k]!)).toBeLessThan(1e-5));
    expect(a.weightGrads.size).toBe(l.trainableWeights.length);
    expect(() => l.runTrain(x, TRAIN).backward(rand(1, [2, 4, 3]))).toThrow(ShapeMismatchError);
  });

  it('keeps its variables in the cell, as Keras 3 does (variable tree and paths)', () => {
    const l = make({});
    l.build([null, 4, 2]);
    const tree = l.keras3VariableTree();
    expect(tree.variables).toEqual([]);
    expect(tree.children.map((c) => [c.key, c.tree.name])).toEqual([['cell', l.cell.name]]);
    expect(tree.children[0]!.tree.variables).toEqual(l.weights);
    expect(l.weights.map((w) => l.variablePath(w))).toEqual(l.weights.map((w) => `${l.name}/${l.cell.name}/${w.name}`));
  });
});

describe('GRU and SimpleRNN: weights and constructor arguments as Keras has them', () => {
  it('GRU(4) on 5 features: kernel (5,12), recurrent_kernel (4,12), bias (2,12) with reset_after, (12) without', () => {
    const a = new GRU(4);
    a.build([null, 3, 5]);
    expect(a.weights.map((w) => [w.name, w.shape])).toEqual([['kernel', [5, 12]], ['recurrent_kernel', [4, 12]], ['bias', [2, 12]]]);
    expect(a.countParams()).toBe(5 * 12 + 4 * 12 + 24);
    const b = new GRU({ units: 4, resetAfter: false, useBias: true });
    b.build([null, 3, 5]);
    expect(b.weights.map((w) => w.shape)).toEqual([[5, 12], [4, 12], [12]]);
    expect(b.cell.name).toBe('gru_cell');
  });
  it('SimpleRNN(4) on 5 features: kernel (5,4), recurrent_kernel (4,4), bias (4)', () => {
    const l = new SimpleRNN(4, { useBias: true });
    l.build([null, 3, 5]);
    expect(l.weights.map((w) => [w.name, w.shape])).toEqual([['kernel', [5, 4]], ['recurrent_kernel', [4, 4]], ['bias', [4]]]);
    expect(l.cell.name).toBe('simple_rnn_cell');
    expect(l.keras3VariableTree().children[0]!.tree.name).toBe('simple_rnn_cell');
  });
  it('refuse unknown options, naming the closest one', () => {
    expect(() => new GRU(4, { reset_after: false } as never)).toThrow(/did you mean "resetAfter"/);
    expect(() => new SimpleRNN(4, { recurrentActivation: 'sigmoid' } as never)).toThrow(/SimpleRNN has no option "recurrentActivation"/);
  });
  it('getConfig → fromConfig keeps every option', () => {
    const g = new GRU(3, { resetAfter: false, recurrentActivation: 'hard_sigmoid', dropout: 0.2, recurrentDropout: 0.1, goBackwards: true, returnState: true, kernelRegularizer: { class_name: 'L2', config: { l2: 0.1 } } });
    const back = GRU.fromConfig(g.getConfig());
    expect(back.getConfig()).toEqual(g.getConfig());
    const s = new SimpleRNN(2, { activation: 'relu', stateful: true, batchInputShape: [4, 3, 2], zeroOutputForMask: true });
    expect(SimpleRNN.fromConfig(s.getConfig()).getConfig()).toEqual(s.getConfig());
  });
});

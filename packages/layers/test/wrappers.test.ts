/**
 * Embedding, Masking, RepeatVector, the dropout family, Bidirectional and TimeDistributed as layers:
 * constructors in Keras' argument style, errors, masks, training tapes (checked by finite
 * differences), Keras 3 variable trees (the paths Keras 3.15.1 wrote in a `.weights.h5`: see
 * tools/oracle, `layers/bidirectional/forward_layer/cell/vars/0`, `layers/time_distributed/layer/vars/0`)
 * and the registry's messages for classes kerasts does not have.
 */
import { beforeEach, describe, expect, it } from 'vitest';
import {
  ActivityRegularization,
  AlphaDropout,
  Bidirectional,
  clearSession,
  Concatenate,
  Add,
  Dense,
  deserializeLayer,
  Embedding,
  GaussianDropout,
  GaussianNoise,
  INFERENCE,
  LSTM,
  Masking,
  RepeatVector,
  setRandomSeed,
  SpatialDropout1D,
  SpatialDropout2D,
  TimeDistributed,
  type Keras3VariableTree,
  type Layer,
  type TrainCallContext,
} from '../src/index.js';
import { ConfigError, Random, ShapeMismatchError, Tensor, UnsupportedError, markWeightsChanged } from '@kerasts/tensor';

beforeEach(() => {
  clearSession();
  setRandomSeed(11);
});

const train = (random: Random | null = null): TrainCallContext => ({ training: true, hardSigmoid: 'keras3', era: 'keras3', needInputGrad: true, random });

function flatten(tree: Keras3VariableTree, path: string, out: Record<string, string>): Record<string, string> {
  out[`${path}/vars`] = `name=${tree.name}`;
  tree.variables.forEach((v, i) => (out[`${path}/vars/${i}`] = `[${v.shape.join(',')}] ${v.name}`));
  for (const c of tree.children) flatten(c.tree, `${path}/${c.key}`, out);
  return out;
}

function randn(rng: Random, shape: number[]): Tensor {
  const n = shape.reduce((a, b) => a * b, 1);
  return new Tensor(Float32Array.from({ length: n }, () => rng.normal(0, 1)), shape);
}

/** ∂(Σ w·layer(x))/∂(weights and x) against central differences. */
function checkGradients(layer: Layer, x: Tensor, what: string, withInput = true): void {
  const rng = new Random(5);
  const out0 = layer.forwardTrain(x, train()).output;
  const w = randn(rng, [...out0.shape]);
  const f = (): number => {
    const y = layer.call(x, INFERENCE);
    let s = 0;
    for (let i = 0; i < y.size; i++) s += y.data[i]! * w.data[i]!;
    return s;
  };
  const tape = layer.forwardTrain(x, train());
  const g = tape.backward(w);
  const params: [Float32Array, Float32Array][] = layer.trainableWeights.map((p) => [p.value.data, g.weightGrads.get(p)!.data]);
  if (withInput) params.push([x.data, g.dInput!.data]);
  const h = 5e-3;
  for (const [p, an] of params) {
    let scale = 1;
    const num = new Float64Array(p.length);
    for (let i = 0; i < p.length; i++) {
      const v = p[i]!;
      // in-place writes: announced so that kept packed weights are not used (tensor's pack cache)
      p[i] = v + h;
      markWeightsChanged(p);
      const up = f();
      p[i] = v - h;
      markWeightsChanged(p);
      const down = f();
      p[i] = v;
      markWeightsChanged(p);
      num[i] = (up - down) / (Math.fround(v + h) - Math.fround(v - h));
      scale = Math.max(scale, Math.abs(num[i]!));
    }
    for (let i = 0; i < p.length; i++) {
      if (Math.abs(an[i]! - num[i]!) > 3e-3 * scale) throw new Error(`${what}: analytic ${an[i]} vs numeric ${num[i]} at ${i}`);
    }
  }
}

describe('Embedding', () => {
  it('takes Keras positional arguments and refuses unknown options', () => {
    const e = new Embedding(10, 3, { maskZero: true });
    expect([e.inputDim, e.outputDim, e.maskZero]).toEqual([10, 3, true]);
    expect(() => new Embedding(10, 3, { mask_zero: true } as never)).toThrow(/did you mean "maskZero"/);
    expect(() => new Embedding({ inputDim: 0, outputDim: 3 })).toThrow(ShapeMismatchError);
    // input_dim is the vocabulary, not Keras 1's input-shape shortcut
    expect(new Embedding(10, 3).batchInputShape).toBeNull();
    // Keras 2's input_length declares the input shape
    expect(new Embedding(10, 3, { inputLength: 7 }).batchInputShape).toEqual([null, 7]);
  });
  it('looks up rows of integer or float indices, and its mask is input != 0', () => {
    const e = new Embedding(4, 2, { maskZero: true });
    e.build([null, 3]);
    e.setWeights([new Tensor(Float32Array.from([0, 0, 1, 1, 2, 2, 3, 3]), [4, 2])]);
    const x = new Tensor(Float32Array.from([3, 0, 1.9, 2, 2, 0]), [2, 3]);
    expect([...e.call(x, INFERENCE).data]).toEqual([3, 3, 0, 0, 1, 1, 2, 2, 2, 2, 0, 0]);
    expect([...e.computeMask(x, null)!.data]).toEqual([1, 0, 1, 1, 1, 0]);
    expect(e.computeMask(x, null)!.shape).toEqual([2, 3]);
    expect(new Embedding(4, 2).computeMask(x, null)).toBeNull();
  });
  it('refuses an index outside [0, input_dim), naming the layer, the index and its position', () => {
    const e = new Embedding(5, 2, { name: 'words' });
    e.build([null, 3]);
    expect(() => e.call(new Tensor(Float32Array.from([1, 2, 3, 4, 5, 0]), [2, 3]), INFERENCE)).toThrow(/layer "words" \(Embedding\): index 5 at input\[1\]\[1\] is outside \[0, 5\)/);
    expect(() => e.call(new Tensor(Float32Array.from([-1, 0, 0]), [1, 3]), INFERENCE)).toThrow(/index -1 at input\[0\]\[0\]/);
    expect(() => e.call(new Tensor(Float32Array.from([0, NaN, 0]), [1, 3]), INFERENCE)).toThrow(ConfigError);
  });
  it('accumulates gradients into the rows that were read (a row read twice gets both)', () => {
    const e = new Embedding(4, 2);
    e.build([null, 3]);
    const x = new Tensor(Float32Array.from([1, 1, 3]), [1, 3]);
    const tape = e.forwardTrain(x, train());
    const g = tape.backward(new Tensor(Float32Array.from([1, 2, 10, 20, 100, 200]), [1, 3, 2]));
    expect([...g.weightGrads.get(e.weights[0]!)!.data]).toEqual([0, 0, 11, 22, 0, 0, 100, 200]);
  });
  it('Keras 3 variable tree: own variable embeddings', () => {
    const e = new Embedding(6, 2);
    e.build([null, 3]);
    expect(flatten(e.keras3VariableTree(), 'layers/embedding', {})).toEqual({ 'layers/embedding/vars': 'name=embedding', 'layers/embedding/vars/0': '[6,2] embeddings' });
  });
});

describe('Masking, RepeatVector', () => {
  it('Masking zeroes and masks the steps whose features all equal mask_value; its gradient passes the rest', () => {
    const m = new Masking(-1);
    const x = new Tensor(Float32Array.from([1, 2, -1, -1, -1, 3]), [1, 3, 2]);
    expect([...m.call(x).data]).toEqual([1, 2, 0, 0, -1, 3]);
    expect([...m.computeMask(x, null)!.data]).toEqual([1, 0, 1]);
    const d = m.forwardTrain(x, train()).backward(new Tensor(Float32Array.from([1, 1, 1, 1, 1, 1]), [1, 3, 2]));
    expect([...d.dInput!.data]).toEqual([1, 1, 0, 0, 1, 1]);
  });
  it('RepeatVector repeats and sums its gradient over the copies', () => {
    const r = new RepeatVector(3);
    const x = new Tensor(Float32Array.from([1, 2]), [1, 2]);
    expect(r.computeOutputShape([null, 2])).toEqual([null, 3, 2]);
    expect([...r.call(x).data]).toEqual([1, 2, 1, 2, 1, 2]);
    const d = r.forwardTrain(x, train()).backward(new Tensor(Float32Array.from([1, 2, 3, 4, 5, 6]), [1, 3, 2]));
    expect([...d.dInput!.data]).toEqual([9, 12]);
    expect(() => new RepeatVector(-1)).toThrow(ConfigError);
  });
});

describe('the dropout family', () => {
  const x = new Tensor(Float32Array.from({ length: 2 * 3 * 4 }, (_, i) => i / 10 - 1), [2, 3, 4]);
  it('is the identity at inference and in training without a random source', () => {
    for (const l of [new SpatialDropout1D(0.5), new GaussianNoise(0.3), new GaussianDropout(0.3), new AlphaDropout(0.3), new ActivityRegularization(0.1, 0.1)]) {
      expect(l.call(x, INFERENCE)).toBe(x);
      expect(l.forwardTrain(x, train()).output.data).toEqual(x.data);
      expect(l.supportsMasking).toBe(true);
    }
  });
  it('SpatialDropout1D drops whole channels (one draw per sample and channel), scaled by 1/(1-rate)', () => {
    const y = new SpatialDropout1D(0.5).forwardTrain(x, train(new Random(3))).output;
    for (let b = 0; b < 2; b++) {
      for (let c = 0; c < 4; c++) {
        const kept = y.data[b * 12 + c] !== 0 || x.data[b * 12 + c] === 0;
        for (let t = 0; t < 3; t++) expect(y.data[b * 12 + t * 4 + c]).toBeCloseTo(kept ? x.data[b * 12 + t * 4 + c]! * 2 : 0, 6);
      }
    }
    const x4 = new Tensor(new Float32Array(2 * 2 * 2 * 3).fill(1), [2, 2, 2, 3]);
    const y2 = new SpatialDropout2D(0.5, { dataFormat: 'channels_first' }).forwardTrain(x4, train(new Random(4))).output;
    // channels first: one draw per (sample, channel) shared over the 2 × 3 positions
    for (let k = 0; k < 4; k++) expect(new Set(y2.data.subarray(k * 6, k * 6 + 6)).size).toBe(1);
  });
  it('GaussianNoise adds noise of the given spread; GaussianDropout multiplies around 1; AlphaDropout keeps the mean', () => {
    const big = new Tensor(new Float32Array(20000), [20000, 1]);
    const n = new GaussianNoise(0.5).forwardTrain(big, train(new Random(1))).output.data;
    const sd = Math.sqrt(n.reduce((s, v) => s + v * v, 0) / n.length);
    expect(sd).toBeCloseTo(0.5, 1);
    const ones = new Tensor(new Float32Array(20000).fill(1), [20000, 1]);
    const gd = new GaussianDropout(0.2).forwardTrain(ones, train(new Random(2))).output.data;
    expect(gd.reduce((s, v) => s + v, 0) / gd.length).toBeCloseTo(1, 1);
    const ad = new AlphaDropout(0.2).forwardTrain(big, train(new Random(3))).output.data;
    expect(ad.reduce((s, v) => s + v, 0) / ad.length).toBeCloseTo(0, 1);
    expect(() => new GaussianDropout(1.5)).toThrow(ConfigError);
  });
  it('ActivityRegularization carries its L1L2 regularizer for the models', () => {
    expect(new ActivityRegularization(0.1, 0.2).kept).toEqual({ activity_regularizer: { class_name: 'L1L2', config: { l1: 0.1, l2: 0.2 } } });
    expect(new ActivityRegularization({ l2: 0.5 }).getConfig()).toMatchObject({ l1: 0, l2: 0.5 });
  });
});

describe('Bidirectional', () => {
  it('copies the layer forwards and backwards with Keras names, weights forward then backward', () => {
    const b = new Bidirectional(new LSTM(3, { returnSequences: true }), { mergeMode: 'sum' });
    b.build([null, 4, 2]);
    expect([b.forwardLayer.name, b.backwardLayer.name]).toEqual(['forward_lstm', 'backward_lstm']);
    expect([b.forwardLayer.goBackwards, b.backwardLayer.goBackwards]).toEqual([false, true]);
    expect(b.weights.map((w) => w.shape.join('x'))).toEqual(['2x12', '3x12', '12', '2x12', '3x12', '12']);
    expect(b.storedWeightNames()).toEqual(['forward_lstm/kernel', 'forward_lstm/recurrent_kernel', 'forward_lstm/bias', 'backward_lstm/kernel', 'backward_lstm/recurrent_kernel', 'backward_lstm/bias']);
    expect(b.variablePath(b.weights[4]!)).toBe('bidirectional/backward_lstm/lstm_cell/recurrent_kernel');
    expect(flatten(b.keras3VariableTree(), 'layers/bidirectional', {})).toEqual({
      'layers/bidirectional/vars': 'name=bidirectional',
      'layers/bidirectional/backward_layer/vars': 'name=backward_lstm',
      'layers/bidirectional/backward_layer/cell/vars': 'name=lstm_cell',
      'layers/bidirectional/backward_layer/cell/vars/0': '[2,12] kernel',
      'layers/bidirectional/backward_layer/cell/vars/1': '[3,12] recurrent_kernel',
      'layers/bidirectional/backward_layer/cell/vars/2': '[12] bias',
      'layers/bidirectional/forward_layer/vars': 'name=forward_lstm',
      'layers/bidirectional/forward_layer/cell/vars': 'name=lstm_cell',
      'layers/bidirectional/forward_layer/cell/vars/0': '[2,12] kernel',
      'layers/bidirectional/forward_layer/cell/vars/1': '[3,12] recurrent_kernel',
      'layers/bidirectional/forward_layer/cell/vars/2': '[12] bias',
    });
  });
  it('output shapes per merge mode and with return_state', () => {
    const shapes = (mode: 'concat' | 'sum' | null, rs: boolean, st: boolean): unknown => new Bidirectional(new LSTM(3, { returnSequences: rs, returnState: st }), { mergeMode: mode }).computeOutputShapes([[null, 5, 2]]);
    expect(shapes('concat', true, false)).toEqual([[null, 5, 6]]);
    expect(shapes('sum', false, false)).toEqual([[null, 3]]);
    expect(shapes(null, true, false)).toEqual([[null, 5, 3], [null, 5, 3]]);
    expect(shapes('concat', false, true)).toEqual([[null, 6], [null, 3], [null, 3], [null, 3], [null, 3]]);
  });
  it('concat is [forward, backward re-reversed in time]', () => {
    const b = new Bidirectional(new LSTM(2, { returnSequences: true }));
    const x = randn(new Random(1), [2, 4, 3]);
    b.build([null, 4, 3]);
    const y = b.call(x, INFERENCE);
    const f = b.forwardLayer.call(x, INFERENCE);
    const r = b.backwardLayer.call(x, INFERENCE);
    for (let n = 0; n < 2; n++) {
      for (let t = 0; t < 4; t++) {
        expect(y.data.subarray((n * 4 + t) * 4, (n * 4 + t) * 4 + 2)).toEqual(f.data.subarray((n * 4 + t) * 2, (n * 4 + t) * 2 + 2));
        expect(y.data.subarray((n * 4 + t) * 4 + 2, (n * 4 + t) * 4 + 4)).toEqual(r.data.subarray((n * 4 + 3 - t) * 2, (n * 4 + 3 - t) * 2 + 2));
      }
    }
  });
  it('gradients of both directions in every merge mode', () => {
    for (const mode of ['concat', 'sum', 'mul', 'ave'] as const) {
      for (const rs of [true, false]) {
        const b = new Bidirectional(new LSTM(2, { returnSequences: rs }), { mergeMode: mode });
        b.build([null, 3, 2]);
        checkGradients(b, randn(new Random(2), [2, 3, 2]), `Bidirectional ${mode} ${rs}`);
      }
    }
  });
  it('refuses non-RNN layers and mismatched backward layers', () => {
    expect(() => new Bidirectional(new Dense(3))).toThrow(UnsupportedError);
    expect(() => new Bidirectional(new LSTM(3), { backwardLayer: new LSTM(3) })).toThrow(/different go_backwards/);
    expect(() => new Bidirectional(new LSTM(3), { mergeMode: 'max' as never })).toThrow(/merge_mode/);
    const ok = new Bidirectional(new LSTM(3), { backwardLayer: new LSTM(3, { goBackwards: true, name: 'back' }) });
    expect(ok.backwardLayer.name).toBe('back');
  });
  it('from configs of Keras 2 (layer only) and Keras 3 (forward_ name, backward_layer)', () => {
    const k2 = deserializeLayer('Bidirectional', { name: 'bidirectional_1', layer: { class_name: 'LSTM', config: { name: 'lstm_1', units: 2, return_sequences: true } }, merge_mode: 'ave' }) as Bidirectional;
    expect([k2.forwardLayer.name, k2.backwardLayer.name, k2.mergeMode]).toEqual(['forward_lstm_1', 'backward_lstm_1', 'ave']);
    const k3 = deserializeLayer('Bidirectional', k2.getConfig()) as Bidirectional;
    expect([k3.forwardLayer.name, k3.backwardLayer.name, k3.mergeMode]).toEqual(['forward_lstm_1', 'backward_lstm_1', 'ave']);
    const none = deserializeLayer('Bidirectional', { name: 'b', layer: { class_name: 'LSTM', config: { name: 'l', units: 2 } }, merge_mode: null }) as Bidirectional;
    expect(none.mergeMode).toBeNull();
  });
});

describe('TimeDistributed', () => {
  it('applies the layer to every step, wraps its weights (Keras 3 tree: layer)', () => {
    const td = new TimeDistributed(new Dense(2, { name: 'dense' }));
    td.build([null, 3, 4]);
    expect(td.computeOutputShape([null, 3, 4])).toEqual([null, 3, 2]);
    expect(td.weights).toEqual(td.layer.weights);
    expect(td.weights[0]).toBe(td.layer.weights[0]);
    expect(flatten(td.keras3VariableTree(), 'layers/time_distributed', {})).toEqual({
      'layers/time_distributed/vars': 'name=time_distributed',
      'layers/time_distributed/layer/vars': 'name=dense',
      'layers/time_distributed/layer/vars/0': '[4,2] kernel',
      'layers/time_distributed/layer/vars/1': '[2] bias',
    });
    expect(td.variablePath(td.weights[0]!)).toBe('time_distributed/dense/kernel');
    const x = randn(new Random(3), [2, 3, 4]);
    expect(td.call(x, INFERENCE).data).toEqual(td.layer.call(x, INFERENCE).data);
    checkGradients(td, x, 'TimeDistributed(Dense)');
  });
  it('folds time into the batch for any layer (an LSTM over a 4-D input)', () => {
    const td = new TimeDistributed(new LSTM(2));
    td.build([null, 3, 5, 2]);
    const x = randn(new Random(4), [2, 3, 5, 2]);
    const y = td.call(x, INFERENCE);
    expect(y.shape).toEqual([2, 3, 2]);
    const one = td.layer.call(new Tensor(x.data.slice(5 * 2 * 4, 5 * 2 * 5), [1, 5, 2]), INFERENCE);
    expect(y.data.subarray(4 * 2, 5 * 2)).toEqual(one.data);
    expect(() => new TimeDistributed(new Add())).toThrow(UnsupportedError);
    expect(() => td.computeOutputShape([null, 3])).toThrow(ShapeMismatchError);
  });
});

describe('merge masks (era rules)', () => {
  const m1 = new Tensor(Float32Array.from([1, 0, 1]), [1, 3]);
  const m2 = new Tensor(Float32Array.from([0, 0, 1]), [1, 3]);
  const a = new Tensor(new Float32Array(6), [1, 3, 2]);
  it('element-wise merges: Keras 3 ORs (none if an input has none), Keras 1/2 and tf.keras AND the masks there are', () => {
    const add = new Add();
    expect([...add.computeMaskMulti!([a, a], [m1, m2], { ...INFERENCE, era: 'keras3' })!.data]).toEqual([1, 0, 1]);
    expect(add.computeMaskMulti!([a, a], [m1, null], { ...INFERENCE, era: 'keras3' })).toBeNull();
    expect([...add.computeMaskMulti!([a, a], [m1, m2], { ...INFERENCE, era: 'keras2' })!.data]).toEqual([0, 0, 1]);
    expect([...add.computeMaskMulti!([a, a], [m1, null], { ...INFERENCE, era: 'tf.keras' })!.data]).toEqual([1, 0, 1]);
  });
  it('Concatenate: any in Keras 3, all in Keras 1/2 (an input without a mask counts as all ones)', () => {
    const c = new Concatenate();
    expect([...c.computeMaskMulti!([a, a], [m1, m2], { ...INFERENCE, era: 'keras3' })!.data]).toEqual([1, 0, 1]);
    expect([...c.computeMaskMulti!([a, a], [m1, m2], { ...INFERENCE, era: 'keras2' })!.data]).toEqual([0, 0, 1]);
    expect([...c.computeMaskMulti!([a, a], [m1, null], { ...INFERENCE, era: 'keras2' })!.data]).toEqual([1, 0, 1]);
    expect(c.computeMaskMulti!([a, a], [null, null], INFERENCE)).toBeNull();
    // along the time axis the masks are joined
    const t = new Concatenate(1);
    expect([...t.computeMaskMulti!([a, a], [m1, m2], INFERENCE)!.data]).toEqual([1, 0, 1, 0, 0, 1]);
  });
});

describe('the registry names what it cannot build', () => {
  it('a Keras built-in is "not supported yet", without the registerLayer hint', () => {
    for (const cls of ['ConvLSTM2D', 'Attention', 'MultiHeadAttention', 'TFOpLambda']) {
      let msg = '';
      try {
        deserializeLayer(cls, { name: 'x' });
      } catch (e) {
        expect(e).toBeInstanceOf(UnsupportedError);
        msg = (e as Error).message;
      }
      expect(msg).toContain(`"${cls}"`);
      expect(msg).toMatch(/not supported yet/);
      expect(msg).not.toMatch(/registerLayer/);
    }
  });
  it('a custom class gets the registerLayer hint; Lambda is refused by name', () => {
    expect(() => deserializeLayer('MyAttention', { name: 'x' })).toThrow(/"MyAttention".*registerLayer\("MyAttention"/);
    expect(() => deserializeLayer('Lambda', { name: 'l', function: ['abc', null, null] })).toThrow(/"Lambda" "l" holds Python code, which kerasts never runs/);
  });
  it('a wrapped layer kerasts lacks is named with the wrapper', () => {
    expect(() => deserializeLayer('Bidirectional', { name: 'bi', layer: { class_name: 'ConvLSTM2D', config: { name: 'c' } } }, 'model.h5: layers[0]')).toThrow(/model\.h5: layers\[0\].*"ConvLSTM2D"/);
  });
});

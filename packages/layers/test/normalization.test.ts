import { beforeEach, describe, expect, it } from 'vitest';
import { ConfigError, ShapeMismatchError, Tensor, UnsupportedError } from '@kerasts/tensor';
import {
  BatchNormalization,
  clearSession,
  deserializeLayer,
  GroupNormalization,
  INFERENCE,
  LayerNormalization,
  Normalization,
  Rescaling,
  setNamingConvention,
  UnitNormalization,
  type LayerWeight,
} from '../src/index.js';
import { gradCheck, randomTensor, TRAIN_CTX } from './grad-check.js';

beforeEach(() => {
  clearSession();
  setNamingConvention('keras-3');
});

function setRandom(ws: readonly LayerWeight[], seed: number, positive = false): void {
  ws.forEach((w, i) => {
    const t = randomTensor([...w.shape], seed + i, 1);
    if (positive || w.name.includes('variance')) t.data.forEach((v, k) => (t.data[k] = 0.5 + Math.abs(v)));
    w.value = t;
  });
}

describe('BatchNormalization', () => {
  it('creates gamma, beta, moving_mean, moving_variance in Keras order (and the Keras 3 tree)', () => {
    const bn = new BatchNormalization();
    bn.build([null, 5]);
    expect(bn.weights.map((w) => `${w.name}:${w.shape.join(',')}:${w.trainable}`)).toEqual(['gamma:5:true', 'beta:5:true', 'moving_mean:5:false', 'moving_variance:5:false']);
    expect(bn.keras3VariableTree().variables.map((w) => w.name)).toEqual(['gamma', 'beta', 'moving_mean', 'moving_variance']);
    const nc = new BatchNormalization({ center: false, scale: false });
    nc.build([null, 3, 4]);
    expect(nc.weights.map((w) => w.name)).toEqual(['moving_mean', 'moving_variance']);
    const cf = new BatchNormalization(1);
    cf.build([null, 3, 4, 4]);
    expect(cf.weights[0]!.shape).toEqual([3]);
  });
  it('tf.keras axis lists: one entry is one axis; several give full-rank parameters', () => {
    const bn = deserializeLayer('BatchNormalization', { name: 'b', axis: [1, 2] }) as BatchNormalization;
    bn.build([null, 3, 4, 2]);
    expect(bn.weights[0]!.shape).toEqual([1, 3, 4, 1]);
    setRandom(bn.weights, 3);
    const x = randomTensor([2, 3, 4, 2], 9);
    const y = bn.call(x, INFERENCE);
    // element (b, i, j, c) uses parameter (i, j)
    const [g, b, m, v] = bn.weights.map((w) => w.value.data);
    // element (b=1, i=2, j=3, c=1) uses parameter (i, j)
    const idx = ((1 * 3 + 2) * 4 + 3) * 2 + 1;
    const p = 2 * 4 + 3;
    const expectV = (x.data[idx]! - m![p]!) / Math.sqrt(v![p]! + 1e-3) * g![p]! + b![p]!;
    expect(y.data[idx]).toBeCloseTo(expectV, 5);
  });
  it('inference uses the moving statistics; training uses batch statistics and returns moving updates', () => {
    const bn = new BatchNormalization({ momentum: 0.9 });
    bn.build([null, 3]);
    setRandom(bn.weights, 1);
    const x = randomTensor([8, 3], 2, 2);
    const tape = bn.forwardTrain(x, TRAIN_CTX);
    // batch mean of the output is beta (normalized with batch statistics)
    const beta = bn.weights[1]!.value.data;
    for (let c = 0; c < 3; c++) {
      let s = 0;
      for (let b = 0; b < 8; b++) s += tape.output.data[b * 3 + c]!;
      expect(s / 8).toBeCloseTo(beta[c]!, 5);
    }
    expect(tape.stateUpdates!.map((u) => u.weight.name)).toEqual(['moving_mean', 'moving_variance']);
    let mean0 = 0;
    for (let b = 0; b < 8; b++) mean0 += x.data[b * 3]!;
    mean0 /= 8;
    const mm0 = bn.weights[2]!.value.data[0]!;
    expect(tape.stateUpdates![0]!.value.data[0]).toBeCloseTo(mm0 * 0.9 + mean0 * 0.1, 6);
    // the layer itself is unchanged until the trainer applies the updates
    expect(bn.weights[2]!.value.data[0]).toBe(mm0);
    // inference mode (training false) gives no updates
    expect(bn.forwardTrain(x, { ...TRAIN_CTX, training: false }).stateUpdates).toEqual([]);
  });
  it('a frozen layer (trainable false) runs in inference mode during training, as in Keras 3', () => {
    const bn = new BatchNormalization({ trainable: false });
    bn.build([null, 4]);
    setRandom(bn.weights, 5);
    const x = randomTensor([6, 4], 6);
    const tape = bn.forwardTrain(x, TRAIN_CTX);
    expect(Array.from(tape.output.data)).toEqual(Array.from(bn.call(x, INFERENCE).data));
    expect(tape.stateUpdates).toEqual([]);
    expect(tape.backward(randomTensor([6, 4], 7)).weightGrads.size).toBe(0);
  });
  it('backward matches finite differences (batch statistics, channels_first, masks, inference mode)', () => {
    const bn = new BatchNormalization();
    bn.build([null, 4]);
    setRandom(bn.weights, 11);
    const r1 = gradCheck(bn, randomTensor([6, 4], 12, 2));
    expect(r1.input).toBeLessThan(2e-3);
    expect(Math.max(...Object.values(r1.weights))).toBeLessThan(2e-3);
    const cf = new BatchNormalization(1, { center: false });
    cf.build([null, 3, 2, 2]);
    setRandom(cf.weights, 13);
    const r2 = gradCheck(cf, randomTensor([3, 3, 2, 2], 14, 2));
    expect(r2.input).toBeLessThan(2e-3);
    expect(r2.weights.gamma).toBeLessThan(2e-3);
    const inf = gradCheck(bn, randomTensor([6, 4], 15, 2), { ctx: { ...TRAIN_CTX, training: false } });
    expect(inf.input).toBeLessThan(2e-3);
    expect(Math.max(...Object.values(inf.weights))).toBeLessThan(2e-3);
  });
  it('masked batch statistics leave masked steps out of the mean and variance (Keras 3)', () => {
    const bn = new BatchNormalization();
    bn.build([null, 3, 2]);
    const x = randomTensor([2, 3, 2], 21, 3);
    const mask = new Tensor(Float32Array.of(1, 1, 0, 1, 0, 0), [2, 3]);
    const tape = bn.forwardTrain(x, TRAIN_CTX, mask);
    // mean of feature 0 over the kept steps (b0t0, b0t1, b1t0)
    const kept = [0, 1, 3].map((s) => x.data[s * 2]!);
    const mean = kept.reduce((a, b) => a + b, 0) / (3 + 1e-7);
    expect(tape.stateUpdates![0]!.value.data[0]).toBeCloseTo(0 * 0.99 + mean * 0.01, 6);
    // and the gradient of the masked pass checks out
    const g = bn.forwardTrain(x, TRAIN_CTX, mask).backward(randomTensor([2, 3, 2], 22));
    expect(g.dInput!.shape).toEqual([2, 3, 2]);
  });
  it('reads Keras 1 (mode 0) configs and refuses modes 1 and 2, renorm, bad axes', () => {
    expect(deserializeLayer('BatchNormalization', { name: 'bn', mode: 0, axis: -1, epsilon: 1e-3, momentum: 0.99 })).toBeInstanceOf(BatchNormalization);
    expect(() => deserializeLayer('BatchNormalization', { name: 'bn', mode: 2 })).toThrow(UnsupportedError);
    expect(() => deserializeLayer('BatchNormalization', { name: 'bn', renorm: true })).toThrow(/renorm/);
    expect(() => new BatchNormalization('x' as never)).toThrow(ConfigError);
    const bn = new BatchNormalization(3);
    expect(() => bn.build([null, 4])).toThrow(ShapeMismatchError);
    expect(() => new BatchNormalization({ momentun: 0.9 } as never)).toThrow(/did you mean "momentum"/);
  });
  it('round-trips its config', () => {
    const bn = new BatchNormalization({ axis: 1, momentum: 0.9, epsilon: 0.01, center: false, gammaRegularizer: { class_name: 'L2', config: { l2: 0.1 } } });
    const again = deserializeLayer('BatchNormalization', bn.getConfig()) as BatchNormalization;
    expect(again.getConfig()).toEqual(bn.getConfig());
  });
});

describe('LayerNormalization, GroupNormalization, UnitNormalization', () => {
  it('LayerNormalization normalizes each sample over its axes; gradients check out', () => {
    const ln = new LayerNormalization([1, 2]);
    ln.build([null, 3, 4]);
    expect(ln.weights.map((w) => w.shape)).toEqual([[3, 4], [3, 4]]);
    setRandom(ln.weights, 31);
    const r = gradCheck(ln, randomTensor([2, 3, 4], 32, 2));
    expect(r.input).toBeLessThan(2e-3);
    expect(Math.max(...Object.values(r.weights))).toBeLessThan(2e-3);
    const l1 = new LayerNormalization(1);
    l1.build([null, 3, 4]);
    setRandom(l1.weights, 33);
    expect(gradCheck(l1, randomTensor([2, 3, 4], 34, 2)).input).toBeLessThan(2e-3);
    const rms = new LayerNormalization({ rmsScaling: true });
    rms.build([null, 5]);
    expect(rms.weights.map((w) => w.name)).toEqual(['gamma']);
    setRandom(rms.weights, 35);
    const rr = gradCheck(rms, randomTensor([3, 5], 36, 2));
    expect(rr.input).toBeLessThan(2e-3);
    expect(rr.weights.gamma).toBeLessThan(2e-3);
  });
  it('GroupNormalization: groups must divide the channels; instance normalization with -1; gradients', () => {
    expect(() => new GroupNormalization(3).build([null, 4, 4])).toThrow(/multiple/);
    expect(() => new GroupNormalization(0)).toThrow(ConfigError);
    const gn = new GroupNormalization(2, { axis: 1 });
    gn.build([null, 4, 3]);
    setRandom(gn.weights, 41);
    const r = gradCheck(gn, randomTensor([2, 4, 3], 42, 2));
    expect(r.input).toBeLessThan(2e-3);
    expect(Math.max(...Object.values(r.weights))).toBeLessThan(2e-3);
    const inst = new GroupNormalization(-1);
    inst.build([null, 5, 3]);
    expect(inst.getConfig().groups).toBe(-1);
  });
  it('UnitNormalization gives unit L2 norms; gradients check out', () => {
    const un = new UnitNormalization();
    const x = randomTensor([3, 4], 51, 3);
    const y = un.call(x, INFERENCE);
    for (let b = 0; b < 3; b++) {
      let s = 0;
      for (let j = 0; j < 4; j++) s += y.data[b * 4 + j]! ** 2;
      expect(Math.sqrt(s)).toBeCloseTo(1, 6);
    }
    expect(gradCheck(un, x).input).toBeLessThan(2e-3);
    expect(gradCheck(new UnitNormalization([1, 2]), randomTensor([2, 3, 2], 52)).input).toBeLessThan(2e-3);
  });
});

describe('Normalization and Rescaling', () => {
  it('Normalization with config values broadcasts them; with weights it has mean, variance, count', () => {
    const n = new Normalization({ mean: [1, 2], variance: [4, 1] });
    const y = n.call(new Tensor(Float32Array.of(3, 3, 5, 0), [2, 2]), INFERENCE);
    expect(Array.from(y.data)).toEqual([1, 1, 2, -2]);
    expect(n.weights.length).toBe(0);
    const w = new Normalization();
    w.build([null, 3]);
    expect(w.weights.map((v) => `${v.name}:${v.shape.join(',')}`)).toEqual(['mean:3', 'variance:3', 'count:']);
    expect(() => new Normalization({ mean: [1, 2] })).toThrow(/together/);
  });
  it('adapt computes the mean and variance over the reduced axes', () => {
    const n = new Normalization();
    n.adapt(new Tensor(Float32Array.of(1, 10, 3, 20), [2, 2]));
    expect(Array.from(n.weights[0]!.value.data)).toEqual([2, 15]);
    expect(Array.from(n.weights[1]!.value.data)).toEqual([1, 25]);
    const inv = new Normalization({ invert: true, mean: 2, variance: 9 });
    expect(Array.from(inv.call(new Tensor(Float32Array.of(1, -1), [2, 1]), INFERENCE).data)).toEqual([5, -1]);
  });
  it('Rescaling scales and offsets, per channel too, and reads Keras 3 numpy objects', () => {
    expect(Array.from(new Rescaling(0.5, { offset: 1 }).call(new Tensor(Float32Array.of(2, 4), [1, 2]), INFERENCE).data)).toEqual([2, 3]);
    const pc = new Rescaling([1, -1]);
    expect(Array.from(pc.call(new Tensor(Float32Array.of(2, 4, 6, 8), [2, 2]), INFERENCE).data)).toEqual([2, -4, 6, -8]);
    const np = deserializeLayer('Rescaling', { name: 'r', scale: { class_name: '__numpy__', config: { value: [2, 3], dtype: 'float32' } }, offset: 0 }) as Rescaling;
    expect(Array.from(np.call(new Tensor(Float32Array.of(1, 1), [1, 2]), INFERENCE).data)).toEqual([2, 3]);
    expect(() => new Rescaling([1, 2, 3]).call(new Tensor(new Float32Array(4), [2, 2]), INFERENCE)).toThrow(ShapeMismatchError);
    expect(gradCheck(pc, randomTensor([2, 2], 61)).input).toBeLessThan(1e-3);
  });
});

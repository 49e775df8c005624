import { describe, expect, it, beforeEach } from 'vitest';
import { ConfigError, ShapeMismatchError, Tensor, UnsupportedError } from '@kerasts/tensor';
import {
  clearSession,
  Dense,
  deserializeLayer,
  getInitializer,
  LSTM,
  registerLayer,
  setNamingConvention,
  setRandomSeed,
  toSnakeCase,
  Activation,
  INFERENCE,
} from '../src/index.js';

beforeEach(() => {
  clearSession();
  setNamingConvention('keras-3');
});

describe('automatic names', () => {
  it('follow Keras 3 by default (dense, dense_1) and Keras 2 on request (dense_1, dense_2)', () => {
    expect([new Dense({ units: 1 }).name, new Dense({ units: 1 }).name, new LSTM({ units: 1 }).name]).toEqual(['dense', 'dense_1', 'lstm']);
    clearSession();
    setNamingConvention('keras-2');
    expect([new Dense({ units: 1 }).name, new Dense({ units: 1 }).name]).toEqual(['dense_1', 'dense_2']);
  });
  it('snake_case matches Keras (verified examples in KERAS-FORMAT §3.2)', () => {
    const cases: Record<string, string> = {
      LSTM: 'lstm', InputLayer: 'input_layer', BatchNormalization: 'batch_normalization', Conv2DTranspose: 'conv2d_transpose',
      SimpleRNN: 'simple_rnn', RMSprop: 'rm_sprop', AdamW: 'adam_w', PReLU: 'p_re_lu', ReLU: 're_lu',
    };
    for (const [k, v] of Object.entries(cases)) expect(toSnakeCase(k)).toBe(v);
  });
});

describe('weights: Keras names, shapes, order and parameter counts', () => {
  it('LSTM(4) on 8 features: kernel (8,16), recurrent_kernel (4,16), bias (16) = 208 params', () => {
    const l = new LSTM({ units: 4 });
    l.build([null, 1, 8]);
    expect(l.weights.map((w) => [w.name, w.shape])).toEqual([
      ['kernel', [8, 16]],
      ['recurrent_kernel', [4, 16]],
      ['bias', [16]],
    ]);
    expect(l.countParams()).toBe(208);
  });
  it('unit_forget_bias starts the forget block at 1 (Keras: [0,0,0,1,1,1,0,...])', () => {
    const l = new LSTM({ units: 3 });
    l.build([null, 2, 2]);
    expect(Array.from(l.weights[2]!.value.data)).toEqual([0, 0, 0, 1, 1, 1, 0, 0, 0, 0, 0, 0]);
    const n = new LSTM({ units: 3, unitForgetBias: false });
    n.build([null, 2, 2]);
    expect(Array.from(n.weights[2]!.value.data).every((v) => v === 0)).toBe(true);
  });
  it('use_bias=false gives two arrays; setWeights checks shapes and names the layer', () => {
    const l = new LSTM({ units: 2, useBias: false, name: 'enc' });
    l.build([null, 3, 5]);
    expect(l.weights.length).toBe(2);
    expect(() => l.setWeights([new Tensor(new Float32Array(10), [5, 2]), new Tensor(new Float32Array(16), [2, 8])])).toThrow(ShapeMismatchError);
    expect(() => l.setWeights([new Tensor(new Float32Array(10), [5, 2])])).toThrow(/enc.*expects 2 weight/);
  });
  it('Dense works on rank-3 input over the last axis', () => {
    const d = new Dense({ units: 2, kernelInitializer: 'ones' });
    d.build([null, 3, 4]);
    const y = d.call(new Tensor(new Float32Array(24).fill(1), [2, 3, 4]), INFERENCE);
    expect(y.shape).toEqual([2, 3, 2]);
    expect(Array.from(y.data).every((v) => v === 4)).toBe(true);
  });
});

describe('initializers', () => {
  it('are repeatable with a seed, and with the global seed', () => {
    const a = getInitializer({ class_name: 'GlorotUniform', config: { seed: 3 } }).init([5, 6]);
    const b = getInitializer({ class_name: 'GlorotUniform', config: { seed: 3 } }).init([5, 6]);
    expect(Array.from(a)).toEqual(Array.from(b));
    setRandomSeed(9);
    const c = getInitializer('he_normal').init([4, 4]);
    setRandomSeed(9);
    const d = getInitializer('he_normal').init([4, 4]);
    expect(Array.from(c)).toEqual(Array.from(d));
  });
  it('glorot_uniform stays within sqrt(6/(fan_in+fan_out))', () => {
    const w = getInitializer('glorot_uniform').init([100, 50]);
    const limit = Math.sqrt(6 / 150);
    expect(Math.max(...w)).toBeLessThanOrEqual(limit);
    expect(Math.min(...w)).toBeGreaterThanOrEqual(-limit);
    expect(Math.max(...w)).toBeGreaterThan(limit * 0.9);
  });
  it('Orthogonal gives orthonormal columns (and rows for wide matrices), times gain', () => {
    for (const [r, c] of [[6, 6], [10, 4], [4, 16]] as const) {
      const w = getInitializer({ class_name: 'Orthogonal', config: { gain: 2, seed: 1 } }).init([r, c]);
      const small = Math.min(r, c);
      for (let i = 0; i < small; i++) {
        for (let j = 0; j < small; j++) {
          let dot = 0;
          if (r >= c) for (let k = 0; k < r; k++) dot += w[k * c + i]! * w[k * c + j]!;
          else for (let k = 0; k < c; k++) dot += w[i * c + k]! * w[j * c + k]!;
          expect(dot).toBeCloseTo(i === j ? 4 : 0, 4);
        }
      }
    }
  });
  it('accept every Keras name and old spelling', () => {
    for (const n of ['zeros', 'one', 'Ones', 'constant', 'random_normal', 'random_uniform', 'truncated_normal', 'variance_scaling', 'glorot_normal', 'he_uniform', 'lecun_uniform', 'lecun_normal', 'orthogonal', 'identity', 'uniform', 'normal']) {
      expect(getInitializer(n).init([3, 3]).length).toBe(9);
    }
    const vs = getInitializer({ class_name: 'VarianceScaling', config: { scale: 1.0, mode: 'fan_avg', distribution: 'uniform', seed: null } });
    expect(vs.serialize()).toEqual({ class_name: 'VarianceScaling', config: { scale: 1.0, mode: 'fan_avg', distribution: 'uniform', seed: null } });
    expect(() => getInitializer('glorious')).toThrow(ConfigError);
    expect(() => getInitializer({ class_name: 'VarianceScaling', config: { mode: 'fan_sideways' } })).toThrow(/fan_sideways/);
  });
});

describe('configs and the registry', () => {
  it('getConfig -> fromConfig keeps every option, regularizers and constraints unchanged', () => {
    const l = new LSTM({
      units: 3, name: 'enc', returnSequences: true, goBackwards: true, recurrentActivation: 'hard_sigmoid', activation: 'relu', dropout: 0.25,
      kernelRegularizer: { class_name: 'L1L2', config: { l1: 0.0, l2: 0.01 } }, biasConstraint: { class_name: 'MaxNorm', config: { max_value: 2, axis: 0 } },
    });
    const cfg = l.getConfig();
    const again = deserializeLayer('LSTM', cfg) as LSTM;
    expect(again.getConfig()).toEqual(cfg);
    expect(cfg.kernel_regularizer).toEqual({ class_name: 'L1L2', config: { l1: 0.0, l2: 0.01 } });
  });
  it('unknown classes are refused by name, pointing at registerLayer; registered ones load', () => {
    expect(() => deserializeLayer('Attention2', { name: 'att' })).toThrow(UnsupportedError);
    expect(() => deserializeLayer('Attention2', { name: 'att' })).toThrow(/registerLayer\("Attention2"/);
    registerLayer('Attention2', (cfg) => new Activation({ activation: 'linear', name: String(cfg.name) }));
    expect(deserializeLayer('Attention2', { name: 'att' }).name).toBe('att');
  });
  it('bad option values name the layer and key', () => {
    expect(() => deserializeLayer('Dense', { name: 'd', units: 0 })).toThrow(/layer "d" \(Dense\).*units/);
    expect(() => deserializeLayer('Dense', { name: 'd', units: 2, activation: 'sparkle' })).toThrow(UnsupportedError);
  });
});

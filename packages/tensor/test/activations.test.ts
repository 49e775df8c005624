import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import {
  ACTIVATION_NAMES,
  ConfigError,
  UnsupportedError,
  activate,
  erf,
  erfc,
  getActivation,
  sigmoid,
  softplus,
  tensor,
  type ActivationOptions,
} from '../src/index.js';

/** Outputs of real Keras 3.15.1 (JAX backend), written by fixtures/make_activation_fixture.py. */
interface Fixture {
  keras_version: string;
  grid: number[];
  elementwise: Record<string, number[]>;
  reductions: { name: string; axis: number; shape: number[]; x: number[]; y: number[] }[];
  erf: { x: number[]; erf: number[]; erfc: number[] };
}
const fixture = JSON.parse(readFileSync(new URL('./fixtures/activations.json', import.meta.url), 'utf8')) as Fixture;

/** |ours − keras| ≤ 1e-6 · max(1, |keras|): absolute below 1, relative above (a few float32 ulps). */
function worstError(ours: Float32Array, keras: readonly number[]): { err: number; at: number } {
  let err = 0;
  let at = -1;
  for (let i = 0; i < keras.length; i++) {
    const want = Math.fround(keras[i]!); // the float32 Keras produced
    const got = ours[i]!;
    const e = Math.abs(got - want) / Math.max(1, Math.abs(want));
    if (!(e <= err)) {
      err = e;
      at = i;
    }
  }
  return { err, at };
}

const OPTIONS: Record<string, [string, ActivationOptions]> = {
  gelu_approximate: ['gelu', { approximate: true }],
  hard_sigmoid_keras2: ['hard_sigmoid', { hardSigmoid: 'keras2' }],
};

describe('activations against real Keras', () => {
  it('covers every fixture activation and every name we accept', () => {
    expect(fixture.keras_version).toBe('3.15.1');
    const covered = new Set(Object.keys(fixture.elementwise));
    for (const r of fixture.reductions) covered.add(r.name);
    for (const name of ACTIVATION_NAMES) expect(covered, name).toContain(name);
  });

  for (const [key, want] of Object.entries(fixture.elementwise)) {
    it(`${key} matches Keras within 1e-6`, () => {
      const [name, options] = OPTIONS[key] ?? [key, {}];
      const act = getActivation(name, options);
      expect(act.elementwise).toBe(true);
      const buf = new Float32Array(fixture.grid);
      act.apply(buf, 0, 1, buf.length);
      const { err, at } = worstError(buf, want);
      expect(err, `${key}(${fixture.grid[at]}) = ${buf[at]}, Keras ${want[at]}`).toBeLessThanOrEqual(1e-6);
      // the same through activate() on a 2-D tensor
      const t = activate(tensor(new Float32Array(fixture.grid), [fixture.grid.length]), name, options);
      expect(Array.from(t.data)).toEqual(Array.from(buf));
    });
  }

  it('apply works on a window of a buffer and leaves the rest alone', () => {
    const relu = getActivation('relu');
    const buf = new Float32Array([-1, -2, -3, -4, 5, -6, -7]);
    relu.apply(buf, 1, 2, 2);
    expect(Array.from(buf)).toEqual([-1, 0, 0, 0, 5, -6, -7]);
    const sm = getActivation('softmax');
    const b2 = new Float32Array([9, 0, 0, 1, 1, 9]);
    sm.apply(b2, 1, 2, 2);
    expect(Array.from(b2)).toEqual([9, 0.5, 0.5, 0.5, 0.5, 9]);
  });

  for (const [i, r] of fixture.reductions.entries()) {
    it(`${r.name} over axis ${r.axis} of shape [${r.shape.join(',')}] (#${i}) matches Keras within 1e-6`, () => {
      const t = tensor(new Float32Array(r.x), r.shape);
      const y = activate(t, r.name, { axis: r.axis });
      expect(y.shape).toEqual(r.shape);
      const { err, at } = worstError(y.data, r.y);
      expect(err, `at ${at}: ${y.data[at]} vs ${r.y[at]}`).toBeLessThanOrEqual(1e-6);
      expect(Array.from(t.data)).toEqual(r.x.map(Math.fround)); // input untouched
      expect(getActivation(r.name).elementwise).toBe(false);
    });
  }
});

describe('activations: options and errors', () => {
  it('distinguishes the two hard_sigmoid variants', () => {
    const x = [-4, -3, -2.5, -1, 0, 1, 2.5, 3, 4];
    const k3 = new Float32Array(x);
    getActivation('hard_sigmoid').apply(k3, 0, 1, x.length);
    const k2 = new Float32Array(x);
    getActivation('hard_sigmoid', { hardSigmoid: 'keras2' }).apply(k2, 0, 1, x.length);
    const expected3 = [0, 0, 1 / 12, 1 / 3, 0.5, 2 / 3, 11 / 12, 1, 1];
    const expected2 = [0, 0, 0, 0.3, 0.5, 0.7, 1, 1, 1];
    for (let i = 0; i < x.length; i++) {
      expect(k3[i]).toBeCloseTo(expected3[i]!, 6);
      expect(k2[i]).toBeCloseTo(expected2[i]!, 6);
    }
    expect(getActivation('hard_sigmoid', { hardSigmoid: 'keras3' })).toBe(getActivation('hard_sigmoid'));
    expect(() => getActivation('hard_sigmoid', { hardSigmoid: 'keras4' as 'keras2' })).toThrow(ConfigError);
  });

  it('uses canonical Keras names for aliases', () => {
    expect(getActivation('swish').name).toBe('silu');
    expect(getActivation('swish')).toBe(getActivation('silu'));
    expect(getActivation('hard_swish').name).toBe('hard_silu');
    expect(getActivation('gelu', { approximate: true }).name).toBe('gelu');
    expect(getActivation('gelu', { approximate: true })).not.toBe(getActivation('gelu'));
  });

  it('throws UnsupportedError listing the known names', () => {
    expect(() => getActivation('relu7')).toThrow(UnsupportedError);
    expect(() => getActivation('relu7')).toThrow(/known activations: .*softmax/);
    expect(() => getActivation('glu')).toThrow(/last axis/);
    expect(() => activate(tensor([1]), 'nope')).toThrow(UnsupportedError);
  });

  it('checks the axis of softmax-like activations', () => {
    const t = tensor([
      [1, 2],
      [3, 4],
    ]);
    expect(() => activate(t, 'softmax', { axis: 2 })).toThrow(ConfigError);
    expect(() => activate(t, 'softmax', { axis: -3 })).toThrow(ConfigError);
    expect(() => activate(tensor(1), 'softmax')).toThrow(ConfigError);
    expect(activate(t, 'softmax', { axis: -2 }).data).toEqual(activate(t, 'softmax', { axis: 0 }).data);
    expect(activate(tensor(2), 'relu').toArray()).toBe(2);
  });

  it('sparsemax can project onto the simplex instead of reproducing Keras 3.15', () => {
    const t = tensor([[0, 0.5, 1]]);
    const keras = activate(t, 'sparsemax');
    expect(Array.from(keras.data)).toEqual([0, 0, 0.25]); // what Keras 3.15.1 computes (keras-team/keras#23425)
    const simplex = activate(t, 'sparsemax', { sparsemax: 'simplex' });
    expect(Array.from(simplex.data)).toEqual([0, 0.25, 0.75]);
  });

  it('is stable for extreme inputs', () => {
    const x = new Float32Array([-1e30, -1000, 1000, 1e30]);
    for (const name of ['sigmoid', 'softplus', 'silu', 'mish', 'log_sigmoid', 'gelu', 'elu', 'selu', 'tanh', 'softsign']) {
      const buf = x.slice();
      getActivation(name).apply(buf, 0, 1, buf.length);
      for (const v of buf) expect(Number.isNaN(v), `${name} gave NaN`).toBe(false);
    }
    const sm = new Float32Array([1e30, 1e30, -1e30]);
    getActivation('softmax').apply(sm, 0, 1, 3);
    expect(Array.from(sm)).toEqual([0.5, 0.5, 0]);
    expect(sigmoid(-1000)).toBe(0);
    expect(sigmoid(1000)).toBe(1);
    expect(softplus(1000)).toBe(1000);
    expect(softplus(-1000)).toBe(0);
  });
});

describe('erf and erfc', () => {
  it('match double-precision references to 1e-12 relative', () => {
    const { x, erf: erfRef, erfc: erfcRef } = fixture.erf;
    for (let i = 0; i < x.length; i++) {
      const xi = x[i]!;
      const e = erfRef[i]!;
      const c = erfcRef[i]!;
      expect(Math.abs(erf(xi) - e), `erf(${xi})`).toBeLessThanOrEqual(1e-15 + 1e-12 * Math.abs(e));
      expect(Math.abs(erfc(xi) - c), `erfc(${xi})`).toBeLessThanOrEqual(1e-300 + 1e-11 * Math.abs(c));
    }
    expect(erf(0)).toBe(0);
    expect(erf(Infinity)).toBe(1);
    expect(erf(-Infinity)).toBe(-1);
    expect(erfc(Infinity)).toBe(0);
    expect(erfc(-Infinity)).toBe(2);
    expect(Number.isNaN(erf(NaN))).toBe(true);
  });
});

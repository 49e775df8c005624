import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import {
  ConfigError,
  ShapeMismatchError,
  denseForward,
  getActivation,
  lstmForward,
  type Activation,
  type LstmForwardOptions,
} from '../src/index.js';

/** Real Keras 3.15.1 LSTM and Dense outputs, written by fixtures/make_lstm_fixture.py. */
interface LstmCase {
  name: string;
  batch: number;
  timesteps: number;
  inputDim: number;
  units: number;
  activation: string;
  recurrentActivation: string;
  returnSequences: boolean;
  goBackwards: boolean;
  useBias: boolean;
  x: number[];
  kernel: number[];
  recurrentKernel: number[];
  bias: number[] | null;
  output: number[];
  outputShape: number[];
  h: number[];
  c: number[];
  initialH?: number[];
  initialC?: number[];
}
interface DenseCase {
  name: string;
  inputShape: number[];
  units: number;
  activation: string;
  x: number[];
  kernel: number[];
  bias: number[] | null;
  output: number[];
  outputShape: number[];
}
interface Fixture {
  keras_version: string;
  lstm: LstmCase[];
  dense: DenseCase[];
}
const fixture = JSON.parse(readFileSync(new URL('./fixtures/lstm.json', import.meta.url), 'utf8')) as Fixture;

function f32(values: readonly number[]): Float32Array {
  return new Float32Array(values);
}

function activationFor(name: string): Activation {
  // The fixture's Keras-2 case passes clip(0.2x + 0.5, 0, 1) to a real Keras 3 LSTM.
  return name === 'keras2_hard_sigmoid' ? getActivation('hard_sigmoid', { hardSigmoid: 'keras2' }) : getActivation(name);
}

function maxAbsDiff(ours: Float32Array, keras: readonly number[]): number {
  expect(ours.length).toBe(keras.length);
  let worst = 0;
  for (let i = 0; i < keras.length; i++) worst = Math.max(worst, Math.abs(ours[i]! - keras[i]!));
  return Number.isNaN(worst) ? Infinity : worst;
}

function optionsOf(c: LstmCase): LstmForwardOptions {
  return {
    batch: c.batch,
    timesteps: c.timesteps,
    inputDim: c.inputDim,
    units: c.units,
    kernel: f32(c.kernel),
    recurrentKernel: f32(c.recurrentKernel),
    bias: c.bias === null ? null : f32(c.bias),
    activation: activationFor(c.activation),
    recurrentActivation: activationFor(c.recurrentActivation),
    returnSequences: c.returnSequences,
    goBackwards: c.goBackwards,
    ...(c.initialH !== undefined ? { initialH: f32(c.initialH) } : {}),
    ...(c.initialC !== undefined ? { initialC: f32(c.initialC) } : {}),
  };
}

describe('lstmForward against real Keras LSTM', () => {
  it('has the fixture from Keras 3.15.1', () => {
    expect(fixture.keras_version).toBe('3.15.1');
    expect(fixture.lstm.length).toBeGreaterThanOrEqual(15);
  });

  for (const c of fixture.lstm) {
    it(`${c.name} (batch ${c.batch}, T ${c.timesteps}, ${c.recurrentActivation}/${c.activation}${c.returnSequences ? ', sequences' : ''}${c.goBackwards ? ', backwards' : ''}${c.useBias ? '' : ', no bias'}) within 1e-5`, () => {
      const x = f32(c.x);
      const xCopy = x.slice();
      const opts = optionsOf(c);
      const hInit = opts.initialH?.slice();
      const result = lstmForward(x, opts);
      expect(result.output.length).toBe(c.outputShape.reduce((a, b) => a * b, 1));
      expect(maxAbsDiff(result.output, c.output)).toBeLessThanOrEqual(1e-5);
      expect(maxAbsDiff(result.h, c.h)).toBeLessThanOrEqual(1e-5);
      expect(maxAbsDiff(result.c, c.c)).toBeLessThanOrEqual(1e-5);
      // inputs are not modified
      expect(x).toEqual(xCopy);
      if (hInit !== undefined) expect(opts.initialH).toEqual(hInit);
    });
  }

  it('the last step of a sequence is the final h, and output[0] of go_backwards belongs to input step T-1', () => {
    const c = fixture.lstm.find((k) => k.name === 'go_backwards_sequences')!;
    const { output, h } = lstmForward(f32(c.x), optionsOf(c));
    const { units: u, timesteps: T } = c;
    for (let b = 0; b < c.batch; b++) {
      for (let j = 0; j < u; j++) expect(output[(b * T + T - 1) * u + j]).toBe(h[b * u + j]);
    }
    // Feeding only the last input step gives the first output step.
    const first = lstmForward(
      f32(Array.from({ length: c.batch }, (_, b) => c.x.slice((b * T + T - 1) * c.inputDim, (b * T + T) * c.inputDim)).flat()),
      { ...optionsOf(c), timesteps: 1, goBackwards: false },
    );
    for (let b = 0; b < c.batch; b++) {
      for (let j = 0; j < u; j++) expect(output[b * T * u + j]).toBeCloseTo(first.output[b * u + j]!, 6);
    }
  });

  it('chaining two calls through h and c equals one call (stateful use)', () => {
    const c = fixture.lstm.find((k) => k.name === 'return_sequences')!;
    const opts = optionsOf(c);
    const { batch, timesteps: T, inputDim } = c;
    const x = f32(c.x);
    const split = 2;
    const part = (from: number, to: number): Float32Array => {
      const out = new Float32Array(batch * (to - from) * inputDim);
      for (let b = 0; b < batch; b++) out.set(x.subarray((b * T + from) * inputDim, (b * T + to) * inputDim), b * (to - from) * inputDim);
      return out;
    };
    const a = lstmForward(part(0, split), { ...opts, timesteps: split });
    const b2 = lstmForward(part(split, T), { ...opts, timesteps: T - split, initialH: a.h, initialC: a.c });
    const whole = lstmForward(x, opts);
    expect(maxAbsDiff(b2.h, Array.from(whole.h))).toBeLessThanOrEqual(1e-6);
    expect(maxAbsDiff(b2.c, Array.from(whole.c))).toBeLessThanOrEqual(1e-6);
  });

  it('handles zero timesteps and rejects wrong lengths', () => {
    const c = fixture.lstm[0]!;
    const opts = optionsOf(c);
    const empty = lstmForward(new Float32Array(0), { ...opts, timesteps: 0 });
    expect(Array.from(empty.output)).toEqual(new Array(c.batch * c.units).fill(0));
    expect(() => lstmForward(new Float32Array(5), opts)).toThrow(ShapeMismatchError);
    expect(() => lstmForward(f32(c.x), { ...opts, kernel: new Float32Array(3) })).toThrow(/kernel/);
    expect(() => lstmForward(f32(c.x), { ...opts, bias: new Float32Array(3) })).toThrow(ShapeMismatchError);
    expect(() => lstmForward(f32(c.x), { ...opts, initialH: new Float32Array(1) })).toThrow(/initialH/);
    expect(() => lstmForward(f32(c.x), { ...opts, units: -1 })).toThrow(ConfigError);
  });
});

describe('denseForward against real Keras Dense', () => {
  for (const c of fixture.dense) {
    it(`${c.name} ([${c.inputShape.join(',')}] → ${c.units}, ${c.activation}${c.bias === null ? ', no bias' : ''}) within 1e-5`, () => {
      const inputDim = c.inputShape[c.inputShape.length - 1]!;
      const rows = c.inputShape.slice(0, -1).reduce((a, b) => a * b, 1);
      const y = denseForward(
        f32(c.x),
        rows,
        inputDim,
        c.units,
        f32(c.kernel),
        c.bias === null ? null : f32(c.bias),
        c.activation === 'linear' ? null : getActivation(c.activation),
      );
      expect(maxAbsDiff(y, c.output)).toBeLessThanOrEqual(1e-5);
    });
  }

  it('rejects wrong lengths', () => {
    const k = new Float32Array(6);
    expect(() => denseForward(new Float32Array(5), 2, 3, 2, k, null, null)).toThrow(ShapeMismatchError);
    expect(() => denseForward(new Float32Array(6), 2, 3, 2, new Float32Array(5), null, null)).toThrow(/kernel/);
    expect(() => denseForward(new Float32Array(6), 2, 3, 2, k, new Float32Array(3), null)).toThrow(/bias/);
    expect(() => denseForward(new Float32Array(6), 2, 3, -2, k, null, null)).toThrow(ConfigError);
  });
});

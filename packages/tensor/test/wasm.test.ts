import { readFileSync } from 'node:fs';
import { afterEach, describe, expect, it } from 'vitest';
import { Random, denseForward, gemm, getActivation, getBackend, lstmForward, lstmForwardTrain, setBackend, wasmUnavailableReason, type LstmForwardOptions } from '../src/index.js';
import { wasmThresholds } from '../src/wasm/backend.js';
// @ts-expect-error: a plain .mjs build script without typings
import { compileKernels, renderModule, TARGET } from '../scripts/build-wasm.mjs';

const defaults = { ...wasmThresholds };
afterEach(() => {
  Object.assign(wasmThresholds, defaults);
  setBackend('wasm');
});

/** Every size takes the WebAssembly path. */
function forceWasm(): void {
  wasmThresholds.gemm = 0;
  wasmThresholds.lstm = 0;
}

function randomArray(rng: Random, n: number, scale = 1): Float32Array {
  return rng.fill(new Float32Array(n), () => rng.uniformRange(-scale, scale));
}

function naive(m: number, n: number, k: number, a: Float32Array, b: Float32Array, transposeB: boolean): Float64Array {
  const c = new Float64Array(m * n);
  for (let i = 0; i < m; i++) {
    for (let j = 0; j < n; j++) {
      let s = 0;
      for (let p = 0; p < k; p++) s += a[i * k + p]! * (transposeB ? b[j * k + p]! : b[p * n + j]!);
      c[i * n + j] = s;
    }
  }
  return c;
}

function maxDiff(a: ArrayLike<number>, b: ArrayLike<number>): number {
  expect(a.length).toBe(b.length);
  let worst = 0;
  for (let i = 0; i < a.length; i++) worst = Math.max(worst, Math.abs(a[i]! - b[i]!));
  return Number.isNaN(worst) ? Infinity : worst;
}

describe('the WebAssembly module', () => {
  it('is what scripts/build-wasm.mjs generates from scripts/asm/kernels.ts', async () => {
    const bytes: Uint8Array = await compileKernels();
    expect(readFileSync(TARGET as string, 'utf8')).toBe(renderModule(bytes));
  }, 120_000);

  it('loads in Node (SIMD) and can be switched off', () => {
    expect(wasmUnavailableReason()).toBeNull();
    expect(getBackend()).toBe('wasm');
    setBackend('js');
    expect(getBackend()).toBe('js');
    expect(wasmUnavailableReason()).toMatch(/js/);
    setBackend('wasm');
    expect(getBackend()).toBe('wasm');
    expect(() => setBackend('gpu' as 'js')).toThrow(TypeError);
  });
});

describe('gemm on WebAssembly', () => {
  const rng = new Random(11);
  it('matches a naive loop for odd sizes, offsets, transposeB and accumulate', () => {
    forceWasm();
    for (const m of [1, 2, 3, 4, 5, 9, 67]) {
      for (const n of [1, 5, 8, 9, 17, 70]) {
        for (const k of [1, 3, 8, 37, 300]) {
          for (const transposeB of [false, true]) {
            const accumulate = (m + n + k) % 2 === 0;
            const aOffset = m % 3, bOffset = n % 4, cOffset = k % 5;
            const a = randomArray(rng, aOffset + m * k + 3);
            const b = randomArray(rng, bOffset + k * n + 2);
            const c = randomArray(rng, cOffset + m * n + 4);
            const before = c.slice();
            gemm(m, n, k, a, b, c, { aOffset, bOffset, cOffset, accumulate, transposeB });
            const want = naive(m, n, k, a.subarray(aOffset), b.subarray(bOffset), transposeB);
            const got = c.subarray(cOffset, cOffset + m * n);
            const expected = want.map((v, i) => (accumulate ? v + before[cOffset + i]! : v));
            expect(maxDiff(got, expected)).toBeLessThanOrEqual(1e-6 * Math.max(1, k));
            for (let i = 0; i < cOffset; i++) expect(c[i]).toBe(before[i]);
            for (let i = cOffset + m * n; i < c.length; i++) expect(c[i]).toBe(before[i]);
          }
        }
      }
    }
  });

  it('computes Aᵀ·B with transposeA (both backends)', () => {
    for (const backend of ['wasm', 'js'] as const) {
      setBackend(backend);
      for (const [m, n, k] of [[3, 5, 7], [70, 33, 130], [1, 600, 3]] as const) {
        for (const transposeB of [false, true]) {
          const at = randomArray(rng, 2 + k * m); // stored k×m from offset 2
          const a = new Float32Array(m * k);
          for (let p = 0; p < k; p++) for (let i = 0; i < m; i++) a[i * k + p] = at[2 + p * m + i]!;
          const b = randomArray(rng, k * n);
          const c = randomArray(rng, m * n);
          const c0 = c.slice();
          gemm(m, n, k, at, b, c, { aOffset: 2, transposeA: true, transposeB, accumulate: true });
          const want = naive(m, n, k, a, b, transposeB).map((v, i) => v + c0[i]!);
          expect(maxDiff(c, want)).toBeLessThanOrEqual(1e-6 * k);
        }
      }
    }
    expect(() => gemm(2, 2, 3, new Float32Array(5), new Float32Array(6), new Float32Array(4), { transposeA: true })).toThrow(/A needs 6/);
  });

  it('agrees with the pure-TypeScript path on a large product, and survives memory growth', () => {
    const m = 300, n = 520, k = 700;
    const a = randomArray(rng, m * k), b = randomArray(rng, k * n);
    const cw = new Float32Array(m * n), cj = new Float32Array(m * n);
    gemm(m, n, k, a, b, cw);
    setBackend('js');
    gemm(m, n, k, a, b, cj);
    expect(maxDiff(cw, cj)).toBeLessThanOrEqual(1e-6 * k);
  });
});

describe('LSTM and Dense on WebAssembly', () => {
  const fixture = JSON.parse(readFileSync(new URL('./fixtures/lstm.json', import.meta.url), 'utf8')) as {
    lstm: {
      name: string; batch: number; timesteps: number; inputDim: number; units: number; activation: string; recurrentActivation: string;
      returnSequences: boolean; goBackwards: boolean; x: number[]; kernel: number[]; recurrentKernel: number[]; bias: number[] | null;
      output: number[]; h: number[]; c: number[]; initialH?: number[]; initialC?: number[];
    }[];
    dense: { name: string; inputShape: number[]; units: number; activation: string; x: number[]; kernel: number[]; bias: number[] | null; output: number[] }[];
  };
  const act = (name: string) => (name === 'keras2_hard_sigmoid' ? getActivation('hard_sigmoid', { hardSigmoid: 'keras2' }) : getActivation(name));

  for (const backend of ['wasm', 'js'] as const) {
    it(`matches every Keras LSTM and Dense fixture within 1e-5 (${backend}, all sizes)`, () => {
      if (backend === 'wasm') forceWasm();
      setBackend(backend);
      for (const c of fixture.lstm) {
        const r = lstmForward(new Float32Array(c.x), {
          batch: c.batch, timesteps: c.timesteps, inputDim: c.inputDim, units: c.units,
          kernel: new Float32Array(c.kernel), recurrentKernel: new Float32Array(c.recurrentKernel),
          bias: c.bias === null ? null : new Float32Array(c.bias),
          activation: act(c.activation), recurrentActivation: act(c.recurrentActivation),
          returnSequences: c.returnSequences, goBackwards: c.goBackwards,
          ...(c.initialH ? { initialH: new Float32Array(c.initialH) } : {}),
          ...(c.initialC ? { initialC: new Float32Array(c.initialC) } : {}),
        });
        expect(maxDiff(r.output, c.output), c.name).toBeLessThanOrEqual(1e-5);
        expect(maxDiff(r.h, c.h), c.name).toBeLessThanOrEqual(1e-5);
        expect(maxDiff(r.c, c.c), c.name).toBeLessThanOrEqual(1e-5);
      }
      for (const c of fixture.dense) {
        const inDim = c.inputShape[c.inputShape.length - 1]!;
        const rows = c.x.length / inDim;
        const y = denseForward(new Float32Array(c.x), rows, inDim, c.units, new Float32Array(c.kernel), c.bias === null ? null : new Float32Array(c.bias), act(c.activation));
        expect(maxDiff(y, c.output), c.name).toBeLessThanOrEqual(1e-5);
      }
    });
  }

  it('a non-finite recurrent kernel poisons the output from the first step on, with a zero initial state, as in Keras', () => {
    forceWasm();
    const rng = new Random(9);
    const batch = 3, u = 5, inputDim = 2;
    for (const T of [1, 3]) {
      for (const bad of [null, Infinity, NaN]) {
        const recurrentKernel = randomArray(rng, u * 4 * u, 0.5);
        if (bad !== null) recurrentKernel[7] = bad; // column 7: the forget gate of unit 2
        const opts: LstmForwardOptions = {
          batch, timesteps: T, inputDim, units: u, kernel: randomArray(rng, inputDim * 4 * u, 0.5), recurrentKernel,
          bias: randomArray(rng, 4 * u, 0.1), activation: getActivation('tanh'), recurrentActivation: getActivation('sigmoid'),
          returnSequences: false, goBackwards: false,
        };
        const x = randomArray(rng, batch * T * inputDim);
        setBackend('wasm');
        const w = lstmForward(x, opts).output;
        const wt = lstmForwardTrain(x, { ...opts }).output; // training skips the first h·U only for a finite U
        setBackend('js');
        const j = lstmForward(x, opts).output;
        const jt = lstmForwardTrain(x, { ...opts }).output;
        expect(Array.from(wt).map((v) => Number.isNaN(v))).toEqual(Array.from(jt).map((v) => Number.isNaN(v)));
        expect(Array.from(wt).map((v) => Number.isNaN(v))).toEqual(Array.from(w).map((v) => Number.isNaN(v)));
        expect(Array.from(w).map((v) => Number.isNaN(v))).toEqual(Array.from(j).map((v) => Number.isNaN(v)));
        for (let i = 0; i < w.length; i++) if (!Number.isNaN(w[i]!)) expect(Math.abs(w[i]! - j[i]!)).toBeLessThanOrEqual(1e-6);
        if (bad !== null) expect(Number.isNaN(w[2])).toBe(true); // 0·Inf and 0·NaN are NaN
        else expect(w.every((v) => Number.isFinite(v))).toBe(true);
      }
    }
  });

  it('agrees with the pure-TypeScript LSTM for every inlined activation pair, with saturating inputs', () => {
    const rng = new Random(5);
    const names = ['sigmoid', 'tanh', 'relu', 'linear', 'hard_sigmoid'] as const;
    // Bounded gates only: with relu/linear gates the state can grow without bound and any rounding
    // difference is amplified exponentially.
    for (const recName of ['sigmoid', 'tanh', 'hard_sigmoid'] as const) {
      for (const actName of names) {
        for (const [batch, T, inputDim, u] of [[3, 4, 5, 7], [9, 3, 2, 16]] as const) {
          const opts: LstmForwardOptions = {
            batch, timesteps: T, inputDim, units: u,
            kernel: randomArray(rng, inputDim * 4 * u, 3), recurrentKernel: randomArray(rng, u * 4 * u, 0.5), bias: randomArray(rng, 4 * u, 1),
            activation: getActivation(actName), recurrentActivation: getActivation(recName),
            returnSequences: true, goBackwards: batch === 9,
            initialC: randomArray(rng, batch * u, 2),
          };
          const x = randomArray(rng, batch * T * inputDim, 10);
          forceWasm();
          setBackend('wasm');
          const w = lstmForward(x, opts);
          setBackend('js');
          const j = lstmForward(x, opts);
          const scale = Math.max(1, ...Array.from(j.c, Math.abs));
          expect(maxDiff(w.output, j.output), `${recName}/${actName}`).toBeLessThanOrEqual(1e-5 * scale);
          expect(maxDiff(w.c, j.c), `${recName}/${actName}`).toBeLessThanOrEqual(1e-5 * scale);
        }
      }
    }
  });

  it('keeps returned arrays valid when a later call grows the memory', () => {
    const rng = new Random(9);
    const mk = (batch: number, u: number): LstmForwardOptions => ({
      batch, timesteps: 3, inputDim: 4, units: u,
      kernel: randomArray(rng, 16 * u, 0.3), recurrentKernel: randomArray(rng, 4 * u * u, 0.3), bias: null,
      activation: getActivation('tanh'), recurrentActivation: getActivation('sigmoid'), returnSequences: false, goBackwards: false,
    });
    const small = lstmForward(randomArray(rng, 2 * 3 * 4), mk(2, 8));
    const copy = small.output.slice();
    lstmForward(randomArray(rng, 64 * 3 * 4), mk(64, 512)); // needs megabytes more
    expect(Array.from(small.output)).toEqual(Array.from(copy));
  });
});

import { describe, expect, it } from 'vitest';
// The helper threads load the built module (a worker cannot import the TypeScript sources), so this test
// runs against dist/ — `pnpm test` builds first.
// @ts-expect-error: dist has no declarations resolved from the test folder's point of view
import * as dist from '../dist/index.js';
// @ts-expect-error: as above
import { threadStats } from '../dist/wasm/threads.js';
import type * as Src from '../src/index.js';

const t = dist as typeof Src;

function rand(seed: number, n: number, scale: number): Float32Array {
  const r = new t.Random(seed);
  return r.fill(new Float32Array(n), () => r.uniformRange(-scale, scale));
}

/** A timestep mask with leading, middle and trailing masked steps and one fully masked row. */
function stepMask(batch: number, T: number): Float32Array {
  const m = new Float32Array(batch * T).fill(1);
  for (let b = 0; b < batch; b++) {
    if (b % 3 === 1) m.fill(0, b * T, b * T + (b % 5) + 1);
    if (b % 4 === 2) m[b * T + T - 1 - (b % 3)] = 0;
  }
  m.fill(0, 5 * T, 6 * T);
  return m;
}

describe('helper threads for large batches', () => {
  it('give exactly the single-thread result, with and without sequences and initial state', async () => {
    const batch = 37, T = 20, inputDim = 16, u = 64;
    for (const returnSequences of [false, true]) {
      const opts: Src.LstmForwardOptions = {
        batch, timesteps: T, inputDim, units: u,
        kernel: rand(1, inputDim * 4 * u, 0.3), recurrentKernel: rand(2, u * 4 * u, 0.2), bias: rand(3, 4 * u, 0.1),
        activation: t.getActivation('tanh'), recurrentActivation: t.getActivation('sigmoid'),
        returnSequences, goBackwards: returnSequences,
        initialH: rand(4, batch * u, 0.5), initialC: rand(5, batch * u, 0.5),
        ...(returnSequences ? { mask: stepMask(batch, T), maskedOutput: 'previous' as const } : {}),
      };
      const x = rand(6, batch * T * inputDim, 1);
      t.setThreads(1);
      const one = t.lstmForward(x, opts);
      t.setThreads(2);
      const stats = threadStats as { jobs: number; helperParts: number };
      const before = stats.helperParts;
      let two = t.lstmForward(x, opts); // starts the helper
      // The helper starts asynchronously, and takes parts only when the OS runs it in time.
      for (let i = 0; i < 200 && stats.helperParts === before; i++) {
        await new Promise((r) => setTimeout(r, 25));
        two = t.lstmForward(x, opts);
      }
      expect(stats.helperParts).toBeGreaterThan(before);
      expect(Array.from(two.output)).toEqual(Array.from(one.output));
      expect(Array.from(two.h)).toEqual(Array.from(one.h));
      expect(Array.from(two.c)).toEqual(Array.from(one.c));
    }
    // A large product split by rows: the same numbers as on one thread.
    const m = 200, n = 400, k = 420; // ≥ 32M multiply-adds: shared
    const a = rand(7, 3 + m * k, 1), b = rand(8, k * n, 1), c0 = rand(9, m * n + 5, 1);
    for (const transposeB of [false, true]) {
      for (const accumulate of [false, true]) {
        t.setThreads(1);
        const one = c0.slice();
        t.gemm(m, n, k, a, b, one, { aOffset: 3, cOffset: 2, transposeB, accumulate });
        t.setThreads(2);
        const before = (threadStats as { jobs: number }).jobs;
        const two = c0.slice();
        t.gemm(m, n, k, a, b, two, { aOffset: 3, cOffset: 2, transposeB, accumulate });
        expect((threadStats as { jobs: number }).jobs).toBe(before + 1); // shared (the helper may take no part)
        expect(Array.from(two)).toEqual(Array.from(one));
      }
    }
    // LSTM training (forward with tape, then BPTT) split by rows: the same numbers as on one thread.
    {
      const batch = 29, T = 12, inputDim = 8, u = 50; // u not a multiple of 4: the kernels' tail path
      for (const [returnSequences, act, rec] of [[false, 'tanh', 'sigmoid'], [true, 'relu', 'hard_sigmoid']] as const) {
        const opts: Src.LstmTrainOptions = {
          batch, timesteps: T, inputDim, units: u,
          kernel: rand(11, inputDim * 4 * u, 0.3), recurrentKernel: rand(12, u * 4 * u, 0.2), bias: rand(13, 4 * u, 0.1),
          activation: t.getActivation(act), recurrentActivation: t.getActivation(rec),
          returnSequences, goBackwards: returnSequences,
          initialH: rand(14, batch * u, 0.5), initialC: rand(15, batch * u, 0.5),
          recurrentMask: rand(16, batch * u, 1),
          ...(returnSequences ? { mask: stepMask(batch, T), maskedOutput: 'zero' as const } : { mask: stepMask(batch, T) }),
        };
        const x = rand(17, batch * T * inputDim, 1);
        const dOut = rand(18, returnSequences ? batch * T * u : batch * u, 1);
        const back = { dhFinal: rand(19, batch * u, 1), dcFinal: rand(20, batch * u, 1) };
        const run = () => {
          const f = t.lstmForwardTrain(x, opts);
          return { f, g: t.lstmBackward(f.tape, dOut, back) };
        };
        t.setThreads(1);
        const one = run();
        t.setThreads(2);
        const stats = threadStats as { jobs: number; helperParts: number };
        const before = stats.jobs;
        const two = run();
        expect(stats.jobs).toBe(before + 2); // forward and backward shared (the helper may take no part)
        for (const k of ['output', 'h', 'c'] as const) expect(Array.from(two.f[k])).toEqual(Array.from(one.f[k]));
        for (const k of ['dx', 'dKernel', 'dRecurrentKernel', 'dBias', 'dh0', 'dc0'] as const) {
          expect(Array.from(two.g[k]!)).toEqual(Array.from(one.g[k]!));
        }
      }
    }
    t.setThreads(1);
    expect(t.getThreads()).toBe(1);
    expect(() => t.setThreads(0)).toThrow(TypeError);
  }, 60_000);
});

/**
 * GRU and SimpleRNN on helper threads: inference and training (forward with tape, then BPTT) give
 * exactly the single-thread numbers, with timestep masks, initial states and recurrent dropout.
 */
import { describe, expect, it } from 'vitest';
// The helper threads load the built module, so this test runs against dist/ — `pnpm test` builds first.
// @ts-expect-error: dist has no declarations resolved from the test folder's point of view
import * as dist from '../dist/index.js';
// @ts-expect-error: as above
import { threadStats } from '../dist/wasm/threads.js';
import type * as Src from '../src/index.js';

const t = dist as typeof Src;
const stats = threadStats as { jobs: number; helperParts: number };

function rand(seed: number, n: number, scale: number): Float32Array {
  const r = new t.Random(seed);
  return r.fill(new Float32Array(n), () => r.uniformRange(-scale, scale));
}

function stepMask(batch: number, T: number): Float32Array {
  const m = new Float32Array(batch * T).fill(1);
  for (let b = 0; b < batch; b++) {
    if (b % 3 === 1) m.fill(0, b * T, b * T + (b % 5) + 1);
    if (b % 4 === 2) m[b * T + T - 1 - (b % 3)] = 0;
  }
  m.fill(0, 5 * T, 6 * T);
  return m;
}

/** Runs `f` once on one thread, then on two (waiting for the helper to take parts), and returns both. */
async function oneAndTwo<R>(f: () => R): Promise<[R, R]> {
  t.setThreads(1);
  const one = f();
  t.setThreads(2);
  const before = stats.helperParts;
  let two = f();
  for (let i = 0; i < 200 && stats.helperParts === before; i++) {
    await new Promise((r) => setTimeout(r, 25));
    two = f();
  }
  expect(stats.helperParts).toBeGreaterThan(before);
  t.setThreads(1);
  return [one, two];
}

const same = (a: Float32Array | null, b: Float32Array | null) => expect(Array.from(b ?? [])).toEqual(Array.from(a ?? []));

describe('GRU and SimpleRNN on helper threads', () => {
  for (const resetAfter of [true, false]) {
    it(`GRU (reset_after=${resetAfter}): inference and training are bit-identical to one thread`, async () => {
      const batch = 37, T = 20, D = 16, u = 50;
      const base = {
        batch, timesteps: T, inputDim: D, units: u, resetAfter,
        kernel: rand(1, D * 3 * u, 0.3), recurrentKernel: rand(2, u * 3 * u, 0.2), bias: rand(3, (resetAfter ? 6 : 3) * u, 0.1),
        activation: t.getActivation('tanh'), recurrentActivation: t.getActivation(resetAfter ? 'sigmoid' : 'hard_sigmoid'),
        initialH: rand(4, batch * u, 0.5), mask: stepMask(batch, T),
      };
      const x = rand(6, batch * T * D, 1);
      for (const returnSequences of [false, true]) {
        const opts: Src.GruForwardOptions = { ...base, returnSequences, goBackwards: returnSequences, maskedOutput: returnSequences ? 'previous' : 'state' };
        const [one, two] = await oneAndTwo(() => t.gruForward(x, opts));
        same(one.output, two.output);
        same(one.h, two.h);
      }
      const train: Src.GruTrainOptions = { ...base, returnSequences: true, goBackwards: false, maskedOutput: 'zero', recurrentMask: rand(7, batch * u, 1) };
      const dOut = rand(8, batch * T * u, 1);
      const dh = rand(9, batch * u, 1);
      const [a, b] = await oneAndTwo(() => {
        const f = t.gruForwardTrain(x, train);
        return { f, g: t.gruBackward(f.tape, dOut, { dhFinal: dh }) };
      });
      same(a.f.output, b.f.output);
      same(a.f.h, b.f.h);
      for (const k of ['dx', 'dKernel', 'dRecurrentKernel', 'dBias', 'dh0'] as const) same(a.g[k], b.g[k]);
    }, 60_000);
  }

  it('SimpleRNN: inference and training are bit-identical to one thread', async () => {
    const batch = 37, T = 24, D = 16, u = 130;
    const base = {
      batch, timesteps: T, inputDim: D, units: u,
      kernel: rand(11, D * u, 0.3), recurrentKernel: rand(12, u * u, 0.1), bias: rand(13, u, 0.1),
      activation: t.getActivation('tanh'), initialH: rand(14, batch * u, 0.5), mask: stepMask(batch, T),
    };
    const x = rand(16, batch * T * D, 1);
    for (const returnSequences of [false, true]) {
      const [one, two] = await oneAndTwo(() => t.simpleRnnForward(x, { ...base, returnSequences, goBackwards: !returnSequences }));
      same(one.output, two.output);
      same(one.h, two.h);
    }
    const train: Src.SimpleRnnTrainOptions = { ...base, returnSequences: false, goBackwards: true, recurrentMask: rand(17, batch * u, 1) };
    const dOut = rand(18, batch * u, 1);
    const [a, b] = await oneAndTwo(() => {
      const f = t.simpleRnnForwardTrain(x, train);
      return { f, g: t.simpleRnnBackward(f.tape, dOut) };
    });
    same(a.f.output, b.f.output);
    for (const k of ['dx', 'dKernel', 'dRecurrentKernel', 'dBias', 'dh0'] as const) same(a.g[k], b.g[k]);
  }, 60_000);
});

/**
 * The buffer pool of large training buffers (GRU tapes, an Embedding's gradient and output): a released
 * tape's arrays serve the next training pass, which must then give exactly the numbers of fresh arrays;
 * a released tape refuses a second backward pass; only buffers the pool made are ever reused.
 */
import { describe, expect, it } from 'vitest';
import { embeddingBackward, embeddingForward, getActivation, gruBackward, gruForwardTrain, recycleFloat32, releaseGruTape, Random, type GruTrainOptions } from '../src/index.js';

function rand(seed: number, n: number, scale: number): Float32Array {
  const r = new Random(seed);
  return r.fill(new Float32Array(n), () => r.uniformRange(-scale, scale));
}

// Large enough that the tape's arrays are pooled (≥ 16 Ki floats each).
const B = 12, T = 30, D = 20, u = 48;
function options(resetAfter: boolean, seed: number): GruTrainOptions {
  const mask = new Float32Array(B * T).fill(1);
  for (let b = 0; b < B; b += 3) mask.fill(0, b * T, b * T + 4);
  return {
    batch: B, timesteps: T, inputDim: D, units: u, resetAfter,
    kernel: rand(seed, D * 3 * u, 0.3), recurrentKernel: rand(seed + 1, u * 3 * u, 0.2), bias: rand(seed + 2, (resetAfter ? 6 : 3) * u, 0.1),
    activation: getActivation('tanh'), recurrentActivation: getActivation('sigmoid'),
    returnSequences: true, goBackwards: seed % 2 === 1, mask,
  };
}

function run(o: GruTrainOptions, x: Float32Array, dOut: Float32Array, release: boolean) {
  const f = gruForwardTrain(x, o);
  const g = gruBackward(f.tape, dOut);
  const copy = { output: f.output.slice(), dx: g.dx!.slice(), dKernel: g.dKernel, dRecurrentKernel: g.dRecurrentKernel, dBias: g.dBias, dh0: g.dh0 };
  if (release) releaseGruTape(f.tape);
  return { copy, tape: f.tape };
}

describe('buffer pool', () => {
  for (const resetAfter of [true, false]) {
    it(`GRU (reset_after=${resetAfter}): training passes on reused tape arrays give the numbers of fresh ones`, () => {
      const x1 = rand(10, B * T * D, 1), x2 = rand(11, B * T * D, 1);
      const d1 = rand(12, B * T * u, 1), d2 = rand(13, B * T * u, 1);
      const o1 = options(resetAfter, 1), o2 = options(resetAfter, 4);
      // fresh arrays (nothing released yet), then the same passes after releases that refill the pool
      const fresh1 = run(o1, x1, d1, false).copy;
      const fresh2 = run(o2, x2, d2, false).copy;
      const a = run(o1, x1, d1, true);
      const b = run(o2, x2, d2, true); // takes a's arrays
      const c = run(o1, x1, d1, true); // takes b's
      expect(b.tape.gates).toBe(a.tape.gates);
      expect(c.tape.hs).toBe(b.tape.hs);
      for (const [got, want] of [[b.copy, fresh2], [c.copy, fresh1], [a.copy, fresh1]] as const) {
        for (const k of ['output', 'dx', 'dKernel', 'dRecurrentKernel', 'dBias', 'dh0'] as const) expect(Array.from(got[k]!)).toEqual(Array.from(want[k]!));
      }
      // a released tape cannot be run backwards again (its arrays belong to a later pass now)
      expect(() => gruBackward(a.tape, d1)).toThrow(/released/);
      releaseGruTape(a.tape); // twice is harmless
    });
  }

  it("reuses only the pool's own buffers, and an Embedding's gradient comes back zeroed and exact", () => {
    const inputDim = 300, outputDim = 64; // 19 200 floats: pooled
    const table = rand(20, inputDim * outputDim, 1);
    const idx = Int32Array.from({ length: 400 }, (_, i) => (i * 37) % inputDim);
    const dOut = rand(21, 400 * outputDim, 1);
    const want = embeddingBackward(idx, dOut, inputDim, outputDim).slice();
    const g1 = embeddingBackward(idx, dOut, inputDim, outputDim);
    recycleFloat32([g1]);
    const out = embeddingForward(idx, table, inputDim, outputDim); // 25 600 floats: another size, fresh
    expect(out).not.toBe(g1);
    const g2 = embeddingBackward(idx, dOut, inputDim, outputDim);
    expect(g2).toBe(g1); // the recycled buffer, cleared before the scatter-add
    expect(Array.from(g2)).toEqual(Array.from(want));
    // an array the pool did not make is never handed out again
    const foreign = new Float32Array(inputDim * outputDim);
    recycleFloat32([foreign]);
    const g3 = embeddingBackward(idx, dOut, inputDim, outputDim);
    expect(g3).not.toBe(foreign);
    expect(Array.from(g3)).toEqual(Array.from(want));
  });
});

describe('pooled max-pooling argmax (recycleInt32)', () => {
  it('a given-back argmax serves the next pooling, which gives the same indices as a fresh one', async () => {
    const t = await import('../src/index.js');
    const geometry = t.windowGeometry([40, 40], [2, 2], [2, 2], [1, 1], 'valid');
    const spec = { batch: 2, geometry, channels: 64 }; // 51 200 outputs: pooled
    const x = rand(3, 2 * 1600 * 64, 1);
    const a = t.poolForward(x, spec, 'max', true);
    const ref = Array.from(a.argmax!);
    t.recycleInt32([a.argmax!]);
    const b = t.poolForward(rand(4, x.length, 1), spec, 'max', true); // may take a's buffer
    const c = t.poolForward(x, spec, 'max', true);
    expect(Array.from(c.argmax!)).toEqual(ref);
    // (the pooled output, taken first, is as long as the argmax: it may be the one that reuses it)
    expect([b.output, b.argmax!, c.output, c.argmax!].some((arr) => arr.buffer === a.argmax!.buffer)).toBe(true);
    // arrays the pool did not make are ignored
    const foreign = new Int32Array(51200);
    t.recycleInt32([foreign, foreign]);
    expect(t.poolForward(x, spec, 'max', true).argmax!.buffer).not.toBe(foreign.buffer);
  });
});

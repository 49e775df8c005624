// createOrtPredictor: predictions through onnxruntime-node (a dev dependency of these tests; for users
// an optional install) equal kerasts' own within 1e-5, on one fixture of every prediction family (the
// full round trip of every fixture is ort-roundtrip.test.ts); the session follows weight changes; a
// missing runtime, a wrong number of inputs and a released predictor are typed errors.
import { describe, expect, it } from 'vitest';
import { ConfigError, ShapeMismatchError, Tensor, UnsupportedError, markWeightsChanged } from '@kerasts/tensor';
import { createOrtPredictor } from '../src/index.js';
import { predictCases, toTensor, worstDiff } from './helpers.js';

const cases = predictCases();
/** The first case of each family. */
const sample = [...new Map(cases.map((c) => [c.family, c])).values()];

describe('createOrtPredictor (onnxruntime-node)', () => {
  for (const c of sample) {
    it(`${c.id}: same outputs as model.predictOutputs within 1e-5`, async () => {
      const model = await c.build();
      const xs = c.inputs.map(toTensor);
      const want = model.predictOutputs(xs.length === 1 ? xs[0]! : xs);
      const p = await createOrtPredictor(model, { sessionOptions: { intraOpNumThreads: 1 } });
      try {
        const got = await p.predictOutputs(xs);
        expect(got.length).toBe(want.length);
        got.forEach((g, k) => {
          expect(g.shape).toEqual(want[k]!.shape);
          expect(worstDiff(g.data, want[k]!.data)).toBeLessThanOrEqual(1e-5);
        });
        expect(worstDiff((await p.predict(xs)).data, want[0]!.data)).toBeLessThanOrEqual(1e-5);
      } finally {
        await p.release();
      }
    });
  }

  it('follows weight changes (setWeights, and in-place changes announced with markWeightsChanged)', async () => {
    const c = cases.find((k) => k.family === 'predict')!;
    const model = await c.build();
    const xs = c.inputs.map(toTensor);
    const p = await createOrtPredictor(model);
    const first = await p.predict(xs);
    model.setWeights(model.getWeights().map((w) => new Tensor(w.data.map((v) => v * 0.5), w.shape)));
    const second = await p.predict(xs);
    expect(worstDiff(second.data, first.data)).toBeGreaterThan(1e-3);
    expect(worstDiff(second.data, model.predict(xs.length === 1 ? xs[0]! : xs).data)).toBeLessThanOrEqual(1e-5);
    const w = model.layers.flatMap((l) => [...l.weights])[0]!;
    w.value.data.fill(0.1);
    markWeightsChanged(w.value.data);
    const third = await p.predict(xs);
    expect(worstDiff(third.data, model.predict(xs.length === 1 ? xs[0]! : xs).data)).toBeLessThanOrEqual(1e-5);
    await p.release();
    await expect(p.predict(xs)).rejects.toThrow(ConfigError);
  });

  it('a wrong number of inputs is a ShapeMismatchError', async () => {
    const c = cases.find((k) => k.family === 'predict')!;
    const p = await createOrtPredictor(await c.build());
    const x = toTensor(c.inputs[0]!);
    await expect(p.predictOutputs([x, x])).rejects.toThrow(ShapeMismatchError);
    await p.release();
  });

  it('a runtime that cannot be imported, or is not ONNX Runtime, is an UnsupportedError naming it', async () => {
    const model = await cases.find((k) => k.family === 'predict')!.build();
    await expect(createOrtPredictor(model, { runtime: 'onnxruntime-node-not-installed' })).rejects.toThrow(UnsupportedError);
    await expect(createOrtPredictor(model, { runtime: 'onnxruntime-node-not-installed' })).rejects.toThrow(/npm install onnxruntime-node/);
    await expect(createOrtPredictor(model, { runtime: 'node:path' })).rejects.toThrow(/not an ONNX Runtime module/);
  });
});

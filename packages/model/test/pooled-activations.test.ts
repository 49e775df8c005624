/**
 * Sequential inference gives a large dead activation (an Embedding's output, from the kernels' buffer
 * pool) back for the next batch: predictions must not change, whether a layer passes its input on
 * (Dropout, Reshape share the Embedding's buffer) or not, in one batch or many.
 */
import { describe, expect, it } from 'vitest';
import { Dense, Dropout, Embedding, Flatten, GRU, Reshape } from '@kerasts/layers';
import { Tensor } from '@kerasts/tensor';
import { Sequential } from '../src/index.js';

function tokens(n: number, T: number, vocab: number, seed: number): Tensor {
  return new Tensor(Float32Array.from({ length: n * T }, (_, i) => (i * 7919 + seed * 104729) % vocab), [n, T]);
}

describe('pooled activations in Sequential inference', () => {
  it('predictions are the same on every call and in every batching', () => {
    const T = 64, D = 32; // 8 samples: 16 384 floats, pooled
    const model = new Sequential({
      layers: [
        new Embedding(500, D, { inputShape: [T] }),
        new Dropout(0.5),
        new Reshape([T, D]),
        new GRU(8, { returnSequences: true }),
        new Flatten(),
        new Dense({ units: 3 }),
      ],
    });
    const x = tokens(24, T, 500, 1);
    const first = model.predict(x, { batchSize: 24 });
    // one sample at a time: small activations, never pooled, the reference
    const rows = Array.from({ length: 24 }, (_, i) => model.predict(new Tensor(x.data.slice(i * T, (i + 1) * T), [1, T])).data);
    const ref = Float32Array.from(rows.flatMap((r) => Array.from(r)));
    for (let k = 0; k < 3; k++) {
      expect(Array.from(model.predict(x, { batchSize: 24 }).data)).toEqual(Array.from(first.data));
      expect(Array.from(model.predict(x, { batchSize: 8 }).data)).toEqual(Array.from(first.data));
      // another input between two calls: a reused buffer must not leak into the next prediction
      model.predict(tokens(24, T, 500, k + 2), { batchSize: 24 });
    }
    let m = 0;
    first.data.forEach((v, i) => (m = Math.max(m, Math.abs(v - ref[i]!))));
    expect(m).toBeLessThan(1e-6);
  });
});

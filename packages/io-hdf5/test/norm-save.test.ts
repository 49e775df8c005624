// BatchNormalization's moving statistics survive saving after fit, and training resumes exactly:
// 2 epochs + save + load + 2 epochs == 4 epochs, bit for bit (weights, moving statistics, optimizer).
import { describe, expect, it } from 'vitest';
import { BatchNormalization, Dense, Flatten, LayerNormalization, Reshape, UpSampling1D } from '@kerasts/layers';
import { Adam, Sequential } from '@kerasts/model';
import { Random, tensor } from '@kerasts/tensor';
import { loadModel, saveModel } from '../src/index.js';

describe('BatchNormalization state in saved files', () => {
  const rng = new Random(7);
  const x = tensor(rng.fill(new Float32Array(20 * 4), () => rng.uniformRange(-2, 3)), [20, 4]);
  const y = tensor(rng.fill(new Float32Array(20), () => rng.uniformRange(-1, 1)), [20, 1]);
  const make = () => {
    const init = (seed: number) => ({ class_name: 'GlorotUniform', config: { seed } });
    const m = new Sequential({
      layers: [
        new Dense(6, { inputShape: [4], useBias: false, kernelInitializer: init(1) }),
        new BatchNormalization({ momentum: 0.8 }),
        new Reshape([3, 2]),
        new UpSampling1D(2),
        new LayerNormalization(),
        new Flatten(),
        new Dense(1, { kernelInitializer: init(2) }),
      ],
    });
    m.compile({ optimizer: new Adam({ learningRate: 0.01 }), loss: 'mse' });
    return m;
  };
  it('moving statistics change in fit and are written and read back', async () => {
    const m = make();
    const before = m.getWeights()[3]!.data.slice();
    await m.fit(x, y, { epochs: 2, batchSize: 6, shuffle: false, verbose: 0 });
    const after = m.getWeights();
    expect(Array.from(after[3]!.data)).not.toEqual(Array.from(before));
    const back = await loadModel(await saveModel(m, null));
    back.getWeights().forEach((w, i) => expect(Array.from(w.data)).toEqual(Array.from(after[i]!.data)));
    expect(Array.from(back.predict(x).data)).toEqual(Array.from(m.predict(x).data));
  });
  it('2 epochs + save + load + 2 epochs equals 4 epochs, bit for bit', async () => {
    const straight = make();
    await straight.fit(x, y, { epochs: 4, batchSize: 6, shuffle: true, seed: 3, verbose: 0 });
    const first = make();
    await first.fit(x, y, { epochs: 2, batchSize: 6, shuffle: true, seed: 3, verbose: 0 });
    const resumed = await loadModel(await saveModel(first, null));
    await resumed.fit(x, y, { epochs: 4, initialEpoch: 2, batchSize: 6, shuffle: true, seed: 3, verbose: 0 });
    const a = straight.getWeights();
    resumed.getWeights().forEach((w, i) => expect(Array.from(w.data), `weight ${i}`).toEqual(Array.from(a[i]!.data)));
    expect(resumed.getOptimizerWeights().map((w) => Array.from(w.data))).toEqual(straight.getOptimizerWeights().map((w) => Array.from(w.data)));
  });
});

// Training resumes where it stopped: a .h5 Keras 3.15.1 saved after 2 epochs (training config and
// optimizer weights), trained 1 more epoch in kerasts, reaches the weights Keras reached training on
// from its own memory. And within kerasts: 2 epochs + save + load + 2 epochs == 4 epochs, bit for bit.
import { readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { Dense, LSTM } from '@kerasts/layers';
import { Adam, Sequential } from '@kerasts/model';
import { Random, tensor } from '@kerasts/tensor';
import { loadModel, saveModel } from '../src/index.js';

const dir = join(dirname(fileURLToPath(import.meta.url)), '..', '..', '..', 'tools', 'oracle', 'fixtures', 'resume');
interface Arr { shape: number[]; values: number[] }
interface Case { x: Arr; y: Arr; batch_size: number; loss_third_epoch: number; weights_after_third_epoch: Arr[]; iterations_after: number }
const t = (a: Arr) => tensor(Float32Array.from(a.values), a.shape);

describe('resuming training from a Keras 3.15.1 .h5', () => {
  for (const name of (JSON.parse(readFileSync(join(dir, 'index.json'), 'utf8')) as { cases: string[] }).cases) {
    it(name, async () => {
      const c = JSON.parse(readFileSync(join(dir, `${name}.io.json`), 'utf8')) as Case;
      const warnings: string[] = [];
      const model = await loadModel(join(dir, `${name}.h5`), { warn: (m) => warnings.push(m) });
      expect(warnings).toEqual([]);
      expect(model.isCompiled).toBe(true);
      const history = await model.fit(t(c.x), t(c.y), { epochs: 1, batchSize: c.batch_size, shuffle: false, verbose: 0 });
      expect(Math.abs(history.history.loss![0]! - c.loss_third_epoch)).toBeLessThanOrEqual(1e-4);
      model.getWeights().forEach((w, i) => {
        const want = c.weights_after_third_epoch[i]!.values;
        let m = 0;
        w.data.forEach((v, k) => (m = Math.max(m, Math.abs(v - want[k]!))));
        expect(m, `weight ${i}`).toBeLessThanOrEqual(1e-4);
      });
      expect(model.getOptimizerWeights()[0]!.data[0]).toBe(c.iterations_after);
    });
  }
});

describe('exact resume within kerasts', () => {
  it('2 epochs + save + load + 2 epochs equals 4 epochs, bit for bit', async () => {
    const rng = new Random(5);
    const x = tensor(rng.fill(new Float32Array(24 * 3 * 2), () => rng.uniformRange(-1, 1)), [24, 3, 2]);
    const y = tensor(rng.fill(new Float32Array(24), () => rng.uniformRange(-1, 1)), [24, 1]);
    const make = () => {
      const m = new Sequential({ layers: [new LSTM({ units: 3, inputShape: [3, 2], kernelInitializer: { class_name: 'GlorotUniform', config: { seed: 1 } }, recurrentInitializer: { class_name: 'Orthogonal', config: { seed: 2 } } }), new Dense({ units: 1, kernelInitializer: { class_name: 'GlorotUniform', config: { seed: 3 } } })] });
      m.compile({ optimizer: new Adam({ learningRate: 0.01 }), loss: 'mse' });
      return m;
    };
    const straight = make();
    await straight.fit(x, y, { epochs: 4, batchSize: 5, shuffle: true, seed: 11, verbose: 0 });
    const first = make();
    await first.fit(x, y, { epochs: 2, batchSize: 5, shuffle: true, seed: 11, verbose: 0 });
    const bytes = await saveModel(first, null);
    const resumed = await loadModel(bytes);
    await resumed.fit(x, y, { epochs: 4, initialEpoch: 2, batchSize: 5, shuffle: true, seed: 11, verbose: 0 });
    const a = straight.getWeights();
    resumed.getWeights().forEach((w, i) => expect(Array.from(w.data)).toEqual(Array.from(a[i]!.data)));
  });
});

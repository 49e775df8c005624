// fit(shuffle=False) through keras.ops nodes (NumpyOperation) and the activation layers matches Keras
// 3.15.1 (tools/oracle/fixtures/activations/train, made by gen_activation_fixtures.py): SGD with
// momentum, mse, 2 epochs; every weight and loss within 1e-4.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { NumpyOperation } from '@kerasts/layers';
import { SGD } from '@kerasts/model';
import { Tensor } from '@kerasts/tensor';
import { modelFromJSON } from '../src/index.js';
import { repoRoot } from './helpers.js';

type T = { shape: number[]; values: number[] };
const fx = JSON.parse(readFileSync(join(repoRoot, 'tools', 'oracle', 'fixtures', 'activations', 'train', 'train_numpy_operations_sgd.json'), 'utf8')) as {
  model_json: unknown; initial_weights: T[]; x: T; y: T; loss: number[]; final_weights: T[];
};
const t = (v: T) => new Tensor(Float32Array.from(v.values), v.shape);

describe('training through keras.ops nodes and activation layers', () => {
  it('reproduces Keras fit: weights and losses within 1e-4', async () => {
    const model = modelFromJSON(JSON.stringify(fx.model_json));
    expect(model.layers.filter((l) => l instanceof NumpyOperation).length).toBeGreaterThanOrEqual(6);
    model.setWeights(fx.initial_weights.map(t));
    model.compile({ optimizer: new SGD({ learningRate: 0.05, momentum: 0.5 }), loss: 'mse' });
    const h = await model.fit(t(fx.x), t(fx.y), { epochs: 2, batchSize: 4, shuffle: false, verbose: 0 });
    h.history.loss!.forEach((l, i) => expect(Math.abs(l - fx.loss[i]!)).toBeLessThanOrEqual(1e-4 * Math.max(1, Math.abs(fx.loss[i]!))));
    let worst = 0;
    model.getWeights().forEach((w, i) => {
      const ref = fx.final_weights[i]!.values;
      for (let j = 0; j < ref.length; j++) worst = Math.max(worst, Math.abs(w.data[j]! - ref[j]!));
    });
    console.log(`fit through operations: worst |delta w| ${worst.toExponential(2)}`);
    expect(worst).toBeLessThanOrEqual(1e-4);
  });
});

// A Keras 1.2.2-style file with BatchNormalization (mode 0; gamma, beta, running_mean, running_std),
// written by tools/oracle/gen_norm_fixtures.py as Keras 1.2.2's save_model wrote it: it loads and
// predicts what Keras 1 computed, `running_std` being the moving variance.
import { readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { tensor } from '@kerasts/tensor';
import { loadModel, loadWeights } from '../src/index.js';

const dir = join(dirname(fileURLToPath(import.meta.url)), '..', '..', '..', 'tools', 'oracle', 'fixtures', 'norm', 'k1');
interface Arr { shape: number[]; values: number[] }

describe('Keras 1 BatchNormalization files', () => {
  it('load and predict what Keras 1 computed (running_std = variance)', async () => {
    const io = JSON.parse(readFileSync(join(dir, 'k1_dense_bn.io.json'), 'utf8')) as { input: Arr; output: Arr };
    const model = await loadModel(join(dir, 'k1_dense_bn.h5'));
    expect(model.kerasVersion).toBe('1.2.2');
    expect(model.layers.map((l) => l.className)).toEqual(['Dense', 'BatchNormalization', 'Activation', 'Reshape', 'BatchNormalization', 'Flatten', 'Dense']);
    const y = model.predict(tensor(Float32Array.from(io.input.values), io.input.shape));
    let m = 0;
    y.data.forEach((v, i) => (m = Math.max(m, Math.abs(v - io.output.values[i]!))));
    expect(m).toBeLessThanOrEqual(1e-5);
    const report = await loadWeights(model, join(dir, 'k1_dense_bn.h5'));
    expect(report.conversions.filter((c) => c.includes('running_std')).length).toBe(2);
    expect(report.loaded.find((l) => l.layer === 'batchnormalization_1' && l.weight === 'moving_variance')!.from).toBe('batchnormalization_1_running_std:0');
  });
});

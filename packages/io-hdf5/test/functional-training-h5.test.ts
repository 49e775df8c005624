/**
 * A compiled functional model with several outputs (per-output losses and metrics, loss weights) and
 * the recurrent wrappers, through `.h5` in every dialect: the training config and the optimizer state
 * are saved and restored, so training resumes exactly where it stopped. Keras 3.15.1 reading these
 * files compiled is checked by the interop suite (tools/interop).
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { clearSession } from '@kerasts/layers';
import { modelFromJSON } from '@kerasts/io-json';
import { tensor, type Tensor } from '@kerasts/tensor';
import { fixturesDir } from '../../../tools/testing/shared.js';
import { modelFromH5Bytes, modelToH5Bytes } from '../src/index.js';

interface Arr {
  shape: number[];
  values: number[];
}
const t = (a: Arr): Tensor => tensor(Float32Array.from(a.values), a.shape);
const load = (name: string): { model_json: never; initial_weights: Arr[]; x: Arr[]; y: Arr[]; training_config: Record<string, unknown> } =>
  JSON.parse(readFileSync(join(fixturesDir, 'wrappers', `${name}.json`), 'utf8'));

describe('training state of functional models and wrappers in .h5', () => {
  for (const name of ['two_outputs_loss_weights', 'bidirectional_return_state', 'seq2seq', 'time_distributed_dense']) {
    for (const dialect of ['keras-2', 'keras-3', 'keras-2.0'] as const) {
      it(`${name} (${dialect}): training config and optimizer state restore; training resumes exactly`, async () => {
        const fx = load(name);
        clearSession();
        const a = modelFromJSON(fx.model_json);
        a.setWeights(fx.initial_weights.map(t));
        a.compileFromTrainingConfig(fx.training_config as never);
        const xs = fx.x.map(t);
        const ys = fx.y.map(t);
        const x = xs.length === 1 ? xs[0]! : xs;
        const y = ys.length === 1 ? ys[0]! : ys;
        await a.fit(x, y, { epochs: 1, batchSize: 8, shuffle: false, verbose: 0 });
        const bytes = await modelToH5Bytes(a, { dialect, numerics: 'ignore', warn: () => {} });
        clearSession();
        const b = await modelFromH5Bytes(bytes, { warn: () => {} });
        expect(b.isCompiled).toBe(true);
        expect(b.getTrainingConfig()!.loss_weights).toEqual(a.getTrainingConfig()!.loss_weights);
        expect(b.outputNames).toEqual(a.outputNames);
        // the optimizer state came back: the same further epoch from both
        const ha = await a.fit(x, y, { epochs: 1, batchSize: 8, shuffle: false, verbose: 0 });
        const hb = await b.fit(x, y, { epochs: 1, batchSize: 8, shuffle: false, verbose: 0 });
        // Metric aliases are spelled out in the file (Keras 3.15.1's .h5 loader needs full loss names),
        // so a reloaded model logs `dense_1_mean_absolute_error` for `dense_1_mae`, as Keras' own reload does.
        const norm = (k: string): string => k.replace(/mean_absolute_error$/, 'mae').replace(/mean_squared_error$/, 'mse');
        const hbN = Object.fromEntries(Object.entries(hb.history).map(([k, v]) => [norm(k), v]));
        expect(Object.keys(hbN).sort()).toEqual(Object.keys(ha.history).sort());
        for (const k of Object.keys(ha.history)) expect(hbN[k]![0]).toBeCloseTo(ha.history[k]![0]!, 6);
        const wa = a.getWeights();
        b.getWeights().forEach((w, i) => expect(Array.from(w.data)).toEqual(Array.from(wa[i]!.data)));
      });
    }
  }
});

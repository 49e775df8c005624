/**
 * Optimizer state of real files with recurrent layers, restored into Keras 3's layout: tf.keras 2.10's
 * Nadam over three GRUs ([iter, momentum_cache, all m, all v], slots named `Nadam/gru/gru_cell/kernel/m:0`)
 * and Keras 2.1.3's RMSprop over a SimpleRNN (accumulators only). Each slot lands on the variable it
 * belongs to (Keras 3 names: `Nadam/sequential_2_gru_gru_cell_kernel_momentum`).
 */
import { readFileSync } from 'node:fs';
import { expect } from 'vitest';
import { describeShared, itShared, sharedPath } from '../../../tools/testing/shared.js';
import { modelFromContents, readKerasH5 } from '../src/index.js';

async function load(name: string) {
  const contents = await readKerasH5(readFileSync(sharedPath('real-keras-files', 'files', `${name}.h5`)));
  const warnings: string[] = [];
  const { model, info } = modelFromContents(contents, { warn: (w) => warnings.push(w) });
  const stored = new Map(contents.optimizerWeights!.weights.map((w) => [w.name, Float32Array.from(Array.from(w.data as ArrayLike<number | bigint>, Number))]));
  return { model, info, stored, warnings };
}

describeShared('optimizer state of real recurrent files', () => {
  itShared('tf.keras 2.10 Nadam over stacked GRUs: momentum_cache becomes u_product, m and v go to their GRU cell variables', async () => {
    const { model, info, stored, warnings } = await load('tf2100_stacked_gru');
    expect(warnings).toEqual([]);
    expect(info.optimizerRestored).toBe(true);
    const vars = new Map(model.getOptimizerVariables().map((v) => [v.name, v.value.data]));
    const same = (ours: string, theirs: string) => expect(Array.from(vars.get(ours)!)).toEqual(Array.from(stored.get(theirs)!));
    same('Nadam/sequential_2_gru_1_gru_cell_recurrent_kernel_momentum', 'Nadam/gru_1/gru_cell_1/recurrent_kernel/m:0');
    same('Nadam/sequential_2_gru_2_gru_cell_bias_velocity', 'Nadam/gru_2/gru_cell_2/bias/v:0');
    same('Nadam/sequential_2_dense_2_kernel_momentum', 'Nadam/dense_2/kernel/m:0');
    expect(model.optimizer!.iterations).toBe(stored.get('Nadam/iter:0')![0]);
    // Keras 3 keeps Nadam's momentum product in its last variable (u_product)
    const all = model.getOptimizerVariables();
    expect(all[all.length - 1]!.value.data[0]).toBeCloseTo(stored.get('Nadam/momentum_cache:0')![0]!, 6);
  });
  itShared('Keras 2.1.3 RMSprop over a SimpleRNN: accumulators to the simple_rnn_cell variables', async () => {
    const { model, info, warnings } = await load('k213_simple_rnn_full');
    expect(warnings).toEqual([]);
    expect(info.optimizerRestored).toBe(true);
    expect(model.getOptimizerVariables().map((v) => v.name).slice(2, 4)).toEqual([
      'rm_sprop/sequential_simple_rnn_1_simple_rnn_cell_kernel_velocity',
      'rm_sprop/sequential_simple_rnn_1_simple_rnn_cell_recurrent_kernel_velocity',
    ]);
  });
});

/** Step 3: model.save -> load_model: one HDF5 file with architecture, weights, training config and optimizer state. */
import { loadModel, saveModel } from '@kerasts/io-hdf5';
import type { Sequential } from '@kerasts/model';
import { maxAbsDiff, type Context } from '../context.js';

export async function run(ctx: Context, model: Sequential): Promise<void> {
  const file = ctx.out('my_model.h5');
  await saveModel(model, file, { overwrite: true });
  const loaded = await loadModel(file);
  const d = maxAbsDiff(model.predict(ctx.x), loaded.predict(ctx.x));
  ctx.say(`  saved ${file} and loaded it back`);
  ctx.check('reloaded model predicts the same', d === 0, `max |Δ| = ${d}`);
  ctx.check('reloaded model is compiled', loaded.isCompiled, `optimizer ${loaded.optimizer?.className}`);
  const itA = model.getOptimizerWeights()[0]!.data[0]!;
  const itB = loaded.getOptimizerWeights()[0]!.data[0]!;
  ctx.check('optimizer state restored', itA === itB, `iterations ${itB}`);
  // Resume where it stopped: two more epochs on both give the same weights.
  await model.fit(ctx.x, ctx.y, { epochs: 10, initialEpoch: 8, batchSize: 32, validationSplit: 0.1, shuffle: true, seed: 1, verbose: 0 });
  await loaded.fit(ctx.x, ctx.y, { epochs: 10, initialEpoch: 8, batchSize: 32, validationSplit: 0.1, shuffle: true, seed: 1, verbose: 0 });
  const dw = Math.max(...model.getWeights().map((w, i) => maxAbsDiff(w, loaded.getWeights()[i]!)));
  ctx.check('training resumes exactly where it stopped', dw === 0, `after 2 more epochs each, max |Δ| of weights = ${dw}`);
}

/** Step 5: weights alone: save_weights / load_weights. */
import { modelFromJSON, toJSON } from '@kerasts/io-json';
import { loadWeights, saveWeights } from '@kerasts/io-hdf5';
import type { Sequential } from '@kerasts/model';
import { maxAbsDiff, type Context } from '../context.js';

export async function run(ctx: Context, model: Sequential): Promise<void> {
  const file = ctx.out('my_model_weights.h5');
  await saveWeights(model, file, { overwrite: true });
  const fresh = modelFromJSON(toJSON(model));
  const report = await loadWeights(fresh, file);
  ctx.say(`  saved ${file}; loaded ${report.loaded.length} weight arrays by topology into a fresh model`);
  ctx.check('the fresh model predicts the same', maxAbsDiff(fresh.predict(ctx.x), model.predict(ctx.x)) === 0, 'max |Δ| = 0');
}

/**
 * Step 9: Keras 3's own format. `model.save('my_model.keras')` is Keras 3's default: one ZIP archive
 * with the architecture, the weights and the compiled optimizer state. Save, load back through the
 * one way in (the format comes from the file's content), resume training exactly; and weights alone
 * as `.weights.h5`, the only weights format Keras 3's `save_weights` writes.
 */
import { detectFormat, loadModelWithInfo, loadWeights, modelFromJSON, saveModel, saveWeights, toJSON, type Sequential } from 'kerasts';
import { readFileSync } from 'node:fs';
import { maxAbsDiff, type Context } from '../context.js';

export async function run(ctx: Context, model: Sequential): Promise<void> {
  const file = ctx.out('my_model.keras');
  await saveModel(model, file, { overwrite: true });
  const { description } = await detectFormat(new Uint8Array(readFileSync(file)));
  const { model: loaded, optimizerRestored } = await loadModelWithInfo(file);
  ctx.say(`  saved ${file} (${description}) and loaded it back`);
  ctx.check('the .keras model predicts the same', maxAbsDiff(model.predict(ctx.x), loaded.predict(ctx.x)) === 0, 'max |Δ| = 0');
  ctx.check('it comes back compiled with its optimizer state', loaded.isCompiled && optimizerRestored, `optimizer ${loaded.optimizer?.className}, iterations ${loaded.getOptimizerWeights()[0]!.data[0]}`);
  const fitMore = { epochs: 2, batchSize: 32, shuffle: true, seed: 2, verbose: 0 } as const;
  await model.fit(ctx.x, ctx.y, fitMore);
  await loaded.fit(ctx.x, ctx.y, fitMore);
  const dw = Math.max(...model.getWeights().map((w, i) => maxAbsDiff(w, loaded.getWeights()[i]!)));
  ctx.check('training resumes from the .keras exactly', dw === 0, `after 2 more epochs each, max |Δ| of weights = ${dw}`);
  const wfile = ctx.out('my_model.weights.h5');
  await saveWeights(model, wfile, { overwrite: true });
  const fresh = modelFromJSON(toJSON(model), { expect: 'Sequential' });
  const report = await loadWeights(fresh, wfile);
  ctx.check('weights alone as .weights.h5 (Keras 3 layout) load by path', maxAbsDiff(model.predict(ctx.x), fresh.predict(ctx.x)) === 0, `${report.loaded.length} arrays, e.g. ${report.loaded[0]!.from}`);
}

/** Step 8: a file in Keras 2.0.8's format: load it, run it, and upgrade it for Keras 3 without changing its numbers. */
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { loadModel, saveModel } from '@kerasts/io-hdf5';
import { rescaleHardSigmoidForKeras3 } from '@kerasts/transfer';
import { maxAbsDiff, type Context } from '../context.js';

const here = dirname(fileURLToPath(import.meta.url));

export async function run(ctx: Context): Promise<void> {
  const file = join(here, '..', '..', 'models', 'keras-2.0.8-seed-model.h5');
  const model = await loadModel(file);
  ctx.say(`  loaded ${file}: Keras ${model.kerasVersion}, ${model.layers.map((l) => `${l.name} (${l.className})`).join(', ')}, optimizer ${model.optimizer?.className ?? 'none'}`);
  ctx.check('Keras 2 numerics kept', model.kerasVersion === '2.0.8', "hard_sigmoid is clip(0.2x+0.5) as in Keras 2, not Keras 3's clip(x/6+0.5)");
  const before = model.predict(ctx.x);
  const up = rescaleHardSigmoidForKeras3(model);
  for (const r of up.rescaled) ctx.say(`  rescaled ${r}`);
  const out = ctx.out('keras3-ready.h5');
  await saveModel(model, out, { overwrite: true, warn: (m) => ctx.say(`  note: ${m.replace(/^kerasts: /, '')}`) });
  const after = (await loadModel(out)).predict(ctx.x);
  const d = maxAbsDiff(before, after);
  ctx.check('the Keras 3 file predicts what Keras 2.0.8 computed', d <= 1e-6, `max |Δ| = ${d.toExponential(2)} (written to ${out})`);
}

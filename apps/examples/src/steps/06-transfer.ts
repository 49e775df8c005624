/** Step 6: load weights by layer name into a different model (lstm_old kept, dense_new fresh). */
import { loadWeights, saveWeights } from '@kerasts/io-hdf5';
import { Adam } from '@kerasts/model';
import { formatTransferReport } from '@kerasts/transfer';
import { maxAbsDiff, type Context } from '../context.js';
import { buildModel } from './01-build.js';

export async function run(ctx: Context): Promise<void> {
  const model = buildModel({ lstm: 'lstm_old', dense: 'dense_old' });
  model.compile({ optimizer: new Adam({ learningRate: 0.01 }), loss: 'mean_squared_error' });
  await model.fit(ctx.x, ctx.y, { epochs: 3, batchSize: 32, seed: 3, verbose: 0 });
  const file = ctx.out('my_model_weights_named.h5');
  await saveWeights(model, file, { overwrite: true });

  const modelNew = buildModel({ lstm: 'lstm_old', dense: 'dense_new', units: 10 });
  const denseBefore = modelNew.getLayer('dense_new').getWeights();
  const report = await loadWeights(modelNew, file, { byName: true });
  ctx.say(formatTransferReport(report).split('\n').map((l) => `  ${l}`).join('\n'));
  const lstmSame = model.getLayer('lstm_old').getWeights().every((w, i) => maxAbsDiff(w, modelNew.getLayer('lstm_old').getWeights()[i]!) === 0);
  ctx.check('lstm_old took the trained LSTM weights', lstmSame, 'kernel, recurrent_kernel, bias equal');
  const denseSame = denseBefore.every((w, i) => maxAbsDiff(w, modelNew.getLayer('dense_new').getWeights()[i]!) === 0);
  ctx.check('dense_new kept its own weights', denseSame && report.untouched.includes('dense_new'), 'no stored layer of that name');
}

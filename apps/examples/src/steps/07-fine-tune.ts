/** Step 7: fine-tuning: freeze the transferred LSTM, train a new head on a new task. */
import { loadWeights, saveWeights } from '@kerasts/io-hdf5';
import { Adam } from '@kerasts/model';
import { freeze } from '@kerasts/transfer';
import { makeData, maxAbsDiff, type Context } from '../context.js';
import { buildModel } from './01-build.js';

export async function run(ctx: Context): Promise<void> {
  const base = buildModel({ lstm: 'lstm_old', dense: 'dense_old' });
  base.compile({ optimizer: new Adam({ learningRate: 0.01 }), loss: 'mean_squared_error' });
  await base.fit(ctx.x, ctx.y, { epochs: 5, batchSize: 32, seed: 4, verbose: 0 });
  const file = ctx.out('base_weights.h5');
  await saveWeights(base, file, { overwrite: true });

  const head = buildModel({ lstm: 'lstm_old', dense: 'head' });
  await loadWeights(head, file, { byName: true });
  freeze(head, ['lstm_old']);
  const frozen = head.getLayer('lstm_old').getWeights();
  const task = makeData(128, 99);
  const yNew = task.y.clone();
  yNew.data.forEach((v, i) => (yNew.data[i] = 2 * v + 0.3));
  head.compile({ optimizer: new Adam({ learningRate: 0.02 }), loss: 'mean_squared_error' });
  const h = await head.fit(task.x, yNew, { epochs: 10, batchSize: 16, seed: 5, verbose: 0 });
  const loss = h.history.loss!;
  const moved = Math.max(...head.getLayer('lstm_old').getWeights().map((w, i) => maxAbsDiff(w, frozen[i]!)));
  ctx.check('the frozen LSTM did not move', moved === 0, `max |Δ| = ${moved}`);
  ctx.check('the head learned the new task', loss.at(-1)! < loss[0]!, `loss ${loss[0]!.toFixed(4)} -> ${loss.at(-1)!.toFixed(4)}`);
}

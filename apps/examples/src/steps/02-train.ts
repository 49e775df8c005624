/** Step 2: compile and train briefly on the embedded data. */
import { Adam, type Sequential } from '@kerasts/model';
import type { Context } from '../context.js';

export async function run(ctx: Context, model: Sequential): Promise<void> {
  model.compile({ optimizer: new Adam({ learningRate: 0.01 }), loss: 'mean_squared_error', metrics: ['mae'] });
  const history = await model.fit(ctx.x, ctx.y, { epochs: 8, batchSize: 32, validationSplit: 0.1, shuffle: true, seed: 1, verbose: 0 });
  const loss = history.history.loss!;
  ctx.say(`  trained 8 epochs: loss ${loss[0]!.toFixed(4)} -> ${loss[loss.length - 1]!.toFixed(4)}, val_loss ${history.history.val_loss!.at(-1)!.toFixed(4)}`);
  ctx.check('training reduced the loss', loss[loss.length - 1]! < loss[0]!, `${loss[0]!.toFixed(4)} > ${loss.at(-1)!.toFixed(4)}`);
}

/**
 * The tutorial "keras: saving models" (2017, Keras 2.0.8) in TypeScript, step by step, on embedded
 * data. Files go to ./out/. Each step says what it did and what it checked.
 */
import { resolve } from 'node:path';
import { makeContext } from './context.js';
import * as build from './steps/01-build.js';
import * as train from './steps/02-train.js';
import * as saveLoad from './steps/03-save-load.js';
import * as jsonYaml from './steps/04-json-yaml.js';
import * as weights from './steps/05-weights.js';
import * as transfer from './steps/06-transfer.js';
import * as fineTune from './steps/07-fine-tune.js';
import * as keras2 from './steps/08-keras2-file.js';
import * as kerasFormat from './steps/09-keras-format.js';

async function main(): Promise<void> {
  const ctx = makeContext(resolve(process.env.KERASTS_OUT ?? 'out'));
  const t0 = Date.now();
  ctx.say('1. Build the model: LSTM(4) on (1, 8) + Dense(1)');
  const model = build.run(ctx);
  ctx.say('2. Train it briefly');
  await train.run(ctx, model);
  ctx.say('3. Save everything in one HDF5 file, load it back, resume training');
  await saveLoad.run(ctx, model);
  ctx.say('4. Architecture only: JSON and YAML');
  jsonYaml.run(ctx, model);
  ctx.say('5. Weights only');
  await weights.run(ctx, model);
  ctx.say('6. Transfer by layer name into a model with a new head');
  await transfer.run(ctx);
  ctx.say('7. Fine-tune: freeze the transferred LSTM, train the head');
  await fineTune.run(ctx);
  ctx.say('8. A Keras 2.0.8 file: load, predict, upgrade for Keras 3');
  await keras2.run(ctx);
  ctx.say("9. Keras 3's own format: .keras and .weights.h5");
  await kerasFormat.run(ctx, model);
  ctx.say(`\nAll steps passed in ${((Date.now() - t0) / 1000).toFixed(1)} s; files are in ${ctx.outDir}`);
}

main().catch((e: unknown) => {
  console.error(`error: ${(e as Error).message}`);
  process.exitCode = 1;
});

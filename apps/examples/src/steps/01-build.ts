/** Step 1: the tutorial's model, Sequential([LSTM(4, input_shape=(1, 8)), Dense(1)]). */
import { Dense, LSTM, setRandomSeed } from '@kerasts/layers';
import { Sequential } from '@kerasts/model';
import type { Context } from '../context.js';

export function buildModel(names: { lstm?: string; dense?: string; units?: number } = {}): Sequential {
  const model = new Sequential();
  model.add(new LSTM({ units: 4, inputShape: [1, 8], ...(names.lstm ? { name: names.lstm } : {}) }));
  model.add(new Dense({ units: names.units ?? 1, ...(names.dense ? { name: names.dense } : {}) }));
  return model;
}

export function run(ctx: Context): Sequential {
  setRandomSeed(42);
  const model = buildModel();
  ctx.say(model.summary(null));
  ctx.check('parameter count as Keras reports it', model.countParams() === 213, `${model.countParams()} (LSTM 208 + Dense 5)`);
  return model;
}

/**
 * A training run large enough to be shared with helper threads (an LSTM step of batch 64 over 20
 * steps, 48 units: ~12M multiply-adds per call), made the same way everywhere from seeds. The
 * browser tests run it on a page, in a worker and in Node, with 1 and 2 threads, and compare losses.
 */
import { Dense, LSTM } from '@kerasts/layers';
import { Adam, Sequential } from '@kerasts/model';
import { Random, setThreads, Tensor, threadStats } from '@kerasts/tensor';

export interface BigFitResult {
  loss: number[];
  /** Parts of shared jobs that helper threads ran during this fit (0 on one thread). */
  helperParts: number;
  milliseconds: number;
}

/** Fit the model for `epochs` with `threads` threads allowed. */
export async function bigFit(threads: number, epochs = 2): Promise<BigFitResult> {
  setThreads(threads);
  const T = 20;
  const D = 16;
  const n = 256;
  const model = new Sequential({ layers: [new LSTM({ units: 48, inputShape: [T, D] }), new Dense({ units: 1 })] });
  const w = new Random(5);
  model.setWeights(model.getWeights().map((t) => new Tensor(Float32Array.from({ length: t.size }, () => w.normal(0, 0.2)), t.shape)));
  model.compile({ optimizer: new Adam({ learningRate: 0.001 }), loss: 'mean_squared_error' });
  const r = new Random(6);
  const x = new Tensor(Float32Array.from({ length: n * T * D }, () => r.normal()), [n, T, D]);
  const y = new Tensor(Float32Array.from({ length: n }, (_, i) => Math.sin(i / 7)), [n, 1]);
  const before = threadStats.helperParts;
  const t0 = performance.now();
  const h = await model.fit(x, y, { epochs, batchSize: 64, seed: 1, verbose: 0 });
  return { loss: h.history.loss!, helperParts: threadStats.helperParts - before, milliseconds: performance.now() - t0 };
}

/** Start the helper threads (the first large call starts them; they answer once loaded). */
export async function warmUpThreads(threads: number): Promise<void> {
  await bigFit(threads, 1);
  await new Promise((r) => setTimeout(r, 300));
}

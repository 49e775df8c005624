/**
 * The in-page fine-tune: open the model from its files, compile it if its file did not, fit on the
 * given arrays with a seed, and hand back the history and the trained model as `.h5` bytes. Runs in
 * the training worker (train-worker.ts) and, for tests, on the page itself.
 */
import { saveModel } from '@kerasts/io-hdf5';
import { kerasMajor } from '@kerasts/layers';
import { Adam, type Logs } from '@kerasts/model';
import { getThreads, Tensor, threadStats } from '@kerasts/tensor';
import type { ArrayData } from './data.js';
import { openModel, type InputFile } from './open.js';

/** What a fine-tune needs (plain data: it crosses into a worker). */
export interface FitRequest {
  files: InputFile[];
  /** One array per model input, already in the input's shape. */
  inputs: ArrayData[];
  /** One array per model output. */
  targets: ArrayData[];
  epochs: number;
  batchSize: number;
  /** Learning rate of the Adam optimizer used when the file holds no training config. */
  learningRate: number;
  /** Loss used when the file holds no training config. */
  loss: string;
  /** Seed of the shuffles (and dropout masks). */
  seed: number;
}

export interface FitResult {
  history: Record<string, number[]>;
  /** The trained model, optimizer state included, as `.h5` bytes that load back to the same model. */
  h5: Uint8Array;
  /** How the model was compiled: from its file or by this page. */
  compiledFrom: 'file' | 'page';
  /** Threads the kernels may use: `getThreads()` where shared memory exists, else 1. */
  threads: number;
  /** Parts of the training steps that helper threads ran (0 when everything ran on one thread). */
  helperParts: number;
  milliseconds: number;
}

/** The dialect that keeps a model's era (and its optimizer-state layout) when saved. */
export function dialectFor(kerasVersion: string | null): 'keras-2.0' | 'keras-2' {
  return kerasMajor(kerasVersion) <= 2 ? 'keras-2.0' : 'keras-2';
}

const tensorOf = (a: ArrayData): Tensor => new Tensor(a.data, a.shape);

/** Fine-tune; `onEpoch` receives each epoch's logs as it ends. */
export async function fineTune(req: FitRequest, onEpoch: (epoch: number, logs: Logs) => void): Promise<FitResult> {
  const t0 = performance.now();
  const { model } = await openModel(req.files);
  let compiledFrom: 'file' | 'page' = 'file';
  if (!model.isCompiled) {
    model.compile({ optimizer: new Adam({ learningRate: req.learningRate }), loss: req.loss });
    compiledFrom = 'page';
  }
  // one array per input and per output, in the model's order (a list when there are several)
  const x = req.inputs.length === 1 ? tensorOf(req.inputs[0]!) : req.inputs.map(tensorOf);
  const y = req.targets.length === 1 ? tensorOf(req.targets[0]!) : req.targets.map(tensorOf);
  const parts0 = threadStats.helperParts;
  const history = await model.fit(x, y, {
    epochs: req.epochs,
    batchSize: req.batchSize,
    seed: req.seed,
    verbose: 0,
    callbacks: [{ onEpochEnd: (epoch: number, logs: Logs) => onEpoch(epoch, logs) }],
  });
  const h5 = await saveModel(model, null, { dialect: dialectFor(model.kerasVersion), numerics: 'ignore', warn: () => {} });
  const threads = typeof SharedArrayBuffer === 'function' ? getThreads() : 1;
  return { history: history.history, h5, compiledFrom, threads, helperParts: threadStats.helperParts - parts0, milliseconds: performance.now() - t0 };
}

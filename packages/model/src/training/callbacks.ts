/**
 * Training callbacks, as Keras defines them: hooks called by `fit`/`evaluate` (`onEpochBegin`,
 * `onEpochEnd`, `onBatchEnd`, ...), the `History` every `fit` returns, `EarlyStopping`,
 * `TerminateOnNaN`, `ModelCheckpoint` (saving through a function the caller provides, e.g. the HDF5
 * package's `saveModel`) and `LambdaCallback`.
 */
import { ConfigError, KerastsError } from '@kerasts/tensor';
import type { Model } from '../model.js';
import type { MetricDirection } from './metrics.js';

/** Values reported to callbacks: `loss`, metrics, and `val_`-prefixed validation values. */
export type Logs = Record<string, number>;

/** What `fit` tells callbacks about the run. */
export interface TrainingParams {
  /** Total number of epochs (the `epochs` argument). */
  epochs: number;
  /** Batches per epoch. */
  steps: number;
  /** Samples per epoch. */
  samples: number;
  /** The `verbose` argument, resolved (0, 1 or 2). */
  verbose: number;
  /** The batch size. */
  batchSize: number;
  /** The seed shuffling and dropout draw from (reuse it to repeat or resume a run exactly). */
  seed: number;
  /** Whether larger is better, per metric name (without `val_`), for `mode: 'auto'` monitors. */
  metricDirections: Readonly<Record<string, MetricDirection>>;
}

/** Hooks a callback may implement; each may return a promise, which `fit` awaits. */
export interface CallbackHooks {
  onTrainBegin?(logs: Logs): void | Promise<void>;
  onTrainEnd?(logs: Logs): void | Promise<void>;
  onEpochBegin?(epoch: number, logs: Logs): void | Promise<void>;
  onEpochEnd?(epoch: number, logs: Logs): void | Promise<void>;
  /** Before each training batch. */
  onBatchBegin?(batch: number, logs: Logs): void | Promise<void>;
  /** After each training batch, with the running means of the epoch so far. */
  onBatchEnd?(batch: number, logs: Logs): void | Promise<void>;
  onTestBegin?(logs: Logs): void | Promise<void>;
  onTestEnd?(logs: Logs): void | Promise<void>;
  onTestBatchEnd?(batch: number, logs: Logs): void | Promise<void>;
}

// Declaration merging: a Callback has every (optional) hook of CallbackHooks.
// eslint-disable-next-line @typescript-eslint/no-empty-object-type, @typescript-eslint/no-unsafe-declaration-merging
export interface Callback extends CallbackHooks {}

/**
 * Base class of callbacks: gets the model and the run's parameters before training starts. Subclass
 * it and implement the hooks you need, or pass a plain object with hooks to `fit`.
 */
// eslint-disable-next-line @typescript-eslint/no-unsafe-declaration-merging
export class Callback {
  /** The model being trained (set by `fit`). */
  model: Model | null = null;
  /** The run's parameters (set by `fit`). */
  params: TrainingParams | null = null;
  /** Called by `fit` before training. */
  setModel(model: Model): void {
    this.model = model;
  }
  /** Called by `fit` before training. */
  setParams(params: TrainingParams): void {
    this.params = params;
  }
}

/** Calls a list of callbacks in order, awaiting each. */
export class CallbackList {
  readonly callbacks: readonly (Callback | CallbackHooks)[];
  constructor(callbacks: readonly (Callback | CallbackHooks)[], model: Model, params: TrainingParams) {
    this.callbacks = callbacks;
    for (const c of callbacks) {
      if (c instanceof Callback) {
        c.setModel(model);
        c.setParams(params);
      }
    }
  }
  async trainBegin(logs: Logs = {}): Promise<void> {
    for (const c of this.callbacks) await c.onTrainBegin?.(logs);
  }
  async trainEnd(logs: Logs): Promise<void> {
    for (const c of this.callbacks) await c.onTrainEnd?.(logs);
  }
  async epochBegin(epoch: number, logs: Logs = {}): Promise<void> {
    for (const c of this.callbacks) await c.onEpochBegin?.(epoch, logs);
  }
  async epochEnd(epoch: number, logs: Logs): Promise<void> {
    for (const c of this.callbacks) await c.onEpochEnd?.(epoch, { ...logs });
  }
  async batchBegin(batch: number, logs: Logs = {}): Promise<void> {
    for (const c of this.callbacks) await c.onBatchBegin?.(batch, logs);
  }
  async batchEnd(batch: number, logs: Logs): Promise<void> {
    for (const c of this.callbacks) await c.onBatchEnd?.(batch, { ...logs });
  }
  /** Whether any callback listens to batches (so `fit` can skip building per-batch logs). */
  get wantsBatches(): boolean {
    return this.callbacks.some((c) => c.onBatchEnd !== undefined || c.onBatchBegin !== undefined);
  }
}

/** The record of a `fit`: per-epoch values of the loss and metrics (Keras' `History`). */
export class History extends Callback {
  /** Epoch indices (0-based, starting at `initialEpoch`). */
  epoch: number[] = [];
  /** For each logged name (`loss`, `mae`, `val_loss`, ...) the value at the end of each epoch. */
  history: Record<string, number[]> = {};
  override setParams(params: TrainingParams): void {
    super.setParams(params);
  }
  override onTrainBegin(): void {
    // Keras keeps appending when the same History is reused; a new one is created per fit.
  }
  override onEpochEnd(epoch: number, logs: Logs): void {
    this.epoch.push(epoch);
    for (const [k, v] of Object.entries(logs)) (this.history[k] ??= []).push(v);
  }
}

/** Options of {@link EarlyStopping} (Keras' arguments in camelCase). */
export interface EarlyStoppingOptions {
  /** The logged value to watch (default `'val_loss'`). */
  monitor?: string;
  /** The smallest change that counts as an improvement (default 0). */
  minDelta?: number;
  /** Epochs without improvement before stopping (default 0). */
  patience?: number;
  /** 1 prints a message when stopping. */
  verbose?: number;
  /** `'min'`, `'max'`, or `'auto'` (from the metric's direction; default). */
  mode?: 'auto' | 'min' | 'max';
  /** Stop if the value does not improve on this baseline. */
  baseline?: number | null;
  /** Restore the weights of the best epoch at the end (default false). */
  restoreBestWeights?: boolean;
  /** Epochs to wait before watching (default 0). */
  startFromEpoch?: number;
  /** Where messages go (default `console.log`). */
  print?: (line: string) => void;
}

/** Stops training when a monitored value has stopped improving (Keras' `EarlyStopping`). */
export class EarlyStopping extends Callback {
  readonly monitor: string;
  readonly patience: number;
  readonly baseline: number | null;
  readonly restoreBestWeights: boolean;
  readonly startFromEpoch: number;
  readonly verbose: number;
  /** The mode after resolving `'auto'`. */
  mode: 'auto' | 'min' | 'max';
  private minDelta: number;
  private better: ((a: number, b: number) => boolean) | null = null;
  private readonly print: (line: string) => void;
  /** Epochs since the last improvement. */
  wait = 0;
  /** The epoch training stopped at (0 if it did not stop early). */
  stoppedEpoch = 0;
  /** The best monitored value so far. */
  best: number | null = null;
  /** The epoch of {@link best}. */
  bestEpoch = 0;
  private bestWeights: ReturnType<Model['getWeights']> | null = null;

  constructor(options: EarlyStoppingOptions = {}) {
    super();
    this.monitor = options.monitor ?? 'val_loss';
    this.minDelta = Math.abs(options.minDelta ?? 0);
    this.patience = options.patience ?? 0;
    this.verbose = options.verbose ?? 0;
    this.mode = options.mode ?? 'auto';
    if (!['auto', 'min', 'max'].includes(this.mode)) this.mode = 'auto';
    this.baseline = options.baseline ?? null;
    this.restoreBestWeights = options.restoreBestWeights ?? false;
    this.startFromEpoch = options.startFromEpoch ?? 0;
    this.print = options.print ?? ((l) => console.log(l));
  }

  private resolveMode(): void {
    let mode = this.mode;
    if (mode === 'auto') {
      const name = this.monitor.replace(/^val_/, '');
      const dir = name === 'loss' ? 'down' : this.params?.metricDirections[name];
      if (dir === undefined) {
        throw new ConfigError(
          `EarlyStopping monitors "${this.monitor}", but its direction is unknown; pass mode: 'min' or 'max'`,
          'EarlyStopping',
        );
      }
      mode = dir === 'up' ? 'max' : 'min';
    }
    const d = this.minDelta;
    this.better = mode === 'max' ? (a, b) => a - d > b : (a, b) => a + d < b;
  }

  override onTrainBegin(): void {
    this.wait = 0;
    this.stoppedEpoch = 0;
    this.best = null;
    this.bestWeights = null;
    this.bestEpoch = 0;
  }

  override onEpochEnd(epoch: number, logs: Logs): void {
    if (this.better === null) this.resolveMode();
    const current = logs[this.monitor];
    if (current === undefined) {
      console.warn(`Early stopping conditioned on metric \`${this.monitor}\` which is not available. Available metrics are: ${Object.keys(logs).join(',')}`);
      return;
    }
    if (epoch < this.startFromEpoch) return;
    if (this.restoreBestWeights && this.bestWeights === null) {
      this.bestWeights = this.model!.getWeights();
      this.bestEpoch = epoch;
    }
    this.wait += 1;
    if (this.best === null || this.better!(current, this.best)) {
      this.best = current;
      this.bestEpoch = epoch;
      if (this.restoreBestWeights) this.bestWeights = this.model!.getWeights();
      if (this.baseline === null || this.better!(current, this.baseline)) this.wait = 0;
      return;
    }
    if (this.wait >= this.patience && epoch > 0) {
      this.stoppedEpoch = epoch;
      this.model!.stopTraining = true;
    }
  }

  override onTrainEnd(): void {
    if (this.stoppedEpoch > 0 && this.verbose > 0) this.print(`Epoch ${this.stoppedEpoch + 1}: early stopping`);
    if (this.restoreBestWeights && this.bestWeights !== null) {
      if (this.verbose > 0) this.print(`Restoring model weights from the end of the best epoch: ${this.bestEpoch + 1}.`);
      this.model!.setWeights(this.bestWeights);
    }
  }
}

/** Options of {@link TerminateOnNaN}. */
export interface TerminateOnNaNOptions {
  /** Throw a KerastsError instead of stopping quietly (default false). */
  raiseError?: boolean;
  /** Where the message goes (default `console.log`). */
  print?: (line: string) => void;
}

/** Stops training when the loss becomes NaN or infinite (Keras' `TerminateOnNaN`). */
export class TerminateOnNaN extends Callback {
  readonly raiseError: boolean;
  private readonly print: (line: string) => void;
  constructor(options: TerminateOnNaNOptions = {}) {
    super();
    this.raiseError = options.raiseError ?? false;
    this.print = options.print ?? ((l) => console.log(l));
  }
  override onBatchEnd(batch: number, logs: Logs): void {
    const loss = logs.loss;
    if (loss !== undefined && !Number.isFinite(loss)) {
      if (this.raiseError) throw new KerastsError(`NaN or Inf loss encountered at batch ${batch}. Loss value: ${loss}. Terminating training immediately.`, 'TerminateOnNaN');
      this.print(`Batch ${batch}: Invalid loss, terminating training`);
      this.model!.stopTraining = true;
    }
  }
}

/** Saves a model to a path (e.g. `saveModel` of `@kerasts/io-hdf5`); `weightsOnly` asks for the weights alone. */
export type SaveFunction = (model: Model, path: string, options: { weightsOnly: boolean }) => Promise<void> | void;

/** Options of {@link ModelCheckpoint} (Keras' arguments in camelCase, plus the save function). */
export interface ModelCheckpointOptions {
  /**
   * Where to save. May contain Python-style fields filled from the epoch (1-based) and the logs:
   * `'ckpt-{epoch:02d}-{val_loss:.2f}.h5'`.
   */
  filepath: string;
  /** Writes the file (for `.h5`, `@kerasts/io-hdf5`'s `saveModel`). */
  save: SaveFunction;
  /** The value watched by `saveBestOnly` (default `'val_loss'`). */
  monitor?: string;
  /** 1 prints a line per save. */
  verbose?: number;
  /** Save only when the monitored value improves (default false). */
  saveBestOnly?: boolean;
  /** Save only the weights (passed on to `save`). */
  saveWeightsOnly?: boolean;
  /** `'auto'`, `'min'` or `'max'`, as EarlyStopping. */
  mode?: 'auto' | 'min' | 'max';
  /** `'epoch'` (default) or a number of batches between saves. */
  saveFreq?: 'epoch' | number;
  /** With `saveBestOnly`, the value to beat initially. */
  initialValueThreshold?: number | null;
  /** Where messages go (default `console.log`). */
  print?: (line: string) => void;
}

/** Saves the model during training, every epoch or when the monitored value improves (Keras' `ModelCheckpoint`). */
export class ModelCheckpoint extends Callback {
  readonly filepath: string;
  readonly monitor: string;
  readonly saveBestOnly: boolean;
  readonly saveWeightsOnly: boolean;
  readonly saveFreq: 'epoch' | number;
  readonly verbose: number;
  /** The best monitored value so far. */
  best: number | null;
  private readonly save: SaveFunction;
  private mode: 'auto' | 'min' | 'max';
  private better: ((a: number, b: number) => boolean) | null = null;
  private readonly print: (line: string) => void;
  private batchesSinceSave = 0;
  private currentEpoch = 0;
  /** Paths written so far, in order. */
  readonly saved: string[] = [];

  constructor(options: ModelCheckpointOptions) {
    super();
    if (typeof options.filepath !== 'string' || options.filepath === '') throw new ConfigError('ModelCheckpoint needs a filepath', 'ModelCheckpoint');
    if (typeof options.save !== 'function') throw new ConfigError('ModelCheckpoint needs a save function, e.g. saveModel from @kerasts/io-hdf5', 'ModelCheckpoint');
    this.filepath = options.filepath;
    this.save = options.save;
    this.monitor = options.monitor ?? 'val_loss';
    this.saveBestOnly = options.saveBestOnly ?? false;
    this.saveWeightsOnly = options.saveWeightsOnly ?? false;
    this.saveFreq = options.saveFreq ?? 'epoch';
    if (this.saveFreq !== 'epoch' && !(Number.isInteger(this.saveFreq) && this.saveFreq > 0)) {
      throw new ConfigError(`saveFreq must be 'epoch' or a positive integer, got ${String(this.saveFreq)}`, 'ModelCheckpoint');
    }
    this.verbose = options.verbose ?? 0;
    this.mode = options.mode ?? 'auto';
    this.best = options.initialValueThreshold ?? null;
    this.print = options.print ?? ((l) => console.log(l));
  }

  private resolveMode(): void {
    let mode = this.mode;
    if (mode === 'auto') {
      const name = this.monitor.replace(/^val_/, '');
      const dir = name === 'loss' ? 'down' : (this.params?.metricDirections[name] ?? (/acc|auc|fmeasure/.test(name) ? 'up' : 'down'));
      mode = dir === 'up' ? 'max' : 'min';
    }
    this.better = mode === 'max' ? (a, b) => a > b : (a, b) => a < b;
  }

  override onEpochBegin(epoch: number): void {
    this.currentEpoch = epoch;
  }

  override async onBatchEnd(batch: number, logs: Logs): Promise<void> {
    if (this.saveFreq === 'epoch') return;
    this.batchesSinceSave += 1;
    if (this.batchesSinceSave >= this.saveFreq) {
      this.batchesSinceSave = 0;
      await this.saveModel(this.currentEpoch, batch, logs);
    }
  }

  override async onEpochEnd(epoch: number, logs: Logs): Promise<void> {
    if (this.saveFreq === 'epoch') await this.saveModel(epoch, null, logs);
  }

  private async saveModel(epoch: number, batch: number | null, logs: Logs): Promise<void> {
    const path = formatFilepath(this.filepath, { epoch: epoch + 1, ...(batch === null ? {} : { batch: batch + 1 }), ...logs });
    if (this.saveBestOnly) {
      if (this.better === null) this.resolveMode();
      const current = logs[this.monitor];
      if (current === undefined) {
        console.warn(`Can save best model only with ${this.monitor} available.`);
        return;
      }
      if (this.best !== null && !this.better!(current, this.best)) {
        if (this.verbose > 0) this.print(`\nEpoch ${epoch + 1}: ${this.monitor} did not improve from ${formatValue(this.best)}`);
        return;
      }
      if (this.verbose > 0) {
        this.print(`\nEpoch ${epoch + 1}: ${this.monitor} improved from ${this.best === null ? 'inf' : formatValue(this.best)} to ${formatValue(current)}, saving model to ${path}`);
      }
      this.best = current;
    } else if (this.verbose > 0) {
      this.print(`\nEpoch ${epoch + 1}: saving model to ${path}`);
    }
    await this.save(this.model!, path, { weightsOnly: this.saveWeightsOnly });
    this.saved.push(path);
  }
}

function formatValue(v: number): string {
  return v.toFixed(5);
}

/**
 * Fills Python `str.format`-style fields (`{epoch:02d}`, `{val_loss:.4f}`, `{loss:.2e}`, `{epoch}`) from
 * the values given.
 *
 * @throws {ConfigError} for a field that has no value.
 */
export function formatFilepath(template: string, values: Readonly<Record<string, number>>): string {
  return template.replace(/\{([A-Za-z_][A-Za-z0-9_]*)(?::([^}]*))?\}/g, (_m, name: string, spec: string | undefined) => {
    const v = values[name];
    if (v === undefined) throw new ConfigError(`filepath field "{${name}}" has no value (available: ${Object.keys(values).join(', ')})`, 'ModelCheckpoint');
    if (!spec) return Number.isInteger(v) ? String(v) : String(v);
    const m = /^(0)?(\d+)?(?:\.(\d+))?([dfeg%])?$/.exec(spec);
    if (!m) return String(v);
    const [, zero, widthS, precS, type] = m;
    const prec = precS === undefined ? undefined : Number(precS);
    let s: string;
    switch (type) {
      case 'd':
        s = String(Math.trunc(v));
        break;
      case 'f':
        s = v.toFixed(prec ?? 6);
        break;
      case 'e':
        s = v.toExponential(prec ?? 6).replace(/e([+-])(\d)$/, 'e$10$2');
        break;
      case '%':
        s = `${(v * 100).toFixed(prec ?? 6)}%`;
        break;
      default:
        s = prec === undefined ? String(v) : String(Number(v.toPrecision(prec)));
    }
    const width = widthS === undefined ? 0 : Number(widthS);
    if (s.length < width) {
      if (zero) {
        const neg = s.startsWith('-');
        s = (neg ? '-' : '') + (neg ? s.slice(1) : s).padStart(width - (neg ? 1 : 0), '0');
      } else s = s.padStart(width, ' ');
    }
    return s;
  });
}

/** A callback from functions (Keras' `LambdaCallback`). */
export class LambdaCallback extends Callback {
  constructor(hooks: CallbackHooks) {
    super();
    Object.assign(this, hooks);
  }
}

/**
 * The training loop: `compile` state, `fit`, `evaluate`, `trainOnBatch`, as Keras 3's trainer runs
 * them (per batch: forward in training mode, loss with `sum_over_batch_size`, backward, clipping,
 * optimizer update, constraints; the logged loss is the running mean of the batch losses weighted by
 * batch size; metrics are running means over the epoch).
 */
import { applyStateUpdates, type CallContext, type JsonObject, type JsonValue, type Layer, type LayerWeight, type Shape, type StateUpdate } from '@kerasts/layers';
import { ConfigError, KerastsError, Random, ShapeMismatchError, Tensor, UnsupportedError, markWeightsChanged, recycleFloat32 } from '@kerasts/tensor';
import type { Model } from '../model.js';
import { CallbackList, History, type CallbackHooks, type Callback, type Logs, type TrainingParams } from './callbacks.js';
import {
  checkFinite,
  epochOrder,
  gatherRows,
  gatherWeights,
  identityOrder,
  mixSeed,
  resolveSampleWeights,
  samplesOf,
  sliceRows,
  splitAt,
  toTensor,
  type DataLike,
} from './data.js';
import type { ModelData } from '../named-data.js';
import { checkTargetShape, getLoss, Loss, resolveCrossentropy, type LossIdentifier } from './losses.js';
import { getMetric, Mean, Metric, type MetricDirection, type MetricIdentifier } from './metrics.js';
import { getOptimizer, Optimizer, type OptimizerIdentifier } from './optimizers.js';
import { defaultProgressStream, ProgbarLogger, type ProgressStream } from './progress.js';
import { getConstraint, getRegularizer, type Constraint, type Regularizer } from './regularizers.js';

const f32 = Math.fround;

/** The context a layer's training forward pass receives (the layers package's `TrainCallContext`). */
export type TrainContext = Parameters<Layer['forwardTrain']>[1];
/** A layer's training forward pass (the layers package's `LayerTape`). */
export type LayerTapeOf = ReturnType<Layer['forwardTrain']>;

/** A model's training-mode forward pass over its whole graph. */
export interface GraphTape {
  /** The model's outputs. */
  outputs: Tensor[];
  /** The outputs' masks (Keras' `_keras_mask`; losses and metrics skip masked positions), null where none. */
  masks?: (Tensor | null)[];
  /** Loss added by activity regularizers during this pass. */
  extraLoss: number;
  /** Back-propagates ∂L/∂outputs (null for outputs without a loss); returns the gradient of every trainable weight that got one. */
  backward(dOutputs: (Tensor | null)[]): Map<LayerWeight, Tensor>;
  /**
   * New values of non-trainable weights from this pass (the layer tapes' `stateUpdates`, in call
   * order: BatchNormalization's moving statistics). A training step assigns them after the optimizer
   * step; evaluation passes (`training: false`) have none.
   */
  stateUpdates?: readonly StateUpdate[];
  /** ∂L/∂inputs after {@link backward}, when the pass was asked for them (`needInputGrad`); null where none reaches an input. */
  inputGradients?(): (Tensor | null)[];
}

/** How {@link TrainingHost.trainGraph} runs. */
export interface GraphRunOptions {
  /** Random numbers for dropout; null: no dropout. */
  random: Random | null;
  /** Training mode (dropout active) or not. */
  training: boolean;
  /** Whether stateful layers keep the states they end with. */
  keepStates: boolean;
  /** The call context to run in (a nested model runs in its outer model's); default the model's own. */
  ctx?: CallContext;
  /** Masks arriving with the inputs (a nested model called on a masked tensor). */
  inputMasks?: readonly (Tensor | null)[];
  /** Whether the backward pass must also give ∂L/∂inputs ({@link GraphTape.inputGradients}). */
  needInputGrad?: boolean;
}

/** What the trainer needs from a model beyond its public API (supplied by `Model`). */
export interface TrainingHost {
  model: Model;
  /** Training-mode forward pass (dropout active with `random`). */
  trainGraph(inputs: Tensor[], options: GraphRunOptions): GraphTape;
  /** Whether the model has stateful layers. */
  hasStatefulLayers(): boolean;
  /** Inference forward pass: the outputs and their masks. */
  inferGraph(inputs: Tensor[]): { outputs: Tensor[]; masks: (Tensor | null)[] };
  /** Whether evaluation must run through {@link trainGraph} (activity regularizers). */
  needsGraphForEval(): boolean;
  /** The trainable weights in Keras order with their Keras paths (for optimizer slot names). */
  trainableWeights(): { weight: LayerWeight; path: string; layer: Layer }[];
  /** All weights with the layers that own them (for regularizers and constraints). */
  allWeights(): { weight: LayerWeight; layer: Layer }[];
  /** The model's input names (dict-form inputs refer to them). */
  inputNames(): string[];
  /** The model's output names (dict-form targets refer to them). */
  outputNames(): string[];
}

/** Per-output values of a compile argument: one value for every output, a list in output order, or a dict keyed by output name. */
export type PerOutput<T> = T | readonly T[] | Readonly<Record<string, T>>;

/** Options of `Model.compile` (Keras' arguments in camelCase). */
export interface CompileOptions {
  /** An Optimizer, a name (`'adam'`, `'sgd'`, `'rmsprop'`, ...) or an `optimizer_config`. Default `'rmsprop'` (Keras 3). */
  optimizer?: OptimizerIdentifier;
  /**
   * A Loss, a name or alias (`'mse'`, `'mean_squared_error'`, `'binary_crossentropy'`, `'crossentropy'`,
   * ...) or a serialized loss — for every output; or one per output, as a list in output order or a
   * dict keyed by output name (`null`: that output has no loss and needs no targets).
   */
  loss: LossIdentifier | readonly (LossIdentifier | null)[] | Readonly<Record<string, LossIdentifier | null>>;
  /**
   * Metrics: names (`'accuracy'`, `'mae'`, ...), Metric objects or serialized metrics. With several
   * outputs: a list with one entry (a metric, a list, or null) per output, or a dict keyed by output
   * name; the logs then say `<output>_<metric>` (Keras 3's names, e.g. `dense_1_mae`).
   */
  metrics?: MetricsSpec | null;
  /** Metrics weighted by the sample weights (same forms as {@link metrics}). */
  weightedMetrics?: MetricsSpec | null;
  /** Multiplies each output's loss in the total: one number, a list in output order or a dict by output name. */
  lossWeights?: number | readonly number[] | Readonly<Record<string, number>> | null;
}

/** What {@link CompileOptions.metrics} takes. */
export type MetricsSpec =
  | readonly (MetricIdentifier | readonly MetricIdentifier[] | null)[]
  | Readonly<Record<string, MetricIdentifier | readonly MetricIdentifier[] | null>>;

/** One output's part of the training state. */
export interface OutputTraining {
  /** The output's name (its layer's name, as Keras 3's `output_names`). */
  readonly name: string;
  /** The loss as given for this output (null: no loss). */
  readonly lossIdentifier: LossIdentifier | null;
  /** The loss function; null for no loss, or until the shapes resolve `'crossentropy'`. */
  loss: Loss | null;
  /** The weight of this loss in the total (null: 1, not written). */
  readonly lossWeight: number | null;
  readonly metricIdentifiers: MetricIdentifier[];
  readonly weightedMetricIdentifiers: MetricIdentifier[];
  metrics: Metric[] | null;
  weightedMetrics: Metric[] | null;
  /** `<name>_loss` (models with several outputs): the running mean of this output's unweighted loss. */
  readonly lossTracker: Mean;
}

/** A plain `{...}` object that is not a serialized Keras object (those have `class_name`). */
function isPlainRecord(v: unknown): v is Record<string, unknown> {
  if (v === null || typeof v !== 'object' || Array.isArray(v)) return false;
  const proto: unknown = Object.getPrototypeOf(v);
  return (proto === Object.prototype || proto === null) && !('class_name' in (v as object));
}

/** Spread a per-output argument over the outputs (dicts by name, lists by position, else the same value for all). */
function perOutput<T>(v: unknown, names: readonly string[], what: string, isList: (x: unknown) => boolean, dflt: T): T[] {
  if (v === undefined || v === null) return names.map(() => dflt);
  if (isPlainRecord(v)) {
    const unknown = Object.keys(v).filter((k) => !names.includes(k));
    if (unknown.length) {
      throw new ConfigError(`${what} names output(s) ${unknown.map((k) => `"${k}"`).join(', ')}, but the model's outputs are ${names.map((n) => `"${n}"`).join(', ')}`, 'compile');
    }
    return names.map((n) => (Object.hasOwn(v, n) ? (v[n] as T) : dflt));
  }
  if (isList(v)) {
    const list = v as unknown[];
    if (list.length !== names.length) throw new ConfigError(`${what} has ${list.length} entries, but the model has ${names.length} output(s) (${names.join(', ')})`, 'compile');
    return list as T[];
  }
  return names.map(() => v as T);
}

function metricListOf(v: unknown): MetricIdentifier[] {
  if (v === undefined || v === null) return [];
  if (Array.isArray(v)) return (v as unknown[]).flatMap((e) => metricListOf(e));
  return [v as MetricIdentifier];
}

/** Per-output metric lists: for one output a flat list (tf.keras may nest it once); for several, one entry per output. */
function metricsPerOutput(v: MetricsSpec | null | undefined, names: readonly string[], what: string): MetricIdentifier[][] {
  if (v === undefined || v === null) return names.map(() => []);
  if (names.length === 1) {
    if (isPlainRecord(v)) return perOutput<unknown>(v, names, what, () => false, null).map(metricListOf);
    return [metricListOf(v)];
  }
  if (isPlainRecord(v)) return perOutput<unknown>(v, names, what, () => false, null).map(metricListOf);
  const list = v as readonly unknown[];
  if (list.length !== names.length) {
    throw new ConfigError(`${what} must have one entry (a metric, a list or null) per output for a model with ${names.length} outputs (${names.join(', ')}), or be a dict keyed by output name; found ${list.length} entries`, 'compile');
  }
  return list.map(metricListOf);
}

/** The state `compile` creates: optimizer, losses, loss weights and metrics per output (built when the first data is seen). */
export class CompiledTraining {
  readonly optimizer: Optimizer;
  /** The loss as given to compile (kept for the training config). */
  readonly lossIdentifier: CompileOptions['loss'];
  readonly metricIdentifiers: MetricsSpec | null;
  readonly weightedMetricIdentifiers: MetricsSpec | null;
  readonly lossWeightsRaw: CompileOptions['lossWeights'];
  /** The model's outputs with their losses and metrics, in output order. */
  readonly outputs: OutputTraining[];
  /** The loss tracker (`loss` in logs): the total loss. */
  readonly lossTracker = new Mean('loss');

  /**
   * @param outputNames the model's output names (Keras 3's `output_names`), which dict forms refer to.
   * @throws {ConfigError} when a per-output argument does not fit the outputs.
   */
  constructor(options: CompileOptions, outputNames: readonly string[] = ['output']) {
    if (options === undefined || options === null || typeof options !== 'object') throw new ConfigError('compile needs {optimizer, loss, metrics}', 'compile');
    this.optimizer = getOptimizer(options.optimizer ?? 'rmsprop');
    if (options.loss === undefined || options.loss === null) throw new ConfigError('compile needs a loss', 'compile');
    this.lossIdentifier = options.loss;
    this.metricIdentifiers = options.metrics === undefined ? null : options.metrics;
    this.weightedMetricIdentifiers = options.weightedMetrics === undefined ? null : options.weightedMetrics;
    this.lossWeightsRaw = options.lossWeights ?? null;
    const names = outputNames.length ? [...outputNames] : ['output'];
    const losses = perOutput<LossIdentifier | null>(options.loss, names, 'loss', Array.isArray, null);
    if (losses.every((l) => l === null)) throw new ConfigError('compile needs a loss for at least one output', 'compile');
    const lw = this.lossWeightsRaw;
    const weights = perOutput<number | null>(lw, names, 'lossWeights', Array.isArray, null);
    weights.forEach((w, i) => {
      if (w !== null && (typeof w !== 'number' || !Number.isFinite(w))) throw new ConfigError(`lossWeights for output "${names[i]}" must be a number, found ${JSON.stringify(w)}`, 'compile');
    });
    const metrics = metricsPerOutput(this.metricIdentifiers, names, 'metrics');
    const weighted = metricsPerOutput(this.weightedMetricIdentifiers, names, 'weightedMetrics');
    for (const m of [...metrics.flat(), ...weighted.flat()]) {
      if (!(m instanceof Metric)) getMetric(m, [1, 1], [1, 1]); // fail early on unknown names
    }
    this.outputs = names.map((name, i) => {
      const id = losses[i] ?? null;
      return {
        name,
        lossIdentifier: id,
        loss: id === null || id === 'crossentropy' || id === 'ce' ? null : getLoss(id),
        lossWeight: weights[i] ?? null,
        metricIdentifiers: metrics[i]!,
        weightedMetricIdentifiers: weighted[i]!,
        metrics: null,
        weightedMetrics: null,
        lossTracker: new Mean(`${name}_loss`),
      };
    });
  }

  /** The first output's loss (the model's loss when it has one output). */
  get loss(): Loss | null {
    return this.outputs[0]?.loss ?? null;
  }

  /** The first output's loss weight (null when not given). */
  get lossWeight(): number | null {
    return this.outputs[0]?.lossWeight ?? null;
  }

  /** Whether the model has several outputs (logs then carry per-output losses and prefixed metric names). */
  get multiOutput(): boolean {
    return this.outputs.length > 1;
  }

  /** Resolves the shape-dependent parts (crossentropy, accuracy) from the targets and outputs of each output. */
  build(shapes: readonly ({ yTrue: readonly number[]; yPred: readonly number[] } | null)[]): void {
    const names = new Set(['loss', ...(this.multiOutput ? this.outputs.map((o) => `${o.name}_loss`) : [])]);
    this.outputs.forEach((o, i) => {
      const sh = shapes[i];
      if (!sh) return;
      if (o.loss === null && o.lossIdentifier !== null) o.loss = resolveCrossentropy(String(o.lossIdentifier), sh.yTrue, sh.yPred);
      if (o.metrics === null) {
        const prefix = this.multiOutput ? `${o.name}_` : '';
        o.metrics = o.metricIdentifiers.map((m) => {
          const metric = getMetric(m, sh.yTrue, sh.yPred);
          if (prefix && !metric.name.startsWith(prefix)) metric.name = `${prefix}${metric.name}`;
          names.add(metric.name);
          return metric;
        });
        o.weightedMetrics = o.weightedMetricIdentifiers.map((m) => {
          const metric = getMetric(m, sh.yTrue, sh.yPred);
          if (prefix && !metric.name.startsWith(prefix)) metric.name = `${prefix}${metric.name}`;
          if (names.has(metric.name)) metric.name = prefix ? `${prefix}weighted_${metric.name.slice(prefix.length)}` : `weighted_${metric.name}`;
          names.add(metric.name);
          return metric;
        });
      }
    });
  }

  /** Whether {@link build} has run. */
  get built(): boolean {
    return this.outputs.every((o) => o.metrics !== null && (o.loss !== null || o.lossIdentifier === null));
  }

  /** The metrics, in the order they appear in logs after the losses. */
  get allMetrics(): Metric[] {
    return this.outputs.flatMap((o) => [...(o.metrics ?? []), ...(o.weightedMetrics ?? [])]);
  }

  /** The per-output loss trackers that appear in logs (several outputs with a loss only). */
  private get outputLossTrackers(): Mean[] {
    return this.multiOutput ? this.outputs.filter((o) => o.lossIdentifier !== null).map((o) => o.lossTracker) : [];
  }

  /** Metric names in log order (`['loss', ...]`); metric names are known once built. */
  get metricsNames(): string[] {
    return ['loss', ...this.outputLossTrackers.map((m) => m.name), ...this.allMetrics.map((m) => m.name)];
  }

  /** Directions of the metrics (for monitors in `mode: 'auto'`). */
  get directions(): Record<string, MetricDirection> {
    const out: Record<string, MetricDirection> = { loss: 'down' };
    for (const m of this.outputLossTrackers) out[m.name] = 'down';
    for (const m of this.allMetrics) out[m.name] = m.direction;
    return out;
  }

  resetMetrics(): void {
    this.lossTracker.reset();
    for (const o of this.outputs) o.lossTracker.reset();
    for (const m of this.allMetrics) m.reset();
  }

  /**
   * Adds a batch to the loss trackers and metrics: the total loss, each output's unweighted loss, and
   * each output's metrics with its sample weights and mask (Keras 3 weighs metric values by the mask
   * of the prediction, times the sample weights for weighted metrics).
   */
  updateMetrics(total: number, batch: number, per: readonly OutputBatch[], useMasks = true): void {
    this.lossTracker.add(total, batch);
    this.outputs.forEach((o, i) => {
      const b = per[i];
      if (!b) return;
      if (b.loss !== null) o.lossTracker.add(b.loss, batch);
      const n = b.yPred.shape[0] ?? 0;
      const mask = useMasks ? b.mask : null;
      const plain = mask ? mask.data : null;
      for (const m of o.metrics ?? []) m.update(b.yTrue, b.yPred, plain);
      const sw = b.sampleWeight;
      let weighted: Float32Array | null = sw;
      if (mask) weighted = sw ? multiplyWeights(sw, mask.data, n) : mask.data;
      for (const m of o.weightedMetrics ?? []) m.update(b.yTrue, b.yPred, weighted);
    });
  }

  /** The running values: `{loss, <output>_loss..., ...metrics}`. */
  results(): Logs {
    const logs: Logs = { loss: this.lossTracker.result() };
    for (const m of this.outputLossTrackers) logs[m.name] = m.result();
    for (const m of this.allMetrics) logs[m.name] = m.result();
    return logs;
  }

  /** The Keras 3 legacy-h5 `training_config` (see KERAS-FORMAT §8): the losses, weights and metrics as given. */
  trainingConfig(): JsonObject {
    return {
      loss: serializeLossSpec(this.lossIdentifier),
      loss_weights: (this.lossWeightsRaw ?? null) as JsonValue,
      metrics: this.metricIdentifiers === null ? null : serializeMetricsSpec(this.metricIdentifiers),
      weighted_metrics: this.weightedMetricIdentifiers === null ? null : serializeMetricsSpec(this.weightedMetricIdentifiers),
      run_eagerly: false,
      steps_per_execution: 1,
      jit_compile: true,
      optimizer_config: { ...this.optimizer.getConfig() },
    };
  }
}

/** One output's batch: targets, predictions, mask, sample weights and its unweighted loss. */
export interface OutputBatch {
  yTrue: Tensor;
  yPred: Tensor;
  mask: Tensor | null;
  sampleWeight: Float32Array | null;
  loss: number | null;
}

/** Per-sample weights `[batch]` or per-position weights, times a per-position mask: per-position weights. */
function multiplyWeights(sw: Float32Array, mask: Float32Array, batch: number): Float32Array {
  const out = new Float32Array(mask.length);
  if (sw.length === mask.length) {
    for (let i = 0; i < out.length; i++) out[i] = sw[i]! * mask[i]!;
    return out;
  }
  const per = batch === 0 ? 0 : mask.length / batch;
  const swPer = batch === 0 ? 0 : sw.length / batch;
  for (let b = 0; b < batch; b++) {
    for (let k = 0; k < per; k++) out[b * per + k] = sw[b * swPer + Math.floor((k * swPer) / per)]! * mask[b * per + k]!;
  }
  return out;
}

function serializeLoss(l: LossIdentifier | null): JsonValue {
  if (l === null) return null;
  if (l instanceof Loss) return l.serialized;
  return l;
}

function serializeLossSpec(l: CompileOptions['loss']): JsonValue {
  if (Array.isArray(l)) return (l as (LossIdentifier | null)[]).map(serializeLoss);
  if (isPlainRecord(l)) return Object.fromEntries(Object.entries(l).map(([k, v]) => [k, serializeLoss(v as LossIdentifier | null)]));
  return serializeLoss(l as LossIdentifier);
}

function serializeMetric(m: MetricIdentifier): JsonValue {
  if (m instanceof Metric) return m.serialized;
  return m;
}

function serializeMetricsSpec(m: MetricsSpec): JsonValue {
  const one = (v: unknown): JsonValue => (v === null || v === undefined ? null : Array.isArray(v) ? v.map((e) => one(e)) : serializeMetric(v as MetricIdentifier));
  if (isPlainRecord(m)) return Object.fromEntries(Object.entries(m).map(([k, v]) => [k, one(v)]));
  return one(m);
}

/* ---------------------------------------------------------------------------------------------- */

/** Sample weights: one array for every output, or one per output (a list in order, a dict by output name). */
export type SampleWeightLike = ArrayLike<number> | Tensor | readonly (ArrayLike<number> | Tensor | null)[] | Readonly<Record<string, ArrayLike<number> | Tensor | null>>;

/** Options of `Model.fit` (Keras' arguments in camelCase). */
export interface FitOptions {
  /** Index of the epoch to stop before (default 1). */
  epochs?: number;
  /** Samples per batch (default 32). */
  batchSize?: number;
  /** 0 silent, 1 progress bar, 2 one line per epoch; `'auto'` (default): 1 on a terminal, 2 otherwise. */
  verbose?: 0 | 1 | 2 | 'auto';
  /** Callbacks: Callback objects or plain objects with hooks. */
  callbacks?: (Callback | CallbackHooks)[];
  /** Fraction of the samples, taken from the end before shuffling, used for validation. */
  validationSplit?: number;
  /** `[x, y]` or `[x, y, sampleWeight]` to evaluate after each epoch (takes precedence over validationSplit). */
  validationData?: [ModelData, ModelData] | [ModelData, ModelData, SampleWeightLike];
  /** Shuffle the samples every epoch (default true), seeded by {@link seed}. */
  shuffle?: boolean;
  /**
   * Seed of the shuffles and dropout masks; each epoch's order depends only on (seed, epoch), so a run
   * resumed with `initialEpoch` and the same seed repeats the original exactly. Default: a random seed,
   * reported in `history.params.seed`.
   */
  seed?: number;
  /** Weight of each class (by index) in the loss. */
  classWeight?: Readonly<Record<number, number>>;
  /** One weight per sample (or per sample and step for sequence outputs); per output as a list or dict. */
  sampleWeight?: SampleWeightLike;
  /** The epoch to start at (for resuming; default 0). */
  initialEpoch?: number;
  /** Batch size for validation (default: batchSize). */
  validationBatchSize?: number;
  /** Validate every n epochs (default 1). */
  validationFreq?: number;
  /** Where the progress display writes (default: `process.stdout` when available). */
  progressStream?: ProgressStream;
  /**
   * Whether stateful layers (LSTM `stateful: true`) carry their state from batch to batch. Keras 3 on
   * JAX — the reference kerasts matches — starts every batch from the layer's kept state and never
   * updates it inside `fit`/`evaluate`; Keras 2 and Keras 3 on TensorFlow carry it. Default: false for
   * models that follow Keras 3 (unless their file says the TensorFlow or torch backend), true for
   * models from Keras 1/2.
   */
  carryStatefulStates?: boolean;
}

/** Options of `Model.evaluate`. */
export interface EvaluateOptions {
  /** Keras' display switch; `evaluate` prints no progress bar, so every value is accepted and prints nothing. */
  verbose?: 0 | 1 | 2 | 'auto';
  /** Samples per batch (default 32). */
  batchSize?: number;
  /** One weight per sample (per output as a list or dict). */
  sampleWeight?: SampleWeightLike;
  /** Callbacks with test hooks. */
  callbacks?: (Callback | CallbackHooks)[];
  /** See {@link FitOptions.carryStatefulStates}. */
  carryStatefulStates?: boolean;
}

/** Options of `Model.trainOnBatch`. */
export interface TrainOnBatchOptions {
  sampleWeight?: SampleWeightLike;
  classWeight?: Readonly<Record<number, number>>;
  /** Reset the metrics before the batch, so the result is this batch's (default true, as Keras). */
  resetMetrics?: boolean;
  /** Seed of dropout masks for this batch (default: a counter-based seed). */
  seed?: number;
  /** See {@link FitOptions.carryStatefulStates}. */
  carryStatefulStates?: boolean;
}

/** Options of `Model.testOnBatch`. */
export interface TestOnBatchOptions {
  sampleWeight?: SampleWeightLike;
  /** See {@link FitOptions.carryStatefulStates}. */
  carryStatefulStates?: boolean;
}

/** Option names of `compile`, `fit`, `evaluate`, `trainOnBatch`, `testOnBatch` (checked: an unknown name is an error, in JavaScript too). */
export const COMPILE_OPTION_KEYS: Readonly<Record<keyof CompileOptions, true>> = { optimizer: true, loss: true, metrics: true, weightedMetrics: true, lossWeights: true };
export const FIT_OPTION_KEYS: Readonly<Record<keyof FitOptions, true>> = {
  epochs: true, batchSize: true, verbose: true, callbacks: true, validationSplit: true, validationData: true, shuffle: true, seed: true, classWeight: true,
  sampleWeight: true, initialEpoch: true, validationBatchSize: true, validationFreq: true, progressStream: true, carryStatefulStates: true,
};
export const EVALUATE_OPTION_KEYS: Readonly<Record<keyof EvaluateOptions, true>> = { verbose: true, batchSize: true, sampleWeight: true, callbacks: true, carryStatefulStates: true };
export const TRAIN_ON_BATCH_OPTION_KEYS: Readonly<Record<keyof TrainOnBatchOptions, true>> = { sampleWeight: true, classWeight: true, resetMetrics: true, seed: true, carryStatefulStates: true };
export const TEST_ON_BATCH_OPTION_KEYS: Readonly<Record<keyof TestOnBatchOptions, true>> = { sampleWeight: true, carryStatefulStates: true };

/**
 * Training data in model order (the model resolves lists and records keyed by name): one array per
 * input, the targets of each output (null for an output without a loss), and labels naming each in
 * messages (`x`, `x["input_a"]`, `y[1]`).
 */
export interface ResolvedData {
  xs: readonly DataLike[];
  xLabels: readonly string[];
  ys: readonly (DataLike | null)[];
  yLabels: readonly string[];
}

/** Resolved validation data, with its optional sample weights. */
export interface ResolvedValidation extends ResolvedData {
  sampleWeight?: SampleWeightLike;
}

interface Prepared {
  xs: Tensor[];
  /** Targets per output (null for an output without a loss). */
  ys: (Tensor | null)[];
  n: number;
  /** Sample weights per output (null: none). */
  weights: (Float32Array | null)[];
}

/** Converts and validates (x, y, weights) for the model. */
function prepare(host: TrainingHost, data: ResolvedData, sw: unknown, cw: Readonly<Record<number, number>> | null | undefined, what: string): Prepared {
  const model = host.model;
  const outNames = host.outputNames();
  const xs = data.xs.map((v, i) => toTensor(v, `${what}${data.xLabels[i]}`));
  const ys = data.ys.map((v, i) => (v === null || v === undefined ? null : toTensor(v, `${what}${data.yLabels[i]}`)));
  const xl = `${what}${data.xLabels[0]}`;
  const n = samplesOf(xs[0]!, xl);
  xs.forEach((x, i) => {
    const ni = samplesOf(x, `${what}${data.xLabels[i]}`);
    if (ni !== n) throw new ShapeMismatchError(`${xl} has ${n} samples but ${what}${data.xLabels[i]} has ${ni}; every input needs the same number of samples`, [n], [ni], model.name);
  });
  ys.forEach((y, i) => {
    if (!y) return;
    const yl = `${what}${data.yLabels[i]}`;
    const ny = samplesOf(y, yl);
    if (ny !== n) throw new ShapeMismatchError(`${xl} has ${n} samples but ${yl} has ${ny}; they must have the same number of samples`, [n], [ny], model.name);
  });
  if (!model.built) model.build([null, ...xs[0]!.shape.slice(1)]);
  xs.forEach((x, i) => {
    const inShape = model.inputShapes?.[i];
    if (!inShape) return;
    const label = `${what}${data.xLabels[i]}`;
    const ok = x.rank === inShape.length && inShape.every((d, k) => k === 0 || d === null || d === x.shape[k]);
    if (!ok) throw new ShapeMismatchError(`${label} does not fit the input of model "${model.name}"`, inShape, x.shape, model.name);
    const b = inShape[0];
    if (b !== null && b !== undefined && b !== x.shape[0] && n % b !== 0) {
      throw new ShapeMismatchError(`model "${model.name}" has a fixed batch size of ${b}`, inShape, x.shape, model.name);
    }
  });
  xs.forEach((x, i) => checkFinite(x, `${what}${data.xLabels[i]}`));
  ys.forEach((y, i) => y && checkFinite(y, `${what}${data.yLabels[i]}`));
  // Sample weights: one array for every output, or per output as a list or a dict by output name.
  let swPer: unknown[];
  if (sw === undefined || sw === null) swPer = ys.map(() => null);
  else if (isPlainRecord(sw)) swPer = outNames.map((nm) => sw[nm] ?? null);
  else if (Array.isArray(sw) && ys.length > 1 && sw.length === ys.length && sw.every((e) => e === null || e instanceof Tensor || Array.isArray(e) || ArrayBuffer.isView(e))) swPer = sw;
  else swPer = ys.map(() => sw);
  if (cw && ys.length > 1) throw new UnsupportedError('classWeight is supported for a single output only (as in Keras)', 'fit');
  const weights = ys.map((y, i) => (y ? resolveSampleWeights(y, n, swPer[i] as ArrayLike<number> | Tensor | null, cw) : null));
  return { xs, ys, n, weights };
}

/** The model's output shapes, with the batch dimension left open. */
function outputShapes(host: TrainingHost): Shape[] {
  const s = host.model.outputShapes;
  if (!s) throw new KerastsError(`model "${host.model.name}" has no output shape`, host.model.name);
  return s.map((x) => [null, ...x.slice(1)]);
}

/** Builds the compile state for the data's shapes and checks the targets against the outputs. */
function buildFor(host: TrainingHost, compiled: CompiledTraining, data: Prepared, others: readonly Prepared[] = []): void {
  const outs = outputShapes(host);
  if (outs.length !== compiled.outputs.length) {
    throw new KerastsError(`model "${host.model.name}" has ${outs.length} outputs but was compiled for ${compiled.outputs.length}`, host.model.name);
  }
  // Metric names and directions, and 'crossentropy', are resolved from the shapes (as Keras does on the first batch).
  compiled.build(data.ys.map((y, i) => (y ? { yTrue: [0, ...y.shape.slice(1)], yPred: [0, ...outs[i]!.slice(1).map((d) => d ?? 1)] } : null)));
  for (const d of [data, ...others]) {
    d.ys.forEach((y, i) => {
      const o = compiled.outputs[i]!;
      if (y && o.loss) checkTargetShape(y.shape, outs[i]!, o.loss.sparse, host.model.name);
    });
  }
}

/** Weight regularizers and constraints of the model's layers, by weight. */
interface WeightRules {
  regularizers: { weight: LayerWeight; reg: Regularizer }[];
  constraints: { weight: LayerWeight; fn: Constraint }[];
}

function keptOf(layer: Layer): Record<string, JsonValue> | null {
  const kept = (layer as unknown as { kept?: unknown }).kept;
  return kept !== null && typeof kept === 'object' ? (kept as Record<string, JsonValue>) : null;
}

function weightRules(host: TrainingHost): WeightRules {
  const rules: WeightRules = { regularizers: [], constraints: [] };
  for (const { weight, layer } of host.allWeights()) {
    const kept = keptOf(layer);
    if (!kept) continue;
    // The config key of the weight's regularizer/constraint: `kernel_regularizer`, `recurrent_regularizer`
    // (recurrent_kernel); a layer may say otherwise (separable convs: `depthwise_kernel` → `depthwise_…`).
    const keyOf = (layer as { regularizerKey?: (weightName: string) => string }).regularizerKey;
    const key = keyOf ? keyOf.call(layer, weight.name) : weight.name === 'recurrent_kernel' ? 'recurrent' : weight.name;
    const reg = getRegularizer(kept[`${key}_regularizer`] ?? null, `${layer.name}.${key}_regularizer`);
    if (reg) rules.regularizers.push({ weight, reg });
    if (layer.trainable && weight.trainable) {
      const c = getConstraint(kept[`${key}_constraint`] ?? null, `${layer.name}.${key}_constraint`);
      if (c) rules.constraints.push({ weight, fn: c });
    }
  }
  return rules;
}

function compiledOf(model: Model, what: string): CompiledTraining {
  const c = model.compiledTraining;
  if (!c) throw new ConfigError(`model "${model.name}" must be compiled before ${what}: call model.compile({ optimizer, loss })`, model.name);
  return c;
}

/**
 * Keras 3's loss masking (`losses.loss.apply_mask`): kept positions get weight `total/valid`, masked
 * ones 0, times the sample weights; with the `sum_over_batch_size` reduction this averages over the
 * kept positions only.
 */
function maskedLossWeights(mask: Tensor, sw: Float32Array | null, batch: number): Float32Array {
  const total = mask.size;
  let valid = 0;
  for (let i = 0; i < total; i++) valid += mask.data[i]!;
  const mw = valid === 0 ? 0 : f32(total / f32(valid));
  const w = new Float32Array(total);
  for (let i = 0; i < total; i++) w[i] = mask.data[i] ? mw : 0;
  return sw ? multiplyWeights(sw, w, batch) : w;
}

/** The masks of the outputs whose positions a per-output loss is computed over (a mask must cover the loss's rows). */
function lossMask(mask: Tensor | null | undefined, yPred: Tensor): Tensor | null {
  if (!mask) return null;
  const rows = yPred.rank <= 1 ? yPred.size : yPred.size / yPred.shape[yPred.rank - 1]!;
  return mask.size === rows ? mask : null;
}

/** The weighted total loss and per-output values/gradients of a batch. */
function computeLosses(
  compiled: CompiledTraining,
  ys: readonly (Tensor | null)[],
  outputs: readonly Tensor[],
  masks: readonly (Tensor | null)[] | undefined,
  sws: readonly (Float32Array | null)[],
  withGrad: boolean,
): { total: number; per: OutputBatch[]; grads: (Tensor | null)[] } {
  let total = 0;
  const grads: (Tensor | null)[] = [];
  const per: OutputBatch[] = compiled.outputs.map((o, i) => {
    const yPred = outputs[i]!;
    const yTrue = ys[i] ?? null;
    const mask = lossMask(masks?.[i], yPred);
    const sw = sws[i] ?? null;
    if (!o.loss || !yTrue) {
      grads.push(null);
      return { yTrue: yTrue ?? yPred, yPred, mask, sampleWeight: sw, loss: null };
    }
    const weights = mask ? maskedLossWeights(mask, sw, yPred.shape[0] ?? 0) : sw;
    const { value, grad } = o.loss.compute(yTrue, yPred, weights, withGrad);
    const lw = o.lossWeight;
    const weighted = lw === null ? value : f32(value * lw);
    total = f32(total + weighted);
    if (withGrad) grads.push(lw === null || !grad ? grad : new Tensor(Float32Array.from(grad.data, (v) => v * lw), grad.shape));
    return { yTrue, yPred, mask, sampleWeight: sw, loss: value };
  });
  return { total, per, grads };
}

/** One training step on a batch; returns the batch's total loss. Updates the metrics. */
function trainStep(
  host: TrainingHost,
  compiled: CompiledTraining,
  rules: WeightRules,
  xs: Tensor[],
  ys: (Tensor | null)[],
  sws: (Float32Array | null)[],
  random: Random | null,
  keepStates: boolean,
): number {
  const tape = host.trainGraph(xs, { random, training: true, keepStates });
  const { total: lossTotal, per, grads: dOuts } = computeLosses(compiled, ys, tape.outputs, tape.masks, sws, true);
  let total = lossTotal;
  for (const { weight, reg } of rules.regularizers) total = f32(total + reg.penalty(weight.value.data));
  if (tape.extraLoss !== 0) total = f32(total + tape.extraLoss);
  const grads = tape.backward(dOuts);
  const trainable = host.trainableWeights();
  if (trainable.length > 0) {
    const byWeight = new Map(rules.regularizers.map((r) => [r.weight, r.reg]));
    const gs = trainable.map(({ weight }) => {
      const g = grads.get(weight);
      const data = g ? g.data : new Float32Array(weight.value.size);
      const reg = byWeight.get(weight);
      if (reg) {
        const out = data.slice();
        reg.addGradient(weight.value.data, out);
        return new Tensor(out, weight.shape);
      }
      return g ?? new Tensor(data, weight.shape);
    });
    compiled.optimizer.applyGradients(
      gs,
      trainable.map((t) => t.weight),
      trainable.map((t) => t.path),
    );
    for (const { weight, fn } of rules.constraints) {
      fn(weight.value.data, weight.shape);
      markWeightsChanged(weight.value.data); // in place: packed copies are stale
    }
    // the step's gradients are spent: large ones the kernels pooled (an Embedding's table) serve the next step
    recycleFloat32(gs.map((g) => g.data));
  }
  // Non-trainable state (moving statistics) from this batch's forward pass, as Keras 3 assigns the
  // non_trainable_variables its stateless train step returns.
  applyStateUpdates(tape.stateUpdates);
  compiled.updateMetrics(total, xs[0]!.shape[0] ?? 0, per, trainingMetricsMasked(host));
  return total;
}

/**
 * Whether the metrics of training batches honour the outputs' masks. Keras 3 on JAX (kerasts'
 * reference) loses the mask between the loss and the metrics of a training step (the predictions come
 * back through `jax.value_and_grad`'s aux output, without their `_keras_mask`), so its training
 * metrics are unmasked while the loss and every evaluation are masked; Keras 1/2, tf.keras and Keras 3
 * on TensorFlow or torch mask them. Models follow the Keras and backend they come from.
 */
function trainingMetricsMasked(host: TrainingHost): boolean {
  const m = host.model;
  const major = Number(/^(\d+)/.exec(m.kerasVersion)?.[1] ?? 3);
  if (major < 3) return true;
  return m.backend === 'tensorflow' || m.backend === 'torch';
}

/** One evaluation step on a batch (no update). */
function testStep(host: TrainingHost, compiled: CompiledTraining, rules: WeightRules, xs: Tensor[], ys: (Tensor | null)[], sws: (Float32Array | null)[], keepStates: boolean): number {
  let outputs: Tensor[];
  let masks: (Tensor | null)[] | undefined;
  let extra = 0;
  if (host.needsGraphForEval() || (!keepStates && host.hasStatefulLayers())) {
    const tape = host.trainGraph(xs, { random: null, training: false, keepStates });
    outputs = tape.outputs;
    masks = tape.masks;
    extra = tape.extraLoss;
  } else {
    const r = host.inferGraph(xs);
    outputs = r.outputs;
    masks = r.masks;
  }
  const { total: lossTotal, per } = computeLosses(compiled, ys, outputs, masks, sws, false);
  let total = lossTotal;
  for (const { weight, reg } of rules.regularizers) total = f32(total + reg.penalty(weight.value.data));
  if (extra !== 0) total = f32(total + extra);
  compiled.updateMetrics(total, xs[0]!.shape[0] ?? 0, per);
  return total;
}

/** Whether stateful layers carry their states across batches (see {@link FitOptions.carryStatefulStates}). */
function carryStates(host: TrainingHost, option: boolean | undefined): boolean {
  if (option !== undefined) return option;
  const m = host.model;
  const major = Number(/^(\d+)/.exec(m.kerasVersion)?.[1] ?? 3);
  if (major < 3) return true;
  return m.backend === 'tensorflow' || m.backend === 'torch';
}

function positiveInt(v: number | undefined, dflt: number, name: string, min = 1): number {
  const r = v ?? dflt;
  if (!Number.isInteger(r) || r < min) throw new ConfigError(`${name} must be an integer >= ${min}, got ${String(v)}`, 'fit');
  return r;
}

function resolveVerbose(v: FitOptions['verbose'], stream: ProgressStream | undefined): 0 | 1 | 2 {
  if (v === 0 || v === 1 || v === 2) return v;
  if (v === undefined || v === 'auto') return (stream ?? defaultProgressStream()).isTTY ? 1 : 2;
  throw new ConfigError(`verbose must be 0, 1, 2 or 'auto', got ${String(v)}`, 'fit');
}

/** Keras' `fit`. See `Model.fit`. */
export async function fit(host: TrainingHost, input: ResolvedData, options: FitOptions = {}, validation: ResolvedValidation | null = null): Promise<History> {
  const model = host.model;
  const compiled = compiledOf(model, 'fit');
  const epochs = positiveInt(options.epochs, 1, 'epochs', 0);
  const batchSize = positiveInt(options.batchSize, 32, 'batchSize');
  const initialEpoch = positiveInt(options.initialEpoch, 0, 'initialEpoch', 0);
  const validationFreq = positiveInt(options.validationFreq, 1, 'validationFreq');
  const shuffle = options.shuffle ?? true;
  const seed = options.seed ?? Math.floor(Math.random() * 4294967296);
  if (!Number.isFinite(seed)) throw new ConfigError(`seed must be a finite number, got ${seed}`, 'fit');
  let data = prepare(host, input, options.sampleWeight, options.classWeight, '');
  let val: Prepared | null = null;
  if (validation) {
    val = prepare(host, validation, validation.sampleWeight, null, 'validationData ');
  } else if (options.validationSplit !== undefined && options.validationSplit !== 0) {
    const at = splitAt(data.n, options.validationSplit);
    const wSplit = (w: Float32Array | null, a: number, b: number): Float32Array | null => {
      if (!w) return null;
      const per = w.length / data.n;
      return w.slice(a * per, b * per);
    };
    const part = (a: number, b: number): Prepared => ({
      xs: data.xs.map((x) => sliceRows(x, a, b)),
      ys: data.ys.map((y) => (y ? sliceRows(y, a, b) : null)),
      n: b - a,
      weights: data.weights.map((w) => wSplit(w, a, b)),
    });
    val = part(at, data.n);
    data = part(0, at);
  }
  buildFor(host, compiled, data, val ? [val] : []);
  const rules = weightRules(host);
  const carry = carryStates(host, options.carryStatefulStates);
  const steps = Math.ceil(data.n / batchSize);
  const verbose = resolveVerbose(options.verbose, options.progressStream);
  const history = new History();
  const userCallbacks = options.callbacks ?? [];
  const all: (Callback | CallbackHooks)[] = [...userCallbacks, history];
  if (verbose !== 0) all.push(new ProgbarLogger(verbose, options.progressStream ?? defaultProgressStream()));
  const params: TrainingParams = { epochs, steps, samples: data.n, verbose, batchSize, seed, metricDirections: compiled.directions };
  const callbacks = new CallbackList(all, model, params);
  model.stopTraining = false;
  await callbacks.trainBegin({});
  let lastLogs: Logs = {};
  for (let epoch = initialEpoch; epoch < epochs; epoch++) {
    compiled.resetMetrics();
    await callbacks.epochBegin(epoch, {});
    const order = epochOrder(data.n, shuffle, seed, epoch);
    let batchLogs: Logs = {};
    for (let b = 0; b < steps; b++) {
      await callbacks.batchBegin(b, {});
      const start = b * batchSize;
      const end = Math.min(data.n, start + batchSize);
      const batch = batchOf(data, order, start, end);
      trainStep(host, compiled, rules, batch.xs, batch.ys, batch.weights, new Random(mixSeed(seed, epoch, b, 0x44)), carry);
      batchLogs = compiled.results();
      await callbacks.batchEnd(b, batchLogs);
      if (model.stopTraining) break;
    }
    const epochLogs: Logs = compiled.results();
    if (val && (epoch + 1) % validationFreq === 0) {
      const vl = evaluatePrepared(host, compiled, rules, val, options.validationBatchSize ?? batchSize, carry);
      for (const [k, v] of Object.entries(vl)) epochLogs[`val_${k}`] = v;
    }
    await callbacks.epochEnd(epoch, epochLogs);
    lastLogs = epochLogs;
    if (model.stopTraining) break;
  }
  await callbacks.trainEnd(lastLogs);
  history.params = params;
  return history;
}

/** Rows `order[start..end)` of every input, target and weight array. */
function batchOf(data: Prepared, order: Int32Array, start: number, end: number): { xs: Tensor[]; ys: (Tensor | null)[]; weights: (Float32Array | null)[] } {
  return {
    xs: data.xs.map((x) => gatherRows(x, order, start, end)),
    ys: data.ys.map((y) => (y ? gatherRows(y, order, start, end) : null)),
    weights: data.weights.map((w) => (w ? gatherWeights(w, data.n, order, start, end) : null)),
  };
}

function evaluatePrepared(host: TrainingHost, compiled: CompiledTraining, rules: WeightRules, data: Prepared, batchSize: number, keepStates: boolean): Logs {
  compiled.resetMetrics();
  const order = identityOrder(data.n);
  for (let start = 0; start < data.n; start += batchSize) {
    const end = Math.min(data.n, start + batchSize);
    const b = batchOf(data, order, start, end);
    testStep(host, compiled, rules, b.xs, b.ys, b.weights, keepStates);
  }
  const logs = compiled.results();
  compiled.resetMetrics();
  return logs;
}

/** Keras' `evaluate`: `{loss, ...metrics}` over the data. See `Model.evaluate`. */
export async function evaluateAsync(host: TrainingHost, input: ResolvedData, options: EvaluateOptions = {}): Promise<Logs> {
  const logs = evaluate(host, input, options);
  for (const c of options.callbacks ?? []) await c.onTestEnd?.(logs);
  return logs;
}

/** Keras' `evaluate`, synchronous: `{loss, ...metrics}` over the data. */
export function evaluate(host: TrainingHost, input: ResolvedData, options: EvaluateOptions = {}): Logs {
  const compiled = compiledOf(host.model, 'evaluate');
  const batchSize = positiveInt(options.batchSize, 32, 'batchSize');
  const data = prepare(host, input, options.sampleWeight, null, '');
  buildFor(host, compiled, data);
  return evaluatePrepared(host, compiled, weightRules(host), data, batchSize, carryStates(host, options.carryStatefulStates));
}

let trainOnBatchCounter = 0;

/** Keras' `train_on_batch`: one update; returns `{loss, ...metrics}` of the batch. */
export function trainOnBatch(host: TrainingHost, input: ResolvedData, options: TrainOnBatchOptions = {}): Logs {
  const compiled = compiledOf(host.model, 'trainOnBatch');
  const data = prepare(host, input, options.sampleWeight, options.classWeight, '');
  buildFor(host, compiled, data);
  if (options.resetMetrics ?? true) compiled.resetMetrics();
  const seed = options.seed ?? mixSeed(0x7462, trainOnBatchCounter++);
  trainStep(host, compiled, weightRules(host), data.xs, data.ys, data.weights, new Random(seed), carryStates(host, options.carryStatefulStates));
  return compiled.results();
}

/** Keras' `test_on_batch`: the loss and metrics of one batch, without an update. */
export function testOnBatch(host: TrainingHost, input: ResolvedData, options: TestOnBatchOptions = {}): Logs {
  const compiled = compiledOf(host.model, 'testOnBatch');
  const data = prepare(host, input, options.sampleWeight, null, '');
  buildFor(host, compiled, data);
  compiled.resetMetrics();
  testStep(host, compiled, weightRules(host), data.xs, data.ys, data.weights, carryStates(host, options.carryStatefulStates));
  const logs = compiled.results();
  compiled.resetMetrics();
  return logs;
}

/**
 * The training loop: `compile` state, `fit`, `evaluate`, `trainOnBatch`, as Keras 3's trainer runs
 * them (per batch: forward in training mode, loss with `sum_over_batch_size`, backward, clipping,
 * optimizer update, constraints; the logged loss is the running mean of the batch losses weighted by
 * batch size; metrics are running means over the epoch).
 */
import { applyStateUpdates, type JsonObject, type JsonValue, type Layer, type LayerWeight, type Shape, type StateUpdate } from '@kerasts/layers';
import { ConfigError, KerastsError, Random, ShapeMismatchError, Tensor, UnsupportedError } from '@kerasts/tensor';
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
  /** Loss added by activity regularizers during this pass. */
  extraLoss: number;
  /** Back-propagates ∂L/∂outputs; returns the gradient of every trainable weight that got one. */
  backward(dOutputs: Tensor[]): Map<LayerWeight, Tensor>;
  /**
   * New values of non-trainable weights from this pass (the layer tapes' `stateUpdates`, in call
   * order: BatchNormalization's moving statistics). A training step assigns them after the optimizer
   * step; evaluation passes (`training: false`) have none.
   */
  stateUpdates?: readonly StateUpdate[];
}

/** How {@link TrainingHost.trainGraph} runs. */
export interface GraphRunOptions {
  /** Random numbers for dropout; null: no dropout. */
  random: Random | null;
  /** Training mode (dropout active) or not. */
  training: boolean;
  /** Whether stateful layers keep the states they end with. */
  keepStates: boolean;
}

/** What the trainer needs from a model beyond its public API (supplied by `Model`). */
export interface TrainingHost {
  model: Model;
  /** Training-mode forward pass (dropout active with `random`). */
  trainGraph(inputs: Tensor[], options: GraphRunOptions): GraphTape;
  /** Whether the model has stateful layers. */
  hasStatefulLayers(): boolean;
  /** Inference forward pass. */
  inferGraph(inputs: Tensor[]): Tensor[];
  /** Whether evaluation must run through {@link trainGraph} (activity regularizers). */
  needsGraphForEval(): boolean;
  /** The trainable weights in Keras order with their Keras paths (for optimizer slot names). */
  trainableWeights(): { weight: LayerWeight; path: string; layer: Layer }[];
  /** All weights with their layers (for regularizers and constraints). */
  allWeights(): { weight: LayerWeight; layer: Layer }[];
}

/** Options of `Model.compile` (Keras' arguments in camelCase). */
export interface CompileOptions {
  /** An Optimizer, a name (`'adam'`, `'sgd'`, `'rmsprop'`, ...) or an `optimizer_config`. Default `'rmsprop'` (Keras 3). */
  optimizer?: OptimizerIdentifier;
  /** A Loss, a name or alias (`'mse'`, `'mean_squared_error'`, `'binary_crossentropy'`, `'crossentropy'`, ...) or a serialized loss. */
  loss: LossIdentifier;
  /** Metrics: names (`'accuracy'`, `'mae'`, ...), Metric objects or serialized metrics. */
  metrics?: MetricIdentifier[] | null;
  /** Metrics weighted by the sample weights. */
  weightedMetrics?: MetricIdentifier[] | null;
  /** Multiplies the loss (single output). */
  lossWeights?: number | number[] | null;
}

/** The state `compile` creates: optimizer, loss, metrics (built when the first data is seen). */
export class CompiledTraining {
  readonly optimizer: Optimizer;
  /** The loss as given to compile (kept for the training config). */
  readonly lossIdentifier: LossIdentifier;
  /** The loss function; null until the shapes are known for `'crossentropy'`/`'ce'`. */
  loss: Loss | null;
  readonly metricIdentifiers: MetricIdentifier[] | null;
  readonly weightedMetricIdentifiers: MetricIdentifier[] | null;
  readonly lossWeight: number | null;
  readonly lossWeightsRaw: number | number[] | null;
  /** The loss tracker (`loss` in logs). */
  readonly lossTracker = new Mean('loss');
  private metrics: Metric[] | null = null;
  private weightedMetrics: Metric[] | null = null;

  constructor(options: CompileOptions) {
    if (options === undefined || options === null || typeof options !== 'object') throw new ConfigError('compile needs {optimizer, loss, metrics}', 'compile');
    this.optimizer = getOptimizer(options.optimizer ?? 'rmsprop');
    if (options.loss === undefined || options.loss === null) throw new ConfigError('compile needs a loss', 'compile');
    this.lossIdentifier = options.loss;
    this.loss = options.loss === 'crossentropy' || options.loss === 'ce' ? null : getLoss(options.loss);
    this.metricIdentifiers = options.metrics === undefined ? null : options.metrics;
    this.weightedMetricIdentifiers = options.weightedMetrics === undefined ? null : options.weightedMetrics;
    for (const m of [...(this.metricIdentifiers ?? []), ...(this.weightedMetricIdentifiers ?? [])]) {
      if (!(m instanceof Metric)) getMetric(m, [1, 1], [1, 1]); // fail early on unknown names
    }
    const lw = options.lossWeights ?? null;
    this.lossWeightsRaw = lw;
    if (lw === null) this.lossWeight = null;
    else if (typeof lw === 'number') this.lossWeight = lw;
    else if (Array.isArray(lw) && lw.length === 1 && typeof lw[0] === 'number') this.lossWeight = lw[0];
    else throw new UnsupportedError('lossWeights must be a number (the model has one output)', 'compile');
  }

  /** Resolves the shape-dependent parts (crossentropy, accuracy) from the first targets and outputs. */
  build(yTrueShape: readonly number[], yPredShape: readonly number[]): void {
    if (this.loss === null) this.loss = resolveCrossentropy(String(this.lossIdentifier), yTrueShape, yPredShape);
    if (this.metrics === null) {
      this.metrics = (this.metricIdentifiers ?? []).map((m) => getMetric(m, yTrueShape, yPredShape));
      const names = new Set(['loss', ...this.metrics.map((m) => m.name)]);
      this.weightedMetrics = (this.weightedMetricIdentifiers ?? []).map((m) => {
        const metric = getMetric(m, yTrueShape, yPredShape);
        if (names.has(metric.name)) metric.name = `weighted_${metric.name}`;
        names.add(metric.name);
        return metric;
      });
    }
  }

  /** Whether {@link build} has run. */
  get built(): boolean {
    return this.metrics !== null && this.loss !== null;
  }

  /** The metrics, in the order they appear in logs after `loss`. */
  get allMetrics(): Metric[] {
    return [...(this.metrics ?? []), ...(this.weightedMetrics ?? [])];
  }

  /** Metric names in log order (`['loss', ...]`); metric names are known once built. */
  get metricsNames(): string[] {
    return ['loss', ...this.allMetrics.map((m) => m.name)];
  }

  /** Directions of the metrics (for monitors in `mode: 'auto'`). */
  get directions(): Record<string, MetricDirection> {
    const out: Record<string, MetricDirection> = { loss: 'down' };
    for (const m of this.allMetrics) out[m.name] = m.direction;
    return out;
  }

  resetMetrics(): void {
    this.lossTracker.reset();
    for (const m of this.allMetrics) m.reset();
  }

  /** Adds a batch to the loss tracker and metrics. */
  updateMetrics(loss: number, yTrue: Tensor, yPred: Tensor, sampleWeight: Float32Array | null): void {
    const n = yPred.shape[0] ?? 0;
    this.lossTracker.add(loss, n);
    for (const m of this.metrics ?? []) m.update(yTrue, yPred, null);
    const perSample = sampleWeight && n > 0 && sampleWeight.length !== n ? collapseWeights(sampleWeight, n) : sampleWeight;
    for (const m of this.weightedMetrics ?? []) m.update(yTrue, yPred, perSample);
  }

  /** The running values: `{loss, ...metrics}`. */
  results(): Logs {
    const logs: Logs = { loss: this.lossTracker.result() };
    for (const m of this.allMetrics) logs[m.name] = m.result();
    return logs;
  }

  /** The Keras 3 legacy-h5 `training_config` (see KERAS-FORMAT §8). */
  trainingConfig(): JsonObject {
    return {
      loss: serializeLoss(this.lossIdentifier),
      loss_weights: this.lossWeightsRaw,
      metrics: this.metricIdentifiers === null ? null : this.metricIdentifiers.map(serializeMetric),
      weighted_metrics: this.weightedMetricIdentifiers === null ? null : this.weightedMetricIdentifiers.map(serializeMetric),
      run_eagerly: false,
      steps_per_execution: 1,
      jit_compile: true,
      optimizer_config: { ...this.optimizer.getConfig() },
    };
  }
}

function collapseWeights(w: Float32Array, n: number): Float32Array {
  const per = w.length / n;
  const out = new Float32Array(n);
  for (let b = 0; b < n; b++) {
    let s = 0;
    for (let k = 0; k < per; k++) s += w[b * per + k]!;
    out[b] = s / per;
  }
  return out;
}

function serializeLoss(l: LossIdentifier): JsonValue {
  if (l instanceof Loss) return l.serialized;
  return l;
}

function serializeMetric(m: MetricIdentifier): JsonValue {
  if (m instanceof Metric) return m.serialized;
  return m;
}

/* ---------------------------------------------------------------------------------------------- */

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
  validationData?: [ModelData, ModelData] | [ModelData, ModelData, ArrayLike<number> | Tensor];
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
  /** One weight per sample (or per sample and step for sequence outputs). */
  sampleWeight?: ArrayLike<number> | Tensor;
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
  /** One weight per sample. */
  sampleWeight?: ArrayLike<number> | Tensor;
  /** Callbacks with test hooks. */
  callbacks?: (Callback | CallbackHooks)[];
  /** See {@link FitOptions.carryStatefulStates}. */
  carryStatefulStates?: boolean;
}

/** Options of `Model.trainOnBatch`. */
export interface TrainOnBatchOptions {
  sampleWeight?: ArrayLike<number> | Tensor;
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
  sampleWeight?: ArrayLike<number> | Tensor;
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

interface Prepared {
  /** One tensor per model input, in model order. */
  xs: Tensor[];
  y: Tensor;
  n: number;
  weights: Float32Array | null;
}

/**
 * Training data in model order (the model resolves lists and records keyed by name): one array per
 * input, the targets of its output, and labels naming each in messages (`x`, `x["input_a"]`).
 */
export interface ResolvedData {
  xs: readonly DataLike[];
  xLabels: readonly string[];
  y: DataLike;
  yLabel: string;
}

/** Resolved validation data, with its optional sample weights. */
export interface ResolvedValidation extends ResolvedData {
  sampleWeight?: ArrayLike<number> | Tensor;
}

/** Converts and validates (x, y, weights) for the model. */
function prepare(host: TrainingHost, data: ResolvedData, sw: ArrayLike<number> | Tensor | null | undefined, cw: Readonly<Record<number, number>> | null | undefined, what: string): Prepared {
  const model = host.model;
  const xs = data.xs.map((v, i) => toTensor(v, `${what}${data.xLabels[i]}`));
  const y = toTensor(data.y, `${what}${data.yLabel}`);
  const xl = `${what}${data.xLabels[0]}`;
  const yl = `${what}${data.yLabel}`;
  const n = samplesOf(xs[0]!, xl);
  xs.forEach((x, i) => {
    const ni = samplesOf(x, `${what}${data.xLabels[i]}`);
    if (ni !== n) throw new ShapeMismatchError(`${xl} has ${n} samples but ${what}${data.xLabels[i]} has ${ni}; every input needs the same number of samples`, [n], [ni], model.name);
  });
  const ny = samplesOf(y, yl);
  if (n !== ny) {
    throw new ShapeMismatchError(`${xl} has ${n} samples but ${yl} has ${ny}; they must have the same number of samples`, [n], [ny], model.name);
  }
  if (!model.built) model.build([null, ...xs[0]!.shape.slice(1)]);
  xs.forEach((x, i) => {
    const inShape = model.inputShapes?.[i];
    if (!inShape) return;
    const label = `${what}${data.xLabels[i]}`;
    const ok = x.rank === inShape.length && inShape.every((d, k) => k === 0 || d === null || d === x.shape[k]);
    if (!ok) {
      throw new ShapeMismatchError(`${label} does not fit the input of model "${model.name}"`, inShape, x.shape, model.name);
    }
    const b = inShape[0];
    if (b !== null && b !== undefined && b !== x.shape[0] && n % b !== 0) {
      throw new ShapeMismatchError(`model "${model.name}" has a fixed batch size of ${b}`, inShape, x.shape, model.name);
    }
  });
  xs.forEach((x, i) => checkFinite(x, `${what}${data.xLabels[i]}`));
  checkFinite(y, yl);
  const weights = resolveSampleWeights(y, n, sw, cw);
  return { xs, y, n, weights };
}

/** The model's (first) output shape, with the batch dimension left open. */
function outputShape(host: TrainingHost): Shape {
  const s = host.model.outputShapes?.[0];
  if (!s) throw new KerastsError(`model "${host.model.name}" has no output shape`, host.model.name);
  return [null, ...s.slice(1)];
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
    const key = weight.name === 'recurrent_kernel' ? 'recurrent' : weight.name;
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

/** One training step on a batch; returns the batch's total loss. Updates the metrics. */
function trainStep(
  host: TrainingHost,
  compiled: CompiledTraining,
  rules: WeightRules,
  xs: Tensor[],
  y: Tensor,
  sw: Float32Array | null,
  random: Random | null,
  keepStates: boolean,
): number {
  const tape = host.trainGraph(xs, { random, training: true, keepStates });
  const yPred = tape.outputs[0]!;
  compiled.build(y.shape, yPred.shape);
  const loss = compiled.loss!;
  const lw = compiled.lossWeight;
  const { value, grad } = loss.compute(y, yPred, sw, true);
  let dOut = grad!;
  let total = lw === null ? value : f32(value * lw);
  if (lw !== null) dOut = new Tensor(Float32Array.from(dOut.data, (v) => v * lw), dOut.shape);
  for (const { weight, reg } of rules.regularizers) total = f32(total + reg.penalty(weight.value.data));
  if (tape.extraLoss !== 0) total = f32(total + tape.extraLoss);
  const grads = tape.backward([dOut]);
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
    for (const { weight, fn } of rules.constraints) fn(weight.value.data, weight.shape);
  }
  // Non-trainable state (moving statistics) from this batch's forward pass, as Keras 3 assigns the
  // non_trainable_variables its stateless train step returns.
  applyStateUpdates(tape.stateUpdates);
  compiled.updateMetrics(total, y, yPred, sw);
  return total;
}

/** One evaluation step on a batch (no update). */
function testStep(host: TrainingHost, compiled: CompiledTraining, rules: WeightRules, xs: Tensor[], y: Tensor, sw: Float32Array | null, keepStates: boolean): number {
  let yPred: Tensor;
  let extra = 0;
  if (host.needsGraphForEval() || (!keepStates && host.hasStatefulLayers())) {
    const tape = host.trainGraph(xs, { random: null, training: false, keepStates });
    yPred = tape.outputs[0]!;
    extra = tape.extraLoss;
  } else {
    yPred = host.inferGraph(xs)[0]!;
  }
  compiled.build(y.shape, yPred.shape);
  const lw = compiled.lossWeight;
  const { value } = compiled.loss!.compute(y, yPred, sw, false);
  let total = lw === null ? value : f32(value * lw);
  for (const { weight, reg } of rules.regularizers) total = f32(total + reg.penalty(weight.value.data));
  if (extra !== 0) total = f32(total + extra);
  compiled.updateMetrics(total, y, yPred, sw);
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
    val = { xs: data.xs.map((x) => sliceRows(x, at, data.n)), y: sliceRows(data.y, at, data.n), n: data.n - at, weights: wSplit(data.weights, at, data.n) };
    data = { xs: data.xs.map((x) => sliceRows(x, 0, at)), y: sliceRows(data.y, 0, at), n: at, weights: wSplit(data.weights, 0, at) };
  }
  const outShape = outputShape(host);
  // Metric names and directions, and 'crossentropy', are resolved from the shapes (as Keras does on the first batch).
  compiled.build([0, ...data.y.shape.slice(1)], [0, ...outShape.slice(1).map((d) => d ?? 1)]);
  checkTargetShape(data.y.shape, outShape, compiled.loss!.sparse, model.name);
  if (val) checkTargetShape(val.y.shape, outShape, compiled.loss!.sparse, model.name);
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
      const xb = data.xs.map((x) => gatherRows(x, order, start, end));
      const yb = gatherRows(data.y, order, start, end);
      const wb = data.weights ? gatherWeights(data.weights, data.n, order, start, end) : null;
      trainStep(host, compiled, rules, xb, yb, wb, new Random(mixSeed(seed, epoch, b, 0x44)), carry);
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

function evaluatePrepared(host: TrainingHost, compiled: CompiledTraining, rules: WeightRules, data: Prepared, batchSize: number, keepStates: boolean): Logs {
  compiled.resetMetrics();
  const order = identityOrder(data.n);
  for (let start = 0; start < data.n; start += batchSize) {
    const end = Math.min(data.n, start + batchSize);
    testStep(
      host,
      compiled,
      rules,
      data.xs.map((x) => gatherRows(x, order, start, end)),
      gatherRows(data.y, order, start, end),
      data.weights ? gatherWeights(data.weights, data.n, order, start, end) : null,
      keepStates,
    );
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
  const outShape = outputShape(host);
  compiled.build([0, ...data.y.shape.slice(1)], [0, ...outShape.slice(1).map((d) => d ?? 1)]);
  checkTargetShape(data.y.shape, outShape, compiled.loss!.sparse, host.model.name);
  return evaluatePrepared(host, compiled, weightRules(host), data, batchSize, carryStates(host, options.carryStatefulStates));
}

let trainOnBatchCounter = 0;

/** Keras' `train_on_batch`: one update; returns `{loss, ...metrics}` of the batch. */
export function trainOnBatch(host: TrainingHost, input: ResolvedData, options: TrainOnBatchOptions = {}): Logs {
  const compiled = compiledOf(host.model, 'trainOnBatch');
  const data = prepare(host, input, options.sampleWeight, options.classWeight, '');
  const outShape = outputShape(host);
  compiled.build([0, ...data.y.shape.slice(1)], [0, ...outShape.slice(1).map((d) => d ?? 1)]);
  checkTargetShape(data.y.shape, outShape, compiled.loss!.sparse, host.model.name);
  if (options.resetMetrics ?? true) compiled.resetMetrics();
  const seed = options.seed ?? mixSeed(0x7462, trainOnBatchCounter++);
  trainStep(host, compiled, weightRules(host), data.xs, data.y, data.weights, new Random(seed), carryStates(host, options.carryStatefulStates));
  return compiled.results();
}

/** Keras' `test_on_batch`: the loss and metrics of one batch, without an update. */
export function testOnBatch(host: TrainingHost, input: ResolvedData, options: TestOnBatchOptions = {}): Logs {
  const compiled = compiledOf(host.model, 'testOnBatch');
  const data = prepare(host, input, options.sampleWeight, null, '');
  const outShape = outputShape(host);
  compiled.build([0, ...data.y.shape.slice(1)], [0, ...outShape.slice(1).map((d) => d ?? 1)]);
  checkTargetShape(data.y.shape, outShape, compiled.loss!.sparse, host.model.name);
  compiled.resetMetrics();
  testStep(host, compiled, weightRules(host), data.xs, data.y, data.weights, carryStates(host, options.carryStatefulStates));
  const logs = compiled.results();
  compiled.resetMetrics();
  return logs;
}

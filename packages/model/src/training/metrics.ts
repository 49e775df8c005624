/**
 * Keras metrics: running means over batches (Keras' `Mean`/`MeanMetricWrapper`, accumulated in float32
 * as Keras does), accuracy resolved like Keras for `'accuracy'`/`'acc'`, and every loss as a metric.
 */
import type { JsonObject, JsonValue } from '@kerasts/layers';
import { ConfigError, ShapeMismatchError, Tensor, UnsupportedError } from '@kerasts/tensor';
import { crossentropyKind, getLoss, Loss } from './losses.js';

const f32 = Math.fround;

/** Whether a larger value of a metric is better (`'up'`, accuracy) or worse (`'down'`, losses). */
export type MetricDirection = 'up' | 'down';

/**
 * A metric accumulated over the batches of an epoch (or of an evaluation): `update` per batch,
 * `result` for the running value, `reset` at the start of each epoch.
 */
export abstract class Metric {
  /** The name in logs and History (`'accuracy'`, `'mae'`, `'loss'`, ...). */
  name: string;
  /** Whether larger is better; EarlyStopping's `mode: 'auto'` reads it. */
  readonly direction: MetricDirection;
  /** How this metric is written in a `training_config` (the string given, or `{class_name, config}`). */
  serialized: JsonValue;
  /** Float32 running total of the per-sample values. */
  protected total = 0;
  /** Float32 running count (samples, or the sum of their weights). */
  protected count = 0;

  protected constructor(name: string, direction: MetricDirection, serialized: JsonValue) {
    this.name = name;
    this.direction = direction;
    this.serialized = serialized;
  }

  /** Adds a batch: targets, predictions and optional per-sample weights. */
  abstract update(yTrue: Tensor, yPred: Tensor, sampleWeight?: Float32Array | null): void;

  /** The running mean (0 before any update, as Keras' `divide_no_nan`). */
  result(): number {
    return this.count === 0 ? 0 : f32(this.total / this.count);
  }

  /** Starts over. */
  reset(): void {
    this.total = 0;
    this.count = 0;
  }

  /**
   * Accumulates per-position values `[batch, ...]` as Keras' `Mean` does: each sample's values are
   * averaged over their non-batch positions, weighted, summed into the total; the count grows by the
   * number of samples (or the sum of their weights). Weights are per sample (`[batch]`) or per
   * position (a mask, or per-step sample weights: each sample then counts the mean of its weights,
   * as Keras' `reduce_to_samplewise_values` does).
   */
  protected accumulate(values: Float32Array, batch: number, sampleWeight: Float32Array | null | undefined): void {
    if (batch === 0) return;
    const per = values.length / batch;
    let sum = 0;
    let wsum = 0;
    const perPosition = sampleWeight !== null && sampleWeight !== undefined && sampleWeight.length !== batch && sampleWeight.length === values.length;
    if (sampleWeight && !perPosition && sampleWeight.length !== batch) {
      throw new ShapeMismatchError(`metric "${this.name}": sample weights must have one value per sample (or per position)`, [batch], [sampleWeight.length]);
    }
    for (let b = 0; b < batch; b++) {
      if (perPosition) {
        let s = 0;
        let w = 0;
        for (let k = 0; k < per; k++) {
          s += f32(values[b * per + k]! * sampleWeight[b * per + k]!);
          w += sampleWeight[b * per + k]!;
        }
        sum += per === 1 ? s : f32(s / per);
        wsum += per === 1 ? w : f32(w / per);
        continue;
      }
      let s = 0;
      for (let k = 0; k < per; k++) s += values[b * per + k]!;
      let v = per === 1 ? values[b]! : f32(s / per);
      if (sampleWeight) {
        v = f32(v * sampleWeight[b]!);
        wsum += sampleWeight[b]!;
      }
      sum += v;
    }
    this.total = f32(this.total + f32(sum));
    this.count = f32(this.count + (sampleWeight ? f32(wsum) : batch));
  }
}

/** Keras' `Mean`: the (weighted) mean of the values passed to {@link Mean.add}; the loss tracker is one. */
export class Mean extends Metric {
  constructor(name = 'mean') {
    super(name, 'down', { class_name: 'Mean', config: { name, dtype: 'float32' } });
  }
  /** Adds a scalar value with a weight (the loss of a batch weighted by its number of samples). */
  add(value: number, weight = 1): void {
    this.total = f32(this.total + f32(value * weight));
    this.count = f32(this.count + weight);
  }
  update(): void {
    throw new UnsupportedError('Mean.update takes no targets; use add(value, weight)');
  }
}

/** A per-sample function of targets and predictions: values shaped `[batch, ...]` (flattened). */
export type MetricFn = (yTrue: Tensor, yPred: Tensor) => Float32Array;

/** Keras' `MeanMetricWrapper`: the running mean of a per-sample function. */
export class MeanMetricWrapper extends Metric {
  readonly fn: MetricFn;
  constructor(fn: MetricFn, name: string, direction: MetricDirection, serialized: JsonValue) {
    super(name, direction, serialized);
    this.fn = fn;
  }
  update(yTrue: Tensor, yPred: Tensor, sampleWeight?: Float32Array | null): void {
    const values = this.fn(yTrue, yPred);
    this.accumulate(values, yPred.shape[0] ?? 0, sampleWeight);
  }
}

/** Keras' `RootMeanSquaredError`: √(mean of squared errors). */
export class RootMeanSquaredError extends Metric {
  private readonly mse = getLoss('mean_squared_error');
  constructor(name = 'root_mean_squared_error') {
    super(name, 'down', { class_name: 'RootMeanSquaredError', config: { name, dtype: 'float32' } });
  }
  update(yTrue: Tensor, yPred: Tensor, sampleWeight?: Float32Array | null): void {
    // Keras sums squared errors element-wise (not per-sample means) into its total.
    const values = squaredErrors(yTrue, yPred, this.mse);
    this.accumulate(values, yPred.shape[0] ?? 0, sampleWeight);
  }
  override result(): number {
    return this.count === 0 ? 0 : f32(Math.sqrt(f32(this.total / this.count)));
  }
}

function squaredErrors(yTrue: Tensor, yPred: Tensor, mse: Loss): Float32Array {
  mse.perSample(yTrue, yPred); // validates the shapes
  const out = new Float32Array(yPred.size);
  for (let i = 0; i < yPred.size; i++) {
    const d = yTrue.data[i]! - yPred.data[i]!;
    out[i] = d * d;
  }
  return out;
}

/* ---------- metric functions ---------- */

function lastDim(t: Tensor): number {
  return t.rank === 0 ? 1 : t.shape[t.rank - 1]!;
}

function argmaxRows(data: Float32Array, cols: number): Int32Array {
  const rows = cols === 0 ? 0 : data.length / cols;
  const out = new Int32Array(rows);
  for (let r = 0; r < rows; r++) {
    let best = 0;
    let bv = -Infinity;
    for (let j = 0; j < cols; j++) {
      const v = data[r * cols + j]!;
      if (v > bv || (Number.isNaN(v) && !Number.isNaN(bv))) {
        bv = v;
        best = j;
      }
    }
    out[r] = best;
  }
  return out;
}

function checkSameSize(yTrue: Tensor, yPred: Tensor, what: string): void {
  if (yTrue.size !== yPred.size) {
    throw new ShapeMismatchError(`${what}: targets do not fit the predictions`, yPred.shape, yTrue.shape);
  }
}

/** `binary_accuracy`: `(yPred > threshold) == yTrue`, per value. */
export function binaryAccuracy(threshold = 0.5): MetricFn {
  return (yTrue, yPred) => {
    checkSameSize(yTrue, yPred, 'binary_accuracy');
    const out = new Float32Array(yPred.size);
    for (let i = 0; i < yPred.size; i++) out[i] = (yPred.data[i]! > threshold ? 1 : 0) === yTrue.data[i]! ? 1 : 0;
    return out;
  };
}

/** `categorical_accuracy`: `argmax(yTrue) == argmax(yPred)` per row. */
export const categoricalAccuracy: MetricFn = (yTrue, yPred) => {
  checkSameSize(yTrue, yPred, 'categorical_accuracy');
  const c = lastDim(yPred);
  const a = argmaxRows(yTrue.data, c);
  const b = argmaxRows(yPred.data, c);
  return Float32Array.from(a, (v, i) => (v === b[i] ? 1 : 0));
};

/** `sparse_categorical_accuracy`: `yTrue == argmax(yPred)` per row. */
export const sparseCategoricalAccuracy: MetricFn = (yTrue, yPred) => {
  const c = lastDim(yPred);
  const b = argmaxRows(yPred.data, c);
  if (yTrue.size !== b.length) throw new ShapeMismatchError('sparse_categorical_accuracy: one label per output row expected', [b.length], yTrue.shape);
  return Float32Array.from(b, (v, i) => (v === yTrue.data[i] ? 1 : 0));
};

/** `accuracy` (Keras' `Accuracy` class): `yTrue == yPred`, per value. */
export const exactAccuracy: MetricFn = (yTrue, yPred) => {
  checkSameSize(yTrue, yPred, 'accuracy');
  return Float32Array.from(yPred.data, (v, i) => (v === yTrue.data[i] ? 1 : 0));
};

function lossMetric(loss: Loss, negate: boolean): MetricFn {
  return (yTrue, yPred) => {
    const v = loss.perSample(yTrue, yPred);
    if (negate) for (let i = 0; i < v.length; i++) v[i] = -v[i]!;
    return v;
  };
}

/* ---------- resolution ---------- */

/** Metric class names (Keras 3) and what they compute. */
const CLASS_METRICS: ReadonlyMap<string, { defaultName: string; make: (cfg: JsonObject) => MetricFn; direction: MetricDirection }> = new Map([
  ['BinaryAccuracy', { defaultName: 'binary_accuracy', make: (cfg: JsonObject) => binaryAccuracy(typeof cfg.threshold === 'number' ? cfg.threshold : 0.5), direction: 'up' as const }],
  ['CategoricalAccuracy', { defaultName: 'categorical_accuracy', make: () => categoricalAccuracy, direction: 'up' as const }],
  ['SparseCategoricalAccuracy', { defaultName: 'sparse_categorical_accuracy', make: () => sparseCategoricalAccuracy, direction: 'up' as const }],
  ['Accuracy', { defaultName: 'accuracy', make: () => exactAccuracy, direction: 'up' as const }],
  ['MeanSquaredError', { defaultName: 'mean_squared_error', make: () => lossMetric(getLoss('mse'), false), direction: 'down' as const }],
  ['MeanAbsoluteError', { defaultName: 'mean_absolute_error', make: () => lossMetric(getLoss('mae'), false), direction: 'down' as const }],
  ['MeanAbsolutePercentageError', { defaultName: 'mean_absolute_percentage_error', make: () => lossMetric(getLoss('mape'), false), direction: 'down' as const }],
  ['MeanSquaredLogarithmicError', { defaultName: 'mean_squared_logarithmic_error', make: () => lossMetric(getLoss('msle'), false), direction: 'down' as const }],
  ['CosineSimilarity', { defaultName: 'cosine_similarity', make: () => lossMetric(getLoss('cosine_similarity'), true), direction: 'up' as const }],
  ['LogCoshError', { defaultName: 'logcosh', make: () => lossMetric(getLoss('log_cosh'), false), direction: 'down' as const }],
  ['Hinge', { defaultName: 'hinge', make: () => lossMetric(getLoss('hinge'), false), direction: 'down' as const }],
  ['SquaredHinge', { defaultName: 'squared_hinge', make: () => lossMetric(getLoss('squared_hinge'), false), direction: 'down' as const }],
  ['CategoricalHinge', { defaultName: 'categorical_hinge', make: () => lossMetric(getLoss('categorical_hinge'), false), direction: 'down' as const }],
  ['KLDivergence', { defaultName: 'kl_divergence', make: () => lossMetric(getLoss('kl_divergence'), false), direction: 'down' as const }],
  ['Poisson', { defaultName: 'poisson', make: () => lossMetric(getLoss('poisson'), false), direction: 'down' as const }],
  [
    'BinaryCrossentropy',
    {
      defaultName: 'binary_crossentropy',
      make: (cfg: JsonObject) => lossMetric(getLoss({ class_name: 'BinaryCrossentropy', config: { from_logits: cfg.from_logits ?? false, label_smoothing: cfg.label_smoothing ?? 0 } }), false),
      direction: 'down' as const,
    },
  ],
  [
    'CategoricalCrossentropy',
    {
      defaultName: 'categorical_crossentropy',
      make: (cfg: JsonObject) => lossMetric(getLoss({ class_name: 'CategoricalCrossentropy', config: { from_logits: cfg.from_logits ?? false, label_smoothing: cfg.label_smoothing ?? 0 } }), false),
      direction: 'down' as const,
    },
  ],
  [
    'SparseCategoricalCrossentropy',
    {
      defaultName: 'sparse_categorical_crossentropy',
      make: (cfg: JsonObject) => lossMetric(getLoss({ class_name: 'SparseCategoricalCrossentropy', config: { from_logits: cfg.from_logits ?? false } }), false),
      direction: 'down' as const,
    },
  ],
]);

/** Metric names (Keras 3's snake_case class names and aliases) mapped to their class. */
const NAME_TO_CLASS: ReadonlyMap<string, string> = new Map([
  ['binary_accuracy', 'BinaryAccuracy'],
  ['categorical_accuracy', 'CategoricalAccuracy'],
  ['sparse_categorical_accuracy', 'SparseCategoricalAccuracy'],
  ['log_cosh_error', 'LogCoshError'],
  ['root_mean_squared_error', 'RootMeanSquaredError'],
  ['rmse', 'RootMeanSquaredError'],
]);

/** Every metric name {@link getMetric} accepts as a string (besides every loss name). */
export const METRIC_NAMES: readonly string[] = Object.freeze(['accuracy', 'acc', ...NAME_TO_CLASS.keys(), ...CLASS_METRICS.keys(), 'RootMeanSquaredError'].sort());

/** Anything {@link getMetric} accepts: a Metric, a name, or a serialized Keras metric of any era. */
export type MetricIdentifier = Metric | string | JsonObject;

/**
 * Resolves a metric as Keras' `compile` does, given the shapes of targets and predictions (needed for
 * `'accuracy'`/`'acc'`: binary when the output has one unit, sparse when the targets have lower rank
 * or a last dimension of 1, else categorical). Loss names (`'mae'`, `'mse'`, `'binary_crossentropy'`,
 * `'logcosh'`, ...) give the loss as a metric; the name in logs is the string given.
 *
 * @throws {UnsupportedError} for an unknown metric.
 * @throws {ConfigError} for a malformed config.
 */
export function getMetric(identifier: MetricIdentifier, yTrueShape: readonly number[], yPredShape: readonly number[]): Metric {
  if (identifier instanceof Metric) return identifier;
  if (typeof identifier === 'string') {
    if (identifier === 'accuracy' || identifier === 'acc' || identifier.toLowerCase() === 'accuracy' || identifier.toLowerCase() === 'acc') {
      const kind = crossentropyKind(yTrueShape, yPredShape);
      const fn = kind === 'binary' ? binaryAccuracy(0.5) : kind === 'sparse' ? sparseCategoricalAccuracy : categoricalAccuracy;
      return new MeanMetricWrapper(fn, identifier, 'up', identifier);
    }
    const cls = NAME_TO_CLASS.get(identifier) ?? (CLASS_METRICS.has(identifier) || identifier === 'RootMeanSquaredError' ? identifier : null);
    if (cls) {
      const m = fromClass(cls, {});
      m.name = identifier;
      m.serialized = identifier;
      return m;
    }
    let loss: Loss;
    try {
      loss = getLoss(identifier);
    } catch (e) {
      if (e instanceof UnsupportedError) {
        throw new UnsupportedError(`unknown metric '${identifier}'; known metrics: ${METRIC_NAMES.join(', ')} and every loss name`, 'metrics');
      }
      throw e;
    }
    const negate = loss.kernel === 'cosine_similarity' && identifier !== 'cosine_proximity';
    return new MeanMetricWrapper(lossMetric(loss, negate), identifier, negate ? 'up' : 'down', identifier);
  }
  if (identifier === null || typeof identifier !== 'object' || Array.isArray(identifier)) {
    throw new ConfigError(`a metric must be a name or a {class_name, config} object, found ${JSON.stringify(identifier)}`, 'metrics');
  }
  const raw = identifier.class_name;
  if (typeof raw !== 'string') throw new ConfigError(`a serialized metric needs a string "class_name"`, 'metrics');
  const className = raw.replace(/^(Custom|keras|keras\.metrics)>/, '');
  const cfgRaw = identifier.config ?? {};
  if (cfgRaw === null || typeof cfgRaw !== 'object' || Array.isArray(cfgRaw)) {
    if (className === 'function' && typeof cfgRaw === 'string') return getMetric(cfgRaw, yTrueShape, yPredShape);
    throw new ConfigError(`the config of metric ${className} must be an object`, 'metrics');
  }
  const cfg = cfgRaw;
  if (className === 'MeanMetricWrapper') {
    // tf.keras wrote compiled metrics as MeanMetricWrapper({name, fn}).
    const fn = cfg.fn;
    const fnName = typeof fn === 'string' ? fn : fn !== null && typeof fn === 'object' && !Array.isArray(fn) && typeof fn.config === 'string' ? fn.config : null;
    if (!fnName) throw new ConfigError('MeanMetricWrapper config needs "fn"', 'metrics');
    const m = getMetric(fnName, yTrueShape, yPredShape);
    if (typeof cfg.name === 'string') m.name = cfg.name;
    m.serialized = identifier;
    return m;
  }
  const m = fromClass(className, cfg);
  m.serialized = identifier;
  return m;
}

function fromClass(className: string, cfg: JsonObject): Metric {
  if (className === 'RootMeanSquaredError') return new RootMeanSquaredError(typeof cfg.name === 'string' ? cfg.name : undefined);
  const spec = CLASS_METRICS.get(className);
  if (!spec) throw new UnsupportedError(`unknown metric class '${className}'; known metrics: ${METRIC_NAMES.join(', ')}`, 'metrics');
  const name = typeof cfg.name === 'string' ? cfg.name : spec.defaultName;
  return new MeanMetricWrapper(spec.make(cfg), name, spec.direction, { class_name: className, config: { name, dtype: 'float32' } });
}

/**
 * Keras losses: by Keras' names and aliases of every era, as Loss objects with Keras 3's
 * `sum_over_batch_size` reduction, computing the scalar loss and its gradient with respect to the
 * model's output.
 */
import type { JsonObject, JsonValue } from '@kerasts/layers';
import {
  ConfigError,
  lossKernel,
  ShapeMismatchError,
  Tensor,
  UnsupportedError,
  type LossKernelName,
  type LossKernelOptions,
} from '@kerasts/tensor';

/** How per-sample losses become one number (Keras 3's reductions; training needs a scalar). */
export type LossReduction = 'sum_over_batch_size' | 'mean' | 'sum' | 'mean_with_sample_weight';

/** Options of {@link Loss} (Keras' loss arguments in camelCase). */
export interface LossOptions {
  /** The loss name reported in configs (Keras' default for the class when omitted). */
  name?: string;
  /** Default `'sum_over_batch_size'`: the weighted sum of per-sample losses over their count. */
  reduction?: LossReduction;
  /** Cross-entropies: predictions are logits (default false). */
  fromLogits?: boolean;
  /** Binary/categorical cross-entropy label smoothing (default 0). */
  labelSmoothing?: number;
  /** Huber's threshold (default 1). */
  delta?: number;
}

/** The scalar loss of a batch and, when asked for, ∂loss/∂yPred. */
export interface LossResult {
  /** The reduced loss, a float32 value as Keras computes it. */
  value: number;
  /** ∂value/∂yPred (same shape as yPred), or null. */
  grad: Tensor | null;
}

interface LossSpec {
  kernel: LossKernelName;
  className: string;
  /** Keras 3's default `name` of the class. */
  defaultName: string;
  /** Keys of the class config beyond name/reduction, with their Keras 3 defaults. */
  extra: Readonly<Record<string, JsonValue>>;
}

const SPECS: readonly LossSpec[] = [
  { kernel: 'mean_squared_error', className: 'MeanSquaredError', defaultName: 'mean_squared_error', extra: {} },
  { kernel: 'mean_absolute_error', className: 'MeanAbsoluteError', defaultName: 'mean_absolute_error', extra: {} },
  { kernel: 'mean_absolute_percentage_error', className: 'MeanAbsolutePercentageError', defaultName: 'mean_absolute_percentage_error', extra: {} },
  { kernel: 'mean_squared_logarithmic_error', className: 'MeanSquaredLogarithmicError', defaultName: 'mean_squared_logarithmic_error', extra: {} },
  { kernel: 'binary_crossentropy', className: 'BinaryCrossentropy', defaultName: 'binary_crossentropy', extra: { from_logits: false, label_smoothing: 0, axis: -1 } },
  { kernel: 'categorical_crossentropy', className: 'CategoricalCrossentropy', defaultName: 'categorical_crossentropy', extra: { from_logits: false, label_smoothing: 0, axis: -1 } },
  { kernel: 'sparse_categorical_crossentropy', className: 'SparseCategoricalCrossentropy', defaultName: 'sparse_categorical_crossentropy', extra: { from_logits: false, ignore_class: null, axis: -1 } },
  { kernel: 'hinge', className: 'Hinge', defaultName: 'hinge', extra: {} },
  { kernel: 'squared_hinge', className: 'SquaredHinge', defaultName: 'squared_hinge', extra: {} },
  { kernel: 'categorical_hinge', className: 'CategoricalHinge', defaultName: 'categorical_hinge', extra: {} },
  { kernel: 'huber', className: 'Huber', defaultName: 'huber_loss', extra: { delta: 1 } },
  { kernel: 'log_cosh', className: 'LogCosh', defaultName: 'log_cosh', extra: {} },
  { kernel: 'kl_divergence', className: 'KLDivergence', defaultName: 'kl_divergence', extra: {} },
  { kernel: 'poisson', className: 'Poisson', defaultName: 'poisson', extra: {} },
  { kernel: 'cosine_similarity', className: 'CosineSimilarity', defaultName: 'cosine_similarity', extra: { axis: -1 } },
];

const BY_KERNEL = new Map(SPECS.map((s) => [s.kernel, s]));
const BY_CLASS = new Map(SPECS.map((s) => [s.className, s]));

/**
 * Loss function names of every era, to the kernel they compute: Keras 3 function names and aliases
 * (`mse`, `MAE`, `bce`, `kld`, ...), Keras 2 / tf.keras names (`logcosh`, `kullback_leibler_divergence`,
 * `cosine_proximity`, `huber_loss`).
 */
const FUNCTION_ALIASES: ReadonlyMap<string, LossKernelName> = new Map<string, LossKernelName>([
  ['mean_squared_error', 'mean_squared_error'],
  ['mse', 'mean_squared_error'],
  ['MSE', 'mean_squared_error'],
  ['mean_absolute_error', 'mean_absolute_error'],
  ['mae', 'mean_absolute_error'],
  ['MAE', 'mean_absolute_error'],
  ['mean_absolute_percentage_error', 'mean_absolute_percentage_error'],
  ['mape', 'mean_absolute_percentage_error'],
  ['MAPE', 'mean_absolute_percentage_error'],
  ['mean_squared_logarithmic_error', 'mean_squared_logarithmic_error'],
  ['msle', 'mean_squared_logarithmic_error'],
  ['MSLE', 'mean_squared_logarithmic_error'],
  ['binary_crossentropy', 'binary_crossentropy'],
  ['bce', 'binary_crossentropy'],
  ['BCE', 'binary_crossentropy'],
  ['categorical_crossentropy', 'categorical_crossentropy'],
  ['sparse_categorical_crossentropy', 'sparse_categorical_crossentropy'],
  ['hinge', 'hinge'],
  ['squared_hinge', 'squared_hinge'],
  ['categorical_hinge', 'categorical_hinge'],
  ['huber', 'huber'],
  ['huber_loss', 'huber'],
  ['log_cosh', 'log_cosh'],
  ['logcosh', 'log_cosh'],
  ['kl_divergence', 'kl_divergence'],
  ['kld', 'kl_divergence'],
  ['KLD', 'kl_divergence'],
  ['kullback_leibler_divergence', 'kl_divergence'],
  ['poisson', 'poisson'],
  ['cosine_similarity', 'cosine_similarity'],
  ['cosine_proximity', 'cosine_similarity'],
  ['cosine', 'cosine_similarity'],
]);

/** Every loss name {@link getLoss} accepts as a string (function names, aliases, class names, `crossentropy`). */
export const LOSS_NAMES: readonly string[] = Object.freeze([...FUNCTION_ALIASES.keys(), ...BY_CLASS.keys(), 'crossentropy', 'ce'].sort());

/**
 * A Keras loss: a per-sample loss function reduced over the batch (Keras 3's default reduction,
 * `sum_over_batch_size`, is the sum of the weighted per-sample losses divided by their count).
 *
 * @example
 * const loss = new Loss('binary_crossentropy', { fromLogits: true });
 * const { value, grad } = loss.compute(yTrue, yPred, null, true);
 */
export class Loss {
  /** The loss function computed. */
  readonly kernel: LossKernelName;
  /** The Keras class (`MeanSquaredError`, ...). */
  readonly className: string;
  /** The name Keras reports for it (`mean_squared_error`, or the string the user gave). */
  readonly name: string;
  /** The reduction over the batch. */
  readonly reduction: LossReduction;
  /** Arguments of the loss function. */
  readonly options: Readonly<LossKernelOptions>;
  /**
   * How this loss is written in a Keras 3 `training_config`: the string it was given as (`"mse"`), or
   * the class form `{class_name, config}` for Loss objects.
   */
  readonly serialized: JsonValue;

  /**
   * @param kernel the loss function (a Keras 3 function name such as `'mean_squared_error'`).
   * @throws {ConfigError} for invalid options.
   */
  constructor(kernel: LossKernelName, options: LossOptions = {}, serializedAs?: string) {
    const spec = BY_KERNEL.get(kernel);
    if (!spec) throw new UnsupportedError(`unknown loss '${kernel}'; known losses: ${LOSS_NAMES.join(', ')}`);
    this.kernel = kernel;
    this.className = spec.className;
    this.name = options.name ?? serializedAs ?? spec.defaultName;
    const reduction = options.reduction ?? 'sum_over_batch_size';
    if (!['sum_over_batch_size', 'mean', 'sum', 'mean_with_sample_weight'].includes(reduction)) {
      throw new ConfigError(`loss reduction must be sum_over_batch_size, mean, sum or mean_with_sample_weight (training needs a scalar), got ${JSON.stringify(reduction)}`, this.name);
    }
    this.reduction = reduction;
    const ls = options.labelSmoothing ?? 0;
    if (!(ls >= 0 && ls <= 1)) throw new ConfigError(`labelSmoothing must be in [0, 1], got ${ls}`, this.name);
    const o: LossKernelOptions = {};
    if (options.fromLogits !== undefined) o.fromLogits = options.fromLogits;
    if (ls) o.labelSmoothing = ls;
    if (options.delta !== undefined) o.delta = options.delta;
    this.options = Object.freeze(o);
    this.serialized = serializedAs ?? { class_name: spec.className, config: this.getConfig() };
  }

  /** Whether targets are class indices (sparse categorical cross-entropy). */
  get sparse(): boolean {
    return this.kernel === 'sparse_categorical_crossentropy';
  }

  /** The Keras 3 class config (`{name, reduction, from_logits, ...}`). */
  getConfig(): JsonObject {
    const spec = BY_KERNEL.get(this.kernel)!;
    const cfg: JsonObject = { name: this.name, reduction: this.reduction };
    for (const [k, dflt] of Object.entries(spec.extra)) {
      if (k === 'from_logits') cfg[k] = this.options.fromLogits ?? false;
      else if (k === 'label_smoothing') cfg[k] = this.options.labelSmoothing ?? 0;
      else if (k === 'delta') cfg[k] = this.options.delta ?? 1;
      else cfg[k] = dflt;
    }
    return cfg;
  }

  /**
   * Per-sample losses: one value per position of yPred without its last axis (`[batch]`, or
   * `[batch, timesteps]` for sequence outputs).
   *
   * @throws {ShapeMismatchError} if yTrue does not fit yPred.
   */
  perSample(yTrue: Tensor, yPred: Tensor): Float32Array {
    const { rows, cols, targets } = alignTargets(yTrue, yPred, this.sparse, this.name);
    return lossKernel(this.kernel, targets, yPred.data, rows, cols, this.options).values;
  }

  /**
   * The reduced loss of a batch, and ∂loss/∂yPred when `withGrad`. `sampleWeight` has one weight per
   * sample (`[batch]`) or per per-sample loss (e.g. `[batch, timesteps]`).
   *
   * @throws {ShapeMismatchError} if yTrue or the sample weights do not fit yPred.
   */
  compute(yTrue: Tensor, yPred: Tensor, sampleWeight: Float32Array | null, withGrad: boolean): LossResult {
    const { rows, cols, targets } = alignTargets(yTrue, yPred, this.sparse, this.name);
    const weights = rowWeights(sampleWeight, rows, yPred.shape[0] ?? 0, this.name);
    let divisor = 1;
    if (this.reduction === 'sum_over_batch_size' || this.reduction === 'mean') divisor = rows;
    else if (this.reduction === 'mean_with_sample_weight') {
      if (weights) {
        divisor = 0;
        for (let r = 0; r < rows; r++) divisor += weights[r]!;
        divisor = Math.fround(divisor);
      } else divisor = rows;
    }
    let gradWeights: Float64Array | null = null;
    if (withGrad) {
      gradWeights = new Float64Array(rows);
      const inv = divisor === 0 ? 0 : 1 / divisor;
      for (let r = 0; r < rows; r++) gradWeights[r] = (weights ? weights[r]! : 1) * inv;
    }
    const res = lossKernel(this.kernel, targets, yPred.data, rows, cols, this.options, gradWeights);
    let sum = 0;
    for (let r = 0; r < rows; r++) sum += weights ? Math.fround(res.values[r]! * weights[r]!) : res.values[r]!;
    const total = Math.fround(sum);
    const value = divisor === 0 ? 0 : Math.fround(total / divisor);
    return { value, grad: res.grad ? new Tensor(res.grad, yPred.shape) : null };
  }
}

/**
 * Checks that targets of shape `yTrueShape` fit predictions of shape `yPredShape` as Keras'
 * `squeeze_or_expand_to_same_rank` lines them up: equal shapes; `[batch]` targets for `[batch, 1]`
 * predictions; `[..., 1]` targets; for sparse labels one class index per output row (`[batch]` or
 * `[batch, 1]` for `[batch, classes]`).
 *
 * @throws {ShapeMismatchError} if they do not fit.
 */
export function checkTargetShape(yTrueShape: readonly number[], yPredShape: readonly (number | null)[], sparse: boolean, where: string): void {
  const rank = yPredShape.length;
  if (rank === 0) throw new ShapeMismatchError('the model output must have a batch dimension', [null], [], where);
  const lead = rank === 1 ? yPredShape : yPredShape.slice(0, -1);
  const cols = rank === 1 ? 1 : yPredShape[rank - 1];
  const same = (a: readonly (number | null)[], b: readonly (number | null)[]): boolean =>
    a.length === b.length && a.every((d, i) => d === null || b[i] === null || d === b[i]);
  const t = yTrueShape;
  const ok = sparse
    ? same(t, lead) || (t[t.length - 1] === 1 && same(t.slice(0, -1), lead))
    : same(t, yPredShape) || (cols === 1 && same(t, lead)) || (t[t.length - 1] === 1 && same(t.slice(0, -1), yPredShape));
  if (!ok) {
    const fmt = (s: readonly (number | null)[]): string => `[${s.map((d) => (d === null ? 'None' : String(d))).join(', ')}]`;
    throw new ShapeMismatchError(
      sparse
        ? `targets of shape ${fmt(t)} do not fit the model output ${fmt(yPredShape)} (sparse labels need one class index per output row)`
        : `targets of shape ${fmt(t)} do not fit the model output ${fmt(yPredShape)}`,
      sparse ? [...lead] : [...yPredShape],
      t,
      where,
    );
  }
}

/** Lines up targets with predictions (see {@link checkTargetShape}) and checks sparse labels. */
function alignTargets(yTrue: Tensor, yPred: Tensor, sparse: boolean, where: string): { rows: number; cols: number; targets: Float32Array } {
  checkTargetShape(yTrue.shape, yPred.shape, sparse, where);
  const cols = yPred.rank === 1 ? 1 : yPred.shape[yPred.rank - 1]!;
  const rows = cols === 0 ? 0 : yPred.size / cols;
  if (sparse) {
    const t = yTrue.data;
    for (let i = 0; i < t.length; i++) {
      const v = t[i]!;
      if (!Number.isInteger(v) || v < 0 || v >= cols) {
        throw new ConfigError(`sparse label ${v} at target ${i} is not a class index in [0, ${cols})`, where);
      }
    }
  }
  return { rows, cols, targets: yTrue.data };
}

/** Per-loss-value weights from sample weights of `[batch]` or `[batch, ...]` (repeated over the rest). */
function rowWeights(sampleWeight: Float32Array | null, rows: number, batch: number, where: string): Float32Array | null {
  if (sampleWeight === null) return null;
  if (sampleWeight.length === rows) return sampleWeight;
  if (batch > 0 && sampleWeight.length === batch && rows % batch === 0) {
    const per = rows / batch;
    const w = new Float32Array(rows);
    for (let b = 0; b < batch; b++) w.fill(sampleWeight[b]!, b * per, (b + 1) * per);
    return w;
  }
  throw new ShapeMismatchError('sample weights must have one value per sample (or per output step)', [batch], [sampleWeight.length], where);
}

/** Anything {@link getLoss} accepts: a Loss, a name, or a serialized Keras loss of any era. */
export type LossIdentifier = Loss | string | JsonObject;

/**
 * Resolves a loss as Keras' `losses.get` does, for every era:
 * - a Loss is returned as is;
 * - a function name or alias (`'mse'`, `'mean_squared_error'`, `'logcosh'`, `'kld'`, ...) or a class
 *   name (`'MeanSquaredError'`) gives that loss with default arguments;
 * - `{class_name, config}` (Keras 2, tf.keras `Custom>`/`keras.losses` forms, or Keras 3 with `module`)
 *   gives the class with its arguments; `reduction: 'auto'` (tf.keras) means `sum_over_batch_size`.
 *
 * `'crossentropy'`/`'ce'` need the shapes and are resolved by {@link resolveCrossentropy}.
 *
 * @throws {UnsupportedError} for an unknown loss.
 * @throws {ConfigError} for a malformed config.
 */
export function getLoss(identifier: LossIdentifier): Loss {
  if (identifier instanceof Loss) return identifier;
  if (typeof identifier === 'string') {
    const kernel = FUNCTION_ALIASES.get(identifier);
    if (kernel) return new Loss(kernel, {}, identifier);
    const spec = BY_CLASS.get(identifier);
    if (spec) return new Loss(spec.kernel);
    throw new UnsupportedError(`unknown loss '${identifier}'; known losses: ${LOSS_NAMES.join(', ')}`);
  }
  if (identifier === null || typeof identifier !== 'object' || Array.isArray(identifier)) {
    throw new ConfigError(`a loss must be a name or a {class_name, config} object, found ${JSON.stringify(identifier)}`, 'loss');
  }
  const rawClass = identifier.class_name;
  if (typeof rawClass !== 'string') throw new ConfigError(`a serialized loss needs a string "class_name", found ${JSON.stringify(rawClass)}`, 'loss');
  const className = rawClass.replace(/^(Custom|keras|keras\.losses)>/, '');
  const cfg = (identifier.config ?? {}) as JsonValue;
  if (cfg === null || typeof cfg !== 'object' || Array.isArray(cfg)) {
    // Keras 3 serializes loss *functions* as {class_name: "function", config: "mean_squared_error"}.
    if (className === 'function' && typeof cfg === 'string') return getLoss(cfg);
    throw new ConfigError(`the config of loss ${className} must be an object`, 'loss');
  }
  if (className === 'LossFunctionWrapper') {
    const fn = cfg.fn;
    const fnName = typeof fn === 'string' ? fn : fn !== null && typeof fn === 'object' && !Array.isArray(fn) && typeof fn.config === 'string' ? fn.config : null;
    if (!fnName) throw new ConfigError('LossFunctionWrapper config needs "fn"', 'loss');
    const base = getLoss(fnName);
    return new Loss(base.kernel, { ...lossOptionsFrom(cfg, className), name: typeof cfg.name === 'string' ? cfg.name : fnName }, typeof cfg.name === 'string' ? undefined : fnName);
  }
  const spec = BY_CLASS.get(className) ?? (FUNCTION_ALIASES.has(className) ? BY_KERNEL.get(FUNCTION_ALIASES.get(className)!) : undefined);
  if (!spec) throw new UnsupportedError(`unknown loss class '${rawClass}'; known losses: ${LOSS_NAMES.join(', ')}`, 'loss');
  return new Loss(spec.kernel, lossOptionsFrom(cfg, className));
}

function lossOptionsFrom(cfg: JsonObject, className: string): LossOptions {
  const o: LossOptions = {};
  if (typeof cfg.name === 'string') o.name = cfg.name;
  const red = cfg.reduction;
  if (red === 'auto' || red === 'sum_over_batch_size' || red === undefined || red === null) o.reduction = 'sum_over_batch_size';
  else if (red === 'sum' || red === 'mean' || red === 'mean_with_sample_weight') o.reduction = red;
  else throw new ConfigError(`loss ${className}: unsupported reduction ${JSON.stringify(red)}`, 'loss.config.reduction');
  if (typeof cfg.from_logits === 'boolean') o.fromLogits = cfg.from_logits;
  if (typeof cfg.label_smoothing === 'number') o.labelSmoothing = cfg.label_smoothing;
  if (typeof cfg.delta === 'number') o.delta = cfg.delta;
  if (cfg.axis !== undefined && cfg.axis !== null && cfg.axis !== -1) {
    throw new UnsupportedError(`loss ${className}: only axis=-1 is supported, found ${JSON.stringify(cfg.axis)}`, 'loss.config.axis');
  }
  if (cfg.ignore_class !== undefined && cfg.ignore_class !== null) {
    throw new UnsupportedError(`loss ${className}: ignore_class is not supported`, 'loss.config.ignore_class');
  }
  return o;
}

/**
 * Keras' `'crossentropy'`/`'ce'` (and `'accuracy'`) resolution: binary when the output has one unit,
 * sparse when the targets have lower rank or a last dimension of 1 against several units, else
 * categorical.
 */
export function crossentropyKind(yTrueShape: readonly number[], yPredShape: readonly number[]): 'binary' | 'sparse' | 'categorical' {
  const pLast = yPredShape[yPredShape.length - 1];
  const tLast = yTrueShape[yTrueShape.length - 1];
  if (pLast === 1) return 'binary';
  if (yTrueShape.length < yPredShape.length || (tLast === 1 && (pLast ?? 0) > 1)) return 'sparse';
  return 'categorical';
}

/** The loss `'crossentropy'`/`'ce'` stands for, given target and output shapes. */
export function resolveCrossentropy(name: string, yTrueShape: readonly number[], yPredShape: readonly number[]): Loss {
  const kind = crossentropyKind(yTrueShape, yPredShape);
  const kernel: LossKernelName = kind === 'binary' ? 'binary_crossentropy' : kind === 'sparse' ? 'sparse_categorical_crossentropy' : 'categorical_crossentropy';
  return new Loss(kernel, {}, name);
}

function defineLoss(kernel: LossKernelName): new (options?: LossOptions) => Loss {
  return class extends Loss {
    constructor(options: LossOptions = {}) {
      super(kernel, options);
    }
  };
}

/** `keras.losses.MeanSquaredError`. */
export const MeanSquaredError = defineLoss('mean_squared_error');
/** `keras.losses.MeanAbsoluteError`. */
export const MeanAbsoluteError = defineLoss('mean_absolute_error');
/** `keras.losses.MeanAbsolutePercentageError`. */
export const MeanAbsolutePercentageError = defineLoss('mean_absolute_percentage_error');
/** `keras.losses.MeanSquaredLogarithmicError`. */
export const MeanSquaredLogarithmicError = defineLoss('mean_squared_logarithmic_error');
/** `keras.losses.BinaryCrossentropy` (`fromLogits`, `labelSmoothing`). */
export const BinaryCrossentropy = defineLoss('binary_crossentropy');
/** `keras.losses.CategoricalCrossentropy` (`fromLogits`, `labelSmoothing`). */
export const CategoricalCrossentropy = defineLoss('categorical_crossentropy');
/** `keras.losses.SparseCategoricalCrossentropy` (`fromLogits`). */
export const SparseCategoricalCrossentropy = defineLoss('sparse_categorical_crossentropy');
/** `keras.losses.Hinge`. */
export const Hinge = defineLoss('hinge');
/** `keras.losses.SquaredHinge`. */
export const SquaredHinge = defineLoss('squared_hinge');
/** `keras.losses.CategoricalHinge`. */
export const CategoricalHinge = defineLoss('categorical_hinge');
/** `keras.losses.Huber` (`delta`). */
export const Huber = defineLoss('huber');
/** `keras.losses.LogCosh`. */
export const LogCosh = defineLoss('log_cosh');
/** `keras.losses.KLDivergence`. */
export const KLDivergence = defineLoss('kl_divergence');
/** `keras.losses.Poisson`. */
export const Poisson = defineLoss('poisson');
/** `keras.losses.CosineSimilarity`. */
export const CosineSimilarity = defineLoss('cosine_similarity');

import { moments, normalizeAffine, normalizeBackward, normPlan, ConfigError, ShapeMismatchError, Tensor, UnsupportedError, type ElementMask, type NormPlan } from '@kerasts/tensor';
import type { KeptConfig } from '../engine/activation-slot.js';
import { ConfigReader } from '../engine/config-reader.js';
import { Layer, type CallContext, type LayerOptions, type LayerTape, type LayerWeight, type Mask, type StateUpdate, type TrainCallContext } from '../engine/layer.js';
import { layerArgs, type OptionKeys } from '../engine/options.js';
import type { JsonObject, JsonValue } from '../engine/json.js';
import { formatShape, type Shape } from '../engine/shape.js';
import { getInitializer, type Initializer, type InitializerSpec } from '../initializers.js';
import { readAxes, resolveAxes } from './axes.js';

const f32 = Math.fround;

/** Options of {@link BatchNormalization}, mirroring Keras' arguments. */
export interface BatchNormalizationOptions extends LayerOptions {
  /**
   * The axis normalized per feature (default -1; 1 after channels_first convolutions). tf.keras also
   * takes a list of axes: their parameters then have the input's rank with 1 on the other axes.
   */
  axis?: number | readonly number[];
  /** Momentum of the moving averages (default 0.99). */
  momentum?: number;
  /** Added to the variance (default 1e-3). */
  epsilon?: number;
  /** Add β (default true). */
  center?: boolean;
  /** Multiply by γ (default true). */
  scale?: boolean;
  betaInitializer?: InitializerSpec;
  gammaInitializer?: InitializerSpec;
  movingMeanInitializer?: InitializerSpec;
  movingVarianceInitializer?: InitializerSpec;
  betaRegularizer?: KeptConfig;
  gammaRegularizer?: KeptConfig;
  betaConstraint?: KeptConfig;
  gammaConstraint?: KeptConfig;
  /** Keras 3 / tf.keras: synchronize statistics across devices; no effect on one device. */
  synchronized?: boolean;
  /** Batch renormalization: not supported (refused). */
  renorm?: boolean;
  renormClipping?: KeptConfig;
  renormMomentum?: number;
  /** tf.keras: statistics over virtual sub-batches in training (kept; training with it is refused). */
  virtualBatchSize?: number | null;
}

const BN_KEYS: OptionKeys<BatchNormalizationOptions> = {
  axis: true, momentum: true, epsilon: true, center: true, scale: true, betaInitializer: true, gammaInitializer: true,
  movingMeanInitializer: true, movingVarianceInitializer: true, betaRegularizer: true, gammaRegularizer: true,
  betaConstraint: true, gammaConstraint: true, synchronized: true, renorm: true, renormClipping: true, renormMomentum: true,
  virtualBatchSize: true,
};

/** How an input of some rank is normalized: the plan and the parameter shape. */
interface Layout {
  rank: number;
  axes: number[];
  paramShape: number[];
}

/**
 * Batch normalization as Keras 3 computes it: in inference (and when frozen) with the moving
 * statistics, `γ·(x − moving_mean)/√(moving_variance + ε) + β`; in training with the batch's mean and
 * (biased) variance over every axis but `axis`, and the moving statistics updated as
 * `moving·momentum + batch·(1 − momentum)` (assigned by the trainer after the step, see
 * `LayerTape.stateUpdates`). A `trainable: false` layer runs in inference mode during training too,
 * as in Keras 3 (tf.keras ≥ 2.0 likewise; Keras 2.x used batch statistics).
 */
export class BatchNormalization extends Layer {
  readonly className: string = 'BatchNormalization';
  /** The axis (or tf.keras axes) as given. */
  readonly axis: number | readonly number[];
  readonly momentum: number;
  readonly epsilon: number;
  readonly center: boolean;
  readonly scale: boolean;
  readonly synchronized: boolean;
  readonly virtualBatchSize: number | null;
  readonly betaInitializer: Initializer;
  readonly gammaInitializer: Initializer;
  readonly movingMeanInitializer: Initializer;
  readonly movingVarianceInitializer: Initializer;
  readonly kept: Record<string, KeptConfig>;
  override readonly supportsMasking: boolean = true;
  private layout: Layout | null = null;
  private gamma: LayerWeight | null = null;
  private beta: LayerWeight | null = null;
  private movingMean: LayerWeight | null = null;
  private movingVariance: LayerWeight | null = null;

  /** `new BatchNormalization()`, `new BatchNormalization(1)` (the axis) or `new BatchNormalization({ axis, momentum, ... })`. */
  constructor(axis?: number | readonly number[], options?: Omit<BatchNormalizationOptions, 'axis'>);
  constructor(options?: BatchNormalizationOptions);
  constructor(a?: number | readonly number[] | BatchNormalizationOptions, more?: Omit<BatchNormalizationOptions, 'axis'>) {
    const options = layerArgs<BatchNormalizationOptions>('BatchNormalization', [a, more], { positional: ['axis'], required: [], keys: BN_KEYS });
    super(options, 'batch_normalization');
    const where = `layer "${this.name}" (BatchNormalization)`;
    this.axis = readAxes(options.axis ?? -1, where);
    this.momentum = options.momentum ?? 0.99;
    this.epsilon = options.epsilon ?? 1e-3;
    if (!Number.isFinite(this.momentum) || !Number.isFinite(this.epsilon) || this.epsilon < 0) {
      throw new ConfigError(`momentum and epsilon must be finite numbers (epsilon >= 0), found ${this.momentum} and ${this.epsilon}`, where);
    }
    this.center = options.center ?? true;
    this.scale = options.scale ?? true;
    this.synchronized = options.synchronized ?? false;
    this.virtualBatchSize = options.virtualBatchSize ?? null;
    if (options.renorm) {
      throw new UnsupportedError('batch renormalization (renorm: true) is not supported: its extra moving statistics (moving_stddev, renorm_mean, renorm_stddev) have no kerasts implementation', where);
    }
    this.betaInitializer = getInitializer(options.betaInitializer ?? 'zeros', `${this.name}.beta_initializer`);
    this.gammaInitializer = getInitializer(options.gammaInitializer ?? 'ones', `${this.name}.gamma_initializer`);
    this.movingMeanInitializer = getInitializer(options.movingMeanInitializer ?? 'zeros', `${this.name}.moving_mean_initializer`);
    this.movingVarianceInitializer = getInitializer(options.movingVarianceInitializer ?? 'ones', `${this.name}.moving_variance_initializer`);
    this.kept = {
      beta_regularizer: options.betaRegularizer ?? null,
      gamma_regularizer: options.gammaRegularizer ?? null,
      beta_constraint: options.betaConstraint ?? null,
      gamma_constraint: options.gammaConstraint ?? null,
    };
  }

  private layoutFor(inputShape: Shape): Layout {
    const rank = inputShape.length;
    if (this.layout && this.layout.rank === rank) return this.layout;
    const axes = resolveAxes(this.axis, rank, `layer "${this.name}" (BatchNormalization)`, inputShape);
    for (const a of axes) {
      if (inputShape[a] === null || inputShape[a] === undefined) {
        throw new ShapeMismatchError(`layer "${this.name}" (BatchNormalization): axis ${a} of the input must have a known size, got ${formatShape(inputShape)}`, [], inputShape, this.name);
      }
    }
    // One axis: parameters of shape (dim,). Several (tf.keras): the input's rank, 1 elsewhere.
    const paramShape = axes.length === 1 ? [inputShape[axes[0]!] as number] : inputShape.map((d, i) => (axes.includes(i) ? (d as number) : 1));
    return { rank, axes, paramShape };
  }

  protected override buildWeights(inputShape: Shape): void {
    const layout = this.layoutFor(inputShape);
    this.layout = layout;
    const s = layout.paramShape;
    if (this.scale) this.gamma = this.addWeight('gamma', s, this.gammaInitializer.init(s));
    if (this.center) this.beta = this.addWeight('beta', s, this.betaInitializer.init(s));
    this.movingMean = this.addWeight('moving_mean', s, this.movingMeanInitializer.init(s), false);
    this.movingVariance = this.addWeight('moving_variance', s, this.movingVarianceInitializer.init(s), false);
  }

  computeOutputShape(inputShape: Shape): Shape {
    this.layoutFor(inputShape);
    return inputShape;
  }

  private planFor(input: Tensor): NormPlan {
    const layout = this.layoutFor(input.shape);
    const built = this.layout!;
    for (const a of layout.axes) {
      if (input.shape[a] !== (built.paramShape.length === 1 ? built.paramShape[0] : built.paramShape[a])) {
        throw new ShapeMismatchError(`layer "${this.name}" (BatchNormalization): axis ${a} of the input does not fit the layer's parameters`, built.paramShape, input.shape, this.name);
      }
    }
    const flags = input.shape.map((_, i) => layout.axes.includes(i));
    return normPlan(input.shape, flags, flags);
  }

  call(input: Tensor, _ctx: CallContext): Tensor {
    const plan = this.planFor(input);
    const y = normalizeAffine(
      input.data,
      plan,
      this.movingMean!.value.data,
      this.movingVariance!.value.data,
      this.gamma?.value.data ?? null,
      this.beta?.value.data ?? null,
      this.epsilon,
    );
    return new Tensor(y, input.shape);
  }

  override forwardTrain(input: Tensor, ctx: TrainCallContext, mask?: Mask | null): LayerTape {
    const plan = this.planFor(input);
    const gamma = this.gamma?.value.data ?? null;
    const beta = this.beta?.value.data ?? null;
    // Keras 3: batch statistics only when training AND the layer is trainable (a frozen BN infers).
    const batchStats = ctx.training && this.trainable;
    if (batchStats && this.virtualBatchSize !== null) {
      throw new UnsupportedError(`training with virtual_batch_size (${this.virtualBatchSize}) is not supported`, `layer "${this.name}" (BatchNormalization)`);
    }
    let mean = this.movingMean!.value.data;
    let variance = this.movingVariance!.value.data;
    let elementMask: ElementMask | null = null;
    let count: Float64Array | undefined;
    const stateUpdates: StateUpdate[] = [];
    if (batchStats) {
      if (mask) {
        if (mask.rank !== input.rank - 1 || mask.size * input.shape[input.rank - 1]! !== input.size) {
          throw new ShapeMismatchError(`layer "${this.name}" (BatchNormalization): the mask must cover every axis of the input but the last`, input.shape.slice(0, -1), mask.shape, this.name);
        }
        elementMask = { mask: mask.data, maskDiv: input.shape[input.rank - 1]! };
      }
      const m = moments(input.data, plan, elementMask);
      mean = m.mean;
      variance = m.variance;
      count = m.count;
      const mom = f32(this.momentum);
      const rest = f32(1 - this.momentum);
      const mm = this.movingMean!.value.data;
      const mv = this.movingVariance!.value.data;
      const newMean = new Float32Array(mm.length);
      const newVar = new Float32Array(mv.length);
      for (let i = 0; i < mm.length; i++) {
        newMean[i] = f32(mm[i]! * mom) + f32(mean[i]! * rest);
        newVar[i] = f32(mv[i]! * mom) + f32(variance[i]! * rest);
      }
      stateUpdates.push({ weight: this.movingMean!, value: new Tensor(newMean, this.movingMean!.shape) }, { weight: this.movingVariance!, value: new Tensor(newVar, this.movingVariance!.shape) });
    }
    const y = normalizeAffine(input.data, plan, mean, variance, gamma, beta, this.epsilon);
    const trainable = this.trainable;
    return {
      output: new Tensor(y, input.shape),
      stateUpdates,
      backward: (dOutput: Tensor) => {
        const res = normalizeBackward(input.data, dOutput.data, plan, mean, variance, gamma, this.epsilon, {
          batchStatistics: batchStats,
          needDx: ctx.needInputGrad,
          needGamma: trainable && this.gamma !== null,
          needBeta: trainable && this.beta !== null,
          mask: elementMask,
          ...(count ? { count } : {}),
        });
        const weightGrads = new Map<LayerWeight, Tensor>();
        if (this.gamma && res.dGamma) weightGrads.set(this.gamma, new Tensor(res.dGamma, this.gamma.shape));
        if (this.beta && res.dBeta) weightGrads.set(this.beta, new Tensor(res.dBeta, this.beta.shape));
        return { dInput: res.dx ? new Tensor(res.dx, input.shape) : null, weightGrads };
      },
    };
  }

  override getConfig(): JsonObject {
    const cfg: JsonObject = {
      ...super.getConfig(),
      axis: (typeof this.axis === 'number' ? this.axis : [...this.axis]) as JsonValue,
      momentum: this.momentum,
      epsilon: this.epsilon,
      center: this.center,
      scale: this.scale,
      beta_initializer: this.betaInitializer.serialize() as unknown as JsonObject,
      gamma_initializer: this.gammaInitializer.serialize() as unknown as JsonObject,
      moving_mean_initializer: this.movingMeanInitializer.serialize() as unknown as JsonObject,
      moving_variance_initializer: this.movingVarianceInitializer.serialize() as unknown as JsonObject,
      ...this.kept,
      synchronized: this.synchronized,
    };
    if (this.virtualBatchSize !== null) cfg.virtual_batch_size = this.virtualBatchSize;
    return cfg;
  }

  /**
   * Build from a canonical Keras config. Keras 1's `mode` 0 is this layer; modes 1 and 2 (sample-wise
   * and always-batch statistics) are refused, as Keras 2 refused them.
   */
  static fromConfig(config: JsonObject): BatchNormalization {
    const r = new ConfigReader(config, 'BatchNormalization');
    const mode = r.int('mode', 0);
    if (mode !== 0) {
      throw new UnsupportedError(`Keras 1 BatchNormalization mode ${mode} is not supported (only mode 0, feature-wise with moving statistics; Keras 2 refused modes 1 and 2 too)`, r.where);
    }
    const init = (k: string, d: string): InitializerSpec => (config[k] as InitializerSpec | undefined) ?? d;
    const vbs = config.virtual_batch_size;
    return new BatchNormalization({
      ...r.baseOptions(),
      axis: readAxes(config.axis ?? -1, r.where),
      momentum: r.number('momentum', 0.99),
      epsilon: r.number('epsilon', 1e-3),
      center: r.bool('center', true),
      scale: r.bool('scale', true),
      betaInitializer: init('beta_initializer', 'zeros'),
      gammaInitializer: init('gamma_initializer', 'ones'),
      movingMeanInitializer: init('moving_mean_initializer', 'zeros'),
      movingVarianceInitializer: init('moving_variance_initializer', 'ones'),
      betaRegularizer: r.raw('beta_regularizer'),
      gammaRegularizer: r.raw('gamma_regularizer'),
      betaConstraint: r.raw('beta_constraint'),
      gammaConstraint: r.raw('gamma_constraint'),
      synchronized: r.bool('synchronized', false),
      renorm: r.bool('renorm', false),
      virtualBatchSize: typeof vbs === 'number' ? r.int('virtual_batch_size', 1, 1) : null,
    });
  }
}

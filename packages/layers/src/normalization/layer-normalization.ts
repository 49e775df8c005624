import { moments, normalizeAffine, normalizeBackward, normPlan, rmsScale, rmsScaleBackward, ShapeMismatchError, Tensor, type NormPlan } from '@kerasts/tensor';
import type { KeptConfig } from '../engine/activation-slot.js';
import { ConfigReader } from '../engine/config-reader.js';
import { Layer, type CallContext, type LayerOptions, type LayerTape, type LayerWeight, type TrainCallContext } from '../engine/layer.js';
import { layerArgs, type OptionKeys } from '../engine/options.js';
import type { JsonObject, JsonValue } from '../engine/json.js';
import { formatShape, type Shape } from '../engine/shape.js';
import { getInitializer, type Initializer, type InitializerSpec } from '../initializers.js';
import { readAxes, resolveAxes } from './axes.js';

/** Options of {@link LayerNormalization}, mirroring Keras' arguments. */
export interface LayerNormalizationOptions extends LayerOptions {
  /** The axis or axes normalized over (default -1); γ and β have their shape. */
  axis?: number | readonly number[];
  /** Added to the variance (default 1e-3). */
  epsilon?: number;
  center?: boolean;
  scale?: boolean;
  /** Keras 3's deprecated `rms_scaling`: `x·rsqrt(var + ε)·γ`, no centering and no β. */
  rmsScaling?: boolean;
  betaInitializer?: InitializerSpec;
  gammaInitializer?: InitializerSpec;
  betaRegularizer?: KeptConfig;
  gammaRegularizer?: KeptConfig;
  betaConstraint?: KeptConfig;
  gammaConstraint?: KeptConfig;
}

const LN_KEYS: OptionKeys<LayerNormalizationOptions> = {
  axis: true, epsilon: true, center: true, scale: true, rmsScaling: true, betaInitializer: true, gammaInitializer: true,
  betaRegularizer: true, gammaRegularizer: true, betaConstraint: true, gammaConstraint: true,
};

/**
 * Layer normalization as Keras 3 computes it (`ops.layer_normalization`): per sample, mean and
 * variance over `axis`, then `γ·(x − mean)/√(var + ε) + β` with γ, β over those axes. The same in
 * training and inference.
 */
export class LayerNormalization extends Layer {
  readonly className: string = 'LayerNormalization';
  readonly axis: number | readonly number[];
  readonly epsilon: number;
  readonly center: boolean;
  readonly scale: boolean;
  readonly rmsScaling: boolean;
  readonly betaInitializer: Initializer;
  readonly gammaInitializer: Initializer;
  readonly kept: Record<string, KeptConfig>;
  override readonly supportsMasking: boolean = true;
  private gamma: LayerWeight | null = null;
  private beta: LayerWeight | null = null;
  private axes: number[] | null = null;

  /** `new LayerNormalization()`, `new LayerNormalization(-1, options)` or `new LayerNormalization({ axis, ... })`. */
  constructor(axis?: number | readonly number[], options?: Omit<LayerNormalizationOptions, 'axis'>);
  constructor(options?: LayerNormalizationOptions);
  constructor(a?: number | readonly number[] | LayerNormalizationOptions, more?: Omit<LayerNormalizationOptions, 'axis'>) {
    const options = layerArgs<LayerNormalizationOptions>('LayerNormalization', [a, more], { positional: ['axis'], required: [], keys: LN_KEYS });
    super(options, 'layer_normalization');
    this.axis = readAxes(options.axis ?? -1, `layer "${this.name}" (LayerNormalization)`);
    this.epsilon = options.epsilon ?? 1e-3;
    this.center = options.center ?? true;
    this.scale = options.scale ?? true;
    this.rmsScaling = options.rmsScaling ?? false;
    this.betaInitializer = getInitializer(options.betaInitializer ?? 'zeros', `${this.name}.beta_initializer`);
    this.gammaInitializer = getInitializer(options.gammaInitializer ?? 'ones', `${this.name}.gamma_initializer`);
    this.kept = {
      beta_regularizer: options.betaRegularizer ?? null,
      gamma_regularizer: options.gammaRegularizer ?? null,
      beta_constraint: options.betaConstraint ?? null,
      gamma_constraint: options.gammaConstraint ?? null,
    };
  }

  private resolve(shape: Shape): number[] {
    const axes = resolveAxes(this.axis, shape.length, `layer "${this.name}" (LayerNormalization)`, shape);
    for (const a of axes) {
      if (shape[a] === null || shape[a] === undefined) {
        throw new ShapeMismatchError(`layer "${this.name}" (LayerNormalization): axis ${a} must have a known size, got ${formatShape(shape)}`, [], shape, this.name);
      }
    }
    return axes;
  }

  protected override buildWeights(inputShape: Shape): void {
    const axes = this.resolve(inputShape);
    this.axes = axes;
    const s = axes.map((a) => inputShape[a] as number);
    if (this.scale || this.rmsScaling) this.gamma = this.addWeight('gamma', s, this.gammaInitializer.init(s));
    if (this.center && !this.rmsScaling) this.beta = this.addWeight('beta', s, this.betaInitializer.init(s));
  }

  computeOutputShape(inputShape: Shape): Shape {
    this.resolve(inputShape);
    return inputShape;
  }

  private planFor(input: Tensor): NormPlan {
    const axes = this.resolve(input.shape);
    if (this.axes && this.built) {
      const want = this.gamma?.shape ?? this.beta?.shape;
      if (want && axes.some((a, i) => input.shape[a] !== want[i])) {
        throw new ShapeMismatchError(`layer "${this.name}" (LayerNormalization): the normalized axes do not fit the layer's parameters`, want, axes.map((a) => input.shape[a]!), this.name);
      }
    }
    const norm = input.shape.map((_, i) => axes.includes(i));
    return normPlan(input.shape, norm.map((n) => !n), norm);
  }

  call(input: Tensor, _ctx: CallContext): Tensor {
    const plan = this.planFor(input);
    const gamma = this.gamma?.value.data ?? null;
    const m = moments(input.data, plan);
    if (this.rmsScaling) return new Tensor(rmsScale(input.data, plan, m.variance, gamma, this.epsilon), input.shape);
    return new Tensor(normalizeAffine(input.data, plan, m.mean, m.variance, gamma, this.beta?.value.data ?? null, this.epsilon), input.shape);
  }

  override forwardTrain(input: Tensor, ctx: TrainCallContext): LayerTape {
    const plan = this.planFor(input);
    const gamma = this.gamma?.value.data ?? null;
    const beta = this.beta?.value.data ?? null;
    const m = moments(input.data, plan);
    const trainable = this.trainable;
    if (this.rmsScaling) {
      return {
        output: new Tensor(rmsScale(input.data, plan, m.variance, gamma, this.epsilon), input.shape),
        backward: (d: Tensor) => {
          const res = rmsScaleBackward(input.data, d.data, plan, m.mean, m.variance, gamma, this.epsilon, ctx.needInputGrad, trainable && gamma !== null);
          const weightGrads = new Map<LayerWeight, Tensor>();
          if (this.gamma && res.dGamma) weightGrads.set(this.gamma, new Tensor(res.dGamma, this.gamma.shape));
          return { dInput: res.dx ? new Tensor(res.dx, input.shape) : null, weightGrads };
        },
      };
    }
    const y = normalizeAffine(input.data, plan, m.mean, m.variance, gamma, beta, this.epsilon);
    return {
      output: new Tensor(y, input.shape),
      backward: (dOutput: Tensor) => {
        const res = normalizeBackward(input.data, dOutput.data, plan, m.mean, m.variance, gamma, this.epsilon, {
          batchStatistics: true,
          needDx: ctx.needInputGrad,
          needGamma: trainable && gamma !== null,
          needBeta: trainable && beta !== null,
        });
        const weightGrads = new Map<LayerWeight, Tensor>();
        if (this.gamma && res.dGamma) weightGrads.set(this.gamma, new Tensor(res.dGamma, this.gamma.shape));
        if (this.beta && res.dBeta) weightGrads.set(this.beta, new Tensor(res.dBeta, this.beta.shape));
        return { dInput: res.dx ? new Tensor(res.dx, input.shape) : null, weightGrads };
      },
    };
  }

  override getConfig(): JsonObject {
    return {
      ...super.getConfig(),
      axis: (typeof this.axis === 'number' ? this.axis : [...this.axis]) as JsonValue,
      epsilon: this.epsilon,
      center: this.center,
      scale: this.scale,
      rms_scaling: this.rmsScaling,
      beta_initializer: this.betaInitializer.serialize() as unknown as JsonObject,
      gamma_initializer: this.gammaInitializer.serialize() as unknown as JsonObject,
      ...this.kept,
    };
  }

  /** Build from a canonical Keras config. */
  static fromConfig(config: JsonObject): LayerNormalization {
    const r = new ConfigReader(config, 'LayerNormalization');
    return new LayerNormalization({
      ...r.baseOptions(),
      axis: readAxes(config.axis ?? -1, r.where),
      epsilon: r.number('epsilon', 1e-3),
      center: r.bool('center', true),
      scale: r.bool('scale', true),
      rmsScaling: r.bool('rms_scaling', false),
      betaInitializer: (config.beta_initializer as InitializerSpec | undefined) ?? 'zeros',
      gammaInitializer: (config.gamma_initializer as InitializerSpec | undefined) ?? 'ones',
      betaRegularizer: r.raw('beta_regularizer'),
      gammaRegularizer: r.raw('gamma_regularizer'),
      betaConstraint: r.raw('beta_constraint'),
      gammaConstraint: r.raw('gamma_constraint'),
    });
  }
}

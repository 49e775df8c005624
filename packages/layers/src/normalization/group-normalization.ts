import { ConfigError, moments, normalizeAffine, normalizeBackward, normPlan, ShapeMismatchError, Tensor, type NormPlan } from '@kerasts/tensor';
import type { KeptConfig } from '../engine/activation-slot.js';
import { ConfigReader } from '../engine/config-reader.js';
import { Layer, type CallContext, type LayerOptions, type LayerTape, type LayerWeight, type TrainCallContext } from '../engine/layer.js';
import { layerArgs, type OptionKeys } from '../engine/options.js';
import type { JsonObject } from '../engine/json.js';
import { formatShape, type Shape } from '../engine/shape.js';
import { getInitializer, type Initializer, type InitializerSpec } from '../initializers.js';
import { resolveAxes } from './axes.js';

/** Options of {@link GroupNormalization}, mirroring Keras' arguments. */
export interface GroupNormalizationOptions extends LayerOptions {
  /** Number of channel groups (default 32); -1 makes one group per channel (instance normalization). */
  groups?: number;
  /** The channel axis (default -1). */
  axis?: number;
  epsilon?: number;
  center?: boolean;
  scale?: boolean;
  betaInitializer?: InitializerSpec;
  gammaInitializer?: InitializerSpec;
  betaRegularizer?: KeptConfig;
  gammaRegularizer?: KeptConfig;
  betaConstraint?: KeptConfig;
  gammaConstraint?: KeptConfig;
}

const GN_KEYS: OptionKeys<GroupNormalizationOptions> = {
  groups: true, axis: true, epsilon: true, center: true, scale: true, betaInitializer: true, gammaInitializer: true,
  betaRegularizer: true, gammaRegularizer: true, betaConstraint: true, gammaConstraint: true,
};

/**
 * Group normalization as Keras 3 computes it: the channels (`axis`) are split into `groups`; each
 * sample is normalized per group over the group's channels and every other non-batch axis, then
 * scaled and shifted per channel. The same in training and inference.
 */
export class GroupNormalization extends Layer {
  readonly className: string = 'GroupNormalization';
  /** Groups as configured (-1: one per channel). */
  readonly groups: number;
  readonly axis: number;
  readonly epsilon: number;
  readonly center: boolean;
  readonly scale: boolean;
  readonly betaInitializer: Initializer;
  readonly gammaInitializer: Initializer;
  readonly kept: Record<string, KeptConfig>;
  override readonly supportsMasking: boolean = true;
  private gamma: LayerWeight | null = null;
  private beta: LayerWeight | null = null;

  /** `new GroupNormalization(8)` (the groups), or `new GroupNormalization({ groups, axis, ... })`. */
  constructor(groups?: number, options?: Omit<GroupNormalizationOptions, 'groups'>);
  constructor(options?: GroupNormalizationOptions);
  constructor(a?: number | GroupNormalizationOptions, more?: Omit<GroupNormalizationOptions, 'groups'>) {
    const options = layerArgs<GroupNormalizationOptions>('GroupNormalization', [a, more], { positional: ['groups'], required: [], keys: GN_KEYS });
    super(options, 'group_normalization');
    const where = `layer "${this.name}" (GroupNormalization)`;
    this.groups = options.groups ?? 32;
    if (!Number.isInteger(this.groups) || (this.groups <= 0 && this.groups !== -1)) {
      throw new ConfigError(`groups must be a positive integer or -1 (instance normalization), found ${String(options.groups)}`, where);
    }
    this.axis = options.axis ?? -1;
    if (!Number.isInteger(this.axis)) throw new ConfigError(`axis must be an integer, found ${String(options.axis)}`, where);
    this.epsilon = options.epsilon ?? 1e-3;
    this.center = options.center ?? true;
    this.scale = options.scale ?? true;
    this.betaInitializer = getInitializer(options.betaInitializer ?? 'zeros', `${this.name}.beta_initializer`);
    this.gammaInitializer = getInitializer(options.gammaInitializer ?? 'ones', `${this.name}.gamma_initializer`);
    this.kept = {
      beta_regularizer: options.betaRegularizer ?? null,
      gamma_regularizer: options.gammaRegularizer ?? null,
      beta_constraint: options.betaConstraint ?? null,
      gamma_constraint: options.gammaConstraint ?? null,
    };
  }

  /** The channel axis, channel count and group count for an input shape. */
  private channels(shape: Shape): { axis: number; dim: number; groups: number } {
    const where = `layer "${this.name}" (GroupNormalization)`;
    const axis = resolveAxes(this.axis, shape.length, where, shape)[0]!;
    const dim = shape[axis];
    if (dim === null || dim === undefined) throw new ShapeMismatchError(`${where}: the channel axis ${axis} must have a known size, got ${formatShape(shape)}`, [], shape, this.name);
    const groups = this.groups === -1 ? dim : this.groups;
    if (dim < groups) throw new ConfigError(`the number of groups (${groups}) cannot be more than the number of channels (${dim})`, where);
    if (dim % groups !== 0) throw new ConfigError(`the number of channels (${dim}) must be a multiple of the number of groups (${groups})`, where);
    return { axis, dim, groups };
  }

  protected override buildWeights(inputShape: Shape): void {
    const { dim } = this.channels(inputShape);
    if (this.scale) this.gamma = this.addWeight('gamma', [dim], this.gammaInitializer.init([dim]));
    if (this.center) this.beta = this.addWeight('beta', [dim], this.betaInitializer.init([dim]));
  }

  computeOutputShape(inputShape: Shape): Shape {
    this.channels(inputShape);
    return inputShape;
  }

  /** The channel axis split into (groups, channels per group): statistics per (batch, group), parameters per channel. */
  private planFor(input: Tensor): NormPlan {
    const { axis, dim, groups } = this.channels(input.shape);
    const want = this.gamma?.shape[0] ?? this.beta?.shape[0];
    if (want !== undefined && want !== dim) throw new ShapeMismatchError(`layer "${this.name}" (GroupNormalization): channels do not fit the layer's parameters`, [want], [dim], this.name);
    const shape = [...input.shape.slice(0, axis), groups, dim / groups, ...input.shape.slice(axis + 1)];
    const stat = shape.map((_, i) => i === 0 || i === axis);
    const param = shape.map((_, i) => i === axis || i === axis + 1);
    return normPlan(shape, stat, param);
  }

  call(input: Tensor, _ctx: CallContext): Tensor {
    const plan = this.planFor(input);
    const m = moments(input.data, plan);
    return new Tensor(normalizeAffine(input.data, plan, m.mean, m.variance, this.gamma?.value.data ?? null, this.beta?.value.data ?? null, this.epsilon), input.shape);
  }

  override forwardTrain(input: Tensor, ctx: TrainCallContext): LayerTape {
    const plan = this.planFor(input);
    const gamma = this.gamma?.value.data ?? null;
    const beta = this.beta?.value.data ?? null;
    const m = moments(input.data, plan);
    const trainable = this.trainable;
    return {
      output: new Tensor(normalizeAffine(input.data, plan, m.mean, m.variance, gamma, beta, this.epsilon), input.shape),
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
      groups: this.groups,
      axis: this.axis,
      epsilon: this.epsilon,
      center: this.center,
      scale: this.scale,
      beta_initializer: this.betaInitializer.serialize() as unknown as JsonObject,
      gamma_initializer: this.gammaInitializer.serialize() as unknown as JsonObject,
      ...this.kept,
    };
  }

  /** Build from a canonical Keras config. */
  static fromConfig(config: JsonObject): GroupNormalization {
    const r = new ConfigReader(config, 'GroupNormalization');
    const groups = r.number('groups', 32);
    const axis = r.number('axis', -1);
    return new GroupNormalization({
      ...r.baseOptions(),
      groups,
      axis,
      epsilon: r.number('epsilon', 1e-3),
      center: r.bool('center', true),
      scale: r.bool('scale', true),
      betaInitializer: (config.beta_initializer as InitializerSpec | undefined) ?? 'zeros',
      gammaInitializer: (config.gamma_initializer as InitializerSpec | undefined) ?? 'ones',
      betaRegularizer: r.raw('beta_regularizer'),
      gammaRegularizer: r.raw('gamma_regularizer'),
      betaConstraint: r.raw('beta_constraint'),
      gammaConstraint: r.raw('gamma_constraint'),
    });
  }
}

/**
 * The shared body of Keras' `Conv1D`, `Conv2D` and `Conv3D` (keras/src/layers/convolutional/base_conv.py):
 * a kernel `(k..., in/groups, filters)` and a bias `(filters)`, applied with strides, dilation,
 * `valid` / `same` (and, in 1-D, `causal`) padding and channel groups, in either data format.
 */
import {
  activationBackward,
  ConfigError,
  recycleFloat32,
  convBackward,
  convForward,
  convMaxPoolForward,
  ShapeMismatchError,
  Tensor,
  windowGeometry,
  type ConvSpec,
} from '@kerasts/tensor';
import { ActivationSlot, type KeptConfig } from '../engine/activation-slot.js';
import { BasePooling } from '../pooling/base-pooling.js';
import { ConfigReader } from '../engine/config-reader.js';
import { Layer, type CallContext, type LayerOptions, type LayerTape, type LayerWeight, type TrainCallContext } from '../engine/layer.js';
import type { OptionKeys } from '../engine/options.js';
import type { JsonObject } from '../engine/json.js';
import type { Shape } from '../engine/shape.js';
import { getInitializer, type Initializer, type InitializerSpec } from '../initializers.js';
import {
  channelsLastInput,
  enumConfig,
  fromChannelsLast,
  gradToChannelsLast,
  joinShape,
  normDataFormat,
  normTuple,
  splitShape,
  tupleConfig,
  type DataFormat,
  type IntTuple,
} from './conv-utils.js';

/** Options of `Conv1D`, `Conv2D` and `Conv3D`, as Keras' arguments in camelCase (Keras 3 defaults). */
export interface ConvOptions extends LayerOptions {
  /** Number of output channels. */
  filters: number;
  /** Window size: one integer for every spatial axis, or one per axis. */
  kernelSize: IntTuple;
  /** Default 1. Keras refuses strides > 1 together with a dilation rate > 1. */
  strides?: IntTuple;
  /** `valid` (default), `same`, or (Conv1D only) `causal`. */
  padding?: 'valid' | 'same' | 'causal';
  /** Default `channels_last`. */
  dataFormat?: DataFormat | null;
  /** Default 1. */
  dilationRate?: IntTuple;
  /** Channel groups (default 1): input and output channels are split into this many independent groups. */
  groups?: number;
  activation?: string | null;
  useBias?: boolean;
  kernelInitializer?: InitializerSpec;
  biasInitializer?: InitializerSpec;
  kernelRegularizer?: KeptConfig;
  biasRegularizer?: KeptConfig;
  activityRegularizer?: KeptConfig;
  kernelConstraint?: KeptConfig;
  biasConstraint?: KeptConfig;
}

/** The option names of {@link ConvOptions} (checked complete by TypeScript). */
export const CONV_KEYS: OptionKeys<ConvOptions> = {
  filters: true, kernelSize: true, strides: true, padding: true, dataFormat: true, dilationRate: true, groups: true,
  activation: true, useBias: true, kernelInitializer: true, biasInitializer: true, kernelRegularizer: true,
  biasRegularizer: true, activityRegularizer: true, kernelConstraint: true, biasConstraint: true,
};

/** A convolution layer of 1 to 3 spatial axes (see `Conv1D`, `Conv2D`, `Conv3D`). */
export abstract class BaseConv extends Layer {
  /** Number of spatial axes. */
  readonly rank: number;
  readonly filters: number;
  readonly kernelSize: readonly number[];
  readonly strides: readonly number[];
  readonly padding: 'valid' | 'same' | 'causal';
  readonly dataFormat: DataFormat;
  readonly dilationRate: readonly number[];
  readonly groups: number;
  readonly activation: ActivationSlot;
  readonly useBias: boolean;
  readonly kernelInitializer: Initializer;
  readonly biasInitializer: Initializer;
  readonly kept: Record<string, KeptConfig>;

  protected constructor(options: ConvOptions, rank: number, className: string, prefix: string) {
    super(options, prefix);
    const where = `layer "${this.name}" (${className})`;
    this.rank = rank;
    if (!Number.isInteger(options.filters) || options.filters < 1) throw new ConfigError(`${where}: "filters" must be a positive integer, found ${JSON.stringify(options.filters)}`, where);
    this.filters = options.filters;
    this.kernelSize = normTuple(options.kernelSize, rank, 'kernel_size', where, 1);
    this.strides = normTuple(options.strides, rank, 'strides', where, 1);
    this.dilationRate = normTuple(options.dilationRate, rank, 'dilation_rate', where, 1);
    const padding = (options.padding ?? 'valid').toLowerCase();
    if (padding !== 'valid' && padding !== 'same' && !(padding === 'causal' && rank === 1)) {
      throw new ConfigError(`${where}: "padding" must be "valid" or "same"${rank === 1 ? ' or "causal"' : ''}, found ${JSON.stringify(padding)}`, where);
    }
    this.padding = padding;
    this.dataFormat = normDataFormat(options.dataFormat, where);
    this.groups = options.groups ?? 1;
    if (!Number.isInteger(this.groups) || this.groups < 1 || this.filters % this.groups !== 0) {
      throw new ConfigError(`${where}: "groups" must be a positive integer that divides filters (${this.filters}), found ${JSON.stringify(options.groups)}`, where);
    }
    if (Math.max(...this.strides) > 1 && Math.max(...this.dilationRate) > 1) {
      throw new ConfigError(`${where}: strides > 1 are not supported together with dilation_rate > 1 (as in Keras)`, where);
    }
    this.activation = new ActivationSlot(options.activation ?? 'linear');
    this.useBias = options.useBias ?? true;
    this.kernelInitializer = getInitializer(options.kernelInitializer ?? 'glorot_uniform', `${this.name}.kernel_initializer`);
    this.biasInitializer = getInitializer(options.biasInitializer ?? 'zeros', `${this.name}.bias_initializer`);
    this.kept = {
      kernel_regularizer: options.kernelRegularizer ?? null,
      bias_regularizer: options.biasRegularizer ?? null,
      activity_regularizer: options.activityRegularizer ?? null,
      kernel_constraint: options.kernelConstraint ?? null,
      bias_constraint: options.biasConstraint ?? null,
    };
  }

  private inChannels(inputShape: Shape): number {
    this.expectRank(inputShape, this.rank + 2, `a ${this.rank + 2}-D input`);
    const c = splitShape(inputShape, this.dataFormat).channels;
    if (c === null) throw new ShapeMismatchError(`layer "${this.name}" (${this.className}) needs a known number of input channels`, [], inputShape, this.name);
    if (c % this.groups !== 0) throw new ConfigError(`layer "${this.name}" (${this.className}): ${c} input channels cannot be split into ${this.groups} groups`, this.name);
    return c;
  }

  protected override buildWeights(inputShape: Shape): void {
    const cin = this.inChannels(inputShape);
    const shape = [...this.kernelSize, cin / this.groups, this.filters];
    this.addWeight('kernel', shape, this.kernelInitializer.init(shape));
    if (this.useBias) this.addWeight('bias', [this.filters], this.biasInitializer.init([this.filters]));
  }

  computeOutputShape(inputShape: Shape): Shape {
    this.expectRank(inputShape, this.rank + 2, `a ${this.rank + 2}-D input`);
    const { spatial } = splitShape(inputShape, this.dataFormat);
    const out = spatial.map((n, i) => (n === null ? null : windowGeometry([n], [this.kernelSize[i]!], [this.strides[i]!], [this.dilationRate[i]!], this.padding).outSize[0]!));
    return joinShape(inputShape[0] ?? null, out, this.filters, this.dataFormat);
  }

  /** The convolution's sizes for a concrete input, checked against the kernel. */
  private spec(input: Tensor): { x: Float32Array; spec: ConvSpec; spatial: number[]; cin: number } {
    const { data, batch, spatial, channels } = channelsLastInput(input, this.dataFormat, this.rank, this.name, this.className);
    const kernel = this.weightList[0]!;
    if (channels / this.groups !== kernel.shape[this.rank]) {
      throw new ShapeMismatchError(`layer "${this.name}" (${this.className}) input channels`, [kernel.shape[this.rank]! * this.groups], [channels], this.name);
    }
    const geometry = windowGeometry(spatial, this.kernelSize, this.strides, this.dilationRate, this.padding);
    return { x: data, spec: { batch, geometry, inChannels: channels, outChannels: this.filters, groups: this.groups }, spatial, cin: channels };
  }

  call(input: Tensor, ctx: CallContext): Tensor {
    const { x, spec } = this.spec(input);
    const [kernel, bias] = this.weightList;
    const act = this.activation.get(ctx.hardSigmoid);
    // An elementwise activation runs inside the convolution (relu in the WebAssembly kernel); one over
    // the last axis (softmax) after it, in the layer's data format. The kernel is a layer weight: its
    // packed panels may be kept between calls (tensor's pack cache).
    const inside = act.elementwise;
    const z = convForward(x, kernel!.value.data, this.useBias ? bias!.value.data : null, spec, { cacheWeights: true, ...(inside ? { activation: act } : {}) });
    const y = fromChannelsLast(z, spec.batch, spec.geometry.outSize, this.filters, this.dataFormat);
    if (!inside) act.apply(y.data, 0, y.size / y.shape[y.rank - 1]!, y.shape[y.rank - 1]!);
    return y;
  }

  /**
   * A following max pooling fused into the convolution (tensor's `convMaxPoolForward`): the pooled
   * values without the convolution's full-size output (for a 3×3 window over one channel, the first
   * layer of most image models, that output is the largest array of the model). Both layers must share
   * the data format; the activation must be relu or linear (the ones the fused kernel applies).
   */
  override callFused(next: Layer, input: Tensor, ctx: CallContext): Tensor | null {
    if (!(next instanceof BasePooling) || next.mode !== 'max' || next.rank !== this.rank || next.dataFormat !== this.dataFormat) return null;
    const act = this.activation.get(ctx.hardSigmoid);
    if (act.name !== 'relu' && act.name !== 'linear') return null;
    const { x, spec } = this.spec(input);
    const outSize = spec.geometry.outSize;
    const pool = windowGeometry(outSize, next.poolSize, next.strides, new Array<number>(this.rank).fill(1), next.padding);
    const [kernel, bias] = this.weightList;
    const y = convMaxPoolForward(x, kernel!.value.data, this.useBias ? bias!.value.data : null, spec, pool, { cacheWeights: true, activation: act });
    return fromChannelsLast(y, spec.batch, pool.outSize, this.filters, this.dataFormat);
  }

  override forwardTrain(input: Tensor, ctx: TrainCallContext): LayerTape {
    const { x, spec, spatial, cin } = this.spec(input);
    const [kernel, bias] = this.weightList;
    const kernelData = kernel!.value.data;
    const act = this.activation.get(ctx.hardSigmoid);
    // relu's gradient needs only where the output is positive (y > 0 exactly where z > 0), so the
    // kernel applies it and no pre-activation copy is kept.
    const reluOnly = act.name === 'relu';
    // (F(2×2) Winograd in training: see ConvForwardOptions.winogradTile)
    const z = fromChannelsLast(convForward(x, kernelData, this.useBias ? bias!.value.data : null, spec, { winogradTile: 2, ...(reluOnly ? { activation: act } : {}) }), spec.batch, spec.geometry.outSize, this.filters, this.dataFormat);
    const last = z.shape[z.rank - 1]!;
    let y = z;
    if (act.name !== 'linear' && !reluOnly) {
      y = new Tensor(z.data.slice(), z.shape);
      act.apply(y.data, 0, y.size / last, last);
    }
    const trainable = this.trainable;
    return {
      output: y,
      backward: (dOutput: Tensor) => {
        // relu goes back inside the convolution's backward pass (the gradient enters the kernels' memory
        // once for the kernel, bias and input gradients); other activations first, here
        const inside = reluOnly && this.dataFormat === 'channels_last';
        const dzRaw = act.name === 'linear' || inside ? dOutput : new Tensor(activationBackward(act, z.data, y.data, dOutput.data, last), z.shape);
        const dz = gradToChannelsLast(dzRaw, this.dataFormat);
        const r = convBackward(x, dz, kernelData, spec, {
          ...(inside ? { reluOutput: y.data } : {}),
          kernel: trainable,
          bias: trainable && this.useBias,
          input: ctx.needInputGrad,
        });
        const weightGrads = new Map<LayerWeight, Tensor>();
        if (r.dKernel !== null) weightGrads.set(kernel!, new Tensor(r.dKernel, kernel!.shape));
        if (r.dBias !== null) weightGrads.set(bias!, new Tensor(r.dBias, bias!.shape));
        const dInput = r.dInput !== null ? fromChannelsLast(r.dInput, spec.batch, spatial, cin, this.dataFormat) : null;
        return { dInput, weightGrads };
      },
      // the step is done with the output (the graph calls this only for an activation no one keeps)
      release: () => recycleFloat32(y === z ? [y.data] : [y.data, z.data]),
    };
  }

  override getConfig(): JsonObject {
    return {
      ...super.getConfig(),
      filters: this.filters,
      kernel_size: [...this.kernelSize],
      strides: [...this.strides],
      padding: this.padding,
      data_format: this.dataFormat,
      dilation_rate: [...this.dilationRate],
      groups: this.groups,
      activation: this.activation.name,
      use_bias: this.useBias,
      kernel_initializer: this.kernelInitializer.serialize() as unknown as JsonObject,
      bias_initializer: this.biasInitializer.serialize() as unknown as JsonObject,
      ...this.kept,
    };
  }

  /** The options of a canonical config (shared by the `fromConfig` of every convolution class). */
  protected static convOptions(config: JsonObject, className: string): ConvOptions {
    const r = new ConfigReader(config, className);
    const o: ConvOptions = {
      ...r.baseOptions(),
      filters: r.int('filters', 0, 1),
      kernelSize: tupleConfig(r, 'kernel_size') ?? 0,
      padding: enumConfig(r, 'padding', ['valid', 'same', 'causal'] as const, 'valid'),
      dataFormat: normDataFormat(r.string('data_format', 'channels_last'), r.where),
      groups: r.int('groups', 1, 1),
      activation: r.activation('activation', 'linear'),
      useBias: r.bool('use_bias', true),
      kernelInitializer: (config.kernel_initializer as InitializerSpec | undefined) ?? 'glorot_uniform',
      biasInitializer: (config.bias_initializer as InitializerSpec | undefined) ?? 'zeros',
      kernelRegularizer: r.raw('kernel_regularizer'),
      biasRegularizer: r.raw('bias_regularizer'),
      activityRegularizer: r.raw('activity_regularizer'),
      kernelConstraint: r.raw('kernel_constraint'),
      biasConstraint: r.raw('bias_constraint'),
    };
    const strides = tupleConfig(r, 'strides');
    if (strides !== undefined) o.strides = strides;
    const dilation = tupleConfig(r, 'dilation_rate');
    if (dilation !== undefined) o.dilationRate = dilation;
    return o;
  }
}

/**
 * The shared body of Keras' `DepthwiseConv1D` and `DepthwiseConv2D`
 * (keras/src/layers/convolutional/base_depthwise_conv.py): each input channel is convolved with its own
 * `depth_multiplier` filters. Keras 3 names the kernel `kernel` (`(k..., channels, M)`; tf.keras called
 * it `depthwise_kernel`); the bias has `channels·M` values.
 */
import {
  activationBackward,
  biasGradient,
  ConfigError,
  depthwiseBackwardInput,
  depthwiseBackwardKernel,
  depthwiseForward,
  ShapeMismatchError,
  Tensor,
  windowGeometry,
  type DepthwiseSpec,
} from '@kerasts/tensor';
import { ActivationSlot, type KeptConfig } from '../engine/activation-slot.js';
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

/** Options of `DepthwiseConv1D` / `DepthwiseConv2D`, as Keras' arguments in camelCase. */
export interface DepthwiseConvOptions extends LayerOptions {
  kernelSize: IntTuple;
  strides?: IntTuple;
  padding?: 'valid' | 'same';
  /** Filters per input channel (default 1). */
  depthMultiplier?: number;
  dataFormat?: DataFormat | null;
  dilationRate?: IntTuple;
  activation?: string | null;
  useBias?: boolean;
  depthwiseInitializer?: InitializerSpec;
  biasInitializer?: InitializerSpec;
  depthwiseRegularizer?: KeptConfig;
  biasRegularizer?: KeptConfig;
  activityRegularizer?: KeptConfig;
  depthwiseConstraint?: KeptConfig;
  biasConstraint?: KeptConfig;
}

/** The option names of {@link DepthwiseConvOptions}. */
export const DEPTHWISE_KEYS: OptionKeys<DepthwiseConvOptions> = {
  kernelSize: true, strides: true, padding: true, depthMultiplier: true, dataFormat: true, dilationRate: true,
  activation: true, useBias: true, depthwiseInitializer: true, biasInitializer: true, depthwiseRegularizer: true,
  biasRegularizer: true, activityRegularizer: true, depthwiseConstraint: true, biasConstraint: true,
};

/** A depthwise convolution of 1 or 2 spatial axes. */
export abstract class BaseDepthwiseConv extends Layer {
  readonly rank: number;
  readonly kernelSize: readonly number[];
  readonly strides: readonly number[];
  readonly padding: 'valid' | 'same';
  readonly depthMultiplier: number;
  readonly dataFormat: DataFormat;
  readonly dilationRate: readonly number[];
  readonly activation: ActivationSlot;
  readonly useBias: boolean;
  readonly depthwiseInitializer: Initializer;
  readonly biasInitializer: Initializer;
  readonly kept: Record<string, KeptConfig>;

  protected constructor(options: DepthwiseConvOptions, rank: number, className: string, prefix: string) {
    super(options, prefix);
    const where = `layer "${this.name}" (${className})`;
    this.rank = rank;
    this.kernelSize = normTuple(options.kernelSize, rank, 'kernel_size', where, 1);
    this.strides = normTuple(options.strides, rank, 'strides', where, 1);
    this.dilationRate = normTuple(options.dilationRate, rank, 'dilation_rate', where, 1);
    const padding = (options.padding ?? 'valid').toLowerCase();
    if (padding !== 'valid' && padding !== 'same') throw new ConfigError(`${where}: "padding" must be "valid" or "same", found ${JSON.stringify(options.padding)}`, where);
    this.padding = padding;
    this.depthMultiplier = options.depthMultiplier ?? 1;
    if (!Number.isInteger(this.depthMultiplier) || this.depthMultiplier < 1) throw new ConfigError(`${where}: "depth_multiplier" must be a positive integer, found ${JSON.stringify(options.depthMultiplier)}`, where);
    this.dataFormat = normDataFormat(options.dataFormat, where);
    this.activation = new ActivationSlot(options.activation ?? 'linear');
    this.useBias = options.useBias ?? true;
    this.depthwiseInitializer = getInitializer(options.depthwiseInitializer ?? 'glorot_uniform', `${this.name}.depthwise_initializer`);
    this.biasInitializer = getInitializer(options.biasInitializer ?? 'zeros', `${this.name}.bias_initializer`);
    this.kept = {
      depthwise_regularizer: options.depthwiseRegularizer ?? null,
      bias_regularizer: options.biasRegularizer ?? null,
      activity_regularizer: options.activityRegularizer ?? null,
      depthwise_constraint: options.depthwiseConstraint ?? null,
      bias_constraint: options.biasConstraint ?? null,
    };
  }

  /** The config key prefix of a weight's regularizer and constraint (`kernel` is `depthwise_regularizer`). */
  regularizerKey(weightName: string): string {
    return weightName === 'kernel' ? 'depthwise' : weightName;
  }

  protected override buildWeights(inputShape: Shape): void {
    this.expectRank(inputShape, this.rank + 2, `a ${this.rank + 2}-D input`);
    const c = splitShape(inputShape, this.dataFormat).channels;
    if (c === null) throw new ShapeMismatchError(`layer "${this.name}" (${this.className}) needs a known number of input channels`, [], inputShape, this.name);
    const shape = [...this.kernelSize, c, this.depthMultiplier];
    this.addWeight('kernel', shape, this.depthwiseInitializer.init(shape));
    if (this.useBias) this.addWeight('bias', [c * this.depthMultiplier], this.biasInitializer.init([c * this.depthMultiplier]));
  }

  computeOutputShape(inputShape: Shape): Shape {
    this.expectRank(inputShape, this.rank + 2, `a ${this.rank + 2}-D input`);
    const { spatial, channels } = splitShape(inputShape, this.dataFormat);
    const out = spatial.map((n, i) => (n === null ? null : windowGeometry([n], [this.kernelSize[i]!], [this.strides[i]!], [this.dilationRate[i]!], this.padding).outSize[0]!));
    return joinShape(inputShape[0] ?? null, out, channels === null ? null : channels * this.depthMultiplier, this.dataFormat);
  }

  private spec(input: Tensor): { x: Float32Array; spec: DepthwiseSpec; spatial: number[] } {
    const { data, batch, spatial, channels } = channelsLastInput(input, this.dataFormat, this.rank, this.name, this.className);
    const kernel = this.weightList[0]!;
    if (channels !== kernel.shape[this.rank]) throw new ShapeMismatchError(`layer "${this.name}" (${this.className}) input channels`, [kernel.shape[this.rank]!], [channels], this.name);
    const geometry = windowGeometry(spatial, this.kernelSize, this.strides, this.dilationRate, this.padding);
    return { x: data, spec: { batch, geometry, channels, depthMultiplier: this.depthMultiplier }, spatial };
  }

  call(input: Tensor, ctx: CallContext): Tensor {
    const { x, spec } = this.spec(input);
    const [kernel, bias] = this.weightList;
    const z = depthwiseForward(x, kernel!.value.data, this.useBias ? bias!.value.data : null, spec);
    const y = fromChannelsLast(z, spec.batch, spec.geometry.outSize, spec.channels * this.depthMultiplier, this.dataFormat);
    const act = this.activation.get(ctx.hardSigmoid);
    if (act.name !== 'linear') act.apply(y.data, 0, y.size / y.shape[y.rank - 1]!, y.shape[y.rank - 1]!);
    return y;
  }

  override forwardTrain(input: Tensor, ctx: TrainCallContext): LayerTape {
    const { x, spec, spatial } = this.spec(input);
    const [kernel, bias] = this.weightList;
    const kernelData = kernel!.value.data;
    const cm = spec.channels * this.depthMultiplier;
    const z = fromChannelsLast(depthwiseForward(x, kernelData, this.useBias ? bias!.value.data : null, spec), spec.batch, spec.geometry.outSize, cm, this.dataFormat);
    const act = this.activation.get(ctx.hardSigmoid);
    const last = z.shape[z.rank - 1]!;
    let y = z;
    if (act.name !== 'linear') {
      y = new Tensor(z.data.slice(), z.shape);
      act.apply(y.data, 0, y.size / last, last);
    }
    const trainable = this.trainable;
    return {
      output: y,
      backward: (dOutput: Tensor) => {
        const dzRaw = act.name === 'linear' ? dOutput : new Tensor(activationBackward(act, z.data, y.data, dOutput.data, last), z.shape);
        const dz = gradToChannelsLast(dzRaw, this.dataFormat);
        const weightGrads = new Map<LayerWeight, Tensor>();
        if (trainable) {
          weightGrads.set(kernel!, new Tensor(depthwiseBackwardKernel(x, dz, spec), kernel!.shape));
          if (this.useBias) weightGrads.set(bias!, new Tensor(biasGradient(dz, z.size / cm, cm), bias!.shape));
        }
        const dInput = ctx.needInputGrad ? fromChannelsLast(depthwiseBackwardInput(dz, kernelData, spec), spec.batch, spatial, spec.channels, this.dataFormat) : null;
        return { dInput, weightGrads };
      },
    };
  }

  override getConfig(): JsonObject {
    return {
      ...super.getConfig(),
      depth_multiplier: this.depthMultiplier,
      kernel_size: [...this.kernelSize],
      strides: [...this.strides],
      padding: this.padding,
      data_format: this.dataFormat,
      dilation_rate: [...this.dilationRate],
      activation: this.activation.name,
      use_bias: this.useBias,
      depthwise_initializer: this.depthwiseInitializer.serialize() as unknown as JsonObject,
      bias_initializer: this.biasInitializer.serialize() as unknown as JsonObject,
      ...this.kept,
    };
  }

  /** The options of a canonical config. */
  protected static depthwiseOptions(config: JsonObject, className: string): DepthwiseConvOptions {
    const r = new ConfigReader(config, className);
    const o: DepthwiseConvOptions = {
      ...r.baseOptions(),
      kernelSize: tupleConfig(r, 'kernel_size') ?? 0,
      padding: enumConfig(r, 'padding', ['valid', 'same'] as const, 'valid'),
      depthMultiplier: r.int('depth_multiplier', 1, 1),
      dataFormat: normDataFormat(r.string('data_format', 'channels_last'), r.where),
      activation: r.activation('activation', 'linear'),
      useBias: r.bool('use_bias', true),
      depthwiseInitializer: (config.depthwise_initializer as InitializerSpec | undefined) ?? 'glorot_uniform',
      biasInitializer: (config.bias_initializer as InitializerSpec | undefined) ?? 'zeros',
      depthwiseRegularizer: r.raw('depthwise_regularizer'),
      biasRegularizer: r.raw('bias_regularizer'),
      activityRegularizer: r.raw('activity_regularizer'),
      depthwiseConstraint: r.raw('depthwise_constraint'),
      biasConstraint: r.raw('bias_constraint'),
    };
    const strides = tupleConfig(r, 'strides');
    if (strides !== undefined) o.strides = strides;
    const dilation = tupleConfig(r, 'dilation_rate');
    if (dilation !== undefined) o.dilationRate = dilation;
    return o;
  }
}

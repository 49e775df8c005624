/**
 * The shared body of Keras' `SeparableConv1D` and `SeparableConv2D`
 * (keras/src/layers/convolutional/base_separable_conv.py): a depthwise convolution (no bias) with the
 * layer's strides, padding and dilation, then a 1×1 pointwise convolution to `filters` channels plus
 * the bias. Weights `depthwise_kernel` `(k..., in, M)`, `pointwise_kernel` `(1..., in·M, filters)`, `bias`.
 */
import {
  activationBackward,
  biasGradient,
  ConfigError,
  convBackwardInput,
  convBackwardKernel,
  convForward,
  depthwiseBackwardInput,
  depthwiseBackwardKernel,
  depthwiseForward,
  ShapeMismatchError,
  Tensor,
  windowGeometry,
  type ConvSpec,
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

/** Options of `SeparableConv1D` / `SeparableConv2D`, as Keras' arguments in camelCase. */
export interface SeparableConvOptions extends LayerOptions {
  filters: number;
  kernelSize: IntTuple;
  strides?: IntTuple;
  padding?: 'valid' | 'same';
  dataFormat?: DataFormat | null;
  dilationRate?: IntTuple;
  /** Depthwise filters per input channel (default 1). */
  depthMultiplier?: number;
  activation?: string | null;
  useBias?: boolean;
  depthwiseInitializer?: InitializerSpec;
  pointwiseInitializer?: InitializerSpec;
  biasInitializer?: InitializerSpec;
  depthwiseRegularizer?: KeptConfig;
  pointwiseRegularizer?: KeptConfig;
  biasRegularizer?: KeptConfig;
  activityRegularizer?: KeptConfig;
  depthwiseConstraint?: KeptConfig;
  pointwiseConstraint?: KeptConfig;
  biasConstraint?: KeptConfig;
}

/** The option names of {@link SeparableConvOptions}. */
export const SEPARABLE_KEYS: OptionKeys<SeparableConvOptions> = {
  filters: true, kernelSize: true, strides: true, padding: true, dataFormat: true, dilationRate: true, depthMultiplier: true,
  activation: true, useBias: true, depthwiseInitializer: true, pointwiseInitializer: true, biasInitializer: true,
  depthwiseRegularizer: true, pointwiseRegularizer: true, biasRegularizer: true, activityRegularizer: true,
  depthwiseConstraint: true, pointwiseConstraint: true, biasConstraint: true,
};

/** A depthwise-separable convolution of 1 or 2 spatial axes. */
export abstract class BaseSeparableConv extends Layer {
  readonly rank: number;
  readonly filters: number;
  readonly kernelSize: readonly number[];
  readonly strides: readonly number[];
  readonly padding: 'valid' | 'same';
  readonly dataFormat: DataFormat;
  readonly dilationRate: readonly number[];
  readonly depthMultiplier: number;
  readonly activation: ActivationSlot;
  readonly useBias: boolean;
  readonly depthwiseInitializer: Initializer;
  readonly pointwiseInitializer: Initializer;
  readonly biasInitializer: Initializer;
  readonly kept: Record<string, KeptConfig>;

  protected constructor(options: SeparableConvOptions, rank: number, className: string, prefix: string) {
    super(options, prefix);
    const where = `layer "${this.name}" (${className})`;
    this.rank = rank;
    if (!Number.isInteger(options.filters) || options.filters < 1) throw new ConfigError(`${where}: "filters" must be a positive integer, found ${JSON.stringify(options.filters)}`, where);
    this.filters = options.filters;
    this.kernelSize = normTuple(options.kernelSize, rank, 'kernel_size', where, 1);
    this.strides = normTuple(options.strides, rank, 'strides', where, 1);
    this.dilationRate = normTuple(options.dilationRate, rank, 'dilation_rate', where, 1);
    const padding = (options.padding ?? 'valid').toLowerCase();
    if (padding !== 'valid' && padding !== 'same') throw new ConfigError(`${where}: "padding" must be "valid" or "same", found ${JSON.stringify(options.padding)}`, where);
    this.padding = padding;
    this.dataFormat = normDataFormat(options.dataFormat, where);
    this.depthMultiplier = options.depthMultiplier ?? 1;
    if (!Number.isInteger(this.depthMultiplier) || this.depthMultiplier < 1) throw new ConfigError(`${where}: "depth_multiplier" must be a positive integer, found ${JSON.stringify(options.depthMultiplier)}`, where);
    this.activation = new ActivationSlot(options.activation ?? 'linear');
    this.useBias = options.useBias ?? true;
    this.depthwiseInitializer = getInitializer(options.depthwiseInitializer ?? 'glorot_uniform', `${this.name}.depthwise_initializer`);
    this.pointwiseInitializer = getInitializer(options.pointwiseInitializer ?? 'glorot_uniform', `${this.name}.pointwise_initializer`);
    this.biasInitializer = getInitializer(options.biasInitializer ?? 'zeros', `${this.name}.bias_initializer`);
    this.kept = {
      depthwise_regularizer: options.depthwiseRegularizer ?? null,
      pointwise_regularizer: options.pointwiseRegularizer ?? null,
      bias_regularizer: options.biasRegularizer ?? null,
      activity_regularizer: options.activityRegularizer ?? null,
      depthwise_constraint: options.depthwiseConstraint ?? null,
      pointwise_constraint: options.pointwiseConstraint ?? null,
      bias_constraint: options.biasConstraint ?? null,
    };
  }

  /** The config key prefix of a weight's regularizer and constraint (`depthwise_kernel` → `depthwise`). */
  regularizerKey(weightName: string): string {
    return weightName.replace(/_kernel$/, '');
  }

  protected override buildWeights(inputShape: Shape): void {
    this.expectRank(inputShape, this.rank + 2, `a ${this.rank + 2}-D input`);
    const c = splitShape(inputShape, this.dataFormat).channels;
    if (c === null) throw new ShapeMismatchError(`layer "${this.name}" (${this.className}) needs a known number of input channels`, [], inputShape, this.name);
    const dShape = [...this.kernelSize, c, this.depthMultiplier];
    const pShape = [...new Array<number>(this.rank).fill(1), c * this.depthMultiplier, this.filters];
    this.addWeight('depthwise_kernel', dShape, this.depthwiseInitializer.init(dShape));
    this.addWeight('pointwise_kernel', pShape, this.pointwiseInitializer.init(pShape));
    if (this.useBias) this.addWeight('bias', [this.filters], this.biasInitializer.init([this.filters]));
  }

  computeOutputShape(inputShape: Shape): Shape {
    this.expectRank(inputShape, this.rank + 2, `a ${this.rank + 2}-D input`);
    const { spatial } = splitShape(inputShape, this.dataFormat);
    const out = spatial.map((n, i) => (n === null ? null : windowGeometry([n], [this.kernelSize[i]!], [this.strides[i]!], [this.dilationRate[i]!], this.padding).outSize[0]!));
    return joinShape(inputShape[0] ?? null, out, this.filters, this.dataFormat);
  }

  private specs(input: Tensor): { x: Float32Array; dw: DepthwiseSpec; pw: ConvSpec; spatial: number[] } {
    const { data, batch, spatial, channels } = channelsLastInput(input, this.dataFormat, this.rank, this.name, this.className);
    const kernel = this.weightList[0]!;
    if (channels !== kernel.shape[this.rank]) throw new ShapeMismatchError(`layer "${this.name}" (${this.className}) input channels`, [kernel.shape[this.rank]!], [channels], this.name);
    const geometry = windowGeometry(spatial, this.kernelSize, this.strides, this.dilationRate, this.padding);
    const ones = new Array<number>(this.rank).fill(1);
    const pwGeo = windowGeometry(geometry.outSize, ones, ones, ones, 'valid');
    return {
      x: data,
      dw: { batch, geometry, channels, depthMultiplier: this.depthMultiplier },
      pw: { batch, geometry: pwGeo, inChannels: channels * this.depthMultiplier, outChannels: this.filters },
      spatial,
    };
  }

  private forward(input: Tensor): { x: Float32Array; mid: Float32Array; z: Float32Array; dw: DepthwiseSpec; pw: ConvSpec; spatial: number[] } {
    const { x, dw, pw, spatial } = this.specs(input);
    const [dk, pk, bias] = this.weightList;
    const mid = depthwiseForward(x, dk!.value.data, null, dw);
    const z = convForward(mid, pk!.value.data, this.useBias ? bias!.value.data : null, pw, { cacheWeights: true });
    return { x, mid, z, dw, pw, spatial };
  }

  call(input: Tensor, ctx: CallContext): Tensor {
    const { z, dw } = this.forward(input);
    const y = fromChannelsLast(z, dw.batch, dw.geometry.outSize, this.filters, this.dataFormat);
    const act = this.activation.get(ctx.hardSigmoid);
    if (act.name !== 'linear') act.apply(y.data, 0, y.size / y.shape[y.rank - 1]!, y.shape[y.rank - 1]!);
    return y;
  }

  override forwardTrain(input: Tensor, ctx: TrainCallContext): LayerTape {
    const f = this.forward(input);
    const [dk, pk, bias] = this.weightList;
    const dkData = dk!.value.data, pkData = pk!.value.data;
    const z = fromChannelsLast(f.z, f.dw.batch, f.dw.geometry.outSize, this.filters, this.dataFormat);
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
        const needMid = trainable || ctx.needInputGrad;
        const dMid = needMid ? convBackwardInput(dz, pkData, f.pw) : null;
        if (trainable) {
          weightGrads.set(dk!, new Tensor(depthwiseBackwardKernel(f.x, dMid!, f.dw), dk!.shape));
          weightGrads.set(pk!, new Tensor(convBackwardKernel(f.mid, dz, f.pw), pk!.shape));
          if (this.useBias) weightGrads.set(bias!, new Tensor(biasGradient(dz, z.size / this.filters, this.filters), bias!.shape));
        }
        const dInput = ctx.needInputGrad ? fromChannelsLast(depthwiseBackwardInput(dMid!, dkData, f.dw), f.dw.batch, f.spatial, f.dw.channels, this.dataFormat) : null;
        return { dInput, weightGrads };
      },
    };
  }

  override getConfig(): JsonObject {
    return {
      ...super.getConfig(),
      depth_multiplier: this.depthMultiplier,
      filters: this.filters,
      kernel_size: [...this.kernelSize],
      strides: [...this.strides],
      padding: this.padding,
      data_format: this.dataFormat,
      dilation_rate: [...this.dilationRate],
      activation: this.activation.name,
      use_bias: this.useBias,
      depthwise_initializer: this.depthwiseInitializer.serialize() as unknown as JsonObject,
      pointwise_initializer: this.pointwiseInitializer.serialize() as unknown as JsonObject,
      bias_initializer: this.biasInitializer.serialize() as unknown as JsonObject,
      ...this.kept,
    };
  }

  /** The options of a canonical config. */
  protected static separableOptions(config: JsonObject, className: string): SeparableConvOptions {
    const r = new ConfigReader(config, className);
    const o: SeparableConvOptions = {
      ...r.baseOptions(),
      filters: r.int('filters', 0, 1),
      kernelSize: tupleConfig(r, 'kernel_size') ?? 0,
      padding: enumConfig(r, 'padding', ['valid', 'same'] as const, 'valid'),
      dataFormat: normDataFormat(r.string('data_format', 'channels_last'), r.where),
      depthMultiplier: r.int('depth_multiplier', 1, 1),
      activation: r.activation('activation', 'linear'),
      useBias: r.bool('use_bias', true),
      depthwiseInitializer: (config.depthwise_initializer as InitializerSpec | undefined) ?? 'glorot_uniform',
      pointwiseInitializer: (config.pointwise_initializer as InitializerSpec | undefined) ?? 'glorot_uniform',
      biasInitializer: (config.bias_initializer as InitializerSpec | undefined) ?? 'zeros',
      depthwiseRegularizer: r.raw('depthwise_regularizer'),
      pointwiseRegularizer: r.raw('pointwise_regularizer'),
      biasRegularizer: r.raw('bias_regularizer'),
      activityRegularizer: r.raw('activity_regularizer'),
      depthwiseConstraint: r.raw('depthwise_constraint'),
      pointwiseConstraint: r.raw('pointwise_constraint'),
      biasConstraint: r.raw('bias_constraint'),
    };
    const strides = tupleConfig(r, 'strides');
    if (strides !== undefined) o.strides = strides;
    const dilation = tupleConfig(r, 'dilation_rate');
    if (dilation !== undefined) o.dilationRate = dilation;
    return o;
  }
}

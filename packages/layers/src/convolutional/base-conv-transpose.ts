/**
 * The shared body of Keras' `Conv1DTranspose`, `Conv2DTranspose` and `Conv3DTranspose`
 * (keras/src/layers/convolutional/base_conv_transpose.py): the transpose (input gradient) of a
 * convolution. Kernel `(k..., filters, in)` (output channels before input channels), bias `(filters)`;
 * output sizes and padding as Keras 3 computes them on JAX (`output_padding` null: Keras' default).
 */
import {
  activationBackward,
  biasGradient,
  ConfigError,
  convBackwardInput,
  convBackwardKernel,
  convForward,
  ShapeMismatchError,
  Tensor,
  transposeGeometry,
  type ConvSpec,
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

/** Options of the transposed convolutions, as Keras' arguments in camelCase. */
export interface ConvTransposeOptions extends LayerOptions {
  filters: number;
  kernelSize: IntTuple;
  strides?: IntTuple;
  padding?: 'valid' | 'same';
  /** Extra output positions at the end of each axis (each < its stride); null: Keras' default. */
  outputPadding?: IntTuple | null;
  dataFormat?: DataFormat | null;
  dilationRate?: IntTuple;
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

/** The option names of {@link ConvTransposeOptions}. */
export const CONV_TRANSPOSE_KEYS: OptionKeys<ConvTransposeOptions> = {
  filters: true, kernelSize: true, strides: true, padding: true, outputPadding: true, dataFormat: true, dilationRate: true,
  activation: true, useBias: true, kernelInitializer: true, biasInitializer: true, kernelRegularizer: true,
  biasRegularizer: true, activityRegularizer: true, kernelConstraint: true, biasConstraint: true,
};

/** A transposed convolution of 1 to 3 spatial axes. */
export abstract class BaseConvTranspose extends Layer {
  readonly rank: number;
  readonly filters: number;
  readonly kernelSize: readonly number[];
  readonly strides: readonly number[];
  readonly padding: 'valid' | 'same';
  readonly outputPadding: readonly number[] | null;
  readonly dataFormat: DataFormat;
  readonly dilationRate: readonly number[];
  readonly activation: ActivationSlot;
  readonly useBias: boolean;
  readonly kernelInitializer: Initializer;
  readonly biasInitializer: Initializer;
  readonly kept: Record<string, KeptConfig>;

  protected constructor(options: ConvTransposeOptions, rank: number, className: string, prefix: string) {
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
    this.outputPadding = options.outputPadding === undefined || options.outputPadding === null ? null : normTuple(options.outputPadding, rank, 'output_padding', where, 0, 0);
    if (this.outputPadding && this.outputPadding.some((p, i) => p >= this.strides[i]!)) {
      throw new ConfigError(`${where}: "output_padding" must be strictly less than "strides" on every axis (as in Keras), found output_padding=${JSON.stringify(this.outputPadding)}, strides=${JSON.stringify(this.strides)}`, where);
    }
    if (Math.max(...this.strides) > 1 && Math.max(...this.dilationRate) > 1) {
      throw new ConfigError(`${where}: strides > 1 are not supported together with dilation_rate > 1 (as in Keras)`, where);
    }
    this.dataFormat = normDataFormat(options.dataFormat, where);
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

  protected override buildWeights(inputShape: Shape): void {
    this.expectRank(inputShape, this.rank + 2, `a ${this.rank + 2}-D input`);
    const c = splitShape(inputShape, this.dataFormat).channels;
    if (c === null) throw new ShapeMismatchError(`layer "${this.name}" (${this.className}) needs a known number of input channels`, [], inputShape, this.name);
    const shape = [...this.kernelSize, this.filters, c];
    this.addWeight('kernel', shape, this.kernelInitializer.init(shape));
    if (this.useBias) this.addWeight('bias', [this.filters], this.biasInitializer.init([this.filters]));
  }

  /** Output size of one spatial axis. */
  private outLength(n: number, i: number): number {
    return transposeGeometry([n], [this.kernelSize[i]!], [this.strides[i]!], [this.dilationRate[i]!], this.padding, this.outputPadding ? [this.outputPadding[i]!] : null).inSize[0]!;
  }

  computeOutputShape(inputShape: Shape): Shape {
    this.expectRank(inputShape, this.rank + 2, `a ${this.rank + 2}-D input`);
    const { spatial } = splitShape(inputShape, this.dataFormat);
    return joinShape(inputShape[0] ?? null, spatial.map((n, i) => (n === null ? null : this.outLength(n, i))), this.filters, this.dataFormat);
  }

  /** The convolution this layer transposes: its input is this layer's output (filters channels). */
  private spec(input: Tensor): { x: Float32Array; spec: ConvSpec; spatial: number[]; cin: number } {
    const { data, batch, spatial, channels } = channelsLastInput(input, this.dataFormat, this.rank, this.name, this.className);
    const kernel = this.weightList[0]!;
    if (channels !== kernel.shape[this.rank + 1]) throw new ShapeMismatchError(`layer "${this.name}" (${this.className}) input channels`, [kernel.shape[this.rank + 1]!], [channels], this.name);
    const geometry = transposeGeometry(spatial, this.kernelSize, this.strides, this.dilationRate, this.padding, this.outputPadding);
    return { x: data, spec: { batch, geometry, inChannels: this.filters, outChannels: channels }, spatial, cin: channels };
  }

  private addBias(y: Float32Array): void {
    if (!this.useBias) return;
    const b = this.weightList[1]!.value.data;
    const f = this.filters;
    for (let o = 0; o < y.length; o += f) for (let j = 0; j < f; j++) y[o + j] = y[o + j]! + b[j]!;
  }

  call(input: Tensor, ctx: CallContext): Tensor {
    const { x, spec } = this.spec(input);
    const z = convBackwardInput(x, this.weightList[0]!.value.data, spec);
    this.addBias(z);
    const y = fromChannelsLast(z, spec.batch, spec.geometry.inSize, this.filters, this.dataFormat);
    const act = this.activation.get(ctx.hardSigmoid);
    if (act.name !== 'linear') act.apply(y.data, 0, y.size / y.shape[y.rank - 1]!, y.shape[y.rank - 1]!);
    return y;
  }

  override forwardTrain(input: Tensor, ctx: TrainCallContext): LayerTape {
    const { x, spec, spatial, cin } = this.spec(input);
    const [kernel, bias] = this.weightList;
    const kernelData = kernel!.value.data;
    const zc = convBackwardInput(x, kernelData, spec);
    this.addBias(zc);
    const z = fromChannelsLast(zc, spec.batch, spec.geometry.inSize, this.filters, this.dataFormat);
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
          // the transposed convolution's kernel gradient: the convolution's, with its input (this
          // layer's output gradient) and its output gradient (this layer's input)
          weightGrads.set(kernel!, new Tensor(convBackwardKernel(dz, x, spec), kernel!.shape));
          if (this.useBias) weightGrads.set(bias!, new Tensor(biasGradient(dz, z.size / this.filters, this.filters), bias!.shape));
        }
        const dInput = ctx.needInputGrad ? fromChannelsLast(convForward(dz, kernelData, null, spec, { winogradTile: 2 }), spec.batch, spatial, cin, this.dataFormat) : null;
        return { dInput, weightGrads };
      },
    };
  }

  override getConfig(): JsonObject {
    return {
      ...super.getConfig(),
      filters: this.filters,
      kernel_size: [...this.kernelSize],
      strides: [...this.strides],
      padding: this.padding,
      output_padding: this.outputPadding ? [...this.outputPadding] : null,
      data_format: this.dataFormat,
      dilation_rate: [...this.dilationRate],
      activation: this.activation.name,
      use_bias: this.useBias,
      kernel_initializer: this.kernelInitializer.serialize() as unknown as JsonObject,
      bias_initializer: this.biasInitializer.serialize() as unknown as JsonObject,
      ...this.kept,
    };
  }

  /** The options of a canonical config. */
  protected static transposeOptions(config: JsonObject, className: string): ConvTransposeOptions {
    const r = new ConfigReader(config, className);
    const o: ConvTransposeOptions = {
      ...r.baseOptions(),
      filters: r.int('filters', 0, 1),
      kernelSize: tupleConfig(r, 'kernel_size') ?? 0,
      padding: enumConfig(r, 'padding', ['valid', 'same'] as const, 'valid'),
      outputPadding: tupleConfig(r, 'output_padding') ?? null,
      dataFormat: normDataFormat(r.string('data_format', 'channels_last'), r.where),
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

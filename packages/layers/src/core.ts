import {
  activate,
  activationBackward,
  denseBackward,
  denseForward,
  getActivation,
  ShapeMismatchError,
  Tensor,
  type Activation as ActivationFn,
  type HardSigmoidVariant,
} from '@kerasts/tensor';
import { getInitializer, type Initializer, type InitializerSpec } from './initializers.js';
import type { JsonObject, JsonValue } from './json.js';
import {
  ConfigReader,
  identityTape,
  Layer,
  type CallContext,
  type LayerOptions,
  type LayerTape,
  type LayerWeight,
  type TrainCallContext,
} from './layer.js';
import type { Shape } from './shape.js';

/** Resolve an activation name once per hard_sigmoid variant (the only era-dependent one). */
export class ActivationSlot {
  private readonly cache = new Map<HardSigmoidVariant, ActivationFn>();
  constructor(readonly name: string) {
    getActivation(name); // fail early on unknown names
  }
  get(variant: HardSigmoidVariant): ActivationFn {
    let a = this.cache.get(variant);
    if (!a) {
      a = getActivation(this.name, { hardSigmoid: variant });
      this.cache.set(variant, a);
    }
    return a;
  }
}

/** A Keras regularizer or constraint config, kept and written back unchanged. */
export type KeptConfig = JsonValue | null;

/** Options of {@link Dense}, mirroring Keras' arguments. */
export interface DenseOptions extends LayerOptions {
  units: number;
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

/** Fully connected layer: `activation(x · kernel + bias)` over the last axis of any-rank input. */
export class Dense extends Layer {
  readonly className: string = 'Dense';
  readonly units: number;
  readonly activation: ActivationSlot;
  readonly useBias: boolean;
  readonly kernelInitializer: Initializer;
  readonly biasInitializer: Initializer;
  readonly kept: Record<string, KeptConfig>;

  constructor(options: DenseOptions) {
    super(options, 'dense');
    this.units = options.units;
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
    if (inputShape.length < 2) this.expectRank(inputShape, 2, 'an input of rank 2 or more');
    const inDim = inputShape[inputShape.length - 1];
    if (inDim === null || inDim === undefined) this.expectRank([], 2, 'a known last dimension');
    const d = inDim as number;
    this.addWeight('kernel', [d, this.units], this.kernelInitializer.init([d, this.units]));
    if (this.useBias) this.addWeight('bias', [this.units], this.biasInitializer.init([this.units]));
  }

  computeOutputShape(inputShape: Shape): Shape {
    return [...inputShape.slice(0, -1), this.units];
  }

  call(input: Tensor, ctx: CallContext): Tensor {
    const inDim = input.shape[input.shape.length - 1]!;
    const rows = input.size / inDim;
    const [kernel, bias] = this.weightList;
    const y = denseForward(input.data, rows, inDim, this.units, kernel!.value.data, this.useBias ? bias!.value.data : null, this.activation.get(ctx.hardSigmoid));
    return new Tensor(y, [...input.shape.slice(0, -1), this.units]);
  }

  override forwardTrain(input: Tensor, ctx: TrainCallContext): LayerTape {
    const inDim = input.shape[input.shape.length - 1]!;
    const [kernel, bias] = this.weightList;
    if (kernel!.shape[0] !== inDim) {
      throw new ShapeMismatchError(`layer "${this.name}" (Dense) input features`, [kernel!.shape[0]!], [inDim], this.name);
    }
    const rows = input.size / inDim;
    const units = this.units;
    const act = this.activation.get(ctx.hardSigmoid);
    const kernelData = kernel!.value.data;
    const z = denseForward(input.data, rows, inDim, units, kernelData, this.useBias ? bias!.value.data : null, null);
    let y = z;
    if (act.name !== 'linear') {
      y = z.slice();
      act.apply(y, 0, rows, units);
    }
    const outShape = [...input.shape.slice(0, -1), units];
    const trainable = this.trainable;
    return {
      output: new Tensor(y, outShape),
      backward: (dOutput: Tensor) => {
        const dz = act.name === 'linear' ? dOutput.data : activationBackward(act, z, y, dOutput.data, units);
        const res = denseBackward(input.data, dz, rows, inDim, units, kernelData, { needInputGrad: ctx.needInputGrad, useBias: this.useBias });
        const weightGrads = new Map<LayerWeight, Tensor>();
        if (trainable) {
          weightGrads.set(kernel!, new Tensor(res.dKernel, kernel!.shape));
          if (this.useBias && res.dBias) weightGrads.set(bias!, new Tensor(res.dBias, bias!.shape));
        }
        return { dInput: res.dx ? new Tensor(res.dx, input.shape) : null, weightGrads };
      },
    };
  }

  override getConfig(): JsonObject {
    return {
      ...super.getConfig(),
      units: this.units,
      activation: this.activation.name,
      use_bias: this.useBias,
      kernel_initializer: this.kernelInitializer.serialize() as unknown as JsonObject,
      bias_initializer: this.biasInitializer.serialize() as unknown as JsonObject,
      ...this.kept,
    };
  }

  /** Build from a canonical Keras config. */
  static fromConfig(config: JsonObject): Dense {
    const r = new ConfigReader(config, 'Dense');
    return new Dense({
      ...r.baseOptions(),
      units: r.int('units', 0, 1),
      activation: r.activation('activation', 'linear'),
      useBias: r.bool('use_bias', true),
      kernelInitializer: (config.kernel_initializer as InitializerSpec | undefined) ?? 'glorot_uniform',
      biasInitializer: (config.bias_initializer as InitializerSpec | undefined) ?? 'zeros',
      kernelRegularizer: r.raw('kernel_regularizer'),
      biasRegularizer: r.raw('bias_regularizer'),
      activityRegularizer: r.raw('activity_regularizer'),
      kernelConstraint: r.raw('kernel_constraint'),
      biasConstraint: r.raw('bias_constraint'),
    });
  }
}

/** Options of {@link Activation}. */
export interface ActivationOptions extends LayerOptions {
  activation: string;
}

/** Applies an activation function (softmax-like ones over the last axis). */
export class Activation extends Layer {
  readonly className: string = 'Activation';
  readonly activation: ActivationSlot;
  constructor(options: ActivationOptions) {
    super(options, 'activation');
    this.activation = new ActivationSlot(options.activation);
  }
  computeOutputShape(inputShape: Shape): Shape {
    return inputShape;
  }
  call(input: Tensor, ctx: CallContext): Tensor {
    return activate(input, this.activation.name, { hardSigmoid: ctx.hardSigmoid });
  }
  override forwardTrain(input: Tensor, ctx: TrainCallContext): LayerTape {
    const act = this.activation.get(ctx.hardSigmoid);
    const output = this.call(input, ctx);
    const cols = input.rank === 0 ? 1 : input.shape[input.rank - 1]!;
    return {
      output,
      backward: (d: Tensor) => ({
        dInput: ctx.needInputGrad ? new Tensor(activationBackward(act, input.data, output.data, d.data, Math.max(cols, 1)), input.shape) : null,
        weightGrads: new Map(),
      }),
    };
  }
  override getConfig(): JsonObject {
    return { ...super.getConfig(), activation: this.activation.name };
  }
  /** Build from a canonical Keras config. */
  static fromConfig(config: JsonObject): Activation {
    const r = new ConfigReader(config, 'Activation');
    return new Activation({ ...r.baseOptions(), activation: r.activation('activation', 'linear') });
  }
}

/** Options of {@link Dropout}. */
export interface DropoutOptions extends LayerOptions {
  rate: number;
  noiseShape?: (number | null)[] | null;
  seed?: number | null;
}

/** Dropout: identity at inference (kerasts predicts; training-time dropout comes with fit). */
export class Dropout extends Layer {
  readonly className: string = 'Dropout';
  readonly rate: number;
  readonly noiseShape: (number | null)[] | null;
  readonly seed: number | null;
  constructor(options: DropoutOptions) {
    super(options, 'dropout');
    this.rate = options.rate;
    this.noiseShape = options.noiseShape ?? null;
    this.seed = options.seed ?? null;
  }
  computeOutputShape(inputShape: Shape): Shape {
    return inputShape;
  }
  call(input: Tensor): Tensor {
    return input;
  }
  /**
   * In training (with a random source), zeroes each value with probability `rate` and scales the
   * others by `1/(1 − rate)`, as Keras does; a `noiseShape` shares one draw along its 1-sized axes.
   * The random stream is kerasts' own, so the masks are not the ones Keras would draw.
   */
  override forwardTrain(input: Tensor, ctx: TrainCallContext): LayerTape {
    if (!ctx.training || ctx.random === null || this.rate <= 0) return identityTape(input, ctx.needInputGrad);
    const rng = ctx.random;
    const rank = input.rank;
    const noise = this.noiseShape ? this.noiseShape.map((d, i) => (d === null ? input.shape[i]! : d)) : [...input.shape];
    if (noise.length !== rank || noise.some((d, i) => d !== 1 && d !== input.shape[i])) {
      throw new ShapeMismatchError(`layer "${this.name}" (Dropout): noise_shape does not broadcast to the input`, input.shape, noise, this.name);
    }
    let noiseSize = 1;
    for (const d of noise) noiseSize *= d;
    const keep = 1 - this.rate;
    const scale = this.rate >= 1 ? 0 : 1 / keep;
    const drawn = new Float32Array(noiseSize);
    for (let i = 0; i < noiseSize; i++) drawn[i] = rng.uniform() < keep ? scale : 0;
    const mask = new Float32Array(input.size);
    const strides = new Array<number>(rank).fill(1);
    for (let d = rank - 2; d >= 0; d--) strides[d] = strides[d + 1]! * input.shape[d + 1]!;
    const nStrides = new Array<number>(rank).fill(1);
    for (let d = rank - 2; d >= 0; d--) nStrides[d] = nStrides[d + 1]! * noise[d + 1]!;
    for (let p = 0; p < input.size; p++) {
      let rem = p;
      let q = 0;
      for (let d = 0; d < rank; d++) {
        const idx = Math.floor(rem / strides[d]!);
        rem -= idx * strides[d]!;
        if (noise[d] !== 1) q += idx * nStrides[d]!;
      }
      mask[p] = drawn[q]!;
    }
    const out = new Float32Array(input.size);
    for (let p = 0; p < input.size; p++) out[p] = input.data[p]! * mask[p]!;
    return {
      output: new Tensor(out, input.shape),
      backward: (d: Tensor) => {
        if (!ctx.needInputGrad) return { dInput: null, weightGrads: new Map() };
        const dx = new Float32Array(d.size);
        for (let p = 0; p < d.size; p++) dx[p] = d.data[p]! * mask[p]!;
        return { dInput: new Tensor(dx, input.shape), weightGrads: new Map() };
      },
    };
  }
  override getConfig(): JsonObject {
    return { ...super.getConfig(), rate: this.rate, noise_shape: this.noiseShape, seed: this.seed };
  }
  /** Build from a canonical Keras config. */
  static fromConfig(config: JsonObject): Dropout {
    const r = new ConfigReader(config, 'Dropout');
    const ns = r.shape('noise_shape');
    return new Dropout({ ...r.baseOptions(), rate: r.number('rate', 0), noiseShape: ns ? [...ns] : null, seed: config.seed === undefined || config.seed === null ? null : r.int('seed', 0) });
  }
}

/** Options of {@link InputLayer}. */
export interface InputLayerOptions extends LayerOptions {
  sparse?: boolean;
  ragged?: boolean;
}

/** The model's entry point: declares the batch input shape. */
export class InputLayer extends Layer {
  readonly className: string = 'InputLayer';
  readonly sparse: boolean;
  readonly ragged: boolean;
  constructor(options: InputLayerOptions) {
    super(options, 'input_layer');
    this.sparse = options.sparse ?? false;
    this.ragged = options.ragged ?? false;
  }
  computeOutputShape(inputShape: Shape): Shape {
    return inputShape;
  }
  call(input: Tensor): Tensor {
    return input;
  }
  override forwardTrain(input: Tensor, ctx: TrainCallContext): LayerTape {
    return identityTape(input, ctx.needInputGrad);
  }
  override getConfig(): JsonObject {
    return {
      batch_input_shape: this.batchInputShape ? [...this.batchInputShape] : null,
      dtype: this.dtype,
      sparse: this.sparse,
      ragged: this.ragged,
      name: this.name,
    };
  }
  /** Build from a canonical Keras config (`batch_input_shape` or Keras 3's `batch_shape`). */
  static fromConfig(config: JsonObject): InputLayer {
    const r = new ConfigReader(config, 'InputLayer');
    return new InputLayer({ ...r.baseOptions(), sparse: r.bool('sparse', false), ragged: r.bool('ragged', false) });
  }
}

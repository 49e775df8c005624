import { activationBackward, denseBackward, denseForward, ShapeMismatchError, Tensor } from '@kerasts/tensor';
import { ActivationSlot, type KeptConfig } from '../engine/activation-slot.js';
import { ConfigReader } from '../engine/config-reader.js';
import { Layer, type CallContext, type LayerOptions, type LayerTape, type LayerWeight, type TrainCallContext } from '../engine/layer.js';
import { layerArgs, type OptionKeys } from '../engine/options.js';
import type { JsonObject } from '../engine/json.js';
import type { Shape } from '../engine/shape.js';
import { getInitializer, type Initializer, type InitializerSpec } from '../initializers.js';

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

const DENSE_KEYS: OptionKeys<DenseOptions> = {
  units: true, activation: true, useBias: true, kernelInitializer: true, biasInitializer: true, kernelRegularizer: true,
  biasRegularizer: true, activityRegularizer: true, kernelConstraint: true, biasConstraint: true,
};

/** Fully connected layer: `activation(x · kernel + bias)` over the last axis of any-rank input. */
export class Dense extends Layer {
  readonly className: string = 'Dense';
  readonly units: number;
  readonly activation: ActivationSlot;
  readonly useBias: boolean;
  readonly kernelInitializer: Initializer;
  readonly biasInitializer: Initializer;
  readonly kept: Record<string, KeptConfig>;

  override readonly supportsMasking: boolean = true;

  /** `new Dense(units, options?)` or `new Dense({ units, ... })`, as Keras' `Dense(units, ...)`. */
  constructor(units: number, options?: Omit<DenseOptions, 'units'>);
  constructor(options: DenseOptions);
  constructor(unitsOrOptions: number | DenseOptions, more?: Omit<DenseOptions, 'units'>) {
    const options = layerArgs<DenseOptions>('Dense', [unitsOrOptions, more], { positional: ['units'], keys: DENSE_KEYS });
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
    // a layer weight: its packed panels may be kept between calls (tensor's pack cache)
    const y = denseForward(input.data, rows, inDim, this.units, kernel!.value.data, this.useBias ? bias!.value.data : null, this.activation.get(ctx.hardSigmoid), { cacheWeights: true });
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

import { activate, activationBackward, Tensor } from '@kerasts/tensor';
import { ActivationSlot } from '../engine/activation-slot.js';
import { ConfigReader } from '../engine/config-reader.js';
import { Layer, type CallContext, type LayerOptions, type LayerTape, type TrainCallContext } from '../engine/layer.js';
import { layerArgs } from '../engine/options.js';
import type { JsonObject } from '../engine/json.js';
import type { Shape } from '../engine/shape.js';

/** Options of {@link Activation}. */
export interface ActivationOptions extends LayerOptions {
  activation: string;
}

/** Applies an activation function (softmax-like ones over the last axis). */
export class Activation extends Layer {
  readonly className: string = 'Activation';
  readonly activation: ActivationSlot;
  override readonly supportsMasking: boolean = true;
  /** `new Activation('relu', options?)` or `new Activation({ activation: 'relu' })`. */
  constructor(activation: string, options?: Omit<ActivationOptions, 'activation'>);
  constructor(options: ActivationOptions);
  constructor(activationOrOptions: string | ActivationOptions, more?: Omit<ActivationOptions, 'activation'>) {
    const options = layerArgs<ActivationOptions>('Activation', [activationOrOptions, more], { positional: ['activation'], keys: { activation: true } });
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

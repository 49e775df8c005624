import { reluWithParams, reluWithParamsBackward, Tensor } from '@kerasts/tensor';
import { ConfigReader } from '../engine/config-reader.js';
import { Layer, type CallContext, type LayerOptions, type LayerTape, type TrainCallContext } from '../engine/layer.js';
import { layerArgs, type OptionKeys } from '../engine/options.js';
import type { JsonObject } from '../engine/json.js';
import type { Shape } from '../engine/shape.js';
import { nonNegative } from './relu.js';

/** Options of {@link LeakyReLU}. */
export interface LeakyReLUOptions extends LayerOptions {
  /** Slope for x < 0 (default 0.3; Keras 1/2 call it `alpha`). */
  negativeSlope?: number;
}

const LEAKY_KEYS: OptionKeys<LeakyReLUOptions> = { negativeSlope: true };

/** Keras' `LeakyReLU` layer: `x ≥ 0 ? x : negative_slope·x` (default slope 0.3, as in every Keras). */
export class LeakyReLU extends Layer {
  readonly className: string = 'LeakyReLU';
  readonly negativeSlope: number;
  override readonly supportsMasking: boolean = true;
  /** `new LeakyReLU()`, `new LeakyReLU(0.1)` or `new LeakyReLU({ negativeSlope: 0.1 })`. */
  constructor(negativeSlope?: number, options?: Omit<LeakyReLUOptions, 'negativeSlope'>);
  constructor(options?: LeakyReLUOptions);
  constructor(a?: number | LeakyReLUOptions, more?: Omit<LeakyReLUOptions, 'negativeSlope'>) {
    const options = layerArgs<LeakyReLUOptions>('LeakyReLU', [a, more], { positional: ['negativeSlope'], required: [], keys: LEAKY_KEYS });
    super(options, 'leaky_re_lu');
    this.negativeSlope = nonNegative(options.negativeSlope ?? 0.3, `layer "${this.name}" (LeakyReLU) negative_slope`);
  }
  computeOutputShape(inputShape: Shape): Shape {
    return inputShape;
  }
  call(input: Tensor, _ctx: CallContext): Tensor {
    // A zero slope is a plain relu; reluWithParams handles both.
    return new Tensor(reluWithParams(input.data, { negativeSlope: this.negativeSlope }), input.shape);
  }
  override forwardTrain(input: Tensor, ctx: TrainCallContext): LayerTape {
    return {
      output: this.call(input, ctx),
      backward: (d: Tensor) => ({
        dInput: ctx.needInputGrad ? new Tensor(reluWithParamsBackward(input.data, d.data, { negativeSlope: this.negativeSlope }), input.shape) : null,
        weightGrads: new Map(),
      }),
    };
  }
  override getConfig(): JsonObject {
    return { ...super.getConfig(), negative_slope: this.negativeSlope };
  }
  /** Build from a canonical Keras config (Keras 1/2's `alpha` is read too, as Keras 3 does). */
  static fromConfig(config: JsonObject): LeakyReLU {
    const r = new ConfigReader(config, 'LeakyReLU');
    const slope = r.has('negative_slope') ? r.number('negative_slope', 0.3) : r.number('alpha', 0.3);
    return new LeakyReLU({ ...r.baseOptions(), negativeSlope: slope });
  }
}

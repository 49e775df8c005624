import { reluWithParams, reluWithParamsBackward, Tensor } from '@kerasts/tensor';
import { ConfigReader } from '../engine/config-reader.js';
import { Layer, type CallContext, type LayerOptions, type LayerTape, type TrainCallContext } from '../engine/layer.js';
import { layerArgs, type OptionKeys } from '../engine/options.js';
import type { JsonObject } from '../engine/json.js';
import type { Shape } from '../engine/shape.js';

/** Options of {@link ThresholdedReLU}. */
export interface ThresholdedReLUOptions extends LayerOptions {
  /** Values at or below it become 0 (default 1). */
  theta?: number;
}

const THRESHOLDED_KEYS: OptionKeys<ThresholdedReLUOptions> = { theta: true };

/**
 * Keras 1/2's `ThresholdedReLU`: `x > θ ? x : 0`. Keras 3 dropped the class (the same function is
 * Keras 3's `ReLU(threshold=θ)`), so a Keras 3 file cannot hold it.
 */
export class ThresholdedReLU extends Layer {
  readonly className: string = 'ThresholdedReLU';
  readonly theta: number;
  override readonly supportsMasking: boolean = true;
  /** `new ThresholdedReLU()`, `new ThresholdedReLU(0.5)` or `new ThresholdedReLU({ theta: 0.5 })`. */
  constructor(theta?: number, options?: Omit<ThresholdedReLUOptions, 'theta'>);
  constructor(options?: ThresholdedReLUOptions);
  constructor(a?: number | ThresholdedReLUOptions, more?: Omit<ThresholdedReLUOptions, 'theta'>) {
    const options = layerArgs<ThresholdedReLUOptions>('ThresholdedReLU', [a, more], { positional: ['theta'], required: [], keys: THRESHOLDED_KEYS });
    super(options, 'thresholded_re_lu');
    this.theta = options.theta ?? 1;
  }
  computeOutputShape(inputShape: Shape): Shape {
    return inputShape;
  }
  call(input: Tensor, _ctx: CallContext): Tensor {
    return new Tensor(reluWithParams(input.data, { threshold: this.theta }), input.shape);
  }
  override forwardTrain(input: Tensor, ctx: TrainCallContext): LayerTape {
    return {
      output: this.call(input, ctx),
      backward: (d: Tensor) => ({
        dInput: ctx.needInputGrad ? new Tensor(reluWithParamsBackward(input.data, d.data, { threshold: this.theta }), input.shape) : null,
        weightGrads: new Map(),
      }),
    };
  }
  override getConfig(): JsonObject {
    return { ...super.getConfig(), theta: this.theta };
  }
  /** Build from a canonical Keras config. */
  static fromConfig(config: JsonObject): ThresholdedReLU {
    const r = new ConfigReader(config, 'ThresholdedReLU');
    return new ThresholdedReLU({ ...r.baseOptions(), theta: r.number('theta', 1) });
  }
}

import { eluWithAlpha, eluWithAlphaBackward, Tensor } from '@kerasts/tensor';
import { ConfigReader } from '../engine/config-reader.js';
import { Layer, type CallContext, type LayerOptions, type LayerTape, type TrainCallContext } from '../engine/layer.js';
import { layerArgs, type OptionKeys } from '../engine/options.js';
import type { JsonObject } from '../engine/json.js';
import type { Shape } from '../engine/shape.js';

/** Options of {@link ELU}. */
export interface ELUOptions extends LayerOptions {
  /** Scale of the negative part (default 1). */
  alpha?: number;
}

const ELU_KEYS: OptionKeys<ELUOptions> = { alpha: true };

/** Keras' `ELU` layer: `x > 0 ? x : α·(eˣ − 1)` (every era writes `alpha`; Keras 3 through its auto-config). */
export class ELU extends Layer {
  readonly className: string = 'ELU';
  readonly alpha: number;
  override readonly supportsMasking: boolean = true;
  /** `new ELU()`, `new ELU(0.5)` or `new ELU({ alpha: 0.5 })`. */
  constructor(alpha?: number, options?: Omit<ELUOptions, 'alpha'>);
  constructor(options?: ELUOptions);
  constructor(a?: number | ELUOptions, more?: Omit<ELUOptions, 'alpha'>) {
    const options = layerArgs<ELUOptions>('ELU', [a, more], { positional: ['alpha'], required: [], keys: ELU_KEYS });
    super(options, 'elu');
    this.alpha = options.alpha ?? 1;
  }
  computeOutputShape(inputShape: Shape): Shape {
    return inputShape;
  }
  call(input: Tensor, _ctx: CallContext): Tensor {
    return new Tensor(eluWithAlpha(input.data, this.alpha), input.shape);
  }
  override forwardTrain(input: Tensor, ctx: TrainCallContext): LayerTape {
    return {
      output: this.call(input, ctx),
      backward: (d: Tensor) => ({
        dInput: ctx.needInputGrad ? new Tensor(eluWithAlphaBackward(input.data, d.data, this.alpha), input.shape) : null,
        weightGrads: new Map(),
      }),
    };
  }
  override getConfig(): JsonObject {
    return { ...super.getConfig(), alpha: this.alpha };
  }
  /** Build from a canonical Keras config. */
  static fromConfig(config: JsonObject): ELU {
    const r = new ConfigReader(config, 'ELU');
    return new ELU({ ...r.baseOptions(), alpha: r.number('alpha', 1) });
  }
}

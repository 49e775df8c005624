import { ConfigError, type Tensor } from '@kerasts/tensor';
import type { KeptConfig } from '../engine/activation-slot.js';
import { ConfigReader } from '../engine/config-reader.js';
import type { JsonObject } from '../engine/json.js';
import { identityTape, Layer, type LayerOptions, type LayerTape, type TrainCallContext } from '../engine/layer.js';
import { layerArgs } from '../engine/options.js';
import type { Shape } from '../engine/shape.js';

/** Options of {@link ActivityRegularization}. */
export interface ActivityRegularizationOptions extends LayerOptions {
  l1?: number;
  l2?: number;
}

/**
 * Identity that adds `l1·Σ|x| + l2·Σx²` of its input (per batch, divided by the batch size, as
 * Keras 3 does) to the training loss (Keras `ActivityRegularization`).
 */
export class ActivityRegularization extends Layer {
  readonly className: string = 'ActivityRegularization';
  readonly l1: number;
  readonly l2: number;
  /** The activity regularizer the models add to the loss (an L1L2 with this layer's factors). */
  readonly kept: Record<string, KeptConfig>;
  override readonly supportsMasking: boolean = true;
  /** `new ActivityRegularization(l1?, l2?, options?)` or `new ActivityRegularization({ l1, l2 })`. */
  constructor(l1?: number, l2?: number, options?: Omit<ActivityRegularizationOptions, 'l1' | 'l2'>);
  constructor(options?: ActivityRegularizationOptions);
  constructor(a?: number | ActivityRegularizationOptions, b?: number, more?: Omit<ActivityRegularizationOptions, 'l1' | 'l2'>) {
    const o = layerArgs<ActivityRegularizationOptions>('ActivityRegularization', [a, b, more], { positional: ['l1', 'l2'], required: [], keys: { l1: true, l2: true } });
    super(o, 'activity_regularization');
    for (const [k, v] of [['l1', o.l1], ['l2', o.l2]] as const) {
      if (v !== undefined && (typeof v !== 'number' || !Number.isFinite(v) || v < 0)) throw new ConfigError(`ActivityRegularization: ${k} must be a non-negative number, got ${String(v)}`, this.name);
    }
    this.l1 = o.l1 ?? 0;
    this.l2 = o.l2 ?? 0;
    this.kept = { activity_regularizer: { class_name: 'L1L2', config: { l1: this.l1, l2: this.l2 } } };
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
    return { ...super.getConfig(), l1: this.l1, l2: this.l2 };
  }
  /** Build from a canonical Keras config. */
  static fromConfig(config: JsonObject): ActivityRegularization {
    const r = new ConfigReader(config, 'ActivityRegularization');
    return new ActivityRegularization({ ...r.baseOptions(), l1: r.number('l1', 0), l2: r.number('l2', 0) });
  }
}

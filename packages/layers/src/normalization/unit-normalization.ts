import { l2Normalize, l2NormalizeBackward, normPlan, Tensor, type NormPlan } from '@kerasts/tensor';
import { ConfigReader } from '../engine/config-reader.js';
import { Layer, type CallContext, type LayerOptions, type LayerTape, type TrainCallContext } from '../engine/layer.js';
import { layerArgs, type OptionKeys } from '../engine/options.js';
import type { JsonObject, JsonValue } from '../engine/json.js';
import type { Shape } from '../engine/shape.js';
import { readAxes, resolveAxes } from './axes.js';

/** Options of {@link UnitNormalization}. */
export interface UnitNormalizationOptions extends LayerOptions {
  /** The axis or axes whose L2 norm becomes 1 (default -1). */
  axis?: number | readonly number[];
}

const UN_KEYS: OptionKeys<UnitNormalizationOptions> = { axis: true };

/** Keras 3's ε of `ops.normalize` in UnitNormalization: the inverse norm is capped at 1/ε. */
const EPSILON = 1e-12;

/** Scales each sample to unit L2 norm over `axis`: `x · min(1/‖x‖, 1e12)`, as Keras 3 does. */
export class UnitNormalization extends Layer {
  readonly className: string = 'UnitNormalization';
  readonly axis: number | readonly number[];
  override readonly supportsMasking: boolean = true;

  /** `new UnitNormalization()`, `new UnitNormalization([1, 2])` or `new UnitNormalization({ axis })`. */
  constructor(axis?: number | readonly number[], options?: Omit<UnitNormalizationOptions, 'axis'>);
  constructor(options?: UnitNormalizationOptions);
  constructor(a?: number | readonly number[] | UnitNormalizationOptions, more?: Omit<UnitNormalizationOptions, 'axis'>) {
    const options = layerArgs<UnitNormalizationOptions>('UnitNormalization', [a, more], { positional: ['axis'], required: [], keys: UN_KEYS });
    super(options, 'unit_normalization');
    this.axis = readAxes(options.axis ?? -1, `layer "${this.name}" (UnitNormalization)`);
  }

  computeOutputShape(inputShape: Shape): Shape {
    resolveAxes(this.axis, inputShape.length, `layer "${this.name}" (UnitNormalization)`, inputShape);
    return inputShape;
  }

  private planFor(input: Tensor): NormPlan {
    const axes = resolveAxes(this.axis, input.rank, `layer "${this.name}" (UnitNormalization)`, input.shape);
    const keep = input.shape.map((_, i) => !axes.includes(i));
    return normPlan(input.shape, keep, keep);
  }

  call(input: Tensor, _ctx: CallContext): Tensor {
    return new Tensor(l2Normalize(input.data, this.planFor(input), EPSILON).y, input.shape);
  }

  override forwardTrain(input: Tensor, ctx: TrainCallContext): LayerTape {
    const plan = this.planFor(input);
    const { y, inv } = l2Normalize(input.data, plan, EPSILON);
    return {
      output: new Tensor(y, input.shape),
      backward: (d: Tensor) => ({
        dInput: ctx.needInputGrad ? new Tensor(l2NormalizeBackward(input.data, d.data, plan, inv, EPSILON), input.shape) : null,
        weightGrads: new Map(),
      }),
    };
  }

  override getConfig(): JsonObject {
    return { ...super.getConfig(), axis: (typeof this.axis === 'number' ? this.axis : [...this.axis]) as JsonValue };
  }

  /** Build from a canonical Keras config. */
  static fromConfig(config: JsonObject): UnitNormalization {
    const r = new ConfigReader(config, 'UnitNormalization');
    return new UnitNormalization({ ...r.baseOptions(), axis: readAxes(config.axis ?? -1, r.where) });
  }
}

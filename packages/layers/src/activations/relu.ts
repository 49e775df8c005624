import { reluWithParams, reluWithParamsBackward, ConfigError, Tensor, type ReluParams } from '@kerasts/tensor';
import { ConfigReader } from '../engine/config-reader.js';
import { Layer, type CallContext, type LayerOptions, type LayerTape, type TrainCallContext } from '../engine/layer.js';
import { layerArgs, type OptionKeys } from '../engine/options.js';
import type { JsonObject } from '../engine/json.js';
import type { Shape } from '../engine/shape.js';

/** Options of {@link ReLU}, mirroring Keras' arguments. */
export interface ReLUOptions extends LayerOptions {
  /** Upper clip (`null`, the default: none). */
  maxValue?: number | null;
  /** Slope below the threshold (default 0). */
  negativeSlope?: number;
  /** Values at or below it become 0 (default 0). */
  threshold?: number;
}

const RELU_KEYS: OptionKeys<ReLUOptions> = { maxValue: true, negativeSlope: true, threshold: true };

/** Checks a parameter Keras requires to be a number ≥ 0 (Keras raises a ValueError otherwise). */
export function nonNegative(value: unknown, what: string): number {
  if (typeof value !== 'number' || !Number.isFinite(value) || value < 0) {
    throw new ConfigError(`${what}: expected a finite number >= 0, found ${JSON.stringify(value) ?? String(value)}`);
  }
  return value;
}

/**
 * Keras' `ReLU` layer: `keras.activations.relu(x, negative_slope, max_value, threshold)` — `x` above
 * the threshold (else 0), clipped at `max_value`, minus `negative_slope·relu(threshold − x)`.
 */
export class ReLU extends Layer {
  readonly className: string = 'ReLU';
  readonly maxValue: number | null;
  readonly negativeSlope: number;
  readonly threshold: number;
  override readonly supportsMasking: boolean = true;
  /** `new ReLU()`, `new ReLU(6)` or `new ReLU({ maxValue, negativeSlope, threshold })`. */
  constructor(maxValue?: number | null, options?: Omit<ReLUOptions, 'maxValue'>);
  constructor(options?: ReLUOptions);
  constructor(a?: number | null | ReLUOptions, more?: Omit<ReLUOptions, 'maxValue'>) {
    const options = layerArgs<ReLUOptions>('ReLU', [a, more], { positional: ['maxValue'], required: [], keys: RELU_KEYS });
    super(options, 're_lu');
    const where = `layer "${this.name}" (ReLU)`;
    this.maxValue = options.maxValue === undefined || options.maxValue === null ? null : nonNegative(options.maxValue, `${where} max_value`);
    this.negativeSlope = nonNegative(options.negativeSlope ?? 0, `${where} negative_slope`);
    this.threshold = nonNegative(options.threshold ?? 0, `${where} threshold`);
  }
  private get params(): ReluParams {
    return { negativeSlope: this.negativeSlope, maxValue: this.maxValue, threshold: this.threshold };
  }
  computeOutputShape(inputShape: Shape): Shape {
    return inputShape;
  }
  call(input: Tensor, _ctx: CallContext): Tensor {
    return new Tensor(reluWithParams(input.data, this.params), input.shape);
  }
  override forwardTrain(input: Tensor, ctx: TrainCallContext): LayerTape {
    return {
      output: this.call(input, ctx),
      backward: (d: Tensor) => ({
        dInput: ctx.needInputGrad ? new Tensor(reluWithParamsBackward(input.data, d.data, this.params), input.shape) : null,
        weightGrads: new Map(),
      }),
    };
  }
  override getConfig(): JsonObject {
    return { ...super.getConfig(), max_value: this.maxValue, negative_slope: this.negativeSlope, threshold: this.threshold };
  }
  /** Build from a canonical Keras config. */
  static fromConfig(config: JsonObject): ReLU {
    const r = new ConfigReader(config, 'ReLU');
    const max = config.max_value;
    return new ReLU({
      ...r.baseOptions(),
      maxValue: max === undefined || max === null ? null : nonNegative(max, `${r.where}.max_value`),
      negativeSlope: r.number('negative_slope', 0),
      threshold: r.number('threshold', 0),
    });
  }
}

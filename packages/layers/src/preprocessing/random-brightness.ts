import { Tensor } from '@kerasts/tensor';
import type { JsonObject } from '../engine/json.js';
import type { LayerTape, TrainCallContext } from '../engine/layer.js';
import { factorRange, imageLayerArgs, imageOptionsFromConfig, RandomImageLayer, type ArgTable, type Factor, type ImageLayerOptions, type ValueRange } from './image-base.js';

const f32 = Math.fround;

/** Options of {@link RandomBrightness}. */
export interface RandomBrightnessOptions extends ImageLayerOptions {
  /** Brightness change as a fraction of the value range: `f` (→ `[-f, f]`) or `[lower, upper]` within [-1, 1]. */
  factor: Factor;
  /** Pixel range (default `[0, 255]`). */
  valueRange?: ValueRange;
  seed?: number | null;
}

const TABLE: ArgTable = {
  className: 'RandomBrightness',
  prefix: 'random_brightness',
  positional: ['factor'],
  args: [
    { key: 'factor', option: 'factor', kind: 'factor' },
    { key: 'value_range', option: 'valueRange', kind: 'range', dflt: [0, 255] },
    { key: 'seed', option: 'seed', kind: 'seed', dflt: null },
  ],
};

/**
 * Changes the brightness of images at random in training (Keras' `RandomBrightness`); the identity
 * at inference. In training, as Keras: per image a delta uniform in `[lower, upper]` times the width
 * of `value_range` is added to every pixel and the result clipped to `value_range` — drawn from
 * kerasts' seeded random stream.
 */
export class RandomBrightness extends RandomImageLayer {
  readonly className: string = 'RandomBrightness';
  readonly factor: Factor;
  readonly valueRange: ValueRange;
  readonly seed: number | null;
  private readonly range: [number, number];

  /** `new RandomBrightness(0.2)` or `new RandomBrightness({ factor, valueRange, seed })`. */
  constructor(factor: Factor, options?: Omit<RandomBrightnessOptions, 'factor'>);
  constructor(options: RandomBrightnessOptions);
  constructor(a: Factor | RandomBrightnessOptions, more?: Omit<RandomBrightnessOptions, 'factor'>) {
    super(TABLE, imageLayerArgs<RandomBrightnessOptions>(TABLE, [a, more]));
    this.factor = this.arg('factor') as unknown as Factor;
    this.valueRange = this.arg('value_range') as unknown as ValueRange;
    this.seed = this.arg('seed') as number | null;
    this.range = factorRange(this.arg('factor'), [-1, 1], 'factor', this.where);
  }

  override get augmentsInTraining(): boolean {
    return true;
  }

  protected override augment(input: Tensor, ctx: TrainCallContext): LayerTape {
    const n = input.shape[0]!;
    const per = input.size / n;
    const v0 = Math.min(this.valueRange[0], this.valueRange[1]);
    const v1 = Math.max(this.valueRange[0], this.valueRange[1]);
    const out = new Float32Array(input.size);
    const inside = new Uint8Array(input.size);
    for (let b = 0; b < n; b++) {
      const delta = f32(f32(ctx.random!.uniformRange(this.range[0], this.range[1])) * (v1 - v0));
      for (let i = b * per; i < (b + 1) * per; i++) {
        const z = f32(input.data[i]! + delta);
        inside[i] = z >= v0 && z <= v1 ? 1 : 0;
        out[i] = Math.min(Math.max(z, v0), v1);
      }
    }
    return {
      output: new Tensor(out, input.shape),
      backward: (d: Tensor) => {
        if (!ctx.needInputGrad) return { dInput: null, weightGrads: new Map() };
        const dx = new Float32Array(d.size);
        for (let i = 0; i < dx.length; i++) dx[i] = inside[i] ? d.data[i]! : 0;
        return { dInput: new Tensor(dx, input.shape), weightGrads: new Map() };
      },
    };
  }

  /** Build from a canonical Keras config. */
  static fromConfig(config: JsonObject): RandomBrightness {
    return new RandomBrightness(imageOptionsFromConfig(TABLE, config) as unknown as RandomBrightnessOptions);
  }
}

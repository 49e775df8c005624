import { Tensor } from '@kerasts/tensor';
import type { JsonObject } from '../engine/json.js';
import type { LayerTape, TrainCallContext } from '../engine/layer.js';
import { factorRange, imageLayerArgs, imageOptionsFromConfig, RandomImageLayer, type ArgTable, type Factor, type ImageLayerOptions, type ValueRange } from './image-base.js';

const f32 = Math.fround;

/** Options of {@link RandomContrast}. */
export interface RandomContrastOptions extends ImageLayerOptions {
  /** Contrast range: `f` or `[lower, upper]` within [0, 1]. */
  factor: Factor;
  /** Pixel range the output is clipped to (Keras 3; default `[0, 255]`). */
  valueRange?: ValueRange;
  seed?: number | null;
}

const TABLE: ArgTable = {
  className: 'RandomContrast',
  prefix: 'random_contrast',
  positional: ['factor'],
  args: [
    { key: 'factor', option: 'factor', kind: 'factor' },
    { key: 'value_range', option: 'valueRange', kind: 'range', dflt: [0, 255] },
    { key: 'seed', option: 'seed', kind: 'seed', dflt: null },
  ],
};

/**
 * Changes the contrast of images at random in training (Keras' `RandomContrast`); the identity at
 * inference. In training, as Keras 3: per image a factor `c` uniform in `[1 − lower, 1 + upper]`
 * (Keras 3 bounds a number `f` to `[0, f]`; tf.keras 2 files keep `[1 − f, 1 + f]`), each channel
 * becomes `(x − mean) · c + mean` (mean over height and width) and the result is clipped to
 * `value_range` — drawn from kerasts' seeded random stream.
 */
export class RandomContrast extends RandomImageLayer {
  readonly className: string = 'RandomContrast';
  readonly factor: Factor;
  readonly valueRange: ValueRange;
  readonly seed: number | null;
  private readonly range: [number, number];

  /** `new RandomContrast(0.2)` or `new RandomContrast({ factor, valueRange, seed })`. */
  constructor(factor: Factor, options?: Omit<RandomContrastOptions, 'factor'>);
  constructor(options: RandomContrastOptions);
  constructor(a: Factor | RandomContrastOptions, more?: Omit<RandomContrastOptions, 'factor'>) {
    super(TABLE, imageLayerArgs<RandomContrastOptions>(TABLE, [a, more]));
    this.factor = this.arg('factor') as unknown as Factor;
    this.valueRange = this.arg('value_range') as unknown as ValueRange;
    this.seed = this.arg('seed') as number | null;
    this.range = factorRange(this.arg('factor'), [0, 1], 'factor', this.where);
  }

  override get augmentsInTraining(): boolean {
    return true;
  }

  protected override augment(input: Tensor, ctx: TrainCallContext): LayerTape {
    const f = this.factor;
    // tf.keras 2 reads a number f as [1 - f, 1 + f]; Keras 3 bounds it to [1, 1 + f].
    const [lo, hi] = ctx.era !== undefined && ctx.era !== 'keras3' && typeof f === 'number' ? [Math.abs(f), Math.abs(f)] : this.range;
    const [n, a1, a2, a3] = input.shape as [number, number, number, number];
    const cl = this.dataFormat === 'channels_last';
    const hw = cl ? a1 * a2 : a2 * a3;
    const c = cl ? a3 : a1;
    // Element (b, p, ch) of image b, pixel p, channel ch.
    const at = (b: number, p: number, ch: number): number => (cl ? (b * hw + p) * c + ch : (b * c + ch) * hw + p);
    const out = new Float32Array(input.size);
    const inside = new Uint8Array(input.size);
    const factors = new Float32Array(n);
    const [v0, v1] = this.valueRange;
    for (let b = 0; b < n; b++) {
      const cf = f32(ctx.random!.uniformRange(1 - lo, 1 + hi));
      factors[b] = cf;
      for (let ch = 0; ch < c; ch++) {
        let s = 0;
        for (let p = 0; p < hw; p++) s += input.data[at(b, p, ch)]!;
        const mean = f32(s / hw);
        for (let p = 0; p < hw; p++) {
          const i = at(b, p, ch);
          const z = f32(f32(f32(input.data[i]! - mean) * cf) + mean);
          inside[i] = z >= v0 && z <= v1 ? 1 : 0;
          out[i] = Math.min(Math.max(z, v0), v1);
        }
      }
    }
    return {
      output: new Tensor(out, input.shape),
      backward: (d: Tensor) => {
        if (!ctx.needInputGrad) return { dInput: null, weightGrads: new Map() };
        const dx = new Float32Array(d.size);
        for (let b = 0; b < n; b++) {
          const cf = factors[b]!;
          for (let ch = 0; ch < c; ch++) {
            let s = 0;
            for (let p = 0; p < hw; p++) {
              const i = at(b, p, ch);
              if (inside[i]) s += d.data[i]!;
            }
            const shared = ((1 - cf) * s) / hw;
            for (let p = 0; p < hw; p++) {
              const i = at(b, p, ch);
              dx[i] = (inside[i] ? cf * d.data[i]! : 0) + shared;
            }
          }
        }
        return { dInput: new Tensor(dx, input.shape), weightGrads: new Map() };
      },
    };
  }

  /** Build from a canonical Keras config. */
  static fromConfig(config: JsonObject): RandomContrast {
    return new RandomContrast(imageOptionsFromConfig(TABLE, config) as unknown as RandomContrastOptions);
  }
}

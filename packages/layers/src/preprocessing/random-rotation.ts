import type { Tensor } from '@kerasts/tensor';
import type { JsonObject } from '../engine/json.js';
import type { LayerTape, TrainCallContext } from '../engine/layer.js';
import { affineTape, factorRange, type FillMode, imageLayerArgs, imageOptionsFromConfig, RandomImageLayer, type ArgTable, type ImageLayerOptions, type Factor } from './image-base.js';

const f32 = Math.fround;

/** Options of {@link RandomRotation} (Keras' arguments in camelCase). */
export interface RandomRotationOptions extends ImageLayerOptions {
  /** Rotation range as a fraction of 2π: `f` (→ `[-f, f]`) or `[lower, upper]`. */
  factor: Factor;
  /** How pixels from outside the image are filled (default `reflect`). */
  fillMode?: 'reflect' | 'wrap' | 'constant' | 'nearest';
  /** Default `bilinear`. */
  interpolation?: 'bilinear' | 'nearest';
  seed?: number | null;
  /** Value for `fill_mode: 'constant'` (default 0). */
  fillValue?: number;
}

const TABLE: ArgTable = {
  className: 'RandomRotation',
  prefix: 'random_rotation',
  positional: ['factor'],
  args: [
    { key: 'factor', option: 'factor', kind: 'factor' },
    { key: 'fill_mode', option: 'fillMode', kind: { oneOf: ['reflect', 'wrap', 'constant', 'nearest'] }, dflt: "reflect" },
    { key: 'interpolation', option: 'interpolation', kind: { oneOf: ['bilinear', 'nearest'] }, dflt: "bilinear" },
    { key: 'seed', option: 'seed', kind: 'seed', dflt: null },
    { key: 'fill_value', option: 'fillValue', kind: 'number', dflt: 0 },
  ],
};

/**
 * Rotates images at random in training (Keras' `RandomRotation`);
 * the identity at inference, as in Keras. In training (`fit`) it rotates each image by an angle
 * uniform in `[lower, upper]·360°` about its centre with Keras 3's matrix and `affine_transform`
 * (fill modes, bilinear or nearest), the angle drawn from kerasts' seeded random stream. The config
 * is kept as Keras wrote it, so a saved model still augments when Keras loads it.
 */
export class RandomRotation extends RandomImageLayer {
  readonly className: string = 'RandomRotation';
  private readonly range: [number, number];

  /** `new RandomRotation(factor, options?)` or `new RandomRotation({ ... })`. */
  constructor(factor: Factor, options?: Omit<RandomRotationOptions, 'factor'>);
  constructor(options: RandomRotationOptions);
  constructor(a: Factor | RandomRotationOptions, more?: Omit<RandomRotationOptions, 'factor'>) {
    super(TABLE, imageLayerArgs<RandomRotationOptions>(TABLE, [a, more]));
    this.range = factorRange(this.arg('factor'), [-1, 1], 'factor', this.where);
  }

  override get augmentsInTraining(): boolean {
    return true;
  }

  protected override augment(input: Tensor, ctx: TrainCallContext): LayerTape {
    const [ha, wa] = this.spatialAxes();
    const h = input.shape[ha]!;
    const w = input.shape[wa]!;
    const n = input.shape[0]!;
    const t = new Float32Array(n * 8);
    // Keras' _compute_affine_matrix with centre (0.5, 0.5), no shift, shear or scale, in float32.
    const cx = f32(0.5 * (w - 1));
    const cy = f32(0.5 * (h - 1));
    for (let b = 0; b < n; b++) {
      const angle = f32(ctx.random!.uniformRange(this.range[0] * 360, this.range[1] * 360));
      const rad = f32(angle * f32(Math.PI / 180));
      const cos = f32(Math.cos(rad));
      const sin = f32(Math.sin(rad));
      const a0 = cos;
      const a1 = -sin;
      const b0 = sin;
      const b1 = cos;
      t.set([a0, a1, f32(f32(cx - f32(cx * a0)) - f32(cy * a1)), b0, b1, f32(f32(cy - f32(cx * b0)) - f32(cy * b1)), 0, 0], b * 8);
    }
    return affineTape(input, t, { interpolation: this.arg('interpolation') as 'bilinear' | 'nearest', fillMode: this.arg('fill_mode') as FillMode, fillValue: this.arg('fill_value') as number, layout: this.dataFormat }, ctx);
  }

  /** Build from a canonical Keras config. */
  static fromConfig(config: JsonObject): RandomRotation {
    return new RandomRotation(imageOptionsFromConfig(TABLE, config) as unknown as RandomRotationOptions);
  }
}

import type { Tensor } from '@kerasts/tensor';
import type { JsonObject } from '../engine/json.js';
import type { LayerTape, TrainCallContext } from '../engine/layer.js';
import { affineTape, signedRange, type FillMode, imageLayerArgs, imageOptionsFromConfig, RandomImageLayer, type ArgTable, type ImageLayerOptions, type Factor } from './image-base.js';

const f32 = Math.fround;

/** Options of {@link RandomTranslation} (Keras' arguments in camelCase). */
export interface RandomTranslationOptions extends ImageLayerOptions {
  /** Vertical shift range as a fraction of the height. */
  heightFactor: Factor;
  /** Horizontal shift range as a fraction of the width. */
  widthFactor: Factor;
  /** How pixels from outside the image are filled (default `reflect`). */
  fillMode?: 'reflect' | 'wrap' | 'constant' | 'nearest';
  /** Default `bilinear`. */
  interpolation?: 'bilinear' | 'nearest';
  seed?: number | null;
  /** Value for `fill_mode: 'constant'` (default 0). */
  fillValue?: number;
}

const TABLE: ArgTable = {
  className: 'RandomTranslation',
  prefix: 'random_translation',
  positional: ['heightFactor'],
  args: [
    { key: 'height_factor', option: 'heightFactor', kind: 'factor' },
    { key: 'width_factor', option: 'widthFactor', kind: 'factor' },
    { key: 'fill_mode', option: 'fillMode', kind: { oneOf: ['reflect', 'wrap', 'constant', 'nearest'] }, dflt: "reflect" },
    { key: 'interpolation', option: 'interpolation', kind: { oneOf: ['bilinear', 'nearest'] }, dflt: "bilinear" },
    { key: 'seed', option: 'seed', kind: 'seed', dflt: null },
    { key: 'fill_value', option: 'fillValue', kind: 'number', dflt: 0 },
  ],
};

/**
 * Translates images at random in training (Keras' `RandomTranslation`);
 * the identity at inference, as in Keras. In training (`fit`) it shifts each image by `u·height` and
 * `v·width` pixels (`u`, `v` uniform in the factors' ranges) with Keras 3's matrix and
 * `affine_transform`, drawn from kerasts' seeded random stream. The config is kept as Keras wrote
 * it, so a saved model still augments when Keras loads it.
 */
export class RandomTranslation extends RandomImageLayer {
  readonly className: string = 'RandomTranslation';
  private readonly heightRange: [number, number];
  private readonly widthRange: [number, number];

  /** `new RandomTranslation(heightFactor, options?)` or `new RandomTranslation({ ... })`. */
  constructor(heightFactor: Factor, options?: Omit<RandomTranslationOptions, 'heightFactor'>);
  constructor(options: RandomTranslationOptions);
  constructor(a: Factor | RandomTranslationOptions, more?: Omit<RandomTranslationOptions, 'heightFactor'>) {
    super(TABLE, imageLayerArgs<RandomTranslationOptions>(TABLE, [a, more]));
    this.heightRange = signedRange(this.arg('height_factor'), 'height_factor', this.where, false);
    this.widthRange = signedRange(this.arg('width_factor'), 'width_factor', this.where, false);
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
    for (let b = 0; b < n; b++) {
      const dy = f32(f32(ctx.random!.uniformRange(this.heightRange[0], this.heightRange[1])) * h);
      const dx = f32(f32(ctx.random!.uniformRange(this.widthRange[0], this.widthRange[1])) * w);
      t.set([1, 0, -dx, 0, 1, -dy, 0, 0], b * 8);
    }
    return affineTape(input, t, { interpolation: this.arg('interpolation') as 'bilinear' | 'nearest', fillMode: this.arg('fill_mode') as FillMode, fillValue: this.arg('fill_value') as number, layout: this.dataFormat }, ctx);
  }

  /** Build from a canonical Keras config. */
  static fromConfig(config: JsonObject): RandomTranslation {
    return new RandomTranslation(imageOptionsFromConfig(TABLE, config) as unknown as RandomTranslationOptions);
  }
}

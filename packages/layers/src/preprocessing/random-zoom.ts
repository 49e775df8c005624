import type { Tensor } from '@kerasts/tensor';
import type { JsonObject } from '../engine/json.js';
import type { LayerTape, TrainCallContext } from '../engine/layer.js';
import { affineTape, signedRange, type FillMode, imageLayerArgs, imageOptionsFromConfig, RandomImageLayer, type ArgTable, type ImageLayerOptions, type Factor } from './image-base.js';

const f32 = Math.fround;

/** Options of {@link RandomZoom} (Keras' arguments in camelCase). */
export interface RandomZoomOptions extends ImageLayerOptions {
  /** Vertical zoom range: `f` or `[lower, upper]` (negative zooms in). */
  heightFactor: Factor;
  /** Horizontal zoom range; null (default) keeps the aspect ratio. */
  widthFactor?: Factor | null;
  /** How pixels from outside the image are filled (default `reflect`). */
  fillMode?: 'reflect' | 'wrap' | 'constant' | 'nearest';
  /** Default `bilinear`. */
  interpolation?: 'bilinear' | 'nearest';
  seed?: number | null;
  /** Value for `fill_mode: 'constant'` (default 0). */
  fillValue?: number;
}

const TABLE: ArgTable = {
  className: 'RandomZoom',
  prefix: 'random_zoom',
  positional: ['heightFactor'],
  args: [
    { key: 'height_factor', option: 'heightFactor', kind: 'factor' },
    { key: 'width_factor', option: 'widthFactor', kind: 'factorOrNull', dflt: null },
    { key: 'fill_mode', option: 'fillMode', kind: { oneOf: ['reflect', 'wrap', 'constant', 'nearest'] }, dflt: "reflect" },
    { key: 'interpolation', option: 'interpolation', kind: { oneOf: ['bilinear', 'nearest'] }, dflt: "bilinear" },
    { key: 'seed', option: 'seed', kind: 'seed', dflt: null },
    { key: 'fill_value', option: 'fillValue', kind: 'number', dflt: 0 },
  ],
};

/**
 * Zooms images at random in training (Keras' `RandomZoom`);
 * the identity at inference, as in Keras. In training (`fit`) it zooms each image by `1 + u` per axis
 * (`u` uniform in the factor's range; the width follows the height when `width_factor` is null)
 * about its centre with Keras 3's matrix and `affine_transform`, drawn from kerasts' seeded random
 * stream. The config is kept as Keras wrote it, so a saved model still augments when Keras loads it.
 */
export class RandomZoom extends RandomImageLayer {
  readonly className: string = 'RandomZoom';
  private readonly heightRange: [number, number];
  private readonly widthRange: [number, number] | null;

  /** `new RandomZoom(heightFactor, options?)` or `new RandomZoom({ ... })`. */
  constructor(heightFactor: Factor, options?: Omit<RandomZoomOptions, 'heightFactor'>);
  constructor(options: RandomZoomOptions);
  constructor(a: Factor | RandomZoomOptions, more?: Omit<RandomZoomOptions, 'heightFactor'>) {
    super(TABLE, imageLayerArgs<RandomZoomOptions>(TABLE, [a, more]));
    this.heightRange = signedRange(this.arg('height_factor'), 'height_factor', this.where, true);
    const wf = this.arg('width_factor');
    this.widthRange = wf === null ? null : signedRange(wf, 'width_factor', this.where, true);
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
      const zy = f32(ctx.random!.uniformRange(1 + this.heightRange[0], 1 + this.heightRange[1]));
      const zx = this.widthRange ? f32(ctx.random!.uniformRange(1 + this.widthRange[0], 1 + this.widthRange[1])) : zy;
      t.set([zx, 0, f32(f32((w - 1) / 2) * f32(1 - zx)), 0, zy, f32(f32((h - 1) / 2) * f32(1 - zy)), 0, 0], b * 8);
    }
    return affineTape(input, t, { interpolation: this.arg('interpolation') as 'bilinear' | 'nearest', fillMode: this.arg('fill_mode') as FillMode, fillValue: this.arg('fill_value') as number, layout: this.dataFormat }, ctx);
  }

  /** Build from a canonical Keras config. */
  static fromConfig(config: JsonObject): RandomZoom {
    return new RandomZoom(imageOptionsFromConfig(TABLE, config) as unknown as RandomZoomOptions);
  }
}

import type { JsonObject } from '../engine/json.js';
import { imageLayerArgs, imageOptionsFromConfig, RandomImageLayer, type ArgTable, type ImageLayerOptions, type Factor } from './image-base.js';

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
 * the identity at inference, as in Keras. kerasts does not implement this transform: in training
 * (`fit`) the layer is the identity too (see {@link RandomImageLayer.augmentsInTraining}). The
 * config is kept as Keras wrote it, so a saved model still augments when Keras loads it.
 */
export class RandomZoom extends RandomImageLayer {
  readonly className: string = 'RandomZoom';

  /** `new RandomZoom(heightFactor, options?)` or `new RandomZoom({ ... })`. */
  constructor(heightFactor: Factor, options?: Omit<RandomZoomOptions, 'heightFactor'>);
  constructor(options: RandomZoomOptions);
  constructor(a: Factor | RandomZoomOptions, more?: Omit<RandomZoomOptions, 'heightFactor'>) {
    super(TABLE, imageLayerArgs<RandomZoomOptions>(TABLE, [a, more]));
  }

  /** Build from a canonical Keras config. */
  static fromConfig(config: JsonObject): RandomZoom {
    return new RandomZoom(imageOptionsFromConfig(TABLE, config) as unknown as RandomZoomOptions);
  }
}

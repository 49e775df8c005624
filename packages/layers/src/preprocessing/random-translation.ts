import type { JsonObject } from '../engine/json.js';
import { imageLayerArgs, imageOptionsFromConfig, RandomImageLayer, type ArgTable, type ImageLayerOptions, type Factor } from './image-base.js';

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
 * the identity at inference, as in Keras. kerasts does not implement this transform: in training
 * (`fit`) the layer is the identity too (see {@link RandomImageLayer.augmentsInTraining}). The
 * config is kept as Keras wrote it, so a saved model still augments when Keras loads it.
 */
export class RandomTranslation extends RandomImageLayer {
  readonly className: string = 'RandomTranslation';

  /** `new RandomTranslation(heightFactor, options?)` or `new RandomTranslation({ ... })`. */
  constructor(heightFactor: Factor, options?: Omit<RandomTranslationOptions, 'heightFactor'>);
  constructor(options: RandomTranslationOptions);
  constructor(a: Factor | RandomTranslationOptions, more?: Omit<RandomTranslationOptions, 'heightFactor'>) {
    super(TABLE, imageLayerArgs<RandomTranslationOptions>(TABLE, [a, more]));
  }

  /** Build from a canonical Keras config. */
  static fromConfig(config: JsonObject): RandomTranslation {
    return new RandomTranslation(imageOptionsFromConfig(TABLE, config) as unknown as RandomTranslationOptions);
  }
}

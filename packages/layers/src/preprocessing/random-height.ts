import type { JsonObject } from '../engine/json.js';
import { imageLayerArgs, imageOptionsFromConfig, RandomImageLayer, type ArgTable, type ImageLayerOptions, type Factor } from './image-base.js';

/** Options of {@link RandomHeight} (Keras' arguments in camelCase). */
export interface RandomHeightOptions extends ImageLayerOptions {
  /** Height change range as a fraction of the height. */
  factor: Factor;
  /** Default `bilinear`. */
  interpolation?: 'bilinear' | 'nearest' | 'bicubic' | 'area' | 'lanczos3' | 'lanczos5' | 'gaussian' | 'mitchellcubic';
  seed?: number | null;
}

const TABLE: ArgTable = {
  className: 'RandomHeight',
  prefix: 'random_height',
  positional: ['factor'],
  args: [
    { key: 'factor', option: 'factor', kind: 'factor' },
    { key: 'interpolation', option: 'interpolation', kind: { oneOf: ['bilinear', 'nearest', 'bicubic', 'area', 'lanczos3', 'lanczos5', 'gaussian', 'mitchellcubic'] }, dflt: "bilinear" },
    { key: 'seed', option: 'seed', kind: 'seed', dflt: null },
  ],
};

/**
 * Stretches the height of images at random in training (tf.keras 2's `RandomHeight`; Keras 3 has no such layer);
 * the identity at inference, as in Keras. kerasts does not implement this transform: in training
 * (`fit`) the layer is the identity too (see {@link RandomImageLayer.augmentsInTraining}). The
 * config is kept as Keras wrote it, so a saved model still augments when Keras loads it.
 */
export class RandomHeight extends RandomImageLayer {
  readonly className: string = 'RandomHeight';

  /** `new RandomHeight(factor, options?)` or `new RandomHeight({ ... })`. */
  constructor(factor: Factor, options?: Omit<RandomHeightOptions, 'factor'>);
  constructor(options: RandomHeightOptions);
  constructor(a: Factor | RandomHeightOptions, more?: Omit<RandomHeightOptions, 'factor'>) {
    super(TABLE, imageLayerArgs<RandomHeightOptions>(TABLE, [a, more]));
  }

  /** Build from a canonical Keras config. */
  static fromConfig(config: JsonObject): RandomHeight {
    return new RandomHeight(imageOptionsFromConfig(TABLE, config) as unknown as RandomHeightOptions);
  }
}

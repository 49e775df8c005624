import type { JsonObject } from '../engine/json.js';
import { imageLayerArgs, imageOptionsFromConfig, RandomImageLayer, type ArgTable, type ImageLayerOptions, type Factor, type ValueRange } from './image-base.js';

/** Options of {@link RandomSaturation} (Keras' arguments in camelCase). */
export interface RandomSaturationOptions extends ImageLayerOptions {
  /** Saturation range. */
  factor: Factor;
  /** Pixel range (default `[0, 255]`). */
  valueRange?: ValueRange;
  seed?: number | null;
}

const TABLE: ArgTable = {
  className: 'RandomSaturation',
  prefix: 'random_saturation',
  positional: ['factor'],
  args: [
    { key: 'factor', option: 'factor', kind: 'factor' },
    { key: 'value_range', option: 'valueRange', kind: 'range', dflt: [0, 255] },
    { key: 'seed', option: 'seed', kind: 'seed', dflt: null },
  ],
};

/**
 * Changes the saturation of images at random in training (Keras 3's `RandomSaturation`);
 * the identity at inference, as in Keras. kerasts does not implement this transform: in training
 * (`fit`) the layer is the identity too (see {@link RandomImageLayer.augmentsInTraining}). The
 * config is kept as Keras wrote it, so a saved model still augments when Keras loads it.
 */
export class RandomSaturation extends RandomImageLayer {
  readonly className: string = 'RandomSaturation';

  /** `new RandomSaturation(factor, options?)` or `new RandomSaturation({ ... })`. */
  constructor(factor: Factor, options?: Omit<RandomSaturationOptions, 'factor'>);
  constructor(options: RandomSaturationOptions);
  constructor(a: Factor | RandomSaturationOptions, more?: Omit<RandomSaturationOptions, 'factor'>) {
    super(TABLE, imageLayerArgs<RandomSaturationOptions>(TABLE, [a, more]));
  }

  /** Build from a canonical Keras config. */
  static fromConfig(config: JsonObject): RandomSaturation {
    return new RandomSaturation(imageOptionsFromConfig(TABLE, config) as unknown as RandomSaturationOptions);
  }
}

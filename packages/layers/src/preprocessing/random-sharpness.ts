import type { JsonObject } from '../engine/json.js';
import { imageLayerArgs, imageOptionsFromConfig, RandomImageLayer, type ArgTable, type ImageLayerOptions, type Factor, type ValueRange } from './image-base.js';

/** Options of {@link RandomSharpness} (Keras' arguments in camelCase). */
export interface RandomSharpnessOptions extends ImageLayerOptions {
  /** Sharpness range. */
  factor: Factor;
  /** Pixel range (default `[0, 255]`). */
  valueRange?: ValueRange;
  seed?: number | null;
}

const TABLE: ArgTable = {
  className: 'RandomSharpness',
  prefix: 'random_sharpness',
  positional: ['factor'],
  args: [
    { key: 'factor', option: 'factor', kind: 'factor' },
    { key: 'value_range', option: 'valueRange', kind: 'range', dflt: [0, 255] },
    { key: 'seed', option: 'seed', kind: 'seed', dflt: null },
  ],
};

/**
 * Changes the sharpness of images at random in training (Keras 3's `RandomSharpness`);
 * the identity at inference, as in Keras. kerasts does not implement this transform: in training
 * (`fit`) the layer is the identity too (see {@link RandomImageLayer.augmentsInTraining}). The
 * config is kept as Keras wrote it, so a saved model still augments when Keras loads it.
 */
export class RandomSharpness extends RandomImageLayer {
  readonly className: string = 'RandomSharpness';

  /** `new RandomSharpness(factor, options?)` or `new RandomSharpness({ ... })`. */
  constructor(factor: Factor, options?: Omit<RandomSharpnessOptions, 'factor'>);
  constructor(options: RandomSharpnessOptions);
  constructor(a: Factor | RandomSharpnessOptions, more?: Omit<RandomSharpnessOptions, 'factor'>) {
    super(TABLE, imageLayerArgs<RandomSharpnessOptions>(TABLE, [a, more]));
  }

  /** Build from a canonical Keras config. */
  static fromConfig(config: JsonObject): RandomSharpness {
    return new RandomSharpness(imageOptionsFromConfig(TABLE, config) as unknown as RandomSharpnessOptions);
  }
}

import type { JsonObject } from '../engine/json.js';
import { imageLayerArgs, imageOptionsFromConfig, RandomImageLayer, type ArgTable, type ImageLayerOptions, type Factor, type ValueRange } from './image-base.js';

/** Options of {@link RandomPosterization} (Keras' arguments in camelCase). */
export interface RandomPosterizationOptions extends ImageLayerOptions {
  /** Bits kept per channel, within [1, 8]. */
  factor: Factor;
  /** Pixel range (default `[0, 255]`). */
  valueRange?: ValueRange;
  seed?: number | null;
}

const TABLE: ArgTable = {
  className: 'RandomPosterization',
  prefix: 'random_posterization',
  positional: ['factor'],
  args: [
    { key: 'factor', option: 'factor', kind: 'factor' },
    { key: 'value_range', option: 'valueRange', kind: 'range', dflt: [0, 255] },
    { key: 'seed', option: 'seed', kind: 'seed', dflt: null },
  ],
};

/**
 * Reduces the bits per channel at random in training (Keras 3's `RandomPosterization`);
 * the identity at inference, as in Keras. kerasts does not implement this transform: in training
 * (`fit`) the layer is the identity too (see {@link RandomImageLayer.augmentsInTraining}). The
 * config is kept as Keras wrote it, so a saved model still augments when Keras loads it.
 */
export class RandomPosterization extends RandomImageLayer {
  readonly className: string = 'RandomPosterization';

  /** `new RandomPosterization(factor, options?)` or `new RandomPosterization({ ... })`. */
  constructor(factor: Factor, options?: Omit<RandomPosterizationOptions, 'factor'>);
  constructor(options: RandomPosterizationOptions);
  constructor(a: Factor | RandomPosterizationOptions, more?: Omit<RandomPosterizationOptions, 'factor'>) {
    super(TABLE, imageLayerArgs<RandomPosterizationOptions>(TABLE, [a, more]));
  }

  /** Build from a canonical Keras config. */
  static fromConfig(config: JsonObject): RandomPosterization {
    return new RandomPosterization(imageOptionsFromConfig(TABLE, config) as unknown as RandomPosterizationOptions);
  }
}

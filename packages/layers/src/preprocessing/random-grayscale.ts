import type { JsonObject } from '../engine/json.js';
import { imageLayerArgs, imageOptionsFromConfig, RandomImageLayer, type ArgTable, type ImageLayerOptions } from './image-base.js';

/** Options of {@link RandomGrayscale} (Keras' arguments in camelCase). */
export interface RandomGrayscaleOptions extends ImageLayerOptions {
  /** Probability of turning an image gray (default 0.5). */
  factor?: number;
}

const TABLE: ArgTable = {
  className: 'RandomGrayscale',
  prefix: 'random_grayscale',
  positional: ['factor'],
  args: [
    { key: 'factor', option: 'factor', kind: 'number', dflt: 0.5 },
  ],
};

/**
 * Turns images gray at random in training (Keras 3's `RandomGrayscale`);
 * the identity at inference, as in Keras. kerasts does not implement this transform: in training
 * (`fit`) the layer is the identity too (see {@link RandomImageLayer.augmentsInTraining}). The
 * config is kept as Keras wrote it, so a saved model still augments when Keras loads it.
 */
export class RandomGrayscale extends RandomImageLayer {
  readonly className: string = 'RandomGrayscale';

  /** `new RandomGrayscale(factor, options?)` or `new RandomGrayscale({ ... })`. */
  constructor(factor?: number, options?: Omit<RandomGrayscaleOptions, 'factor'>);
  constructor(options?: RandomGrayscaleOptions);
  constructor(a?: number | RandomGrayscaleOptions, more?: Omit<RandomGrayscaleOptions, 'factor'>) {
    super(TABLE, imageLayerArgs<RandomGrayscaleOptions>(TABLE, [a, more]));
  }

  /** Build from a canonical Keras config. */
  static fromConfig(config: JsonObject): RandomGrayscale {
    return new RandomGrayscale(imageOptionsFromConfig(TABLE, config) as unknown as RandomGrayscaleOptions);
  }
}

import type { JsonObject } from '../engine/json.js';
import { imageLayerArgs, imageOptionsFromConfig, RandomImageLayer, type ArgTable, type ImageLayerOptions, type Factor, type ValueRange } from './image-base.js';

/** Options of {@link RandomInvert} (Keras' arguments in camelCase). */
export interface RandomInvertOptions extends ImageLayerOptions {
  /** Probability range of inverting an image (default 1). */
  factor?: Factor;
  /** Pixel range (default `[0, 255]`). */
  valueRange?: ValueRange;
  seed?: number | null;
}

const TABLE: ArgTable = {
  className: 'RandomInvert',
  prefix: 'random_invert',
  positional: ['factor'],
  args: [
    { key: 'factor', option: 'factor', kind: 'factor', dflt: 1 },
    { key: 'value_range', option: 'valueRange', kind: 'range', dflt: [0, 255] },
    { key: 'seed', option: 'seed', kind: 'seed', dflt: null },
  ],
};

/**
 * Inverts images at random in training (Keras 3's `RandomInvert`);
 * the identity at inference, as in Keras. kerasts does not implement this transform: in training
 * (`fit`) the layer is the identity too (see {@link RandomImageLayer.augmentsInTraining}). The
 * config is kept as Keras wrote it, so a saved model still augments when Keras loads it.
 */
export class RandomInvert extends RandomImageLayer {
  readonly className: string = 'RandomInvert';

  /** `new RandomInvert(factor, options?)` or `new RandomInvert({ ... })`. */
  constructor(factor?: Factor, options?: Omit<RandomInvertOptions, 'factor'>);
  constructor(options?: RandomInvertOptions);
  constructor(a?: Factor | RandomInvertOptions, more?: Omit<RandomInvertOptions, 'factor'>) {
    super(TABLE, imageLayerArgs<RandomInvertOptions>(TABLE, [a, more]));
  }

  /** Build from a canonical Keras config. */
  static fromConfig(config: JsonObject): RandomInvert {
    return new RandomInvert(imageOptionsFromConfig(TABLE, config) as unknown as RandomInvertOptions);
  }
}

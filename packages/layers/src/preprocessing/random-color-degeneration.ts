import type { JsonObject } from '../engine/json.js';
import { imageLayerArgs, imageOptionsFromConfig, RandomImageLayer, type ArgTable, type ImageLayerOptions, type Factor, type ValueRange } from './image-base.js';

/** Options of {@link RandomColorDegeneration} (Keras' arguments in camelCase). */
export interface RandomColorDegenerationOptions extends ImageLayerOptions {
  /** Degeneration range. */
  factor: Factor;
  /** Pixel range (default `[0, 255]`). */
  valueRange?: ValueRange;
  seed?: number | null;
}

const TABLE: ArgTable = {
  className: 'RandomColorDegeneration',
  prefix: 'random_color_degeneration',
  positional: ['factor'],
  args: [
    { key: 'factor', option: 'factor', kind: 'factor' },
    { key: 'value_range', option: 'valueRange', kind: 'range', dflt: [0, 255] },
    { key: 'seed', option: 'seed', kind: 'seed', dflt: null },
  ],
};

/**
 * Blends images with their grayscale version at random in training (Keras 3's `RandomColorDegeneration`);
 * the identity at inference, as in Keras. kerasts does not implement this transform: in training
 * (`fit`) the layer is the identity too (see {@link RandomImageLayer.augmentsInTraining}). The
 * config is kept as Keras wrote it, so a saved model still augments when Keras loads it.
 */
export class RandomColorDegeneration extends RandomImageLayer {
  readonly className: string = 'RandomColorDegeneration';

  /** `new RandomColorDegeneration(factor, options?)` or `new RandomColorDegeneration({ ... })`. */
  constructor(factor: Factor, options?: Omit<RandomColorDegenerationOptions, 'factor'>);
  constructor(options: RandomColorDegenerationOptions);
  constructor(a: Factor | RandomColorDegenerationOptions, more?: Omit<RandomColorDegenerationOptions, 'factor'>) {
    super(TABLE, imageLayerArgs<RandomColorDegenerationOptions>(TABLE, [a, more]));
  }

  /** Build from a canonical Keras config. */
  static fromConfig(config: JsonObject): RandomColorDegeneration {
    return new RandomColorDegeneration(imageOptionsFromConfig(TABLE, config) as unknown as RandomColorDegenerationOptions);
  }
}

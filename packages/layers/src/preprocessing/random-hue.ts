import type { JsonObject } from '../engine/json.js';
import { imageLayerArgs, imageOptionsFromConfig, RandomImageLayer, type ArgTable, type ImageLayerOptions, type Factor, type ValueRange } from './image-base.js';

/** Options of {@link RandomHue} (Keras' arguments in camelCase). */
export interface RandomHueOptions extends ImageLayerOptions {
  /** Hue shift range. */
  factor: Factor;
  /** Pixel range (default `[0, 255]`). */
  valueRange?: ValueRange;
  seed?: number | null;
}

const TABLE: ArgTable = {
  className: 'RandomHue',
  prefix: 'random_hue',
  positional: ['factor'],
  args: [
    { key: 'factor', option: 'factor', kind: 'factor' },
    { key: 'value_range', option: 'valueRange', kind: 'range', dflt: [0, 255] },
    { key: 'seed', option: 'seed', kind: 'seed', dflt: null },
  ],
};

/**
 * Shifts the hue of images at random in training (Keras 3's `RandomHue`);
 * the identity at inference, as in Keras. kerasts does not implement this transform: in training
 * (`fit`) the layer is the identity too (see {@link RandomImageLayer.augmentsInTraining}). The
 * config is kept as Keras wrote it, so a saved model still augments when Keras loads it.
 */
export class RandomHue extends RandomImageLayer {
  readonly className: string = 'RandomHue';

  /** `new RandomHue(factor, options?)` or `new RandomHue({ ... })`. */
  constructor(factor: Factor, options?: Omit<RandomHueOptions, 'factor'>);
  constructor(options: RandomHueOptions);
  constructor(a: Factor | RandomHueOptions, more?: Omit<RandomHueOptions, 'factor'>) {
    super(TABLE, imageLayerArgs<RandomHueOptions>(TABLE, [a, more]));
  }

  /** Build from a canonical Keras config. */
  static fromConfig(config: JsonObject): RandomHue {
    return new RandomHue(imageOptionsFromConfig(TABLE, config) as unknown as RandomHueOptions);
  }
}

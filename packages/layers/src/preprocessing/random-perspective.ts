import type { JsonObject } from '../engine/json.js';
import { imageLayerArgs, imageOptionsFromConfig, RandomImageLayer, type ArgTable, type ImageLayerOptions, type Factor } from './image-base.js';

/** Options of {@link RandomPerspective} (Keras' arguments in camelCase). */
export interface RandomPerspectiveOptions extends ImageLayerOptions {
  /** Probability range of a perspective change (default 1). */
  factor?: Factor;
  /** Strength of the distortion (default 1). */
  scale?: number;
  /** Default `bilinear`. */
  interpolation?: 'bilinear' | 'nearest';
  /** Value outside the image (default 0). */
  fillValue?: number;
  seed?: number | null;
}

const TABLE: ArgTable = {
  className: 'RandomPerspective',
  prefix: 'random_perspective',
  positional: ['factor'],
  args: [
    { key: 'factor', option: 'factor', kind: 'factor', dflt: 1 },
    { key: 'scale', option: 'scale', kind: 'number', dflt: 1 },
    { key: 'interpolation', option: 'interpolation', kind: { oneOf: ['bilinear', 'nearest'] }, dflt: "bilinear" },
    { key: 'fill_value', option: 'fillValue', kind: 'number', dflt: 0 },
    { key: 'seed', option: 'seed', kind: 'seed', dflt: null },
  ],
};

/**
 * Changes the perspective of images at random in training (Keras 3's `RandomPerspective`);
 * the identity at inference, as in Keras. kerasts does not implement this transform: in training
 * (`fit`) the layer is the identity too (see {@link RandomImageLayer.augmentsInTraining}). The
 * config is kept as Keras wrote it, so a saved model still augments when Keras loads it.
 */
export class RandomPerspective extends RandomImageLayer {
  readonly className: string = 'RandomPerspective';

  /** `new RandomPerspective(factor, options?)` or `new RandomPerspective({ ... })`. */
  constructor(factor?: Factor, options?: Omit<RandomPerspectiveOptions, 'factor'>);
  constructor(options?: RandomPerspectiveOptions);
  constructor(a?: Factor | RandomPerspectiveOptions, more?: Omit<RandomPerspectiveOptions, 'factor'>) {
    super(TABLE, imageLayerArgs<RandomPerspectiveOptions>(TABLE, [a, more]));
  }

  /** Build from a canonical Keras config. */
  static fromConfig(config: JsonObject): RandomPerspective {
    return new RandomPerspective(imageOptionsFromConfig(TABLE, config) as unknown as RandomPerspectiveOptions);
  }
}

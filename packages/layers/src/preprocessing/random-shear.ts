import type { JsonObject } from '../engine/json.js';
import { imageLayerArgs, imageOptionsFromConfig, RandomImageLayer, type ArgTable, type ImageLayerOptions, type Factor } from './image-base.js';

/** Options of {@link RandomShear} (Keras' arguments in camelCase). */
export interface RandomShearOptions extends ImageLayerOptions {
  /** Horizontal shear range (default 0). */
  xFactor?: Factor;
  /** Vertical shear range (default 0). */
  yFactor?: Factor;
  /** How pixels from outside the image are filled (default `reflect`). */
  fillMode?: 'reflect' | 'wrap' | 'constant' | 'nearest';
  /** Default `bilinear`. */
  interpolation?: 'bilinear' | 'nearest';
  seed?: number | null;
  /** Value for `fill_mode: 'constant'` (default 0). */
  fillValue?: number;
}

const TABLE: ArgTable = {
  className: 'RandomShear',
  prefix: 'random_shear',
  positional: ['xFactor'],
  args: [
    { key: 'x_factor', option: 'xFactor', kind: 'factor', dflt: 0 },
    { key: 'y_factor', option: 'yFactor', kind: 'factor', dflt: 0 },
    { key: 'fill_mode', option: 'fillMode', kind: { oneOf: ['reflect', 'wrap', 'constant', 'nearest'] }, dflt: "reflect" },
    { key: 'interpolation', option: 'interpolation', kind: { oneOf: ['bilinear', 'nearest'] }, dflt: "bilinear" },
    { key: 'seed', option: 'seed', kind: 'seed', dflt: null },
    { key: 'fill_value', option: 'fillValue', kind: 'number', dflt: 0 },
  ],
};

/**
 * Shears images at random in training (Keras 3's `RandomShear`);
 * the identity at inference, as in Keras. kerasts does not implement this transform: in training
 * (`fit`) the layer is the identity too (see {@link RandomImageLayer.augmentsInTraining}). The
 * config is kept as Keras wrote it, so a saved model still augments when Keras loads it.
 */
export class RandomShear extends RandomImageLayer {
  readonly className: string = 'RandomShear';

  /** `new RandomShear(xFactor, options?)` or `new RandomShear({ ... })`. */
  constructor(xFactor?: Factor, options?: Omit<RandomShearOptions, 'xFactor'>);
  constructor(options?: RandomShearOptions);
  constructor(a?: Factor | RandomShearOptions, more?: Omit<RandomShearOptions, 'xFactor'>) {
    super(TABLE, imageLayerArgs<RandomShearOptions>(TABLE, [a, more]));
  }

  /** Build from a canonical Keras config. */
  static fromConfig(config: JsonObject): RandomShear {
    return new RandomShear(imageOptionsFromConfig(TABLE, config) as unknown as RandomShearOptions);
  }
}

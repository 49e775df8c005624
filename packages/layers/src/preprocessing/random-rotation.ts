import type { JsonObject } from '../engine/json.js';
import { imageLayerArgs, imageOptionsFromConfig, RandomImageLayer, type ArgTable, type ImageLayerOptions, type Factor } from './image-base.js';

/** Options of {@link RandomRotation} (Keras' arguments in camelCase). */
export interface RandomRotationOptions extends ImageLayerOptions {
  /** Rotation range as a fraction of 2π: `f` (→ `[-f, f]`) or `[lower, upper]`. */
  factor: Factor;
  /** How pixels from outside the image are filled (default `reflect`). */
  fillMode?: 'reflect' | 'wrap' | 'constant' | 'nearest';
  /** Default `bilinear`. */
  interpolation?: 'bilinear' | 'nearest';
  seed?: number | null;
  /** Value for `fill_mode: 'constant'` (default 0). */
  fillValue?: number;
}

const TABLE: ArgTable = {
  className: 'RandomRotation',
  prefix: 'random_rotation',
  positional: ['factor'],
  args: [
    { key: 'factor', option: 'factor', kind: 'factor' },
    { key: 'fill_mode', option: 'fillMode', kind: { oneOf: ['reflect', 'wrap', 'constant', 'nearest'] }, dflt: "reflect" },
    { key: 'interpolation', option: 'interpolation', kind: { oneOf: ['bilinear', 'nearest'] }, dflt: "bilinear" },
    { key: 'seed', option: 'seed', kind: 'seed', dflt: null },
    { key: 'fill_value', option: 'fillValue', kind: 'number', dflt: 0 },
  ],
};

/**
 * Rotates images at random in training (Keras' `RandomRotation`);
 * the identity at inference, as in Keras. kerasts does not implement this transform: in training
 * (`fit`) the layer is the identity too (see {@link RandomImageLayer.augmentsInTraining}). The
 * config is kept as Keras wrote it, so a saved model still augments when Keras loads it.
 */
export class RandomRotation extends RandomImageLayer {
  readonly className: string = 'RandomRotation';

  /** `new RandomRotation(factor, options?)` or `new RandomRotation({ ... })`. */
  constructor(factor: Factor, options?: Omit<RandomRotationOptions, 'factor'>);
  constructor(options: RandomRotationOptions);
  constructor(a: Factor | RandomRotationOptions, more?: Omit<RandomRotationOptions, 'factor'>) {
    super(TABLE, imageLayerArgs<RandomRotationOptions>(TABLE, [a, more]));
  }

  /** Build from a canonical Keras config. */
  static fromConfig(config: JsonObject): RandomRotation {
    return new RandomRotation(imageOptionsFromConfig(TABLE, config) as unknown as RandomRotationOptions);
  }
}

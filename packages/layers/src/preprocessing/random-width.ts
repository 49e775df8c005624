import type { JsonObject } from '../engine/json.js';
import { imageLayerArgs, imageOptionsFromConfig, RandomImageLayer, type ArgTable, type ImageLayerOptions, type Factor } from './image-base.js';

/** Options of {@link RandomWidth} (Keras' arguments in camelCase). */
export interface RandomWidthOptions extends ImageLayerOptions {
  /** Width change range as a fraction of the width. */
  factor: Factor;
  /** Default `bilinear`. */
  interpolation?: 'bilinear' | 'nearest' | 'bicubic' | 'area' | 'lanczos3' | 'lanczos5' | 'gaussian' | 'mitchellcubic';
  seed?: number | null;
}

const TABLE: ArgTable = {
  className: 'RandomWidth',
  prefix: 'random_width',
  positional: ['factor'],
  args: [
    { key: 'factor', option: 'factor', kind: 'factor' },
    { key: 'interpolation', option: 'interpolation', kind: { oneOf: ['bilinear', 'nearest', 'bicubic', 'area', 'lanczos3', 'lanczos5', 'gaussian', 'mitchellcubic'] }, dflt: "bilinear" },
    { key: 'seed', option: 'seed', kind: 'seed', dflt: null },
  ],
};

/**
 * Stretches the width of images at random in training (tf.keras 2's `RandomWidth`; Keras 3 has no such layer);
 * the identity at inference, as in Keras. kerasts does not implement this transform: in training
 * (`fit`) the layer is the identity too (see {@link RandomImageLayer.augmentsInTraining}). The
 * config is kept as Keras wrote it, so a saved model still augments when Keras loads it.
 */
export class RandomWidth extends RandomImageLayer {
  readonly className: string = 'RandomWidth';

  /** `new RandomWidth(factor, options?)` or `new RandomWidth({ ... })`. */
  constructor(factor: Factor, options?: Omit<RandomWidthOptions, 'factor'>);
  constructor(options: RandomWidthOptions);
  constructor(a: Factor | RandomWidthOptions, more?: Omit<RandomWidthOptions, 'factor'>) {
    super(TABLE, imageLayerArgs<RandomWidthOptions>(TABLE, [a, more]));
  }

  /** Build from a canonical Keras config. */
  static fromConfig(config: JsonObject): RandomWidth {
    return new RandomWidth(imageOptionsFromConfig(TABLE, config) as unknown as RandomWidthOptions);
  }
}

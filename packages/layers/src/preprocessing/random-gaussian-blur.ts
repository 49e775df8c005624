import type { JsonObject } from '../engine/json.js';
import { imageLayerArgs, imageOptionsFromConfig, RandomImageLayer, type ArgTable, type ImageLayerOptions, type Factor, type ValueRange } from './image-base.js';

/** Options of {@link RandomGaussianBlur} (Keras' arguments in camelCase). */
export interface RandomGaussianBlurOptions extends ImageLayerOptions {
  /** Probability range of blurring (default 1). */
  factor?: Factor;
  /** Blur kernel size (default 3). */
  kernelSize?: number | readonly [number, number];
  /** Blur standard deviation range (default 1). */
  sigma?: Factor;
  /** Pixel range (default `[0, 255]`). */
  valueRange?: ValueRange;
  seed?: number | null;
}

const TABLE: ArgTable = {
  className: 'RandomGaussianBlur',
  prefix: 'random_gaussian_blur',
  positional: ['factor'],
  args: [
    { key: 'factor', option: 'factor', kind: 'factor', dflt: 1 },
    { key: 'kernel_size', option: 'kernelSize', kind: 'intPair', dflt: 3 },
    { key: 'sigma', option: 'sigma', kind: 'factor', dflt: 1 },
    { key: 'value_range', option: 'valueRange', kind: 'range', dflt: [0, 255] },
    { key: 'seed', option: 'seed', kind: 'seed', dflt: null },
  ],
};

/**
 * Blurs images at random in training (Keras 3's `RandomGaussianBlur`);
 * the identity at inference, as in Keras. kerasts does not implement this transform: in training
 * (`fit`) the layer is the identity too (see {@link RandomImageLayer.augmentsInTraining}). The
 * config is kept as Keras wrote it, so a saved model still augments when Keras loads it.
 */
export class RandomGaussianBlur extends RandomImageLayer {
  readonly className: string = 'RandomGaussianBlur';

  /** `new RandomGaussianBlur(factor, options?)` or `new RandomGaussianBlur({ ... })`. */
  constructor(factor?: Factor, options?: Omit<RandomGaussianBlurOptions, 'factor'>);
  constructor(options?: RandomGaussianBlurOptions);
  constructor(a?: Factor | RandomGaussianBlurOptions, more?: Omit<RandomGaussianBlurOptions, 'factor'>) {
    super(TABLE, imageLayerArgs<RandomGaussianBlurOptions>(TABLE, [a, more]));
  }

  /** Build from a canonical Keras config. */
  static fromConfig(config: JsonObject): RandomGaussianBlur {
    return new RandomGaussianBlur(imageOptionsFromConfig(TABLE, config) as unknown as RandomGaussianBlurOptions);
  }
}

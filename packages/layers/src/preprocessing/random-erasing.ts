import type { JsonObject } from '../engine/json.js';
import { imageLayerArgs, imageOptionsFromConfig, RandomImageLayer, type ArgTable, type ImageLayerOptions, type Factor, type ValueRange } from './image-base.js';

/** Options of {@link RandomErasing} (Keras' arguments in camelCase). */
export interface RandomErasingOptions extends ImageLayerOptions {
  /** Probability range of erasing (default 1). */
  factor?: Factor;
  /** Erased area range as a fraction of the image (default `[0.02, 0.33]`). */
  scale?: Factor;
  /** Value of erased pixels; null: random. */
  fillValue?: number | null;
  /** Pixel range (default `[0, 255]`). */
  valueRange?: ValueRange;
  seed?: number | null;
}

const TABLE: ArgTable = {
  className: 'RandomErasing',
  prefix: 'random_erasing',
  positional: ['factor'],
  args: [
    { key: 'factor', option: 'factor', kind: 'factor', dflt: 1 },
    { key: 'scale', option: 'scale', kind: 'factor', dflt: [0.02, 0.33] },
    { key: 'fill_value', option: 'fillValue', kind: 'numberOrNull', dflt: null },
    { key: 'value_range', option: 'valueRange', kind: 'range', dflt: [0, 255] },
    { key: 'seed', option: 'seed', kind: 'seed', dflt: null },
  ],
};

/**
 * Erases random rectangles in training (Keras 3's `RandomErasing`);
 * the identity at inference, as in Keras. kerasts does not implement this transform: in training
 * (`fit`) the layer is the identity too (see {@link RandomImageLayer.augmentsInTraining}). The
 * config is kept as Keras wrote it, so a saved model still augments when Keras loads it.
 */
export class RandomErasing extends RandomImageLayer {
  readonly className: string = 'RandomErasing';

  /** `new RandomErasing(factor, options?)` or `new RandomErasing({ ... })`. */
  constructor(factor?: Factor, options?: Omit<RandomErasingOptions, 'factor'>);
  constructor(options?: RandomErasingOptions);
  constructor(a?: Factor | RandomErasingOptions, more?: Omit<RandomErasingOptions, 'factor'>) {
    super(TABLE, imageLayerArgs<RandomErasingOptions>(TABLE, [a, more]));
  }

  /** Build from a canonical Keras config. */
  static fromConfig(config: JsonObject): RandomErasing {
    return new RandomErasing(imageOptionsFromConfig(TABLE, config) as unknown as RandomErasingOptions);
  }
}

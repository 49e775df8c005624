import { layerArgs } from '../engine/options.js';
import type { JsonObject } from '../engine/json.js';
import type { IntTuple } from '../convolutional/conv-utils.js';
import { BasePooling, POOLING_KEYS, type PoolingOptions } from './base-pooling.js';

/** Options of {@link MaxPooling2D}. */
export type MaxPooling2DOptions = PoolingOptions;

/**
 * 2-D max pooling over images `(batch, rows, cols, channels)` (or channels first): the largest value of each window of `poolSize`, moved by `strides` (default: the pool size). The gradient goes to the first maximum of each window (as JAX).
 *
 * @example
 * new MaxPooling2D(2)                       // halves rows and columns
 */
export class MaxPooling2D extends BasePooling {
  readonly className: string = 'MaxPooling2D';

  /** `new MaxPooling2D(poolSize?, options?)` or `new MaxPooling2D({ poolSize, ... })`, as Keras' `MaxPooling2D(pool_size, strides, padding, data_format)`. */
  constructor(poolSize?: IntTuple, options?: Omit<MaxPooling2DOptions, 'poolSize'>);
  constructor(options: MaxPooling2DOptions);
  constructor(a?: IntTuple | MaxPooling2DOptions, b?: Omit<MaxPooling2DOptions, 'poolSize'>) {
    super(layerArgs<MaxPooling2DOptions>('MaxPooling2D', [a, b], { positional: ['poolSize'], required: [], keys: POOLING_KEYS }), 2, 'max', 'MaxPooling2D', 'max_pooling2d');
  }

  /** Build from a canonical Keras config. */
  static fromConfig(config: JsonObject): MaxPooling2D {
    return new MaxPooling2D(BasePooling.poolingOptions(config, 'MaxPooling2D'));
  }
}

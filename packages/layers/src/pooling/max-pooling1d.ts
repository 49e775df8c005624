import { layerArgs } from '../engine/options.js';
import type { JsonObject } from '../engine/json.js';
import type { IntTuple } from '../convolutional/conv-utils.js';
import { BasePooling, POOLING_KEYS, type PoolingOptions } from './base-pooling.js';

/** Options of {@link MaxPooling1D}. */
export type MaxPooling1DOptions = PoolingOptions;

/**
 * 1-D max pooling over steps `(batch, steps, channels)` (or channels first): the largest value of each window of `poolSize`, moved by `strides` (default: the pool size). The gradient goes to the first maximum of each window (as JAX).
 *
 * @example
 * new MaxPooling1D(2)
 */
export class MaxPooling1D extends BasePooling {
  readonly className: string = 'MaxPooling1D';

  /** `new MaxPooling1D(poolSize?, options?)` or `new MaxPooling1D({ poolSize, ... })`, as Keras' `MaxPooling1D(pool_size, strides, padding, data_format)`. */
  constructor(poolSize?: IntTuple, options?: Omit<MaxPooling1DOptions, 'poolSize'>);
  constructor(options: MaxPooling1DOptions);
  constructor(a?: IntTuple | MaxPooling1DOptions, b?: Omit<MaxPooling1DOptions, 'poolSize'>) {
    super(layerArgs<MaxPooling1DOptions>('MaxPooling1D', [a, b], { positional: ['poolSize'], required: [], keys: POOLING_KEYS }), 1, 'max', 'MaxPooling1D', 'max_pooling1d');
  }

  /** Build from a canonical Keras config. */
  static fromConfig(config: JsonObject): MaxPooling1D {
    return new MaxPooling1D(BasePooling.poolingOptions(config, 'MaxPooling1D'));
  }
}

import { layerArgs } from '../engine/options.js';
import type { JsonObject } from '../engine/json.js';
import type { IntTuple } from '../convolutional/conv-utils.js';
import { BasePooling, POOLING_KEYS, type PoolingOptions } from './base-pooling.js';

/** Options of {@link AveragePooling1D}. */
export type AveragePooling1DOptions = PoolingOptions;

/**
 * 1-D average pooling over steps `(batch, steps, channels)` (or channels first): the mean of each window of `poolSize`, moved by `strides` (default: the pool size). With `same` padding the mean is over the window positions inside the input.
 *
 * @example
 * new AveragePooling1D(2)
 */
export class AveragePooling1D extends BasePooling {
  readonly className: string = 'AveragePooling1D';

  /** `new AveragePooling1D(poolSize?, options?)` or `new AveragePooling1D({ poolSize, ... })`, as Keras' `AveragePooling1D(pool_size, strides, padding, data_format)`. */
  constructor(poolSize?: IntTuple, options?: Omit<AveragePooling1DOptions, 'poolSize'>);
  constructor(options: AveragePooling1DOptions);
  constructor(a?: IntTuple | AveragePooling1DOptions, b?: Omit<AveragePooling1DOptions, 'poolSize'>) {
    super(layerArgs<AveragePooling1DOptions>('AveragePooling1D', [a, b], { positional: ['poolSize'], required: [], keys: POOLING_KEYS }), 1, 'avg', 'AveragePooling1D', 'average_pooling1d');
  }

  /** Build from a canonical Keras config. */
  static fromConfig(config: JsonObject): AveragePooling1D {
    return new AveragePooling1D(BasePooling.poolingOptions(config, 'AveragePooling1D'));
  }
}

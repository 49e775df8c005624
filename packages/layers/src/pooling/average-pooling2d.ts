import { layerArgs } from '../engine/options.js';
import type { JsonObject } from '../engine/json.js';
import type { IntTuple } from '../convolutional/conv-utils.js';
import { BasePooling, POOLING_KEYS, type PoolingOptions } from './base-pooling.js';

/** Options of {@link AveragePooling2D}. */
export type AveragePooling2DOptions = PoolingOptions;

/**
 * 2-D average pooling over images `(batch, rows, cols, channels)` (or channels first): the mean of each window of `poolSize`, moved by `strides` (default: the pool size). With `same` padding the mean is over the window positions inside the input.
 *
 * @example
 * new AveragePooling2D(2)                       // halves rows and columns
 */
export class AveragePooling2D extends BasePooling {
  readonly className: string = 'AveragePooling2D';

  /** `new AveragePooling2D(poolSize?, options?)` or `new AveragePooling2D({ poolSize, ... })`, as Keras' `AveragePooling2D(pool_size, strides, padding, data_format)`. */
  constructor(poolSize?: IntTuple, options?: Omit<AveragePooling2DOptions, 'poolSize'>);
  constructor(options: AveragePooling2DOptions);
  constructor(a?: IntTuple | AveragePooling2DOptions, b?: Omit<AveragePooling2DOptions, 'poolSize'>) {
    super(layerArgs<AveragePooling2DOptions>('AveragePooling2D', [a, b], { positional: ['poolSize'], required: [], keys: POOLING_KEYS }), 2, 'avg', 'AveragePooling2D', 'average_pooling2d');
  }

  /** Build from a canonical Keras config. */
  static fromConfig(config: JsonObject): AveragePooling2D {
    return new AveragePooling2D(BasePooling.poolingOptions(config, 'AveragePooling2D'));
  }
}

import { layerArgs } from '../engine/options.js';
import type { JsonObject } from '../engine/json.js';
import type { IntTuple } from '../convolutional/conv-utils.js';
import { BasePooling, POOLING_KEYS, type PoolingOptions } from './base-pooling.js';

/** Options of {@link MaxPooling3D}. */
export type MaxPooling3DOptions = PoolingOptions;

/**
 * 3-D max pooling over volumes `(batch, depth, rows, cols, channels)` (or channels first): the largest value of each window of `poolSize`, moved by `strides` (default: the pool size). The gradient goes to the first maximum of each window (as JAX).
 *
 * @example
 * new MaxPooling3D([2, 2, 2], { padding: 'same' })
 */
export class MaxPooling3D extends BasePooling {
  readonly className: string = 'MaxPooling3D';

  /** `new MaxPooling3D(poolSize?, options?)` or `new MaxPooling3D({ poolSize, ... })`, as Keras' `MaxPooling3D(pool_size, strides, padding, data_format)`. */
  constructor(poolSize?: IntTuple, options?: Omit<MaxPooling3DOptions, 'poolSize'>);
  constructor(options: MaxPooling3DOptions);
  constructor(a?: IntTuple | MaxPooling3DOptions, b?: Omit<MaxPooling3DOptions, 'poolSize'>) {
    super(layerArgs<MaxPooling3DOptions>('MaxPooling3D', [a, b], { positional: ['poolSize'], required: [], keys: POOLING_KEYS }), 3, 'max', 'MaxPooling3D', 'max_pooling3d');
  }

  /** Build from a canonical Keras config. */
  static fromConfig(config: JsonObject): MaxPooling3D {
    return new MaxPooling3D(BasePooling.poolingOptions(config, 'MaxPooling3D'));
  }
}

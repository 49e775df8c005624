import { layerArgs } from '../engine/options.js';
import type { JsonObject } from '../engine/json.js';
import type { IntTuple } from '../convolutional/conv-utils.js';
import { BasePooling, POOLING_KEYS, type PoolingOptions } from './base-pooling.js';

/** Options of {@link AveragePooling3D}. */
export type AveragePooling3DOptions = PoolingOptions;

/**
 * 3-D average pooling over volumes `(batch, depth, rows, cols, channels)` (or channels first): the mean of each window of `poolSize`, moved by `strides` (default: the pool size). With `same` padding the mean is over the window positions inside the input.
 *
 * @example
 * new AveragePooling3D([2, 2, 2], { padding: 'same' })
 */
export class AveragePooling3D extends BasePooling {
  readonly className: string = 'AveragePooling3D';

  /** `new AveragePooling3D(poolSize?, options?)` or `new AveragePooling3D({ poolSize, ... })`, as Keras' `AveragePooling3D(pool_size, strides, padding, data_format)`. */
  constructor(poolSize?: IntTuple, options?: Omit<AveragePooling3DOptions, 'poolSize'>);
  constructor(options: AveragePooling3DOptions);
  constructor(a?: IntTuple | AveragePooling3DOptions, b?: Omit<AveragePooling3DOptions, 'poolSize'>) {
    super(layerArgs<AveragePooling3DOptions>('AveragePooling3D', [a, b], { positional: ['poolSize'], required: [], keys: POOLING_KEYS }), 3, 'avg', 'AveragePooling3D', 'average_pooling3d');
  }

  /** Build from a canonical Keras config. */
  static fromConfig(config: JsonObject): AveragePooling3D {
    return new AveragePooling3D(BasePooling.poolingOptions(config, 'AveragePooling3D'));
  }
}

import { layerArgs } from '../engine/options.js';
import type { JsonObject } from '../engine/json.js';
import { BaseGlobalPooling, GLOBAL_POOLING_KEYS, type GlobalPoolingOptions } from './base-global-pooling.js';

/** Options of {@link GlobalAveragePooling2D}. */
export type GlobalAveragePooling2DOptions = GlobalPoolingOptions;

/**
 * Global average pooling over the images `(batch, rows, cols, channels)`: one mean per channel, `(batch, channels)` (or `keepdims`).
 *
 * @example
 * new GlobalAveragePooling2D({ keepdims: true })
 */
export class GlobalAveragePooling2D extends BaseGlobalPooling {
  readonly className: string = 'GlobalAveragePooling2D';
  /** `new GlobalAveragePooling2D(options?)`, as Keras' `GlobalAveragePooling2D(data_format, keepdims)`. */
  constructor(options: GlobalAveragePooling2DOptions = {}) {
    super(layerArgs<GlobalAveragePooling2DOptions>('GlobalAveragePooling2D', [options], { keys: GLOBAL_POOLING_KEYS }), 2, 'avg', 'GlobalAveragePooling2D', 'global_average_pooling2d');
  }

  /** Build from a canonical Keras config. */
  static fromConfig(config: JsonObject): GlobalAveragePooling2D {
    return new GlobalAveragePooling2D(BaseGlobalPooling.globalOptions(config, 'GlobalAveragePooling2D'));
  }
}

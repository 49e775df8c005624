import { layerArgs } from '../engine/options.js';
import type { JsonObject } from '../engine/json.js';
import { BaseGlobalPooling, GLOBAL_POOLING_KEYS, type GlobalPoolingOptions } from './base-global-pooling.js';

/** Options of {@link GlobalMaxPooling2D}. */
export type GlobalMaxPooling2DOptions = GlobalPoolingOptions;

/**
 * Global max pooling over the images `(batch, rows, cols, channels)`: one maximum per channel, `(batch, channels)` (or `keepdims`). The gradient is shared equally by tied maxima (as `jnp.max`).
 *
 * @example
 * new GlobalMaxPooling2D({ keepdims: true })
 */
export class GlobalMaxPooling2D extends BaseGlobalPooling {
  readonly className: string = 'GlobalMaxPooling2D';
  /** `new GlobalMaxPooling2D(options?)`, as Keras' `GlobalMaxPooling2D(data_format, keepdims)`. */
  constructor(options: GlobalMaxPooling2DOptions = {}) {
    super(layerArgs<GlobalMaxPooling2DOptions>('GlobalMaxPooling2D', [options], { keys: GLOBAL_POOLING_KEYS }), 2, 'max', 'GlobalMaxPooling2D', 'global_max_pooling2d');
  }

  /** Build from a canonical Keras config. */
  static fromConfig(config: JsonObject): GlobalMaxPooling2D {
    return new GlobalMaxPooling2D(BaseGlobalPooling.globalOptions(config, 'GlobalMaxPooling2D'));
  }
}

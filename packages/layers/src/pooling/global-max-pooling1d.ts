import { layerArgs } from '../engine/options.js';
import type { JsonObject } from '../engine/json.js';
import { BaseGlobalPooling, GLOBAL_POOLING_KEYS, type GlobalPoolingOptions } from './base-global-pooling.js';

/** Options of {@link GlobalMaxPooling1D}. */
export type GlobalMaxPooling1DOptions = GlobalPoolingOptions;

/**
 * Global max pooling over the steps `(batch, steps, channels)`: one maximum per channel, `(batch, channels)` (or `keepdims`). The gradient is shared equally by tied maxima (as `jnp.max`).
 *
 * @example
 * new GlobalMaxPooling1D()
 */
export class GlobalMaxPooling1D extends BaseGlobalPooling {
  readonly className: string = 'GlobalMaxPooling1D';
  /** `new GlobalMaxPooling1D(options?)`, as Keras' `GlobalMaxPooling1D(data_format, keepdims)`. */
  constructor(options: GlobalMaxPooling1DOptions = {}) {
    super(layerArgs<GlobalMaxPooling1DOptions>('GlobalMaxPooling1D', [options], { keys: GLOBAL_POOLING_KEYS }), 1, 'max', 'GlobalMaxPooling1D', 'global_max_pooling1d');
  }

  /** Build from a canonical Keras config. */
  static fromConfig(config: JsonObject): GlobalMaxPooling1D {
    return new GlobalMaxPooling1D(BaseGlobalPooling.globalOptions(config, 'GlobalMaxPooling1D'));
  }
}

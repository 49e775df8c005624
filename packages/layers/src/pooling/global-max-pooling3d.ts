import { layerArgs } from '../engine/options.js';
import type { JsonObject } from '../engine/json.js';
import { BaseGlobalPooling, GLOBAL_POOLING_KEYS, type GlobalPoolingOptions } from './base-global-pooling.js';

/** Options of {@link GlobalMaxPooling3D}. */
export type GlobalMaxPooling3DOptions = GlobalPoolingOptions;

/**
 * Global max pooling over the volumes `(batch, depth, rows, cols, channels)`: one maximum per channel, `(batch, channels)` (or `keepdims`). The gradient is shared equally by tied maxima (as `jnp.max`).
 *
 * @example
 * new GlobalMaxPooling3D()
 */
export class GlobalMaxPooling3D extends BaseGlobalPooling {
  readonly className: string = 'GlobalMaxPooling3D';
  /** `new GlobalMaxPooling3D(options?)`, as Keras' `GlobalMaxPooling3D(data_format, keepdims)`. */
  constructor(options: GlobalMaxPooling3DOptions = {}) {
    super(layerArgs<GlobalMaxPooling3DOptions>('GlobalMaxPooling3D', [options], { keys: GLOBAL_POOLING_KEYS }), 3, 'max', 'GlobalMaxPooling3D', 'global_max_pooling3d');
  }

  /** Build from a canonical Keras config. */
  static fromConfig(config: JsonObject): GlobalMaxPooling3D {
    return new GlobalMaxPooling3D(BaseGlobalPooling.globalOptions(config, 'GlobalMaxPooling3D'));
  }
}

import { layerArgs } from '../engine/options.js';
import type { JsonObject } from '../engine/json.js';
import { BaseGlobalPooling, GLOBAL_POOLING_KEYS, type GlobalPoolingOptions } from './base-global-pooling.js';

/** Options of {@link GlobalAveragePooling3D}. */
export type GlobalAveragePooling3DOptions = GlobalPoolingOptions;

/**
 * Global average pooling over the volumes `(batch, depth, rows, cols, channels)`: one mean per channel, `(batch, channels)` (or `keepdims`).
 *
 * @example
 * new GlobalAveragePooling3D()
 */
export class GlobalAveragePooling3D extends BaseGlobalPooling {
  readonly className: string = 'GlobalAveragePooling3D';
  /** `new GlobalAveragePooling3D(options?)`, as Keras' `GlobalAveragePooling3D(data_format, keepdims)`. */
  constructor(options: GlobalAveragePooling3DOptions = {}) {
    super(layerArgs<GlobalAveragePooling3DOptions>('GlobalAveragePooling3D', [options], { keys: GLOBAL_POOLING_KEYS }), 3, 'avg', 'GlobalAveragePooling3D', 'global_average_pooling3d');
  }

  /** Build from a canonical Keras config. */
  static fromConfig(config: JsonObject): GlobalAveragePooling3D {
    return new GlobalAveragePooling3D(BaseGlobalPooling.globalOptions(config, 'GlobalAveragePooling3D'));
  }
}

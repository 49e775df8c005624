import { layerArgs } from '../engine/options.js';
import type { JsonObject } from '../engine/json.js';
import type { Mask } from '../engine/layer.js';
import { BaseGlobalPooling, GLOBAL_POOLING_KEYS, type GlobalPoolingOptions } from './base-global-pooling.js';

/** Options of {@link GlobalAveragePooling1D}. */
export type GlobalAveragePooling1DOptions = GlobalPoolingOptions;

/**
 * Global average pooling over the steps `(batch, steps, channels)`: one mean per channel, `(batch, channels)` (or `keepdims`). Honours a mask over the steps (Embedding `maskZero`, Masking): masked steps are left out of the mean.
 *
 * @example
 * new GlobalAveragePooling1D()
 */
export class GlobalAveragePooling1D extends BaseGlobalPooling {
  readonly className: string = 'GlobalAveragePooling1D';

  override readonly supportsMasking: boolean = true;

  /** Keras 3 averages only the unmasked steps. */
  protected override usedMask(mask: Mask | null | undefined): Float32Array | null {
    return mask ? mask.data : null;
  }

  /** `new GlobalAveragePooling1D(options?)`, as Keras' `GlobalAveragePooling1D(data_format, keepdims)`. */
  constructor(options: GlobalAveragePooling1DOptions = {}) {
    super(layerArgs<GlobalAveragePooling1DOptions>('GlobalAveragePooling1D', [options], { keys: GLOBAL_POOLING_KEYS }), 1, 'avg', 'GlobalAveragePooling1D', 'global_average_pooling1d');
  }

  /** Build from a canonical Keras config. */
  static fromConfig(config: JsonObject): GlobalAveragePooling1D {
    return new GlobalAveragePooling1D(BaseGlobalPooling.globalOptions(config, 'GlobalAveragePooling1D'));
  }
}

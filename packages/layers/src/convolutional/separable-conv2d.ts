import { layerArgs } from '../engine/options.js';
import type { JsonObject } from '../engine/json.js';
import { BaseSeparableConv, SEPARABLE_KEYS, type SeparableConvOptions } from './base-separable-conv.js';
import type { IntTuple } from './conv-utils.js';

/** Options of {@link SeparableConv2D}. */
export type SeparableConv2DOptions = SeparableConvOptions;

/**
 * 2-D depthwise-separable convolution over images: a depthwise convolution, then a pointwise (1×1) one to `filters` channels (Xception). Weights `depthwise_kernel` `(kr, kc, in, M)`,
 * `pointwise_kernel` `(1, 1, in·M, filters)` and `bias` `(filters)`.
 *
 * @example
 * new SeparableConv2D(64, 3, { padding: 'same', activation: 'relu' })
 */
export class SeparableConv2D extends BaseSeparableConv {
  readonly className: string = 'SeparableConv2D';

  /** `new SeparableConv2D(filters, kernelSize, options?)` or `new SeparableConv2D({ filters, kernelSize, ... })`, as Keras' `SeparableConv2D(filters, kernel_size, ...)`. */
  constructor(filters: number, kernelSize: IntTuple, options?: Omit<SeparableConv2DOptions, 'filters' | 'kernelSize'>);
  constructor(options: SeparableConv2DOptions);
  constructor(a: number | SeparableConv2DOptions, b?: IntTuple, c?: Omit<SeparableConv2DOptions, 'filters' | 'kernelSize'>) {
    super(layerArgs<SeparableConv2DOptions>('SeparableConv2D', [a, b, c], { positional: ['filters', 'kernelSize'], keys: SEPARABLE_KEYS }), 2, 'SeparableConv2D', 'separable_conv2d');
  }

  /** Build from a canonical Keras config. */
  static fromConfig(config: JsonObject): SeparableConv2D {
    return new SeparableConv2D(BaseSeparableConv.separableOptions(config, 'SeparableConv2D'));
  }
}

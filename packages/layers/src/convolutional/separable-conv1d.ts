import { layerArgs } from '../engine/options.js';
import type { JsonObject } from '../engine/json.js';
import { BaseSeparableConv, SEPARABLE_KEYS, type SeparableConvOptions } from './base-separable-conv.js';
import type { IntTuple } from './conv-utils.js';

/** Options of {@link SeparableConv1D}. */
export type SeparableConv1DOptions = SeparableConvOptions;

/**
 * 1-D depthwise-separable convolution over sequences: a depthwise convolution, then a pointwise (1-wide) one to `filters` channels. Weights `depthwise_kernel` `(k, in, M)`,
 * `pointwise_kernel` `(1, in·M, filters)` and `bias` `(filters)`.
 *
 * @example
 * new SeparableConv1D(64, 5, { activation: 'relu' })
 */
export class SeparableConv1D extends BaseSeparableConv {
  readonly className: string = 'SeparableConv1D';

  /** `new SeparableConv1D(filters, kernelSize, options?)` or `new SeparableConv1D({ filters, kernelSize, ... })`, as Keras' `SeparableConv1D(filters, kernel_size, ...)`. */
  constructor(filters: number, kernelSize: IntTuple, options?: Omit<SeparableConv1DOptions, 'filters' | 'kernelSize'>);
  constructor(options: SeparableConv1DOptions);
  constructor(a: number | SeparableConv1DOptions, b?: IntTuple, c?: Omit<SeparableConv1DOptions, 'filters' | 'kernelSize'>) {
    super(layerArgs<SeparableConv1DOptions>('SeparableConv1D', [a, b, c], { positional: ['filters', 'kernelSize'], keys: SEPARABLE_KEYS }), 1, 'SeparableConv1D', 'separable_conv1d');
  }

  /** Build from a canonical Keras config. */
  static fromConfig(config: JsonObject): SeparableConv1D {
    return new SeparableConv1D(BaseSeparableConv.separableOptions(config, 'SeparableConv1D'));
  }
}

import { layerArgs } from '../engine/options.js';
import type { JsonObject } from '../engine/json.js';
import { BaseDepthwiseConv, DEPTHWISE_KEYS, type DepthwiseConvOptions } from './base-depthwise-conv.js';
import type { IntTuple } from './conv-utils.js';

/** Options of {@link DepthwiseConv1D}. */
export type DepthwiseConv1DOptions = DepthwiseConvOptions;

/**
 * 1-D depthwise convolution over sequences `(batch, steps, channels)`: each channel is filtered on its own by `depthMultiplier` filters. Weights `kernel` `(k, channels, M)` and `bias` `(channels·M)`.
 *
 * @example
 * new DepthwiseConv1D(3, { depthMultiplier: 2, padding: 'same' })
 */
export class DepthwiseConv1D extends BaseDepthwiseConv {
  readonly className: string = 'DepthwiseConv1D';

  /** `new DepthwiseConv1D(kernelSize, options?)` or `new DepthwiseConv1D({ kernelSize, ... })`, as Keras' `DepthwiseConv1D(kernel_size, ...)`. */
  constructor(kernelSize: IntTuple, options?: Omit<DepthwiseConv1DOptions, 'kernelSize'>);
  constructor(options: DepthwiseConv1DOptions);
  constructor(a: IntTuple | DepthwiseConv1DOptions, b?: Omit<DepthwiseConv1DOptions, 'kernelSize'>) {
    super(layerArgs<DepthwiseConv1DOptions>('DepthwiseConv1D', [a, b], { positional: ['kernelSize'], keys: DEPTHWISE_KEYS }), 1, 'DepthwiseConv1D', 'depthwise_conv1d');
  }

  /** Build from a canonical Keras config. */
  static fromConfig(config: JsonObject): DepthwiseConv1D {
    return new DepthwiseConv1D(BaseDepthwiseConv.depthwiseOptions(config, 'DepthwiseConv1D'));
  }
}

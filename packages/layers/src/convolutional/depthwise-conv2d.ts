import { layerArgs } from '../engine/options.js';
import type { JsonObject } from '../engine/json.js';
import { BaseDepthwiseConv, DEPTHWISE_KEYS, type DepthwiseConvOptions } from './base-depthwise-conv.js';
import type { IntTuple } from './conv-utils.js';

/** Options of {@link DepthwiseConv2D}. */
export type DepthwiseConv2DOptions = DepthwiseConvOptions;

/**
 * 2-D depthwise convolution over images `(batch, rows, cols, channels)`: each channel is filtered on its own by `depthMultiplier` filters (the MobileNet block). Weights `kernel` `(kr, kc, channels, M)` and `bias` `(channels·M)`.
 *
 * @example
 * new DepthwiseConv2D(3, { padding: 'same', useBias: false })
 */
export class DepthwiseConv2D extends BaseDepthwiseConv {
  readonly className: string = 'DepthwiseConv2D';

  /** `new DepthwiseConv2D(kernelSize, options?)` or `new DepthwiseConv2D({ kernelSize, ... })`, as Keras' `DepthwiseConv2D(kernel_size, ...)`. */
  constructor(kernelSize: IntTuple, options?: Omit<DepthwiseConv2DOptions, 'kernelSize'>);
  constructor(options: DepthwiseConv2DOptions);
  constructor(a: IntTuple | DepthwiseConv2DOptions, b?: Omit<DepthwiseConv2DOptions, 'kernelSize'>) {
    super(layerArgs<DepthwiseConv2DOptions>('DepthwiseConv2D', [a, b], { positional: ['kernelSize'], keys: DEPTHWISE_KEYS }), 2, 'DepthwiseConv2D', 'depthwise_conv2d');
  }

  /** Build from a canonical Keras config. */
  static fromConfig(config: JsonObject): DepthwiseConv2D {
    return new DepthwiseConv2D(BaseDepthwiseConv.depthwiseOptions(config, 'DepthwiseConv2D'));
  }
}

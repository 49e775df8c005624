import { layerArgs } from '../engine/options.js';
import type { JsonObject } from '../engine/json.js';
import { BaseConv, CONV_KEYS, type ConvOptions } from './base-conv.js';
import type { IntTuple } from './conv-utils.js';

/** Options of {@link Conv2D}. */
export type Conv2DOptions = ConvOptions;

/**
 * 2-D convolution over images `(batch, rows, cols, channels)` (channels_last) or `(batch, channels, rows, cols)`. Weights `kernel` `(kr, kc, in/groups, filters)` and `bias` `(filters)`.
 *
 * @example
 * new Conv2D(32, 3, { activation: 'relu', inputShape: [28, 28, 1] })
 */
export class Conv2D extends BaseConv {
  readonly className: string = 'Conv2D';

  /** `new Conv2D(filters, kernelSize, options?)` or `new Conv2D({ filters, kernelSize, ... })`, as Keras' `Conv2D(filters, kernel_size, ...)`. */
  constructor(filters: number, kernelSize: IntTuple, options?: Omit<Conv2DOptions, 'filters' | 'kernelSize'>);
  constructor(options: Conv2DOptions);
  constructor(a: number | Conv2DOptions, b?: IntTuple, c?: Omit<Conv2DOptions, 'filters' | 'kernelSize'>) {
    super(layerArgs<Conv2DOptions>('Conv2D', [a, b, c], { positional: ['filters', 'kernelSize'], keys: CONV_KEYS }), 2, 'Conv2D', 'conv2d');
  }

  /** Build from a canonical Keras config. */
  static fromConfig(config: JsonObject): Conv2D {
    return new Conv2D(BaseConv.convOptions(config, 'Conv2D'));
  }
}

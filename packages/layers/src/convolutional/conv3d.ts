import { layerArgs } from '../engine/options.js';
import type { JsonObject } from '../engine/json.js';
import { BaseConv, CONV_KEYS, type ConvOptions } from './base-conv.js';
import type { IntTuple } from './conv-utils.js';

/** Options of {@link Conv3D}. */
export type Conv3DOptions = ConvOptions;

/**
 * 3-D convolution over volumes `(batch, depth, rows, cols, channels)` (channels_last) or channels first. Weights `kernel` `(kd, kr, kc, in/groups, filters)` and `bias` `(filters)`.
 *
 * @example
 * new Conv3D(8, [3, 3, 3], { padding: 'same' })
 */
export class Conv3D extends BaseConv {
  readonly className: string = 'Conv3D';

  /** `new Conv3D(filters, kernelSize, options?)` or `new Conv3D({ filters, kernelSize, ... })`, as Keras' `Conv3D(filters, kernel_size, ...)`. */
  constructor(filters: number, kernelSize: IntTuple, options?: Omit<Conv3DOptions, 'filters' | 'kernelSize'>);
  constructor(options: Conv3DOptions);
  constructor(a: number | Conv3DOptions, b?: IntTuple, c?: Omit<Conv3DOptions, 'filters' | 'kernelSize'>) {
    super(layerArgs<Conv3DOptions>('Conv3D', [a, b, c], { positional: ['filters', 'kernelSize'], keys: CONV_KEYS }), 3, 'Conv3D', 'conv3d');
  }

  /** Build from a canonical Keras config. */
  static fromConfig(config: JsonObject): Conv3D {
    return new Conv3D(BaseConv.convOptions(config, 'Conv3D'));
  }
}

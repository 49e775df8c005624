import { layerArgs } from '../engine/options.js';
import type { JsonObject } from '../engine/json.js';
import { BaseConvTranspose, CONV_TRANSPOSE_KEYS, type ConvTransposeOptions } from './base-conv-transpose.js';
import type { IntTuple } from './conv-utils.js';

/** Options of {@link Conv3DTranspose}. */
export type Conv3DTransposeOptions = ConvTransposeOptions;

/**
 * 3-D transposed convolution ("deconvolution") over volumes. Weights `kernel` `(kd, kr, kc, filters, in)`
 * (output channels before input channels) and `bias` `(filters)`.
 *
 * @example
 * new Conv3DTranspose(8, 3, { strides: 2 })
 */
export class Conv3DTranspose extends BaseConvTranspose {
  readonly className: string = 'Conv3DTranspose';

  /** `new Conv3DTranspose(filters, kernelSize, options?)` or `new Conv3DTranspose({ filters, kernelSize, ... })`, as Keras' `Conv3DTranspose(filters, kernel_size, ...)`. */
  constructor(filters: number, kernelSize: IntTuple, options?: Omit<Conv3DTransposeOptions, 'filters' | 'kernelSize'>);
  constructor(options: Conv3DTransposeOptions);
  constructor(a: number | Conv3DTransposeOptions, b?: IntTuple, c?: Omit<Conv3DTransposeOptions, 'filters' | 'kernelSize'>) {
    super(layerArgs<Conv3DTransposeOptions>('Conv3DTranspose', [a, b, c], { positional: ['filters', 'kernelSize'], keys: CONV_TRANSPOSE_KEYS }), 3, 'Conv3DTranspose', 'conv3d_transpose');
  }

  /** Build from a canonical Keras config. */
  static fromConfig(config: JsonObject): Conv3DTranspose {
    return new Conv3DTranspose(BaseConvTranspose.transposeOptions(config, 'Conv3DTranspose'));
  }
}

import { layerArgs } from '../engine/options.js';
import type { JsonObject } from '../engine/json.js';
import { BaseConvTranspose, CONV_TRANSPOSE_KEYS, type ConvTransposeOptions } from './base-conv-transpose.js';
import type { IntTuple } from './conv-utils.js';

/** Options of {@link Conv2DTranspose}. */
export type Conv2DTransposeOptions = ConvTransposeOptions;

/**
 * 2-D transposed convolution ("deconvolution") over images (up-sampling by `strides`, as in decoders and GANs). Weights `kernel` `(kr, kc, filters, in)`
 * (output channels before input channels) and `bias` `(filters)`.
 *
 * @example
 * new Conv2DTranspose(32, 3, { strides: 2, padding: 'same', activation: 'relu' })
 */
export class Conv2DTranspose extends BaseConvTranspose {
  readonly className: string = 'Conv2DTranspose';

  /** `new Conv2DTranspose(filters, kernelSize, options?)` or `new Conv2DTranspose({ filters, kernelSize, ... })`, as Keras' `Conv2DTranspose(filters, kernel_size, ...)`. */
  constructor(filters: number, kernelSize: IntTuple, options?: Omit<Conv2DTransposeOptions, 'filters' | 'kernelSize'>);
  constructor(options: Conv2DTransposeOptions);
  constructor(a: number | Conv2DTransposeOptions, b?: IntTuple, c?: Omit<Conv2DTransposeOptions, 'filters' | 'kernelSize'>) {
    super(layerArgs<Conv2DTransposeOptions>('Conv2DTranspose', [a, b, c], { positional: ['filters', 'kernelSize'], keys: CONV_TRANSPOSE_KEYS }), 2, 'Conv2DTranspose', 'conv2d_transpose');
  }

  /** Build from a canonical Keras config. */
  static fromConfig(config: JsonObject): Conv2DTranspose {
    return new Conv2DTranspose(BaseConvTranspose.transposeOptions(config, 'Conv2DTranspose'));
  }
}

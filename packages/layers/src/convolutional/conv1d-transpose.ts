import { layerArgs } from '../engine/options.js';
import type { JsonObject } from '../engine/json.js';
import { BaseConvTranspose, CONV_TRANSPOSE_KEYS, type ConvTransposeOptions } from './base-conv-transpose.js';
import type { IntTuple } from './conv-utils.js';

/** Options of {@link Conv1DTranspose}. */
export type Conv1DTransposeOptions = ConvTransposeOptions;

/**
 * 1-D transposed convolution ("deconvolution") over sequences (up-sampling by `strides`). Weights `kernel` `(k, filters, in)`
 * (output channels before input channels) and `bias` `(filters)`.
 *
 * @example
 * new Conv1DTranspose(16, 3, { strides: 2, padding: 'same' })
 */
export class Conv1DTranspose extends BaseConvTranspose {
  readonly className: string = 'Conv1DTranspose';

  /** `new Conv1DTranspose(filters, kernelSize, options?)` or `new Conv1DTranspose({ filters, kernelSize, ... })`, as Keras' `Conv1DTranspose(filters, kernel_size, ...)`. */
  constructor(filters: number, kernelSize: IntTuple, options?: Omit<Conv1DTransposeOptions, 'filters' | 'kernelSize'>);
  constructor(options: Conv1DTransposeOptions);
  constructor(a: number | Conv1DTransposeOptions, b?: IntTuple, c?: Omit<Conv1DTransposeOptions, 'filters' | 'kernelSize'>) {
    super(layerArgs<Conv1DTransposeOptions>('Conv1DTranspose', [a, b, c], { positional: ['filters', 'kernelSize'], keys: CONV_TRANSPOSE_KEYS }), 1, 'Conv1DTranspose', 'conv1d_transpose');
  }

  /** Build from a canonical Keras config. */
  static fromConfig(config: JsonObject): Conv1DTranspose {
    return new Conv1DTranspose(BaseConvTranspose.transposeOptions(config, 'Conv1DTranspose'));
  }
}

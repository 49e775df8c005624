import { layerArgs } from '../engine/options.js';
import type { JsonObject } from '../engine/json.js';
import { BaseConv, CONV_KEYS, type ConvOptions } from './base-conv.js';
import type { IntTuple } from './conv-utils.js';

/** Options of {@link Conv1D}. */
export type Conv1DOptions = ConvOptions;

/**
 * 1-D convolution over sequences `(batch, steps, channels)` (channels_last) or `(batch, channels, steps)`; `padding: "causal"` pads only the past. Weights `kernel` `(k, in/groups, filters)` and `bias` `(filters)`.
 *
 * @example
 * new Conv1D(128, 5, { activation: 'relu' })   // a text CNN over embeddings
 */
export class Conv1D extends BaseConv {
  readonly className: string = 'Conv1D';

  /** `new Conv1D(filters, kernelSize, options?)` or `new Conv1D({ filters, kernelSize, ... })`, as Keras' `Conv1D(filters, kernel_size, ...)`. */
  constructor(filters: number, kernelSize: IntTuple, options?: Omit<Conv1DOptions, 'filters' | 'kernelSize'>);
  constructor(options: Conv1DOptions);
  constructor(a: number | Conv1DOptions, b?: IntTuple, c?: Omit<Conv1DOptions, 'filters' | 'kernelSize'>) {
    super(layerArgs<Conv1DOptions>('Conv1D', [a, b, c], { positional: ['filters', 'kernelSize'], keys: CONV_KEYS }), 1, 'Conv1D', 'conv1d');
  }

  /** Build from a canonical Keras config. */
  static fromConfig(config: JsonObject): Conv1D {
    return new Conv1D(BaseConv.convOptions(config, 'Conv1D'));
  }
}

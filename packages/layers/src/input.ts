import { ConfigError } from '@kerasts/tensor';
import { InputLayer } from './core.js';
import { inputTensorOf, type SymbolicTensor } from './graph.js';
import type { Shape } from './shape.js';

/** Options of {@link Input} (Keras' `keras.Input` arguments in camelCase). */
export interface InputOptions {
  /** Shape without the batch dimension, e.g. `[1, 8]`; `null` marks an unknown size (a variable time axis). */
  shape?: Shape;
  /** Fixed batch size (default: any). */
  batchSize?: number;
  /** Full shape with the batch dimension, instead of `shape` + `batchSize`. */
  batchShape?: Shape;
  /** Name of the input layer (default `input_layer`, `input_layer_1`, ... as in Keras 3). */
  name?: string;
  /** dtype name (kerasts computes in float32). */
  dtype?: string;
}

/**
 * A symbolic input of a functional model, like `keras.Input`: creates an `InputLayer` and returns
 * its output tensor, to be passed to `layer.apply()`.
 *
 * @example
 * const a = Input({ shape: [3], name: 'a' });
 * const b = Input({ shape: [2], name: 'b' });
 * const y = new Dense({ units: 1 }).apply(new Concatenate().apply([a, b]));
 * const model = new Functional({ inputs: [a, b], outputs: y });
 *
 * @throws {ConfigError} when neither `shape` nor `batchShape` is given.
 */
export function Input(options: InputOptions): SymbolicTensor {
  const batchShape = options.batchShape ?? (options.shape ? [options.batchSize ?? null, ...options.shape] : null);
  if (!batchShape) throw new ConfigError('Input() needs a shape (without the batch dimension) or a batchShape', options.name ?? 'Input');
  const layer = new InputLayer({ batchInputShape: batchShape, ...(options.name ? { name: options.name } : {}), ...(options.dtype ? { dtype: options.dtype } : {}) });
  return inputTensorOf(layer);
}

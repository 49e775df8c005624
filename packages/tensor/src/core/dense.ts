/**
 * The forward pass of a Keras `Dense` layer over plain float32 buffers.
 */
import type { Activation } from '../activations.js';
import { ConfigError, ShapeMismatchError } from '../errors.js';
import { gemm } from '../gemm.js';

/**
 * `y[rows×units] = act(x[rows×inputDim] · kernel[inputDim×units] + bias)`, returning a new array.
 *
 * `kernel` is laid out as Keras stores it, `(input_dim, units)` row-major. A Dense layer on an input of
 * rank > 2 (e.g. `[batch, time, features]`) is the same call with `rows = batch·time`. With a
 * softmax-like activation each row of `units` values is normalised.
 *
 * With `options.cacheWeights` the kernel is a long-lived weight whose in-place changes are announced
 * with `markWeightsChanged` (as layers' weights are), and its packed panels may be kept between calls.
 *
 * @throws {ShapeMismatchError} if an array has the wrong length.
 * @throws {ConfigError} if a dimension is not a non-negative integer.
 */
export function denseForward(
  x: Float32Array,
  rows: number,
  inputDim: number,
  units: number,
  kernel: Float32Array,
  bias: Float32Array | null,
  activation: Activation | null,
  options?: { cacheWeights?: boolean },
): Float32Array {
  for (const [name, v] of [['rows', rows], ['inputDim', inputDim], ['units', units]] as const) {
    if (!Number.isInteger(v) || v < 0) throw new ConfigError(`denseForward: ${name} must be a non-negative integer, got ${v}`);
  }
  if (x.length !== rows * inputDim) {
    throw new ShapeMismatchError('denseForward: input has the wrong length', [rows, inputDim], [x.length]);
  }
  if (kernel.length !== inputDim * units) {
    throw new ShapeMismatchError('denseForward: kernel has the wrong length', [inputDim, units], [kernel.length]);
  }
  if (bias !== null && bias.length !== units) {
    throw new ShapeMismatchError('denseForward: bias has the wrong length', [units], [bias.length]);
  }
  const y = new Float32Array(rows * units);
  if (bias !== null) {
    // Narrow layers: a plain loop (one `set` call per row costs more than the copy itself).
    if (units < 16) {
      for (let r = 0, o = 0; r < rows; r++) for (let j = 0; j < units; j++, o++) y[o] = bias[j]!;
    } else {
      for (let r = 0; r < rows; r++) y.set(bias, r * units);
    }
  }
  gemm(rows, units, inputDim, x, kernel, y, { accumulate: bias !== null, cacheB: options?.cacheWeights ?? false });
  if (activation !== null) activation.apply(y, 0, rows, units);
  return y;
}

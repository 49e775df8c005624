/**
 * The geometry of an N-D convolution or pooling window over channels-last data: per spatial axis the
 * input and output sizes, window size, stride, dilation and how many padded positions precede the
 * input. Everything else (im2col, pooling, transposed convolution) is written against it.
 */
import { ConfigError, ShapeMismatchError } from '../errors.js';

/** Keras' padding modes (`causal` only for 1-D convolutions). */
export type PaddingMode = 'valid' | 'same' | 'causal';

/** Where a window sits over the input, per spatial axis (channels-last data, batch first). */
export interface WindowGeometry {
  /** Input spatial sizes. */
  readonly inSize: readonly number[];
  /** Output spatial sizes. */
  readonly outSize: readonly number[];
  /** Window (kernel / pool) sizes. */
  readonly window: readonly number[];
  readonly strides: readonly number[];
  readonly dilations: readonly number[];
  /** Padded positions before the input (the window of output 0 starts at `-padBefore`). */
  readonly padBefore: readonly number[];
}

function checkInts(what: string, v: readonly number[], rank: number, min: number): void {
  if (v.length !== rank || !v.every((d) => Number.isInteger(d) && d >= min)) {
    throw new ConfigError(`${what} must be ${rank} integer(s) >= ${min}, got [${v.join(', ')}]`);
  }
}

/**
 * The geometry of a convolution or pooling window as Keras (and XLA / TensorFlow) compute it:
 * `valid` pads nothing; `same` gives `ceil(in / stride)` outputs and pads `total = max((out−1)·s +
 * (k−1)·d + 1 − in, 0)` positions, `floor(total / 2)` of them before; `causal` pads `(k−1)·d` before.
 *
 * @throws {ShapeMismatchError} if a `valid` window does not fit the input.
 */
export function windowGeometry(
  inSize: readonly number[],
  window: readonly number[],
  strides: readonly number[],
  dilations: readonly number[],
  padding: PaddingMode,
): WindowGeometry {
  const rank = inSize.length;
  checkInts('input size', inSize, rank, 0);
  checkInts('window', window, rank, 1);
  checkInts('strides', strides, rank, 1);
  checkInts('dilation rate', dilations, rank, 1);
  const outSize: number[] = [];
  const padBefore: number[] = [];
  for (let i = 0; i < rank; i++) {
    const n = inSize[i]!, s = strides[i]!;
    const eff = (window[i]! - 1) * dilations[i]! + 1;
    if (padding === 'valid') {
      if (n < eff) throw new ShapeMismatchError(`a window of ${eff} (kernel ${window[i]}, dilation ${dilations[i]}) does not fit an input of ${n} with padding "valid"`, [eff], [n]);
      outSize.push(Math.floor((n - eff) / s) + 1);
      padBefore.push(0);
    } else if (padding === 'same') {
      const out = Math.ceil(n / s);
      outSize.push(out);
      padBefore.push(Math.floor(Math.max((out - 1) * s + eff - n, 0) / 2));
    } else if (padding === 'causal') {
      outSize.push(Math.ceil(n / s));
      padBefore.push(eff - 1);
    } else {
      throw new ConfigError(`unknown padding "${String(padding)}" (expected valid, same or causal)`);
    }
  }
  return { inSize: [...inSize], outSize, window: [...window], strides: [...strides], dilations: [...dilations], padBefore };
}

/**
 * The geometry of a transposed convolution (Keras 3's `conv_transpose`, JAX padding) seen as the
 * convolution it transposes: the returned geometry maps the transposed layer's OUTPUT (`inSize` of the
 * result) to its INPUT (`outSize`), so the forward pass is that convolution's input gradient.
 * `outputPadding` null means Keras' default.
 */
export function transposeGeometry(
  inSize: readonly number[],
  window: readonly number[],
  strides: readonly number[],
  dilations: readonly number[],
  padding: 'valid' | 'same',
  outputPadding: readonly number[] | null,
): WindowGeometry {
  const rank = inSize.length;
  checkInts('input size', inSize, rank, 0);
  checkInts('window', window, rank, 1);
  checkInts('strides', strides, rank, 1);
  checkInts('dilation rate', dilations, rank, 1);
  if (outputPadding) checkInts('output padding', outputPadding, rank, 0);
  const outSize: number[] = [];
  const padBefore: number[] = [];
  for (let i = 0; i < rank; i++) {
    const s = strides[i]!;
    const eff = (window[i]! - 1) * dilations[i]! + 1;
    const op = outputPadding ? outputPadding[i]! : null;
    let left: number;
    let right: number;
    // keras/src/backend/common/backend_utils.py _convert_conv_transpose_padding_args_from_keras_to_jax
    if (padding === 'valid') {
      left = eff - 1;
      right = eff - 1 + (op ?? Math.max(eff, s) - eff);
    } else {
      const padLen = op === null ? s + eff - 2 : eff + (eff % 2) - 2 + op;
      left = Math.min(Math.floor(padLen / 2) + (padLen % 2), eff - 1);
      right = padLen - left;
    }
    // jax.lax.conv_transpose: output = (in − 1)·s + 1 + left + right − eff + 1
    outSize.push(Math.max(0, (inSize[i]! - 1) * s + left + right - eff + 2));
    padBefore.push(eff - 1 - left);
  }
  // As the convolution it transposes: input = the transposed layer's output.
  return { inSize: outSize, outSize: [...inSize], window: [...window], strides: [...strides], dilations: [...dilations], padBefore };
}

/** Product of a list of sizes. */
export function prod(v: readonly number[]): number {
  let p = 1;
  for (const d of v) p *= d;
  return p;
}

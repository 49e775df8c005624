/**
 * Channels-first ⇄ channels-last: the convolution and pooling kernels work on channels-last data;
 * layers with `data_format: "channels_first"` transpose their input and output (as Keras 3 does on
 * backends without a channels-first kernel).
 */
import { ShapeMismatchError } from '../errors.js';

function swap(x: Float32Array, batch: number, rows: number, cols: number): Float32Array {
  if (x.length !== batch * rows * cols) throw new ShapeMismatchError(`channel transpose: ${x.length} values, expected ${batch * rows * cols}`, [batch, rows, cols], [x.length]);
  const y = new Float32Array(x.length);
  if (rows === 1 || cols === 1) {
    y.set(x);
    return y;
  }
  for (let n = 0; n < batch; n++) {
    const o = n * rows * cols;
    for (let r = 0; r < rows; r++) {
      const src = o + r * cols;
      for (let c = 0; c < cols; c++) y[o + c * rows + r] = x[src + c]!;
    }
  }
  return y;
}

/** `(batch, channels, positions)` → `(batch, positions, channels)` (a new array). */
export function toChannelsLast(x: Float32Array, batch: number, channels: number, positions: number): Float32Array {
  return swap(x, batch, channels, positions);
}

/** `(batch, positions, channels)` → `(batch, channels, positions)` (a new array). */
export function toChannelsFirst(x: Float32Array, batch: number, channels: number, positions: number): Float32Array {
  return swap(x, batch, positions, channels);
}

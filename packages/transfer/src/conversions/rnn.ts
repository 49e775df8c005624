/** Old recurrent weight layouts: Keras 1's per-gate arrays, CuDNN's re-laid-out kernels (LSTM, GRU). */
import { kerasMajor, type Layer } from '@kerasts/layers';
import { FormatError, Tensor } from '@kerasts/tensor';
import type { Converted, Converter } from './types.js';

export function concatColumns(blocks: readonly Tensor[]): Tensor {
  const rows = blocks[0]!.rank === 1 ? 1 : blocks[0]!.shape[0]!;
  const widths = blocks.map((b) => (b.rank === 1 ? b.shape[0]! : b.shape[1]!));
  const total = widths.reduce((a, b) => a + b, 0);
  const out = new Float32Array(rows * total);
  let col = 0;
  blocks.forEach((b, k) => {
    const w = widths[k]!;
    for (let r = 0; r < rows; r++) out.set(b.data.subarray(r * w, (r + 1) * w), r * total + col);
    col += w;
  });
  return new Tensor(out, blocks[0]!.rank === 1 ? [total] : [rows, total]);
}

/** CuDNN stores each gate's input kernel in Fortran order and each recurrent kernel transposed. */
export function fromCudnnKernel(k: Tensor, gates: number, transposeOnly: boolean): Tensor {
  const [d, total] = k.shape as [number, number];
  const u = total / gates;
  const out = new Float32Array(d * total);
  for (let g = 0; g < gates; g++) {
    // block[i][j] = k[i][g*u + j]
    for (let i = 0; i < d; i++) {
      for (let j = 0; j < u; j++) {
        let src: number;
        if (transposeOnly) {
          // new block = block.T (square u×u for recurrent kernels)
          src = j * total + g * u + i;
        } else {
          // new[i][j] = block.T reshaped (d, u) in Fortran order = row-major flat of block at p = i + j*d
          const p = i + j * d;
          src = Math.floor(p / u) * total + g * u + (p % u);
        }
        out[i * total + g * u + j] = k.data[src]!;
      }
    }
  }
  return new Tensor(out, [d, total]);
}


/** LSTM: Keras 1's 12 arrays (gate order i, c, f, o) and CuDNNLSTM's layout. */
const lstm: Converter = (layer: Layer, stored: readonly Tensor[], kerasVersion: string | null): Converted | null => {
  if (stored.length === 12 && kerasMajor(kerasVersion ?? '1') <= 1) {
    // Keras 1: W_i,U_i,b_i, W_c,U_c,b_c, W_f,U_f,b_f, W_o,U_o,b_o  →  kernel/recurrent/bias in i, f, c, o.
    const pick = (idx: number[]) => concatColumns(idx.map((i) => stored[i]!));
    return {
      values: [pick([0, 6, 3, 9]), pick([1, 7, 4, 10]), pick([2, 8, 5, 11])],
      note: `Keras 1 LSTM: 12 arrays (gate order i, c, f, o) merged into kernel, recurrent_kernel, bias (i, f, c, o)`,
    };
  }
  const units = (layer as unknown as { units: number }).units;
  const bias = stored[2];
  if (stored.length === 3 && bias && bias.rank === 1 && bias.shape[0] === 8 * units) {
    const half = 4 * units;
    const b = new Float32Array(half);
    for (let i = 0; i < half; i++) b[i] = bias.data[i]! + bias.data[half + i]!;
    return {
      values: [fromCudnnKernel(stored[0]!, 4, false), fromCudnnKernel(stored[1]!, 4, true), new Tensor(b, [half])],
      note: 'CuDNNLSTM weights converted to LSTM (bias halves summed, gate kernels re-laid out)',
    };
  }
  return null;
};

/**
 * GRU: Keras 1's 9 arrays (W_z, U_z, b_z, W_r, U_r, b_r, W_h, U_h, b_h; keras/engine/topology.py
 * `preprocess_weights_for_loading` of Keras 2.0.8) and CuDNNGRU's layout (Keras 2.1.5+
 * `_convert_rnn_weights`: per-gate kernels in cuDNN's order, bias (6u) = input then recurrent biases,
 * loadable only into `reset_after=True`).
 */
const gru: Converter = (layer: Layer, stored: readonly Tensor[], kerasVersion: string | null): Converted | null => {
  if (stored.length === 9 && kerasMajor(kerasVersion ?? '1') <= 1) {
    const pick = (idx: number[]) => concatColumns(idx.map((i) => stored[i]!));
    return {
      values: [pick([0, 3, 6]), pick([1, 4, 7]), pick([2, 5, 8])],
      note: 'Keras 1 GRU: 9 arrays (z, r, h) merged into kernel, recurrent_kernel, bias',
    };
  }
  const { units, resetAfter } = layer as unknown as { units: number; resetAfter: boolean };
  const bias = stored[2];
  if (stored.length === 3 && bias && bias.rank === 1 && bias.shape[0] === 6 * units) {
    if (!resetAfter) {
      throw new FormatError(`layer "${layer.name}": CuDNNGRU weights (bias of ${6 * units}) fit only a GRU with reset_after=True, as in Keras`, layer.name);
    }
    return {
      values: [fromCudnnKernel(stored[0]!, 3, false), fromCudnnKernel(stored[1]!, 3, true), new Tensor(new Float32Array(bias.data), [2, 3 * units])],
      note: 'CuDNNGRU weights converted to GRU(reset_after=True) (bias reshaped to (2, 3u), gate kernels re-laid out)',
    };
  }
  return null;
};

/** Converters of this family, by the class name of the layer the weights go into. */
export const rnnConverters: readonly (readonly [string, Converter])[] = [
  ['LSTM', lstm],
  ['GRU', gru],
];

/**
 * Old convolution kernel layouts, so that a model computes what the Keras that wrote the file computed:
 *
 * - Keras 1 layouts (Keras 2's `preprocess_weights_for_loading` for `original_keras_version == '1'`):
 *   `Convolution1D` kernels `(len, 1, in, filters)` (Keras 1.1: `(filters, in, len, 1)`); `th`
 *   (channels_first) `Convolution2D` / `Convolution3D` kernels `(filters, in, k...)`;
 *   `Deconvolution2D` kernels `(rows, cols, in, filters)` (`tf`) or `(filters, in, rows, cols)` (`th`);
 *   and, which Keras 2 never converted (such files failed to load there), `th` SeparableConvolution2D
 *   kernels `(M, in, rows, cols)` and `(filters, in·M, 1, 1)`.
 * - Theano kernels: Theano's `conv2d` is a true convolution (it flips its kernel) where TensorFlow,
 *   CNTK, JAX and kerasts correlate, so a file written with the Theano backend holds the regular
 *   convolutions' kernels (Conv1D/2D/3D and the transposed ones) flipped on every spatial axis
 *   (`conv_utils.convert_kernel`). They are flipped back whenever the backend that wrote the file is
 *   Theano. Keras 2.0.8 flipped whenever the writing and the loading backends differed (so it also
 *   flipped TensorFlow ⇄ CNTK, which both correlate) and Keras 2.0.9+ only when exactly one side is
 *   Theano; the flip here is what the original backend computed, which is 2.0.9's rule. Depthwise and
 *   separable kernels are never flipped: Keras' Theano backend pre-flips them itself.
 * - A 4-D kernel whose shape is the `(3, 2, 0, 1)` transpose of the layer's (Keras 2's fallback for any
 *   version) is transposed.
 *
 * Keras 1 files do not record their backend: pass it (`backend: 'theano'` to `applyWeights`,
 * `loadModel`, `loadWeights`) for Theano-era Keras 1 files, as the report's note says.
 */
import { kerasMajor, type Layer } from '@kerasts/layers';
import { Tensor } from '@kerasts/tensor';
import type { Converted, Converter } from './types.js';

/** `np.transpose(t, perm)`. */
export function transposeTensor(t: Tensor, perm: readonly number[]): Tensor {
  const rank = t.rank;
  const shape = perm.map((p) => t.shape[p]!);
  const inStrides = new Array<number>(rank);
  let s = 1;
  for (let i = rank - 1; i >= 0; i--) {
    inStrides[i] = s;
    s *= t.shape[i]!;
  }
  const out = new Float32Array(t.size);
  const idx = new Array<number>(rank).fill(0);
  const stepIn = perm.map((p) => inStrides[p]!);
  for (let o = 0, src = 0; o < out.length; o++) {
    out[o] = t.data[src]!;
    for (let d = rank - 1; d >= 0; d--) {
      idx[d]!++;
      src += stepIn[d]!;
      if (idx[d]! < shape[d]!) break;
      src -= stepIn[d]! * shape[d]!;
      idx[d] = 0;
    }
  }
  return new Tensor(out, shape);
}

/** `conv_utils.convert_kernel`: reverses every axis but the last two (the spatial ones). */
export function flipKernel(t: Tensor): Tensor {
  const spatial = t.shape.slice(0, -2);
  const inner = t.shape.slice(-2).reduce((a, b) => a * b, 1);
  const taps = spatial.reduce((a, b) => a * b, 1);
  const out = new Float32Array(t.size);
  // reversing every spatial axis reverses the flat order of the taps
  for (let k = 0; k < taps; k++) out.set(t.data.subarray(k * inner, (k + 1) * inner), (taps - 1 - k) * inner);
  return new Tensor(out, t.shape);
}

function same(a: readonly number[], b: readonly number[]): boolean {
  return a.length === b.length && a.every((d, i) => d === b[i]);
}

function describe(shape: readonly number[]): string {
  return `(${shape.join(', ')})`;
}

type Kind = 'conv' | 'transpose' | 'separable' | 'depthwise';

interface ConvLike {
  rank: number;
  dataFormat: 'channels_last' | 'channels_first';
}

/** The backends whose convolution correlates (as kerasts does); anything but Theano. */
function flips(backend: string | null): boolean {
  return backend !== null && backend.toLowerCase() === 'theano';
}

function convConverter(kind: Kind): Converter {
  return (layer: Layer, stored: readonly Tensor[], kerasVersion: string | null, backend: string | null = null): Converted | null => {
    const { rank, dataFormat } = layer as unknown as ConvLike;
    const want = layer.weights.map((w) => w.shape);
    if (stored.length === 0 || want.length === 0) return null;
    const values = [...stored];
    const notes: string[] = [];
    const k = values[0]!;
    if (kerasMajor(kerasVersion ?? '1') <= 1) {
      if (kind === 'conv' && rank === 1 && k.rank === 4) {
        let w = k;
        // Keras 1.2: (len, 1, in, filters); anything else is Keras 1.1's (filters, in, len, 1)
        if (!(w.shape[0] === want[0]![0] && w.shape[1] === 1 && w.shape[3] === want[0]![2])) w = transposeTensor(w, [2, 3, 1, 0]);
        values[0] = new Tensor(w.data, [w.shape[0]!, w.shape[2]!, w.shape[3]!]);
        notes.push(`Keras 1 Convolution1D kernel ${describe(k.shape)} → ${describe(values[0].shape)}`);
      } else if (kind === 'conv' && dataFormat === 'channels_first' && k.rank === rank + 2 && rank >= 2) {
        values[0] = transposeTensor(k, rank === 2 ? [2, 3, 1, 0] : [2, 3, 4, 1, 0]);
        notes.push(`Keras 1 'th' kernel (filters, in, k...) ${describe(k.shape)} → ${describe(values[0].shape)}`);
      } else if (kind === 'transpose' && rank === 2 && k.rank === 4) {
        values[0] = transposeTensor(k, dataFormat === 'channels_last' ? [0, 1, 3, 2] : [2, 3, 0, 1]);
        notes.push(`Keras 1 Deconvolution2D kernel ${describe(k.shape)} → ${describe(values[0].shape)}`);
      } else if (kind === 'separable' && dataFormat === 'channels_first' && rank === 2 && values.length >= 2) {
        values[0] = transposeTensor(k, [2, 3, 1, 0]);
        values[1] = transposeTensor(values[1]!, [2, 3, 1, 0]);
        notes.push(`Keras 1 'th' SeparableConvolution2D kernels → (rows, cols, in, M) and (1, 1, in·M, filters)`);
      }
    }
    if ((kind === 'conv' || kind === 'transpose') && backend === null && kerasMajor(kerasVersion ?? '1') <= 1) {
      notes.push("the file does not record its backend (Keras 1): kernels read as TensorFlow's; pass backend 'theano' for a file written with Theano");
    }
    if ((kind === 'conv' || kind === 'transpose') && flips(backend)) {
      values[0] = flipKernel(values[0]!);
      notes.push('kernel written by the Theano backend (a true convolution): flipped on its spatial axes to compute what Theano computed');
    }
    const w0 = values[0]!;
    if (!same(w0.shape, want[0]!) && w0.rank === 4 && (kind === 'conv' || kind === 'transpose')) {
      const t = transposeTensor(w0, [3, 2, 0, 1]);
      if (same(t.shape, want[0]!)) {
        values[0] = t;
        notes.push(`kernel ${describe(w0.shape)} transposed (3, 2, 0, 1) to the layer's ${describe(want[0]!)}`);
      }
    }
    return notes.length ? { values, note: notes.join('; ') } : null;
  };
}

/** Converters of this family, by the class name of the layer the weights go into. */
export const convolutionalConverters: readonly (readonly [string, Converter])[] = [
  ['Conv1D', convConverter('conv')],
  ['Conv2D', convConverter('conv')],
  ['Conv3D', convConverter('conv')],
  ['Conv1DTranspose', convConverter('transpose')],
  ['Conv2DTranspose', convConverter('transpose')],
  ['Conv3DTranspose', convConverter('transpose')],
  ['SeparableConv1D', convConverter('separable')],
  ['SeparableConv2D', convConverter('separable')],
  ['DepthwiseConv1D', convConverter('depthwise')],
  ['DepthwiseConv2D', convConverter('depthwise')],
];

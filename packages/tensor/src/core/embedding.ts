/**
 * The forward and backward passes of a Keras `Embedding` layer over plain float32 buffers: a row
 * gather, and a scatter-add of the output gradient into the rows that were gathered.
 */
import { takeF32 } from '../buffer-pool.js';
import { ConfigError, ShapeMismatchError } from '../errors.js';

/** Where an index was found, as `[b][t]...` over the input's shape. */
function position(shape: readonly number[], flat: number): string {
  const idx: number[] = [];
  let rem = flat;
  for (let d = shape.length - 1; d >= 0; d--) {
    const n = shape[d]!;
    idx.unshift(n === 0 ? 0 : rem % n);
    rem = n === 0 ? 0 : Math.floor(rem / n);
  }
  return idx.map((i) => `[${i}]`).join('');
}

/**
 * The row index of every input value, as Keras computes it (a cast to int32, i.e. truncation toward
 * zero, so integer inputs given as floats work), checked against `[0, inputDim)`.
 *
 * @param shape the input's shape, for the position in the error message.
 * @param where who is asking (e.g. `layer "embedding" (Embedding)`), for the error message.
 * @throws {ConfigError} naming the value and its position when an index is NaN or outside `[0, inputDim)`;
 *   Keras would return a wrong row (or NaN) there instead of failing.
 */
export function embeddingIndices(input: Float32Array, shape: readonly number[], inputDim: number, where: string): Int32Array {
  const n = input.length;
  const out = new Int32Array(n);
  for (let p = 0; p < n; p++) {
    const v = input[p]!;
    const i = Math.trunc(v);
    if (!(i >= 0 && i < inputDim)) {
      throw new ConfigError(
        `${where}: index ${Number.isNaN(v) ? 'NaN' : v} at input${position(shape, p)} is outside [0, ${inputDim}) (input_dim = ${inputDim}, the vocabulary size)`,
        where,
      );
    }
    out[p] = i;
  }
  return out;
}

/**
 * `out[p, :] = embeddings[indices[p], :]` for every position `p`; returns a new `indices.length × outputDim` array.
 *
 * @throws {ShapeMismatchError} if `embeddings` is not `inputDim × outputDim`.
 */
export function embeddingForward(indices: Int32Array, embeddings: Float32Array, inputDim: number, outputDim: number): Float32Array {
  if (embeddings.length !== inputDim * outputDim) throw new ShapeMismatchError('embeddingForward: embeddings', [inputDim, outputDim], [embeddings.length]);
  const n = indices.length;
  // every value is written below; a large output comes from the buffer pool (an inference pass that
  // is done with it gives it back: Sequential's predict, see recycleFloat32)
  const out = takeF32(n * outputDim, false);
  if (outputDim === 1) {
    for (let p = 0; p < n; p++) out[p] = embeddings[indices[p]!]!;
    return out;
  }
  for (let p = 0; p < n; p++) {
    const src = indices[p]! * outputDim;
    out.set(embeddings.subarray(src, src + outputDim), p * outputDim);
  }
  return out;
}

/**
 * ∂L/∂embeddings: each position's output gradient added into the row it was read from (rows read
 * several times accumulate, rows never read stay 0). `rowScale`, when given, multiplies row `i`'s
 * contribution (Keras 1's word dropout). Returns a new `inputDim × outputDim` array.
 *
 * @throws {ShapeMismatchError} if `dOutput` is not `indices.length × outputDim`.
 */
export function embeddingBackward(indices: Int32Array, dOutput: Float32Array, inputDim: number, outputDim: number, rowScale: Float32Array | null = null): Float32Array {
  const n = indices.length;
  if (dOutput.length !== n * outputDim) throw new ShapeMismatchError('embeddingBackward: dOutput', [n, outputDim], [dOutput.length]);
  if (!Number.isInteger(inputDim) || inputDim < 0) throw new ConfigError(`embeddingBackward: inputDim must be a non-negative integer, got ${inputDim}`);
  // a large table's gradient comes from the buffer pool (the training loop gives it back after the update)
  const dE = takeF32(inputDim * outputDim, false);
  dE.fill(0);
  for (let p = 0; p < n; p++) {
    const row = indices[p]!;
    const dst = row * outputDim;
    const src = p * outputDim;
    if (rowScale === null) {
      for (let j = 0; j < outputDim; j++) dE[dst + j]! += dOutput[src + j]!;
    } else {
      const s = rowScale[row]!;
      for (let j = 0; j < outputDim; j++) dE[dst + j]! += dOutput[src + j]! * s;
    }
  }
  return dE;
}

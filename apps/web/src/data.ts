/**
 * Numbers in and out of the page: CSV text, `.npy`, `.npz` and JSON arrays as float32 arrays (through
 * `@kerasts/io-npy`), reshaped to a model's input; predictions out as `.npy` and CSV.
 */
import { npyToTensor, readCsv, readNpy, readTensorData, writeCsv, writeNpy } from '@kerasts/io-npy';
import { ShapeMismatchError, Tensor } from '@kerasts/tensor';
import type { Shape } from '@kerasts/layers';

/** A parsed array: float32 values in C order and their shape (plain data: it crosses into workers). */
export interface ArrayData {
  data: Float32Array;
  shape: number[];
}

const plain = (t: Tensor): ArrayData => ({ data: t.data, shape: [...t.shape] });

/** CSV text (header and `#` comments skipped, separator detected), one sample per line. */
export function parseCsv(text: string, fileName = 'CSV'): ArrayData {
  return plain(readCsv(text, { fileName }));
}

/** A `.npy` (any numeric dtype, order and byte order) as float32. */
export function parseNpy(bytes: Uint8Array, fileName = '.npy'): ArrayData {
  return plain(npyToTensor(readNpy(bytes, { fileName })));
}

/** A data file by content: `.npy`, `.npz` (one array), JSON or CSV. */
export function parseArray(bytes: Uint8Array, fileName: string): ArrayData {
  return plain(readTensorData(bytes, { fileName }));
}

/** A float32 `.npy`, as `numpy.save` writes it. */
export function toNpy(data: Float32Array, shape: readonly number[]): Uint8Array {
  return writeNpy({ dtype: 'float32', shape: [...shape], data });
}

/** CSV of a tensor's rows (first dimension), the other dimensions flattened; each value read back exactly. */
export function toCsv(data: Float32Array, shape: readonly number[]): string {
  const n = shape[0] ?? 1;
  const w = n === 0 ? 0 : data.length / n;
  return writeCsv({ dtype: 'float32', shape: [n, w], data });
}

/**
 * Reshape samples to a model input `[batch, ...dims]`: the array's first dimension is the samples,
 * the rest must hold as many values as one sample of the input.
 */
export function toModelInput(a: ArrayData, inputShape: Shape, what: string): Tensor {
  const dims = inputShape.slice(1);
  if (dims.some((d) => d === null)) {
    // Variable dimensions (e.g. timesteps): take the array's own shape.
    if (a.shape.length !== inputShape.length) {
      throw new ShapeMismatchError(`${what}: the input has variable dimensions; give an array of rank ${inputShape.length}`, inputShape, a.shape, what);
    }
    return new Tensor(a.data, a.shape);
  }
  const per = (dims as number[]).reduce((x, y) => x * y, 1);
  const n = a.shape[0] ?? 0;
  const have = n === 0 ? 0 : a.data.length / n;
  if (have !== per) {
    throw new ShapeMismatchError(`${what}: each sample needs ${per} values (shape ${JSON.stringify(dims)}), each row has ${have}`, inputShape, a.shape, what);
  }
  return new Tensor(a.data, [n, ...(dims as number[])]);
}

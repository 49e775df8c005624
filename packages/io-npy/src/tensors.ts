/** Between numpy arrays of any numeric dtype and kerasts' float32 `Tensor`. */
import { ConfigError, FormatError, ShapeMismatchError, Tensor, tensor, type NestedArray } from '@kerasts/tensor';
import type { NpyArray } from './npy.js';

/** What the writers accept: a numpy-style array, or a float32 `Tensor` (stored as `float32`). */
export type ArrayInput = NpyArray | Tensor;

/** An {@link ArrayInput} as an {@link NpyArray} (a Tensor's data is shared, not copied). */
export function asNpyArray(a: ArrayInput): NpyArray {
  if ('dtype' in a && typeof a.dtype === 'string') return a;
  if (a instanceof Tensor || ('data' in a && a.data instanceof Float32Array && Array.isArray(a.shape))) {
    return { dtype: 'float32', shape: [...a.shape], data: a.data };
  }
  throw new ConfigError('expected a Tensor or an NpyArray ({ dtype, shape, data })', 'io-npy');
}

/**
 * A numpy array as a float32 tensor (what kerasts models take): every dtype converts to float32
 * (integers above 2^24 and float64 values are rounded, as `x.astype('float32')`; bool → 0/1).
 */
export function npyToTensor(a: NpyArray): Tensor {
  if (a.data instanceof Float32Array) return new Tensor(a.data, a.shape);
  const out = new Float32Array(a.data.length);
  const d = a.data;
  for (let i = 0; i < d.length; i++) out[i] = Number(d[i]!);
  return new Tensor(out, a.shape);
}

/** A tensor as a `float32` numpy array (its data shared; `writeNpy`'s `dtype` option stores other dtypes). */
export function tensorToNpy(t: Tensor): NpyArray {
  return { dtype: 'float32', shape: [...t.shape], data: t.data };
}

/**
 * A JSON array of numbers as a tensor: nested arrays (`[[1, 2], [3, 4]]`) or `{ "shape": [...],
 * "values": [...] }` (flat, row-major).
 *
 * @throws {FormatError} for text that is not JSON, or not a rectangular array of numbers.
 */
export function readJsonTensor(text: string, fileName = ''): Tensor {
  let v: unknown;
  try {
    v = JSON.parse(text);
  } catch (e) {
    throw new FormatError(`not valid JSON: ${(e as Error).message}`, fileName);
  }
  try {
    if (v !== null && typeof v === 'object' && !Array.isArray(v)) {
      const o = v as { shape?: unknown; values?: unknown };
      if (!Array.isArray(o.shape) || !Array.isArray(o.values)) throw new FormatError('a JSON object must be { "shape": [...], "values": [...] }', fileName);
      if (o.values.some((x) => typeof x !== 'number')) throw new FormatError('"values" must hold numbers only', fileName);
      return tensor(Float32Array.from(o.values as number[]), o.shape as number[]);
    }
    return tensor(v as NestedArray);
  } catch (e) {
    if (e instanceof FormatError) throw e;
    if (e instanceof ConfigError || e instanceof ShapeMismatchError) throw new FormatError(`not a rectangular array of numbers: ${e.message}`, fileName);
    throw e;
  }
}

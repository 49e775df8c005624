/**
 * Axis permutation of a row-major array (numpy's `transpose(x, perm)`), the data movement under
 * Keras' `Permute` and channels_first `Flatten`. Walks the output in order and the input with an
 * odometer over the permuted strides: no allocation per element, the innermost output axis as a
 * tight strided loop.
 */
import { ShapeMismatchError } from '../errors.js';

/** Checks that `perm` is a permutation of `0..rank-1`. */
function checkPerm(shape: readonly number[], perm: readonly number[]): void {
  const seen = new Array<boolean>(shape.length).fill(false);
  if (perm.length !== shape.length) throw new ShapeMismatchError(`transpose: permutation [${perm.join(', ')}] does not fit rank ${shape.length}`, shape, perm);
  for (const p of perm) {
    if (!Number.isInteger(p) || p < 0 || p >= shape.length || seen[p]) {
      throw new ShapeMismatchError(`transpose: [${perm.join(', ')}] is not a permutation of the axes 0..${shape.length - 1}`, shape, perm);
    }
    seen[p] = true;
  }
}

/** The shape of `transpose(x, perm)` for `x` of `shape`. */
export function transposeShape(shape: readonly number[], perm: readonly number[]): number[] {
  checkPerm(shape, perm);
  return perm.map((p) => shape[p]!);
}

/**
 * `out[i0, ..., ik] = src[j]` where output axis `a` is input axis `perm[a]`.
 *
 * @param src the input, row-major, of `shape`.
 * @param shape the input's shape.
 * @param perm output axis `a` takes input axis `perm[a]`.
 * @param out optional destination (length `src.length`, must not alias `src`).
 */
export function transpose(src: Float32Array, shape: readonly number[], perm: readonly number[], out?: Float32Array): Float32Array {
  checkPerm(shape, perm);
  const rank = shape.length;
  let size = 1;
  for (const d of shape) size *= d;
  if (src.length !== size) throw new ShapeMismatchError('transpose: data length does not match the shape', [size], [src.length]);
  const dst = out ?? new Float32Array(size);
  if (size === 0) return dst;
  // Input strides, then the stride of each output axis in the input.
  const inStride = new Array<number>(rank).fill(1);
  for (let d = rank - 2; d >= 0; d--) inStride[d] = inStride[d + 1]! * shape[d + 1]!;
  // Drop size-1 axes: they do not move data.
  const dims: number[] = [];
  const strides: number[] = [];
  for (let a = 0; a < rank; a++) {
    const n = shape[perm[a]!]!;
    if (n === 1) continue;
    dims.push(n);
    strides.push(inStride[perm[a]!]!);
  }
  if (dims.length === 0) {
    dst[0] = src[0]!;
    return dst;
  }
  const k = dims.length;
  const inner = dims[k - 1]!;
  const innerStride = strides[k - 1]!;
  const idx = new Array<number>(k).fill(0);
  let base = 0;
  for (let o = 0; o < size; o += inner) {
    let j = base;
    for (let i = 0; i < inner; i++, j += innerStride) dst[o + i] = src[j]!;
    // Advance the odometer over the outer output axes.
    for (let a = k - 2; a >= 0; a--) {
      idx[a]!++;
      base += strides[a]!;
      if (idx[a]! < dims[a]!) break;
      base -= strides[a]! * dims[a]!;
      idx[a] = 0;
    }
  }
  return dst;
}

/** The inverse of a permutation: `transpose(transpose(x, p), inversePermutation(p))` is `x`. */
export function inversePermutation(perm: readonly number[]): number[] {
  const inv = new Array<number>(perm.length);
  perm.forEach((p, a) => {
    inv[p] = a;
  });
  return inv;
}

/**
 * Zero padding and cropping of a row-major array along any axes (Keras' ZeroPadding1D/2D/3D and
 * Cropping1D/2D/3D; each is the other's backward pass). Rows of the last axis are copied as blocks.
 */
import { ShapeMismatchError } from '../errors.js';

/** `[before, after]` amounts per axis. */
export type Margins = readonly (readonly [number, number])[];

function check(shape: readonly number[], margins: Margins, what: string): void {
  if (margins.length !== shape.length) throw new ShapeMismatchError(`${what}: one [before, after] pair per axis`, shape, [margins.length]);
  for (const [a, b] of margins) {
    if (!Number.isInteger(a) || !Number.isInteger(b) || a < 0 || b < 0) throw new ShapeMismatchError(`${what}: margins must be integers >= 0`, shape, [a, b]);
  }
}

/**
 * Copies the box `inner` (of shape `shapeIn` when `toBig` is false, the small array) between a big
 * array of shape `big` and a small one of shape `small` placed at offsets `lo` in the big one.
 */
function copyBox(src: Float32Array, dst: Float32Array, big: readonly number[], small: readonly number[], lo: readonly number[], smallToBig: boolean): void {
  const rank = big.length;
  let n = 1;
  for (const d of small) n *= d;
  if (n === 0) return;
  const bigStride = new Array<number>(rank).fill(1);
  for (let a = rank - 2; a >= 0; a--) bigStride[a] = bigStride[a + 1]! * big[a + 1]!;
  let base = 0;
  for (let a = 0; a < rank; a++) base += lo[a]! * bigStride[a]!;
  const row = small[rank - 1]!;
  const idx = new Array<number>(rank).fill(0);
  let off = base;
  for (let s = 0; s < n; s += row) {
    if (smallToBig) dst.set(src.subarray(s, s + row), off);
    else dst.set(src.subarray(off, off + row), s);
    for (let a = rank - 2; a >= 0; a--) {
      idx[a]!++;
      off += bigStride[a]!;
      if (idx[a]! < small[a]!) break;
      off -= bigStride[a]! * small[a]!;
      idx[a] = 0;
    }
  }
}

/** The shape after padding. */
export function paddedShape(shape: readonly number[], pads: Margins): number[] {
  check(shape, pads, 'pad');
  return shape.map((d, a) => d + pads[a]![0] + pads[a]![1]);
}

/** Zero-pads `x` of `shape` by `pads[a] = [before, after]` on each axis. */
export function pad(x: Float32Array, shape: readonly number[], pads: Margins): Float32Array {
  const big = paddedShape(shape, pads);
  const out = new Float32Array(big.reduce((p, d) => p * d, 1));
  copyBox(x, out, big, shape, pads.map((p) => p[0]), true);
  return out;
}

/** The shape after cropping; throws when an axis would be empty or negative. */
export function croppedShape(shape: readonly number[], crops: Margins): number[] {
  check(shape, crops, 'crop');
  const out = shape.map((d, a) => d - crops[a]![0] - crops[a]![1]);
  if (out.some((d, a) => d < 0 || (d === 0 && shape[a]! > 0 && (crops[a]![0] > 0 || crops[a]![1] > 0)))) {
    throw new ShapeMismatchError('crop: the cropping must be smaller than the axis it crops', shape, out);
  }
  return out;
}

/** Removes `crops[a] = [before, after]` from each axis of `x` of `shape`. */
export function crop(x: Float32Array, shape: readonly number[], crops: Margins): Float32Array {
  const small = croppedShape(shape, crops);
  const out = new Float32Array(small.reduce((p, d) => p * d, 1));
  copyBox(x, out, shape, small, crops.map((c) => c[0]), false);
  return out;
}

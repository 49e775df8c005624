/**
 * Keras' attribute chunking (K2.1.5+ `save_attributes_to_hdf5_group`, KERAS-FORMAT.md §2.4).
 *
 * HDF5 object headers hold at most 64 KiB, so Keras splits a name list whose fixed-length numpy
 * array (`numpy.asarray(list)`, dtype `S<maxlen>`) is larger than {@link HDF5_OBJECT_HEADER_LIMIT}
 * bytes into `name0`, `name1`, ... using `numpy.array_split`, with the smallest number of pieces
 * for which every piece fits. Every piece keeps the whole list's element size.
 */

/** Keras' `HDF5_OBJECT_HEADER_LIMIT`. */
export const HDF5_OBJECT_HEADER_LIMIT = 64512;

/** Sizes of the pieces `numpy.array_split(array_of_length_n, k)` produces: the first `n % k` get one more. */
export function arraySplitSizes(n: number, k: number): number[] {
  const base = Math.floor(n / k);
  const extra = n % k;
  return Array.from({ length: k }, (_, i) => base + (i < extra ? 1 : 0));
}

/** UTF-8 byte length of a string (numpy `S` arrays hold the UTF-8 bytes Keras encoded). */
export function utf8Length(s: string): number {
  return new TextEncoder().encode(s).length;
}

/** How a name list is stored: one attribute, or `name0..name{k-1}` pieces of these sizes. */
export interface ChunkPlan {
  /** Element size (bytes) of the fixed-length array = the longest name, at least 1. */
  itemSize: number;
  /** Number of names per piece; a single piece means no chunking. */
  pieces: number[];
}

/**
 * Plan the storage of a name list exactly like Keras does.
 * @throws RangeError when a single name exceeds the limit (Keras raises too).
 */
export function planChunks(names: readonly string[], limit = HDF5_OBJECT_HEADER_LIMIT): ChunkPlan {
  const lengths = names.map(utf8Length);
  const tooLong = lengths.findIndex((l) => l > limit);
  if (tooLong >= 0) {
    throw new RangeError(
      `name #${tooLong} is ${lengths[tooLong]} bytes long; HDF5 attributes cannot hold names longer than ${limit} bytes`,
    );
  }
  const itemSize = Math.max(1, ...lengths);
  const n = names.length;
  let k = 1;
  while (n > 0 && Math.ceil(n / k) * itemSize > limit) k += 1;
  return { itemSize, pieces: arraySplitSizes(n, k) };
}

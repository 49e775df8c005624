/**
 * Checks run on the raw bytes before HDF5 sees them, for corruptions that make the HDF5 C library
 * loop forever (a synchronous WebAssembly loop cannot be interrupted, so these must never reach it).
 *
 * Global heap collections ("GCOL", where variable-length strings live): HDF5's parser advances by
 * each object's stored size and never checks for progress, so an object of size 0 (or a size that
 * wraps around in 32-bit WebAssembly arithmetic) makes it spin forever. Found by fuzzing a Keras 2
 * file whose `backend` string's heap entry had one byte changed. Here every collection in the file is
 * walked the same way, in exact arithmetic, and any object that does not advance or that runs past
 * the collection's end rejects the file.
 */

const GCOL = [0x47, 0x43, 0x4f, 0x4c];

/** Size of "lengths" (bytes) declared by the superblock at `sb`, or 8 when it cannot be read. */
export function superblockSizeOfLengths(bytes: Uint8Array, sb: number): number {
  const version = bytes[sb + 8];
  const v = version === 0 || version === 1 ? bytes[sb + 14] : version === 2 || version === 3 ? bytes[sb + 10] : undefined;
  return v === 2 || v === 4 || v === 8 ? v : 8;
}

function readLength(bytes: Uint8Array, at: number, n: number): number {
  let v = 0;
  for (let i = n - 1; i >= 0; i--) v = v * 256 + (bytes[at + i] ?? 0);
  return v; // exact up to 2^53; anything larger is rejected as out of range anyway
}

/** `(haystack, needle, from) => index of needle in haystack at or after from, or -1` (e.g. a native substring search). */
export type FindBytes = (haystack: Uint8Array, needle: Uint8Array, from: number) => number;

const GCOL_BYTES = Uint8Array.from(GCOL);

/**
 * `from => index of the next "GCOL" at or after from (or of a 'G' that may start one), -1 at the end`:
 * with `findBytes` (a native substring search, which skips the float data of a large file in a few
 * milliseconds) or else the next 'G' byte (callers check the other three bytes).
 */
function gcolFinder(bytes: Uint8Array, findBytes?: FindBytes): (from: number) => number {
  if (findBytes) return (from) => findBytes(bytes, GCOL_BYTES, from);
  return (from) => bytes.indexOf(GCOL[0]!, from);
}

/**
 * Find a global heap collection that would make HDF5 loop or run off its end.
 * @returns a description of the first problem, or null when every collection is sound.
 */
export function checkGlobalHeaps(bytes: Uint8Array, sizeOfLengths: number): string | null {
  const hdr = 8 + sizeOfLengths; // "GCOL", version, 3 reserved, collection size
  const end = bytes.length;
  const find = gcolFinder(bytes);
  for (let i = find(0); i >= 0 && i + hdr <= end; i = find(i + 1)) {
    const problem = checkCollection(bytes.subarray(i), i, end, sizeOfLengths);
    if (problem) return problem;
  }
  return null;
}

/**
 * The global-heap guard for a file read piecewise, applied to the reads HDF5 makes rather than to the
 * whole file up front: `check(buffer, pos)` looks for collection signatures in metadata bytes HDF5 just
 * read from file position `pos` (and in the 3 bytes before them, for a signature split between reads)
 * and checks each collection found, once, before HDF5 parses it. Bulk dataset bytes read straight into
 * their arrays never pass through it, so a 100 MB weights file is not read twice.
 * @returns a description of the first problem found, or null.
 */
export function globalHeapReadGuard(
  size: number,
  readAt: (pos: number, len: number) => Uint8Array,
  sizeOfLengths: number,
): (bytes: Uint8Array, pos: number) => string | null {
  const hdr = 8 + sizeOfLengths;
  const checked = new Set<number>();
  return (bytes, pos) => {
    const before = pos > 0 ? readAt(Math.max(0, pos - 3), Math.min(3, pos)) : new Uint8Array(0);
    const start = pos - before.length;
    const view = before.length > 0 ? concat(before, bytes) : bytes;
    const find = gcolFinder(view);
    for (let j = find(0); j >= 0; j = find(j + 1)) {
      // the whole signature when it is in the bytes (a signature cut at their end is read below)
      if (j + 4 <= view.length && (view[j + 1] !== GCOL[1] || view[j + 2] !== GCOL[2] || view[j + 3] !== GCOL[3])) continue;
      const i = start + j;
      if (checked.has(i) || i + hdr > size) continue;
      checked.add(i);
      const head = readAt(i, hdr);
      if (!isCollectionHeader(head)) continue;
      const collSize = readLength(head, 8, sizeOfLengths);
      const coll = collSize >= hdr && i + collSize <= size ? readAt(i, collSize) : head;
      const problem = checkCollection(coll, i, size, sizeOfLengths);
      if (problem) return problem;
    }
    return null;
  };
}

function concat(a: Uint8Array, b: Uint8Array): Uint8Array {
  const out = new Uint8Array(a.length + b.length);
  out.set(a, 0);
  out.set(b, a.length);
  return out;
}

function isCollectionHeader(c: Uint8Array): boolean {
  return (
    c[0] === GCOL[0] && c[1] === GCOL[1] && c[2] === GCOL[2] && c[3] === GCOL[3] &&
    c[4] === 1 && c[5] === 0 && c[6] === 0 && c[7] === 0
  );
}

/**
 * Check the candidate collection whose first byte is `c[0]`, at byte `i` of a file of `end` bytes
 * (`c` holds at least the header, and the whole collection when its size is in range).
 * @returns a description of the problem, or null when sound or not a collection at all.
 */
function checkCollection(c: Uint8Array, i: number, end: number, sizeOfLengths: number): string | null {
  const hdr = 8 + sizeOfLengths; // "GCOL", version, 3 reserved, collection size
  const objHdr = 8 + sizeOfLengths; // index(2), refcount(2), reserved(4), size
  if (!isCollectionHeader(c)) return null;
  const size = readLength(c, 8, sizeOfLengths);
  if (size < hdr || i + size > end) {
    return `global heap collection at byte ${i} claims ${size} bytes, beyond the end of the file (${end} bytes)`;
  }
  let p = hdr;
  while (p < size) {
    if (p + objHdr > size) break; // a tail too small for an object header is free space
    const idx = (c[p] ?? 0) | ((c[p + 1] ?? 0) << 8);
    const objSize = readLength(c, p + 8, sizeOfLengths);
    const need = idx > 0 ? objHdr + Math.ceil(objSize / 8) * 8 : objSize;
    if (need <= 0 || p + need > size) {
      return `global heap collection at byte ${i}: object #${idx} at offset ${p} has size ${objSize}, which ${
        need <= 0 ? 'does not advance' : 'runs past the end of the collection'
      }`;
    }
    p += need;
  }
  return null;
}

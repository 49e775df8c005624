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

/**
 * Find a global heap collection that would make HDF5 loop or run off its end.
 * @returns a description of the first problem, or null when every collection is sound.
 */
export function checkGlobalHeaps(bytes: Uint8Array, sizeOfLengths: number): string | null {
  const hdr = 8 + sizeOfLengths; // "GCOL", version, 3 reserved, collection size
  const objHdr = 8 + sizeOfLengths; // index(2), refcount(2), reserved(4), size
  const end = bytes.length;
  for (let i = bytes.indexOf(GCOL[0]!); i >= 0 && i + hdr <= end; i = bytes.indexOf(GCOL[0]!, i + 1)) {
    if (bytes[i + 1] !== GCOL[1] || bytes[i + 2] !== GCOL[2] || bytes[i + 3] !== GCOL[3]) continue;
    if (bytes[i + 4] !== 1 || bytes[i + 5] !== 0 || bytes[i + 6] !== 0 || bytes[i + 7] !== 0) continue;
    const size = readLength(bytes, i + 8, sizeOfLengths);
    if (size < hdr || i + size > end) {
      return `global heap collection at byte ${i} claims ${size} bytes, beyond the end of the file (${end} bytes)`;
    }
    let p = hdr;
    while (p < size) {
      if (p + objHdr > size) break; // a tail too small for an object header is free space
      const idx = (bytes[i + p] ?? 0) | ((bytes[i + p + 1] ?? 0) << 8);
      const objSize = readLength(bytes, i + p + 8, sizeOfLengths);
      const need = idx > 0 ? objHdr + Math.ceil(objSize / 8) * 8 : objSize;
      if (need <= 0 || p + need > size) {
        return `global heap collection at byte ${i}: object #${idx} at offset ${p} has size ${objSize}, which ${
          need <= 0 ? 'does not advance' : 'runs past the end of the collection'
        }`;
      }
      p += need;
    }
  }
  return null;
}

/**
 * @kerasts/zip — ZIP archives read defensively (limits checked before inflating, traversal,
 * duplicates, overlap, CRC-32) and written deterministically, on fflate. Shared by
 * `@kerasts/io-keras` (`.keras` archives) and `@kerasts/io-npy` (`.npz`). Runs in Node and browsers.
 */
export {
  ZipArchive,
  writeZip,
  isZipSignature,
  unsafeNameProblem,
  crc32,
  DEFAULT_ZIP_MAX_BYTES,
  DEFAULT_ZIP_MAX_ENTRIES,
  type ZipEntry,
  type ZipLimits,
  type ZipInput,
  type OpenZipOptions,
  type WriteZipOptions,
} from './zip.js';

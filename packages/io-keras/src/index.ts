/**
 * @kerasts/io-keras — Keras 3's own files: `.keras` archives (a ZIP of `metadata.json`,
 * `config.json`, `model.weights.h5` and `assets/`) and native `.weights.h5` files, read and written.
 *
 * So far: the ZIP layer (`ZipArchive`, `writeZip`) with the safety checks every archive read goes through.
 */
export { ZipArchive, writeZip, isZipSignature, unsafeNameProblem, crc32, DEFAULT_ZIP_MAX_BYTES, DEFAULT_ZIP_MAX_ENTRIES, type ZipEntry, type ZipLimits, type ZipInput, type OpenZipOptions } from './zip.js';

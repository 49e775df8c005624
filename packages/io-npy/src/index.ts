/**
 * @kerasts/io-npy — NumPy's `.npy` and `.npz` files and CSV tables, read and written on bytes, in
 * Node and browsers (no `node:` imports; `@kerasts/io-npy/node` adds file helpers).
 *
 * - `.npy`: every numeric dtype (bool, int8…int64, uint8…uint64, float16/32/64), C and Fortran
 *   order, little and big endian, format versions 1.0–3.0; written byte for byte as `numpy.save`.
 * - `.npz`: stored (`numpy.savez`) and deflated (`numpy.savez_compressed`), through `@kerasts/zip`.
 * - CSV: numeric tables into (rows, columns) tensors, with or without a header.
 */
export {
  readNpy,
  readNpyHeader,
  writeNpy,
  isNpySignature,
  halfToFloat,
  floatToHalf,
  NPY_DTYPES,
  DEFAULT_MAX_HEADER_SIZE,
  type NpyArray,
  type NpyData,
  type NpyDtype,
  type NpyHeader,
  type ReadNpyOptions,
  type WriteNpyOptions,
} from './npy.js';
export { openNpz, readNpz, writeNpz, NpzArchive, type ReadNpzOptions, type WriteNpzOptions } from './npz.js';
export { readCsv, readCsvTable, writeCsv, float32ToString, type ReadCsvOptions, type WriteCsvOptions, type CsvTable } from './csv.js';
export { npyToTensor, tensorToNpy, asNpyArray, readJsonTensor, type ArrayInput } from './tensors.js';
export { readTensorData, detectDataFormat, parseArraySpec, type DataFormat, type ReadTensorDataOptions } from './data.js';

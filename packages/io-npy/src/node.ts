/**
 * @kerasts/io-npy/node — the same formats on files (Node only). Paths are resolved against
 * `process.cwd()` (or `options.cwd`); writes go to a temporary file next to the target, then are
 * renamed into place, and never replace an existing file unless `overwrite: true`.
 */
import { promises as fsp } from 'node:fs';
import * as path from 'node:path';
import { FileAccessError, FileExistsError, KerastsError, type Tensor } from '@kerasts/tensor';
import { writeFileAtomic } from '@kerasts/tensor/node';
import { readCsv, writeCsv, type ReadCsvOptions, type WriteCsvOptions } from './csv.js';
import { parseArraySpec, readTensorData, type ReadTensorDataOptions } from './data.js';
import { readNpy, writeNpy, type NpyArray, type ReadNpyOptions, type WriteNpyOptions } from './npy.js';
import { readNpz, writeNpz, type ReadNpzOptions, type WriteNpzOptions } from './npz.js';
import type { ArrayInput } from './tensors.js';

/** Where relative paths start (default `process.cwd()`). */
export interface PathOptions {
  cwd?: string;
}

/** Options of the writers: replace an existing file or not (default not). */
export interface OverwriteOptions extends PathOptions {
  overwrite?: boolean;
}

function resolve(p: string, options: PathOptions): string {
  return path.resolve(options.cwd ?? process.cwd(), p);
}

function sysError(err: unknown, what: string, file: string): KerastsError {
  if (err instanceof KerastsError) return err;
  const e = err as NodeJS.ErrnoException;
  const reason = e?.code === 'ENOENT' ? 'no such file or directory' : e?.code === 'EACCES' || e?.code === 'EPERM' ? 'permission denied' : e?.code === 'EISDIR' ? 'it is a directory' : (e?.message ?? String(err));
  return new FileAccessError(`cannot ${what}: ${reason}`, file, e?.code);
}

/** A file's bytes. @throws {FileAccessError} with the system's code (`ENOENT`, ...). */
export async function readFileBytes(file: string, options: PathOptions = {}): Promise<Uint8Array> {
  try {
    const b = await fsp.readFile(resolve(file, options));
    return new Uint8Array(b.buffer, b.byteOffset, b.byteLength);
  } catch (err) {
    throw sysError(err, 'read the file', file);
  }
}

/**
 * Write bytes atomically through the writer every kerasts package shares (`@kerasts/tensor/node`):
 * a temporary file unique per save, flushed, renamed into place, directory flushed; temporary files
 * of killed earlier saves to the same path are removed. Without `overwrite` an existing file is left
 * alone.
 *
 * @throws {FileExistsError} when the file exists and `overwrite` is not set.
 * @throws {FileAccessError} for other file-system failures.
 */
export async function writeFileBytes(file: string, bytes: Uint8Array, options: OverwriteOptions = {}): Promise<void> {
  await writeFileAtomic(resolve(file, options), bytes, { overwrite: options.overwrite === true });
}

/** `numpy.load('x.npy')`. */
export async function readNpyFile(file: string, options: ReadNpyOptions & PathOptions = {}): Promise<NpyArray> {
  return readNpy(await readFileBytes(file, options), { fileName: file, ...options });
}

/** `numpy.save('x.npy', a)`. */
export async function writeNpyFile(file: string, array: ArrayInput, options: WriteNpyOptions & OverwriteOptions = {}): Promise<void> {
  await writeFileBytes(file, writeNpy(array, options), options);
}

/** `dict(numpy.load('x.npz'))`. */
export async function readNpzFile(file: string, options: ReadNpzOptions & PathOptions = {}): Promise<Map<string, NpyArray>> {
  return readNpz(await readFileBytes(file, options), { fileName: file, ...options });
}

/** `numpy.savez('x.npz', **arrays)` (or `savez_compressed` with `compress`). */
export async function writeNpzFile(
  file: string,
  arrays: Readonly<Record<string, ArrayInput>> | ReadonlyMap<string, ArrayInput>,
  options: WriteNpzOptions & OverwriteOptions = {},
): Promise<void> {
  await writeFileBytes(file, writeNpz(arrays, options), options);
}

/** A numeric CSV file as a (rows, columns) tensor. */
export async function readCsvFile(file: string, options: ReadCsvOptions & PathOptions = {}): Promise<Tensor> {
  return readCsv(await readFileBytes(file, options), { fileName: file, ...options });
}

/** A rank-1 or rank-2 array as a CSV file. */
export async function writeCsvFile(file: string, array: ArrayInput, options: WriteCsvOptions & OverwriteOptions = {}): Promise<void> {
  await writeFileBytes(file, new TextEncoder().encode(writeCsv(array, options)), options);
}

/**
 * One array from a data file as a float32 tensor, the format told by content: `x.npy`,
 * `data.npz:x` (or a `.npz` with one array), `x.json`, `x.csv`.
 */
export async function readTensorFile(spec: string, options: Omit<ReadTensorDataOptions, 'name' | 'fileName'> & PathOptions = {}): Promise<Tensor> {
  const { path: file, name } = parseArraySpec(spec);
  return readTensorData(await readFileBytes(file, options), { ...options, fileName: file, ...(name !== undefined ? { name } : {}) });
}

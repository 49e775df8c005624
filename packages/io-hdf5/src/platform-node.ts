/**
 * The Node side of `#platform` (chosen by the `node` condition of package.json `imports`): a string
 * is a path on disk (or an `http(s):` URL, fetched; or a `file:` URL).
 */
import { fileURLToPath } from 'node:url';
import type { KerasH5Contents, ReadKerasH5Options } from './types.js';
import { fetchBytes } from './fetch.js';
import { inspectH5RootFile, readFileBytes, readKerasH5File, writeFileAtomic } from './node.js';
import type { H5RootSummary } from './tree.js';

/** True where strings name files on a disk (Node), false in browsers. */
export const HAS_FILE_SYSTEM = true;

function isHttpUrl(s: string): boolean {
  return /^https?:\/\//i.test(s);
}

function toPath(s: string): string {
  return /^file:\/\//i.test(s) ? fileURLToPath(s) : s;
}

/** The bytes named by a string: a file (path or `file:` URL) or an `http(s):` URL. */
export async function readPathBytes(source: string, fileName: string): Promise<Uint8Array> {
  if (isHttpUrl(source)) return fetchBytes(source, fileName);
  return readFileBytes(toPath(source));
}

/** A Keras `.h5` read piecewise from disk (the bytes are never held whole), or null for a URL. */
export async function readPathContents(source: string, options: ReadKerasH5Options): Promise<KerasH5Contents | null> {
  if (isHttpUrl(source)) return null;
  return readKerasH5File(toPath(source), options);
}

/**
 * The root names of the HDF5 file a path names, read piecewise (never the whole file); null for URLs,
 * non-files and files without an HDF5 signature.
 */
export async function inspectPathRoot(source: string, options: ReadKerasH5Options): Promise<H5RootSummary | null> {
  if (isHttpUrl(source)) return null;
  return inspectH5RootFile(toPath(source), options);
}

/** Write bytes to a path atomically (see `writeFileAtomic`). */
export async function writePathBytes(path: string, bytes: Uint8Array, overwrite: boolean): Promise<void> {
  await writeFileAtomic(toPath(path), bytes, { overwrite });
}

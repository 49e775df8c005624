/**
 * The browser side of `#platform` (the `default` condition of package.json `imports`: browsers,
 * workers, Deno without Node compatibility, ...): there is no file system, so a string is a URL,
 * resolved against the page (or worker) and fetched, as tfjs' `loadLayersModel('model.json')` does.
 * Nothing here imports Node's modules.
 */
import { FileAccessError } from '@kerasts/tensor';
import type { KerasH5Contents, ReadKerasH5Options } from './types.js';
import type { H5RootSummary } from './tree.js';
import { fetchBytes } from './fetch.js';

/** True where strings name files on a disk (Node), false in browsers. */
export const HAS_FILE_SYSTEM = false;

const PASS_INSTEAD = "pass the file's bytes (Uint8Array or ArrayBuffer), a File, a Blob, a Response or a URL";

/** A path that can only mean a local disk: `file:`, `C:\...`, backslashes, `~/`. */
function isLocalPath(s: string): boolean {
  return /^file:/i.test(s) || /^[a-zA-Z]:[\\/]/.test(s) || s.includes('\\') || s.startsWith('~/');
}

/** The page's (or worker's) address, against which relative URLs resolve; null when there is none. */
function baseUrl(): string | null {
  const loc = (globalThis as { location?: { href?: string } }).location;
  return typeof loc?.href === 'string' && loc.href !== '' ? loc.href : null;
}

/** The bytes named by a string: in a browser, a URL (relative ones resolve against the page). */
export async function readPathBytes(source: string, fileName: string): Promise<Uint8Array> {
  if (isLocalPath(source)) {
    throw new FileAccessError(`a file path cannot be read in a browser (there is no file system): ${PASS_INSTEAD}`, fileName, 'NO_FILE_SYSTEM');
  }
  let url: URL;
  try {
    const base = baseUrl();
    url = base === null ? new URL(source) : new URL(source, base);
  } catch {
    throw new FileAccessError(`not a URL, and a file path cannot be read here (there is no file system): ${PASS_INSTEAD}`, fileName, 'NO_FILE_SYSTEM');
  }
  return fetchBytes(url, fileName);
}

/** Browsers read whole bytes: never piecewise. */
export async function readPathContents(_source: string, _options: ReadKerasH5Options): Promise<KerasH5Contents | null> {
  return null;
}

/** There is no file system to write to: the caller gets the bytes instead. */
export async function writePathBytes(path: string, _bytes: Uint8Array, _overwrite: boolean): Promise<void> {
  throw new FileAccessError(
    'cannot write a file path in a browser (there is no file system): pass null as the path to get the bytes, then offer them as a download (a Blob and an <a download> link)',
    path,
    'NO_FILE_SYSTEM',
  );
}

/** Browsers have no files to read piecewise. */
export async function inspectPathRoot(_source: string, _options: ReadKerasH5Options): Promise<H5RootSummary | null> {
  return null;
}

/**
 * Where a file's bytes come from: the bytes themselves, a `File`/`Blob`, a fetch `Response`, a URL,
 * or (in Node) a path. Shared by every loader of this package and usable by other `io-*` packages.
 * Runs anywhere: a string is handed to the platform module (`#platform`), which is Node's file system
 * under the `node` export condition and `fetch` everywhere else.
 */
import { FileAccessError } from '@kerasts/tensor';
import { readPathBytes } from '#platform';
import { fetchBytes, responseBytes } from './fetch.js';

/**
 * A file to read: its bytes (`Uint8Array`, `ArrayBuffer`), a `Blob` or `File` (from an `<input>` or
 * a drop), a fetch `Response`, a `URL`, or a string. A string is a path in Node (or an `http(s):`
 * URL, which is fetched) and a URL in browsers (resolved against the page, then fetched).
 */
export type FileSource = string | URL | Uint8Array | ArrayBuffer | Blob | Response;

/** The bytes of a source and the name errors should use for it. */
export interface SourceBytes {
  bytes: Uint8Array;
  fileName: string;
}

function isBlob(v: unknown): v is Blob {
  return typeof Blob !== 'undefined' && v instanceof Blob;
}

function isResponse(v: unknown): v is Response {
  return typeof Response !== 'undefined' && v instanceof Response;
}

/** A name for messages: a `File`'s name, the last part of a URL, `<bytes>` otherwise. */
function nameOf(source: FileSource): string {
  if (typeof source === 'string') return source;
  if (source instanceof URL) return source.href;
  if (isResponse(source)) return source.url || '<response>';
  if (isBlob(source)) return (source as Blob & { name?: unknown }).name && typeof (source as File).name === 'string' ? (source as File).name : '<blob>';
  return '<bytes>';
}

/**
 * The bytes of any {@link FileSource}, with the name errors should use (`fileName` wins when given).
 * @throws FileAccessError when a path or URL cannot be read.
 */
export async function readSourceBytes(source: FileSource, fileName?: string): Promise<SourceBytes> {
  const name = fileName ?? nameOf(source);
  if (source instanceof Uint8Array) return { bytes: source, fileName: name };
  if (source instanceof ArrayBuffer) return { bytes: new Uint8Array(source), fileName: name };
  if (isBlob(source)) return { bytes: new Uint8Array(await source.arrayBuffer()), fileName: name };
  if (isResponse(source)) return { bytes: await responseBytes(source, name), fileName: name };
  if (source instanceof URL) return { bytes: await fetchBytes(source, name), fileName: name };
  if (typeof source === 'string') return { bytes: await readPathBytes(source, name), fileName: name };
  throw new FileAccessError(
    `cannot read a ${Object.prototype.toString.call(source).slice(8, -1)}: pass the file's bytes (Uint8Array or ArrayBuffer), a File, a Blob, a Response, a URL or (in Node) a path`,
    name,
    'BAD_SOURCE',
  );
}

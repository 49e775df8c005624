/**
 * Node.js helpers of @kerasts/io-hdf5: read a `.h5` file from disk, write one atomically.
 *
 * ```ts
 * import { readKerasH5File, writeKerasH5File } from '@kerasts/io-hdf5/node';
 * const contents = await readKerasH5File('model.h5');
 * await writeKerasH5File('copy.h5', contents);                    // refuses to overwrite
 * await writeKerasH5File('copy.h5', contents, { overwrite: true });
 * ```
 */
import { promises as fsp, readSync } from 'node:fs';
import { FileAccessError, FileExistsError, KerastsError } from '@kerasts/tensor';
import { type AtomicWriteResult, writeFileAtomic as writeAtomic } from '@kerasts/tensor/node';
import { findHdf5Signature, readKerasH5, readKerasH5RandomAccess, startsWithZipHeader } from './read.js';
import { inspectH5RootRandomAccess, type H5RootSummary } from './tree.js';
import type { KerasH5Contents, ReadKerasH5Options, WriteKerasH5Options } from './types.js';
import { writeKerasH5 } from './write.js';

export * from './index.js';

export { FileAccessError, FileExistsError };
export type { AtomicWriteResult };

/** Options of {@link writeFileAtomic} and {@link writeKerasH5File}. */
export interface WriteFileOptions {
  /** Replace an existing file (default false: throw {@link FileExistsError}). */
  overwrite?: boolean;
}

function sysError(err: unknown, action: string, where: string): FileAccessError {
  const e = err as NodeJS.ErrnoException;
  return new FileAccessError(`cannot ${action}: ${e?.code ?? ''} ${e?.message ?? String(err)}`.trim(), where, e?.code);
}

/** Read a whole file into a Uint8Array. @throws FileAccessError */
export async function readFileBytes(filePath: string): Promise<Uint8Array> {
  try {
    const buf = await fsp.readFile(filePath);
    return new Uint8Array(buf.buffer, buf.byteOffset, buf.byteLength);
  } catch (err) {
    throw sysError(err, 'read the file', filePath);
  }
}

/**
 * Write bytes atomically — the one writer every package and the CLI share (`@kerasts/tensor/node`):
 * a temporary file unique per save, flushed to disk, then moved into place and the directory
 * flushed, so readers never see a half-written file and a killed save leaves the old file; the
 * temporary files of killed earlier saves to the same path are removed (and listed in the result).
 * Without `overwrite`, an existing file is never replaced (checked atomically with a hard link
 * where the file system supports it).
 * @throws FileExistsError, FileAccessError
 */
export async function writeFileAtomic(filePath: string, bytes: Uint8Array, options: WriteFileOptions = {}): Promise<AtomicWriteResult> {
  return writeAtomic(filePath, bytes, options);
}

/**
 * Read a Keras legacy `.h5` file from disk (errors name the file). HDF5 reads each dataset straight
 * from the file into WebAssembly memory: the file's bytes are never held in memory as a whole.
 * @throws FileAccessError when the file cannot be opened; otherwise as {@link readKerasH5}.
 */
export async function readKerasH5File(filePath: string, options: ReadKerasH5Options = {}): Promise<KerasH5Contents> {
  let fh: Awaited<ReturnType<typeof fsp.open>>;
  let size: number;
  try {
    fh = await fsp.open(filePath, 'r');
  } catch (err) {
    throw sysError(err, 'read the file', filePath);
  }
  try {
    try {
      const st = await fh.stat();
      // Not a regular file (a directory, a pipe, ...): read it whole, which reports what it is.
      if (!st.isFile()) return await readKerasH5(await readFileBytes(filePath), { ...options, fileName: options.fileName ?? filePath });
      size = st.size;
    } catch (err) {
      if (err instanceof KerastsError) throw err;
      throw sysError(err, 'read the file', filePath);
    }
    const fd = fh.fd;
    return await readKerasH5RandomAccess(
      {
        size,
        readInto: (dest, offset, length, position) => readSync(fd, dest, offset, length, position),
      },
      { ...options, fileName: options.fileName ?? filePath },
    );
  } finally {
    await fh.close().catch(() => undefined);
  }
}

/** Write a Keras legacy `.h5` file atomically (see {@link writeFileAtomic} and {@link writeKerasH5}). */
export async function writeKerasH5File(
  filePath: string,
  contents: KerasH5Contents,
  options: WriteKerasH5Options & WriteFileOptions = {},
): Promise<void> {
  const bytes = await writeKerasH5(contents, options);
  await writeFileAtomic(filePath, bytes, options);
}

/**
 * The root's attribute and member names of an HDF5 file on disk (see `inspectH5Root`), read piecewise:
 * the file is never read whole. Null when the path is not a regular file or holds no HDF5 signature
 * (then reading its bytes says what it is).
 * @throws FormatError for an HDF5 file whose root cannot be read.
 */
export async function inspectH5RootFile(filePath: string, options: ReadKerasH5Options = {}): Promise<H5RootSummary | null> {
  let fh: Awaited<ReturnType<typeof fsp.open>>;
  try {
    fh = await fsp.open(filePath, 'r');
  } catch {
    return null;
  }
  try {
    const st = await fh.stat();
    if (!st.isFile()) return null;
    const fd = fh.fd;
    const file = { size: st.size, readInto: (dest: Uint8Array | Int8Array, offset: number, length: number, position: number) => readSync(fd, dest, offset, length, position) };
    const head = new Uint8Array(8);
    let found = false;
    for (let off = 0; off + 8 <= st.size; off = off === 0 ? 512 : off * 2) {
      if (file.readInto(head, 0, 8, off) !== 8) break;
      if (off === 0 && startsWithZipHeader(head)) return null; // a .keras archive (see findHdf5Signature)
      if (findHdf5Signature(head) === 0) {
        found = true;
        break;
      }
    }
    if (!found) return null;
    return await inspectH5RootRandomAccess(file, { ...options, fileName: options.fileName ?? filePath });
  } finally {
    await fh.close().catch(() => undefined);
  }
}

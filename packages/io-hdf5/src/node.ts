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
import { randomBytes } from 'node:crypto';
import { promises as fsp, readSync } from 'node:fs';
import * as path from 'node:path';
import { FileAccessError, FileExistsError, KerastsError } from '@kerasts/tensor';
import { readKerasH5, readKerasH5RandomAccess } from './read.js';
import type { KerasH5Contents, ReadKerasH5Options, WriteKerasH5Options } from './types.js';
import { writeKerasH5 } from './write.js';

export * from './index.js';

export { FileAccessError, FileExistsError };

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
 * Write bytes atomically: to a temporary file in the same directory, flushed to disk, then moved
 * into place, so readers never see a half-written file. Without `overwrite`, an existing file is
 * never replaced (checked atomically with a hard link where the file system supports it).
 * @throws FileExistsError, FileAccessError
 */
export async function writeFileAtomic(filePath: string, bytes: Uint8Array, options: WriteFileOptions = {}): Promise<void> {
  const dir = path.dirname(path.resolve(filePath));
  const tmp = path.join(dir, `.${path.basename(filePath)}.${process.pid}.${randomBytes(6).toString('hex')}.tmp`);
  if (!options.overwrite && (await exists(filePath))) throw new FileExistsError(filePath);
  try {
    const fh = await fsp.open(tmp, 'wx');
    try {
      await fh.writeFile(bytes);
      await fh.sync();
    } finally {
      await fh.close();
    }
  } catch (err) {
    await fsp.rm(tmp, { force: true }).catch(() => undefined);
    throw sysError(err, 'write a temporary file next to the output', filePath);
  }
  try {
    if (options.overwrite) {
      await fsp.rename(tmp, filePath);
    } else {
      try {
        await fsp.link(tmp, filePath); // fails with EEXIST if the target appeared meanwhile
      } catch (err) {
        const code = (err as NodeJS.ErrnoException)?.code;
        if (code === 'EEXIST') throw new FileExistsError(filePath);
        if (code !== 'EPERM' && code !== 'ENOTSUP' && code !== 'EXDEV' && code !== 'ENOSYS' && code !== 'EMLINK') throw err;
        // No hard links here (e.g. some network or FAT file systems): check, then rename.
        if (await exists(filePath)) throw new FileExistsError(filePath);
        await fsp.rename(tmp, filePath);
      }
    }
  } catch (err) {
    if (err instanceof KerastsError) throw err;
    throw sysError(err, 'move the written file into place', filePath);
  } finally {
    await fsp.rm(tmp, { force: true }).catch(() => undefined);
  }
}

async function exists(p: string): Promise<boolean> {
  try {
    await fsp.lstat(p);
    return true;
  } catch {
    return false;
  }
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

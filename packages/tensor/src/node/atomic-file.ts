/**
 * Saving a file so that it is always either the old file or the new one, in Node — the one writer
 * every package and the CLI use (`@kerasts/tensor/node`; nothing here reaches a browser bundle).
 *
 * 1. The bytes go to a temporary file next to the target whose name is unique per save
 *    (`.<name>.<pid>.<random>.tmp`), created exclusively, written and flushed to disk (fsync).
 * 2. It is renamed over the target (with `overwrite`), or hard-linked to it (without: the link fails
 *    if the target appeared meanwhile), and the directory is flushed (fsync, where the platform
 *    allows it) so that the rename itself survives a power loss.
 * 3. A failed save removes its temporary file. A save that was killed (kill -9, power loss) cannot,
 *    so every save first looks for temporary files of earlier saves to the same target and removes
 *    those whose process is gone (or that are older than a day), reporting them.
 */
import { randomBytes } from 'node:crypto';
import { promises as fsp } from 'node:fs';
import * as path from 'node:path';
import { FileAccessError, FileExistsError, KerastsError } from '../errors.js';

/** Options of {@link writeFileAtomic}. */
export interface AtomicWriteOptions {
  /** Replace an existing file (default false: throw {@link FileExistsError}). */
  overwrite?: boolean;
}

/** What {@link writeFileAtomic} found besides writing the file. */
export interface AtomicWriteResult {
  /** Temporary files of earlier, killed saves to the same target that were removed. */
  removedLeftovers: string[];
}

/** A temporary file older than this is a leftover even if a process with its pid exists (pids are reused). */
const LEFTOVER_AGE_MS = 24 * 3600 * 1000;

function sysError(err: unknown, action: string, where: string): FileAccessError {
  const e = err as NodeJS.ErrnoException;
  return new FileAccessError(`cannot ${action}: ${e?.code ?? ''} ${e?.message ?? String(err)}`.trim(), where, e?.code);
}

function escapeRegExp(s: string): string {
  return s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}

/** `.<name>.<pid>.<12 hex>.tmp` (and the older CLI form `.<name>.<pid>.tmp`). */
function tempPattern(base: string): RegExp {
  return new RegExp(`^\\.${escapeRegExp(base)}\\.(\\d+)(?:\\.[0-9a-f]{12})?\\.tmp$`);
}

function processAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (err) {
    return (err as NodeJS.ErrnoException).code === 'EPERM'; // exists, owned by someone else
  }
}

/**
 * Remove the temporary files that killed saves to `target` left behind: those whose process is
 * gone, or that are older than a day. Files of saves still running (in this process or another)
 * are left alone. Returns the paths removed.
 */
export async function removeSaveLeftovers(target: string): Promise<string[]> {
  const dir = path.dirname(path.resolve(target));
  const re = tempPattern(path.basename(target));
  let names: string[];
  try {
    names = await fsp.readdir(dir);
  } catch {
    return [];
  }
  const removed: string[] = [];
  for (const name of names) {
    const m = re.exec(name);
    if (!m) continue;
    const file = path.join(dir, name);
    const pid = Number(m[1]);
    let stale = pid !== process.pid && !processAlive(pid);
    if (!stale) {
      const st = await fsp.lstat(file).catch(() => null);
      stale = st !== null && Date.now() - st.mtimeMs > LEFTOVER_AGE_MS;
    }
    if (!stale) continue;
    try {
      await fsp.rm(file, { force: true });
      removed.push(file);
    } catch {
      /* someone else removed it, or we may not: leave it */
    }
  }
  return removed;
}

/** Flush a directory's entries to disk (after a rename); a no-op where directories cannot be opened (Windows). */
async function syncDirectory(dir: string): Promise<void> {
  let fh: Awaited<ReturnType<typeof fsp.open>> | null = null;
  try {
    fh = await fsp.open(dir, 'r');
    await fh.sync();
  } catch {
    /* EISDIR/EPERM/EINVAL on platforms without directory fsync */
  } finally {
    await fh?.close().catch(() => undefined);
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
 * Write `bytes` to `filePath` so that the path always holds either its old contents or all of the
 * new ones (see the module comment): unique temporary file, fsync, rename (or hard link without
 * `overwrite`), fsync of the directory; temporary files of killed earlier saves are removed first.
 * @throws FileExistsError when the file exists and `overwrite` is not set.
 * @throws FileAccessError for file-system failures (the temporary file is removed).
 */
export async function writeFileAtomic(filePath: string, bytes: Uint8Array, options: AtomicWriteOptions = {}): Promise<AtomicWriteResult> {
  const target = path.resolve(filePath);
  const dir = path.dirname(target);
  const removedLeftovers = await removeSaveLeftovers(target);
  const tmp = path.join(dir, `.${path.basename(target)}.${process.pid}.${randomBytes(6).toString('hex')}.tmp`);
  if (!options.overwrite && (await exists(target))) throw new FileExistsError(filePath);
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
      await fsp.rename(tmp, target);
    } else {
      try {
        await fsp.link(tmp, target); // fails with EEXIST if the target appeared meanwhile
      } catch (err) {
        const code = (err as NodeJS.ErrnoException)?.code;
        if (code === 'EEXIST') throw new FileExistsError(filePath);
        if (code !== 'EPERM' && code !== 'ENOTSUP' && code !== 'EXDEV' && code !== 'ENOSYS' && code !== 'EMLINK') throw err;
        // No hard links here (e.g. some network or FAT file systems): check, then rename.
        if (await exists(target)) throw new FileExistsError(filePath);
        await fsp.rename(tmp, target);
      }
    }
    await syncDirectory(dir);
  } catch (err) {
    if (err instanceof KerastsError) throw err;
    throw sysError(err, 'move the written file into place', filePath);
  } finally {
    await fsp.rm(tmp, { force: true }).catch(() => undefined);
  }
  return { removedLeftovers };
}

// The one writer every package and the CLI save through: unique temporary names, nothing left on
// failure, the leftovers of a killed save removed (and reported) by the next save to that path.
import { spawn } from 'node:child_process';
import { existsSync, mkdirSync, readFileSync, readdirSync, utimesSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { FileAccessError, FileExistsError } from '../src/index.js';
import { removeSaveLeftovers, writeFileAtomic } from '../src/node.js';
import { removeTempDirs, tempDir } from '../../../tools/testing/tmp.js';

afterAll(removeTempDirs);

const dir = () => tempDir('kerasts-atomic-');
const bytes = (s: string) => new TextEncoder().encode(s);

/** A pid that is not running: a child that has exited. */
async function deadPid(): Promise<number> {
  const child = spawn(process.execPath, ['-e', '0']);
  await new Promise((resolve) => child.once('exit', resolve));
  return child.pid!;
}

describe('writeFileAtomic', () => {
  it('writes, refuses to overwrite without overwrite, replaces with it, and leaves no temporary file', async () => {
    const d = dir();
    const f = join(d, 'm.h5');
    await writeFileAtomic(f, bytes('one'));
    await expect(writeFileAtomic(f, bytes('two'))).rejects.toBeInstanceOf(FileExistsError);
    expect(readFileSync(f, 'utf8')).toBe('one');
    await writeFileAtomic(f, bytes('two'), { overwrite: true });
    expect(readFileSync(f, 'utf8')).toBe('two');
    expect(readdirSync(d)).toEqual(['m.h5']);
  });

  it('a failed save leaves the old file and no temporary file', async () => {
    const d = dir();
    const f = join(d, 'm.h5');
    writeFileSync(f, 'old');
    // no such directory: nothing is written
    await expect(writeFileAtomic(join(d, 'nope', 'm.h5'), bytes('new'))).rejects.toBeInstanceOf(FileAccessError);
    // the target is a directory: the temporary file is written, the rename fails, the file is removed
    mkdirSync(join(d, 'sub'));
    await expect(writeFileAtomic(join(d, 'sub'), bytes('new'), { overwrite: true })).rejects.toBeInstanceOf(FileAccessError);
    expect(readdirSync(d).sort()).toEqual(['m.h5', 'sub']);
    expect(readFileSync(f, 'utf8')).toBe('old');
  });

  it('two saves in flight use different temporary names', async () => {
    const d = dir();
    const f = join(d, 'm.h5');
    await Promise.all([writeFileAtomic(f, bytes('a'.repeat(1 << 20)), { overwrite: true }), writeFileAtomic(f, bytes('b'.repeat(1 << 20)), { overwrite: true })]);
    const text = readFileSync(f, 'utf8');
    expect(text === 'a'.repeat(1 << 20) || text === 'b'.repeat(1 << 20)).toBe(true);
    expect(readdirSync(d)).toEqual(['m.h5']);
  });

  it("removes and reports what killed saves left: their process is gone, or they are a day old; a live save's file stays", async () => {
    const d = dir();
    const f = join(d, 'model.h5');
    const dead = await deadPid();
    const gone = join(d, `.model.h5.${dead}.0123456789ab.tmp`);
    const oldCli = join(d, `.model.h5.${dead}.tmp`); // the CLI's former fixed name
    const stale = join(d, `.model.h5.${process.ppid}.aaaaaaaaaaaa.tmp`); // a live pid, but two days old
    const live = join(d, `.model.h5.${process.pid}.bbbbbbbbbbbb.tmp`); // this process: a save in flight
    const other = join(d, `.other.h5.${dead}.cccccccccccc.tmp`); // another target's
    for (const x of [gone, oldCli, stale, live, other]) writeFileSync(x, 'partial');
    const twoDaysAgo = Date.now() / 1000 - 2 * 86400;
    utimesSync(stale, twoDaysAgo, twoDaysAgo);
    const r = await writeFileAtomic(f, bytes('new'));
    expect(r.removedLeftovers.sort()).toEqual([gone, oldCli, stale].sort());
    for (const x of [gone, oldCli, stale]) expect(existsSync(x)).toBe(false);
    for (const x of [live, other, f]) expect(existsSync(x)).toBe(true);
    expect(await removeSaveLeftovers(f)).toEqual([]);
  });

  it('a save killed with SIGKILL leaves the old or the new file, and the next save removes its leftover', async () => {
    const d = dir();
    const f = join(d, 'big.bin');
    writeFileSync(f, Buffer.alloc(1 << 20, 1));
    const url = new URL('../dist/node.js', import.meta.url).href;
    // a child that saves 64 MiB over and over (each save takes long enough to be killed in the middle)
    const code = `import(${JSON.stringify(url)}).then(async (m) => { const b = new Uint8Array(64 << 20).fill(2); process.stdout.write('go\\n'); for (;;) await m.writeFileAtomic(${JSON.stringify(f)}, b, { overwrite: true }); });`;
    let leftovers = 0;
    for (let trial = 0; trial < 4; trial++) {
      const child = spawn(process.execPath, ['-e', code], { stdio: ['ignore', 'pipe', 'inherit'] });
      await new Promise<void>((resolve) => child.stdout!.once('data', () => resolve()));
      await new Promise((resolve) => setTimeout(resolve, 30 + trial * 70));
      child.kill('SIGKILL');
      await new Promise((resolve) => child.once('exit', resolve));
      const b = readFileSync(f);
      expect(b.length === 1 << 20 || b.length === 64 << 20).toBe(true);
      expect(b.every((x) => x === b[0]!)).toBe(true);
      const tmp = readdirSync(d).filter((n) => n.endsWith('.tmp'));
      leftovers += tmp.length;
      if (tmp.length > 0) {
        const r = await writeFileAtomic(f, Buffer.alloc(1 << 20, 1), { overwrite: true });
        expect(r.removedLeftovers.length).toBe(tmp.length);
        expect(readdirSync(d)).toEqual(['big.bin']);
      }
    }
    console.info(`kill -9 during a 64 MiB save: ${leftovers} leftover(s) in 4 trials, all removed by the next save`);
  }, 60_000);
});

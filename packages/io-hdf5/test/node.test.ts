/** The ./node entry: file helpers, atomic writes, overwrite protection; and the browser entry stays node-free. */
import { existsSync, mkdtempSync, readFileSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { FormatError, KerastsError } from '@kerasts/tensor';
import { afterAll, describe, expect, it } from 'vitest';
import {
  FileAccessError,
  FileExistsError,
  readFileBytes,
  readKerasH5File,
  writeFileAtomic,
  writeKerasH5File,
} from '../src/node.js';
import { SAMPLES_DIR, digestContents } from './helpers.js';

const dir = mkdtempSync(join(tmpdir(), 'kerasts-io-hdf5-node-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe('@kerasts/io-hdf5/node', () => {
  it('reads a file; errors name the path', async () => {
    const c = await readKerasH5File(join(SAMPLES_DIR, 'm.h5'));
    expect(c.weights.layerNames).toEqual(['lstm', 'dense']);
    const missing = join(dir, 'nope.h5');
    const err = await readKerasH5File(missing).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(FileAccessError);
    expect(err).toBeInstanceOf(KerastsError);
    expect((err as FileAccessError).code).toBe('ENOENT');
    expect((err as Error).message).toContain(missing);
    const bad = join(dir, 'bad.h5');
    writeFileSync(bad, 'hello');
    const err2 = await readKerasH5File(bad).catch((e: unknown) => e);
    expect(err2).toBeInstanceOf(FormatError);
    expect((err2 as Error).message).toBe(`${bad}: not an HDF5 file: no HDF5 signature (\\x89HDF\\r\\n\\x1a\\n) at offset 0, 512, 1024, ... (first bytes: 68 65 6c 6c 6f)`);
  });

  it('writes atomically, refuses to overwrite unless asked, leaves no temporary files', async () => {
    const c = await readKerasH5File(join(SAMPLES_DIR, 'func.h5'));
    const out = join(dir, 'out.h5');
    await writeKerasH5File(out, c);
    expect(digestContents(await readKerasH5File(out))).toEqual(digestContents(c));

    const before = readFileSync(out);
    const err = await writeKerasH5File(out, c, { stringEncoding: 'vlen' }).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(FileExistsError);
    expect(err).toBeInstanceOf(KerastsError);
    expect((err as Error).message).toBe(`${out}: the output file already exists; pass overwrite: true to replace it`);
    expect(readFileSync(out).equals(before)).toBe(true); // untouched

    await writeKerasH5File(out, c, { overwrite: true, stringEncoding: 'vlen' });
    expect(readFileSync(out).equals(before)).toBe(false);
    expect(readdirSync(dir).filter((n) => n.endsWith('.tmp'))).toEqual([]);
  });

  it('writeFileAtomic / readFileBytes on raw bytes', async () => {
    const p = join(dir, 'raw.bin');
    await writeFileAtomic(p, new Uint8Array([1, 2, 3]));
    expect([...(await readFileBytes(p))]).toEqual([1, 2, 3]);
    await expect(writeFileAtomic(p, new Uint8Array([4]))).rejects.toBeInstanceOf(FileExistsError);
    await writeFileAtomic(p, new Uint8Array([4]), { overwrite: true });
    expect([...readFileSync(p)]).toEqual([4]);
    await expect(writeFileAtomic(join(dir, 'no-such-dir', 'x.h5'), new Uint8Array([1]))).rejects.toBeInstanceOf(FileAccessError);
    expect(existsSync(join(dir, 'no-such-dir'))).toBe(false);
  });
});

describe('the browser entry point', () => {
  it('no module reachable from src/index.ts in a browser imports node:* (or Node built-ins), statically or lazily', () => {
    const src = fileURLToPath(new URL('../src/', import.meta.url));
    const pkg = JSON.parse(readFileSync(new URL('../package.json', import.meta.url), 'utf8')) as { imports: Record<string, Record<string, string>> };
    const seen = new Set<string>();
    const visit = (file: string) => {
      if (seen.has(file)) return;
      seen.add(file);
      const text = readFileSync(join(src, file), 'utf8');
      expect(text, file).not.toMatch(/from\s+['"](node:|fs['"]|path['"]|os['"]|crypto['"]|url['"])/);
      expect(text, file).not.toMatch(/import\(\s*['"]node:/);
      expect(text, file).not.toMatch(/\bprocess\.|\bBuffer\b|\brequire\(/);
      for (const m of text.matchAll(/(?:from\s+|import\(\s*)['"]\.\/([\w-]+)\.js['"]/g)) visit(`${m[1]}.ts`);
      // `#platform` as a browser bundler resolves it (the `browser` condition)
      for (const m of text.matchAll(/from\s+['"](#[\w-]+)['"]/g)) {
        const target = pkg.imports[m[1]!]!.browser!;
        visit(target.replace('./dist/', '').replace(/\.js$/, '.ts'));
      }
    };
    visit('index.ts');
    expect([...seen]).toEqual(expect.arrayContaining(['chunking.ts', 'engine.ts', 'guards.ts', 'h5read.ts', 'index.ts', 'paths.ts', 'read.ts', 'types.ts', 'write.ts', 'files.ts', 'platform-browser.ts', 'h5wasm-instance.ts']));
    expect(seen.has('node.ts')).toBe(false);
    expect(seen.has('platform-node.ts')).toBe(false);
  });

  it('package.json sends browsers and unknown runtimes to the browser platform, Node to the Node one', () => {
    const pkg = JSON.parse(readFileSync(new URL('../package.json', import.meta.url), 'utf8')) as { imports: Record<string, Record<string, string>>; exports: Record<string, Record<string, string>> };
    expect(pkg.imports['#platform']).toMatchObject({ browser: './dist/platform-browser.js', node: './dist/platform-node.js', default: './dist/platform-browser.js' });
    expect(Object.keys(pkg.imports['#platform']!)).toEqual(['types', 'browser', 'node', 'default']);
    expect(pkg.exports['./node']).not.toHaveProperty('default');
  });
});

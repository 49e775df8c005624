// The built-in TypeScript HDF5 reader (h5lite.ts) against h5wasm: on every Keras file we have — our
// fixtures, the files Keras 3.15.1 wrote, the crafted era files and the real files other people's
// Keras wrote — it either gives exactly h5wasm's contents (every string and every weight byte) or
// declines, and `reader: 'auto'` then answers like h5wasm, errors included.
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { UnsupportedError } from '@kerasts/tensor';
import { readKerasH5 } from '../src/index.js';
import { CRAFTED_DIR, REAL_DIR, SAMPLES_DIR, digestContents, hasShared } from './helpers.js';

const FIXTURES_H5 = fileURLToPath(new URL('../../../tools/oracle/fixtures/h5/', import.meta.url));

function h5Files(dir: string): string[] {
  const out: string[] = [];
  for (const e of readdirSync(dir)) {
    const p = join(dir, e);
    if (statSync(p).isDirectory()) out.push(...h5Files(p));
    else if (/\.(h5|hdf5)$/i.test(e)) out.push(p);
  }
  return out;
}

const files = [...new Set([...h5Files(FIXTURES_H5), ...h5Files(SAMPLES_DIR), ...h5Files(CRAFTED_DIR), ...(hasShared ? h5Files(REAL_DIR) : [])])].sort();

describe('the built-in HDF5 reader', () => {
  it(`reads exactly what h5wasm reads, or declines (${files.length} files)`, async () => {
    let builtin = 0;
    const declined: string[] = [];
    for (const f of files) {
      const bytes = new Uint8Array(readFileSync(f));
      const ref = await readKerasH5(bytes, { fileName: f, reader: 'h5wasm' }).then(
        (c) => ({ ok: true as const, digest: digestContents(c) }),
        (e: unknown) => ({ ok: false as const, error: `${(e as Error).constructor.name}: ${(e as Error).message}` }),
      );
      const lite = await readKerasH5(bytes, { fileName: f, reader: 'builtin' }).then(
        (c) => ({ ok: true as const, digest: digestContents(c) }),
        (e: unknown) => ({ ok: false as const, error: e }),
      );
      if (lite.ok) {
        expect(ref.ok, `${f}: the built-in reader read a file h5wasm refuses`).toBe(true);
        expect(lite.digest, f).toEqual((ref as { digest: unknown }).digest);
        builtin++;
      } else {
        expect(lite.error, f).toBeInstanceOf(UnsupportedError);
        declined.push(f.split('/').slice(-2).join('/'));
      }
      const auto = await readKerasH5(bytes, { fileName: f }).then(
        (c) => ({ ok: true as const, digest: digestContents(c) }),
        (e: unknown) => ({ ok: false as const, error: `${(e as Error).constructor.name}: ${(e as Error).message}` }),
      );
      expect(auto, f).toEqual(ref);
    }
    console.info(`built-in reader: ${builtin} of ${files.length} files; declined: ${declined.join(', ')}`);
    expect(builtin).toBeGreaterThan(files.length / 2);
  }, 120_000);
});

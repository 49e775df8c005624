import { readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

/** The repository root (tests run from a clone; nothing here depends on ../shared). */
export const ROOT = join(dirname(fileURLToPath(import.meta.url)), '..', '..', '..');
/** Committed crafted archives (tools/oracle/gen_zip_fixtures.py, written with Python's zipfile). */
export const FIXTURES = join(ROOT, 'tools', 'oracle', 'fixtures', 'keras');

export function fixture(...parts: string[]): Uint8Array {
  return new Uint8Array(readFileSync(join(FIXTURES, ...parts)));
}

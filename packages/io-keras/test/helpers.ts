import { readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

/** The repository root (tests run from a clone; nothing here depends on ../shared). */
export const ROOT = join(dirname(fileURLToPath(import.meta.url)), '..', '..', '..');
/** Committed Keras-made fixtures (tools/oracle/gen_keras_fixtures.py, gen_zip_fixtures.py). */
export const FIXTURES = join(ROOT, 'tools', 'oracle', 'fixtures', 'keras');

export function fixture(...parts: string[]): Uint8Array {
  return new Uint8Array(readFileSync(join(FIXTURES, ...parts)));
}

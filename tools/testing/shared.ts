/**
 * Where tests find their files, in one place for every package.
 *
 * - Fixtures committed to the repository (always there, also in a user's clone):
 *   `fixturesDir` (tools/oracle/fixtures), `samplesDir` (files Keras 3.15.1 wrote, copied from the
 *   shared corpus by tools/oracle/sync_keras_samples.sh), `seedPath` (the tutorial's Keras 2.0.8 JSON).
 * - The real-file corpus (`real-keras-files/`, the full `keras-samples/`), which is NOT in the
 *   repository: found through the KERASTS_SHARED environment variable, else as `../shared` beside the
 *   repository root. Suites over it use `describeShared` / `itShared`, which skip with a visible
 *   reason when it is absent (a user's clone), and `sharedPath()` to build paths inside it.
 *
 * Usage from a test file (relative path from packages/<pkg>/test/ or apps/<app>/test/):
 *   import { describeShared, sharedPath, samplesDir } from '../../../tools/testing/shared.js';
 */
import { existsSync, statSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, it } from 'vitest';

/** The repository root. */
export const repoRoot = resolve(dirname(fileURLToPath(import.meta.url)), '..', '..');
/** Committed oracle fixtures. */
export const fixturesDir = join(repoRoot, 'tools', 'oracle', 'fixtures');
/** Committed copies of the Keras 3.15.1 sample files the tests use (a subset of shared/keras-samples). */
export const samplesDir = join(fixturesDir, 'keras-samples');
/** Committed copies of the crafted era files the tests use (a subset of shared/keras-samples/crafted). */
export const craftedDir = join(samplesDir, 'crafted');
/** The tutorial's exact Keras 2.0.8 `to_json()` string. */
export const seedPath = join(fixturesDir, 'seed', 'keras-2.0.8-seed-model.json');

function findShared(): { dir: string | null; why: string } {
  const env = process.env.KERASTS_SHARED;
  if (env !== undefined && env !== '') {
    const dir = resolve(env);
    if (existsSync(dir) && statSync(dir).isDirectory()) return { dir, why: `KERASTS_SHARED=${dir}` };
    return { dir: null, why: `KERASTS_SHARED=${env} is not a directory` };
  }
  const beside = join(repoRoot, '..', 'shared');
  if (existsSync(join(beside, 'real-keras-files'))) return { dir: beside, why: `${beside} (beside the repository)` };
  return { dir: null, why: `no ${beside} beside the repository and KERASTS_SHARED is not set` };
}

const found = findShared();
/** The shared real-file corpus, or null when it is absent (as in a user's clone). */
export const sharedDir: string | null = found.dir;
/** True when the real-file corpus is available. */
export const hasShared = sharedDir !== null;
/** Why the corpus was (not) found, for messages. */
export const sharedWhere = found.why;
/** The suffix skipped suites carry in their name. */
export const SKIPPED_NO_SHARED = `SKIPPED: needs the real-file corpus (${found.why}; set KERASTS_SHARED=/path/to/shared to run it)`;

/** A path inside the shared corpus; throws a clear error when the corpus is absent (guard with hasShared). */
export function sharedPath(...parts: string[]): string {
  if (sharedDir === null) throw new Error(`test bug: ${join(...parts)} is in the shared corpus, which is absent (${found.why}); guard with describeShared/itShared/hasShared`);
  return join(sharedDir, ...parts);
}

/** The real Keras files folder (shared/real-keras-files/files), or null when the corpus is absent. */
export const realFilesDir: string | null = sharedDir === null ? null : join(sharedDir, 'real-keras-files', 'files');

/** `describe` that runs only with the shared corpus, and says so in its name when skipped. */
export function describeShared(name: string, fn: () => void): void {
  describe.skipIf(!hasShared)(hasShared ? name : `${name} — ${SKIPPED_NO_SHARED}`, fn);
}

/** `it` that runs only with the shared corpus, and says so in its name when skipped. */
export function itShared(name: string, fn: () => unknown, timeout?: number): void {
  it.skipIf(!hasShared)(hasShared ? name : `${name} — ${SKIPPED_NO_SHARED}`, fn, timeout);
}

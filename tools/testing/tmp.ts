/**
 * Temporary folders for tests that are removed afterwards: `tempDir('kerasts-x-')` makes one under
 * the OS temporary folder and remembers it; `afterAll(removeTempDirs)` in the test file removes every
 * folder the file made (vitest gives each test file its own copy of this module).
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

const made: string[] = [];

/** A new empty folder under the OS temporary folder, removed by {@link removeTempDirs}. */
export function tempDir(prefix: string): string {
  const dir = mkdtempSync(join(tmpdir(), prefix));
  made.push(dir);
  return dir;
}

/** Removes every folder {@link tempDir} made in this test file. */
export function removeTempDirs(): void {
  for (const dir of made.splice(0)) rmSync(dir, { recursive: true, force: true });
}

// The tutorial runs end to end as a user runs it (`pnpm start`), and every step's check passes.
import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, describe, expect, it } from 'vitest';
import { removeTempDirs, tempDir } from '../../../tools/testing/tmp.js';

afterAll(removeTempDirs);

const main = join(dirname(fileURLToPath(import.meta.url)), '..', 'dist', 'run-all.js');

describe('the tutorial', () => {
  it('runs every step and every check passes', () => {
    const out = tempDir('kerasts-tutorial-');
    const r = spawnSync(process.execPath, [main], { encoding: 'utf8', env: { ...process.env, KERASTS_OUT: out } });
    expect(r.stderr).toBe('');
    expect(r.status).toBe(0);
    expect(r.stdout).not.toContain('FAILED');
    expect((r.stdout.match(/^\s+ok /gm) ?? []).length).toBeGreaterThanOrEqual(15);
    expect(r.stdout).toContain('All steps passed');
    for (const f of ['my_model.h5', 'my_model_architecture.json', 'my_model_architecture.yaml', 'my_model_weights.h5', 'keras3-ready.h5', 'my_model.keras', 'my_model.weights.h5']) expect(existsSync(join(out, f))).toBe(true);
  });
});

// The fuzz harness recognises what it is there to find: an untyped error, a crash and a hang are
// classified as such (and the next case still runs), and a typed refusal is classified by its class.
// The short seeded pass itself runs in CI (`pnpm fuzz --short` in .ci/run).
import { spawnSync } from 'node:child_process';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
// @ts-expect-error: a plain ES module of the harness, without types
import { Runner } from '../runner.mjs';

const HERE = dirname(fileURLToPath(import.meta.url));

interface Outcome {
  outcome: string;
  message?: string;
}

describe('fuzz harness', () => {
  it('classifies untyped errors, crashes, hangs and typed errors, and goes on after each', async () => {
    const runner = new Runner(3000) as { run(c: object): Promise<Outcome>; stop(): void };
    try {
      const seq = ['selftest-untyped', 'selftest-crash', 'selftest-hang'];
      const got: string[] = [];
      for (const kind of seq) got.push((await runner.run({ kind, fileName: kind })).outcome);
      const typed = await runner.run({ kind: 'json', fileName: 'x.json', text: '{"class_name": "Sequential", "config": [' });
      expect(got).toEqual(['UNTYPED TypeError', 'crash', 'hang']);
      expect(typed.outcome).toBe('ConfigError');
      expect(typed.message).toMatch(/^x\.json/);
    } finally {
      runner.stop();
    }
  }, 60_000);

  it('the abuse section passes and its refusals are typed (exit code 0 only when nothing is untyped)', () => {
    const r = spawnSync(process.execPath, [join(HERE, '..', 'run.mjs'), '--short', '--only', 'abuse'], { encoding: 'utf8', timeout: 120_000 });
    expect(r.stdout).toMatch(/== abuse: \d+ cases/);
    expect(r.stdout).toMatch(/LimitError\s+\d+/);
    expect(r.stdout).not.toMatch(/UNTYPED|crash|hang/);
    expect(r.status).toBe(0);
  }, 120_000);
});

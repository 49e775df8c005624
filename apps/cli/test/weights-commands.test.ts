// summary / weights / transfer as a user runs them.
import { spawnSync } from 'node:child_process';
import { writeFileSync, readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, describe, expect, it } from 'vitest';
import { removeTempDirs, tempDir } from '../../../tools/testing/tmp.js';

afterAll(removeTempDirs);

const here = dirname(fileURLToPath(import.meta.url));
const main = join(here, '..', 'dist', 'main.js');
const h5 = join(here, '..', '..', '..', 'tools', 'oracle', 'fixtures', 'h5');
const kerasts = (...args: string[]) => {
  const r = spawnSync(process.execPath, [main, ...args], { encoding: 'utf8' });
  return { code: r.status, out: r.stdout, err: r.stderr };
};

describe('kerasts summary / weights', () => {
  it('summary prints the Keras table', () => {
    const r = kerasts('summary', join(h5, 'lstm_stacked2.h5'));
    expect(r.code).toBe(0);
    expect(r.out).toMatch(/Total params: [\d,]+/);
  });
  it('weights lists shapes and statistics; --json for scripts', () => {
    const r = kerasts('weights', join(h5, 'seed_keras3.h5'), '--json');
    expect(r.code).toBe(0);
    const j = JSON.parse(r.out) as { weights: { layer: string; shape: number[]; min: number; max: number }[] };
    expect(j.weights.map((w) => w.shape)).toEqual([[8, 16], [4, 16], [16], [4, 1], [1]]);
    expect(j.weights[0]!.min).toBeLessThan(j.weights[0]!.max);
  });
  it('weights A B shows what changed', () => {
    const r = kerasts('weights', join(h5, 'seed_keras3.h5'), join(h5, 'seed_keras3.legacy_weights.h5'), '--json');
    const j = JSON.parse(r.out) as { weights: { status: string }[] };
    expect(j.weights.every((w) => w.status === 'same')).toBe(true);
  });
});

describe('kerasts transfer (the tutorial’s by-name step)', () => {
  it('loads lstm_old into a new head, reports dense_new as kept, and writes a loadable model', () => {
    const d = tempDir('kerasts-tr-');
    const io = JSON.parse(readFileSync(join(h5, 'by_name_target.io.json'), 'utf8')) as { model_json: object; input: object; output: { values: number[] }; weights_before: { shape: number[]; values: number[] }[] };
    writeFileSync(join(d, 'new.json'), JSON.stringify(io.model_json));
    const r = kerasts('transfer', join(h5, 'by_name_source.legacy_weights.h5'), join(d, 'new.json'), join(d, 'new.h5'));
    expect(r.code).toBe(0);
    expect(r.out).toMatch(/loaded\s+lstm_old: kernel \[8, 16\]/);
    expect(r.out).toMatch(/kept\s+dense_new/);
    const cmp = JSON.parse(kerasts('weights', join(h5, 'by_name_source.legacy_weights.h5'), join(d, 'new.h5'), '--json').out) as { weights: { layer: string; status: string }[] };
    expect(cmp.weights.filter((w) => w.layer === 'lstm_old').every((w) => w.status === 'same')).toBe(true);
    expect(kerasts('transfer', join(h5, 'by_name_source.legacy_weights.h5'), join(d, 'new.json'), join(d, 'new.h5')).code).toBe(2);
  });
});

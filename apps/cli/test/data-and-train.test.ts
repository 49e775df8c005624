// Data the way Keras users have it (.npy, .npz, .csv) and `kerasts train` with resume.
import { spawnSync } from 'node:child_process';
import { readFileSync, copyFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, describe, expect, it } from 'vitest';
import { readCsv, readNpz } from '@kerasts/io-npy';
import { parseNpy, readInput } from '../src/data.js';
import { removeTempDirs, tempDir } from '../../../tools/testing/tmp.js';

afterAll(removeTempDirs);

const here = dirname(fileURLToPath(import.meta.url));
const fx = join(here, 'fixtures');
const main = join(here, '..', 'dist', 'main.js');
const h5 = join(here, '..', '..', '..', 'tools', 'oracle', 'fixtures', 'h5');
const kerasts = (...args: string[]) => {
  const r = spawnSync(process.execPath, [main, ...args], { encoding: 'utf8' });
  return { code: r.status, out: r.stdout, err: r.stderr };
};

describe('data files NumPy wrote', () => {
  it('.npz stored and deflated, .npy float64 and .csv with a header all give the same array', () => {
    const a = readInput(join(fx, 'data.npz') + ':x');
    const b = readInput(join(fx, 'data_compressed.npz') + ':x');
    const c = readInput(join(fx, 'x_f64.npy'));
    const d = readInput(join(fx, 'x.csv'));
    expect(a.shape).toEqual([6, 1, 8]);
    expect(Array.from(b.data)).toEqual(Array.from(a.data));
    expect(Array.from(c.data)).toEqual(Array.from(a.data));
    expect(d.shape).toEqual([6, 8]);
    d.data.forEach((v, i) => expect(Math.abs(v - a.data[i]!)).toBeLessThan(1e-6));
  });
  it('bad data says where', () => {
    expect(() => parseNpy(new Uint8Array([1, 2, 3]), 'x.npy')).toThrow(/not a \.npy/);
    expect(() => readCsv('a,b\n1,2\n3,x\n', { fileName: 'd.csv' })).toThrow(/d.csv: line 3, column 2 \(b\): "x"/);
    expect(() => readNpz(new Uint8Array(40), { fileName: 'z.npz' })).toThrow(/z.npz: not a ZIP archive/);
    expect(() => readInput(join(fx, 'data.npz'))).toThrow(/holds 2 arrays \(x, y\)/);
  });
});

describe('kerasts train', () => {
  it('trains a Keras-written compiled file from its optimizer state and writes a resumable file', () => {
    const d = tempDir('kerasts-train-');
    const src = join(d, 'm.h5');
    copyFileSync(join(h5, 'seed_adam_trained.h5'), src);
    const r = kerasts('train', src, '-x', join(fx, 'data.npz') + ':x', '-y', join(fx, 'data.npz') + ':y', '--epochs', '2', '--batch-size', '3', '--no-shuffle', '-o', join(d, 't.h5'), '--json');
    expect(r.code).toBe(0);
    const h = JSON.parse(r.out) as { history: { loss: number[] } };
    expect(h.history.loss.length).toBe(2);
    const info = JSON.parse(kerasts('inspect', join(d, 't.h5'), '--json').out) as { optimizer_state: { arrays: number } | null; training_config: { optimizer: string } };
    expect(info.training_config.optimizer).toBe('Adam');
    expect(info.optimizer_state?.arrays).toBe(12);
  });
  it('csv rows are reshaped to the model input; an uncompiled file needs --optimizer and --loss', () => {
    const d = tempDir('kerasts-train-');
    const noOpt = kerasts('train', join(h5, 'seed_keras3.h5'), '-x', join(fx, 'x.csv'), '-y', join(fx, 'data.npz') + ':y', '-o', join(d, 'a.h5'));
    expect(noOpt.code).toBe(1);
    expect(noOpt.err).toMatch(/--optimizer and --loss/);
    const ok = kerasts('train', join(h5, 'seed_keras3.h5'), '-x', join(fx, 'x.csv'), '-y', join(fx, 'data.npz') + ':y', '-o', join(d, 'a.h5'), '--optimizer', 'sgd', '--loss', 'mean_squared_error', '--epochs', '1');
    expect(ok.code).toBe(0);
    expect(ok.err).toMatch(/Epoch 1\/1/);
    expect(kerasts('train', join(h5, 'seed_keras3.h5'), '-x', join(fx, 'x.csv'), '-y', join(fx, 'x.csv')).code).toBe(2);
    expect(readFileSync(join(d, 'a.h5')).length).toBeGreaterThan(1000);
  });
});

/**
 * `loadModel(path)` / `loadWeights(model, path)` on a legacy `.h5` read the file piecewise, as
 * io-hdf5's own path loaders do: the file is never read whole into memory (a multi-GB model would
 * be), and the result is what the same file's bytes give. Files Keras 3.15.1 wrote (committed
 * fixtures).
 */
import { promises as fsp, readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { FormatError, loadModel, loadModelWithInfo, loadWeights, tensor } from '../src/index.js';

const H5 = join(dirname(fileURLToPath(import.meta.url)), '..', '..', '..', 'tools', 'oracle', 'fixtures', 'h5');
const x = tensor(Float32Array.from({ length: 2 * 13 * 8 }, (_, i) => Math.sin(i)), [2, 13, 8]);

/** Paths fs.promises.readFile was asked for during `fn`. */
async function wholeReads<T>(fn: () => Promise<T>): Promise<{ result: T; paths: string[] }> {
  const spy = vi.spyOn(fsp, 'readFile');
  try {
    const result = await fn();
    return { result, paths: spy.mock.calls.map((c) => String(c[0])) };
  } finally {
    spy.mockRestore();
  }
}

afterEach(() => vi.restoreAllMocks());

describe('a legacy .h5 named by a path is read piecewise', () => {
  it('loadModel: never reads the whole file, and predicts what the bytes predict', async () => {
    const file = join(H5, 'lstm_stacked2.h5');
    const { result: model, paths } = await wholeReads(() => loadModel(file));
    expect(paths).not.toContain(file);
    const fromBytes = await loadModel(new Uint8Array(readFileSync(file)));
    expect(Array.from(model.predict(x).data)).toEqual(Array.from(fromBytes.predict(x).data));
    const io = JSON.parse(readFileSync(join(H5, 'lstm_stacked2.io.json'), 'utf8')) as { model_json: unknown };
    expect(io.model_json).toBeDefined();
  });

  it('loadModelWithInfo reports the format and a compiled file restores its optimizer', async () => {
    const file = join(H5, 'seed_adam_trained.h5');
    const { result: info, paths } = await wholeReads(() => loadModelWithInfo(file, { warn: () => undefined }));
    expect(paths).not.toContain(file);
    expect(info.format).toBe('h5-model');
    expect(info.optimizerRestored).toBe(true);
  });

  it('loadWeights: a legacy weights file by path, the same report and numbers as from bytes', async () => {
    const arch = join(H5, 'lstm_stacked2.h5');
    const weights = join(H5, 'lstm_stacked2.legacy_weights.h5');
    const a = await loadModel(arch);
    const b = await loadModel(arch);
    for (const m of [a, b]) m.setWeights(m.getWeights().map((w) => tensor(new Float32Array(w.size), [...w.shape])));
    const { result: report, paths } = await wholeReads(() => loadWeights(a, weights));
    expect(paths).not.toContain(weights);
    const fromBytes = await loadWeights(b, new Uint8Array(readFileSync(weights)));
    expect(report.loaded).toEqual(fromBytes.loaded);
    expect(Array.from(a.predict(x).data)).toEqual(Array.from(b.predict(x).data));
    expect(Array.from(a.predict(x).data).some((v) => v !== 0)).toBe(true);
  });

  it('a weights-only file given to loadModel says what it is, by path as by bytes', async () => {
    const file = join(H5, 'lstm_stacked2.legacy_weights.h5');
    await expect(loadModel(file)).rejects.toThrow(FormatError);
    await expect(loadModel(file)).rejects.toThrow(/weights but no architecture/);
  });

  it('a Keras 3 .weights.h5 by path still loads (read whole: its reader takes bytes)', async () => {
    const model = await loadModel(join(H5, 'lstm_stacked2.h5'));
    const report = await loadWeights(model, join(H5, 'lstm_stacked2.weights.h5'));
    expect(report.loaded.length).toBeGreaterThan(0);
  });
});

// Bad input at the model level: each a typed error naming the file, the HDF5 path or the layer.
import { readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { describe, expect, it } from 'vitest';
import { Dense, LSTM } from '@kerasts/layers';
import { Sequential } from '@kerasts/model';
import { FormatError, KerastsError, ShapeMismatchError, UnsupportedError } from '@kerasts/tensor';
import { loadModel, loadWeights, saveModel, saveWeights } from '../src/index.js';

const repo = join(dirname(fileURLToPath(import.meta.url)), '..', '..', '..');
const real = join(repo, '..', 'shared', 'real-keras-files', 'files');
const h5 = join(repo, 'tools', 'oracle', 'fixtures', 'h5');

describe('loading bad input', () => {
  it('a weights-only file given to loadModel says what to do instead', async () => {
    await expect(loadModel(join(h5, 'seed_keras3.legacy_weights.h5'))).rejects.toThrow(FormatError);
    await expect(loadModel(join(h5, 'seed_keras3.legacy_weights.h5'))).rejects.toThrow(/weights-only.*loadWeights/);
  });
  it('a Lambda layer is refused by name and never executed', async () => {
    await expect(loadModel(join(real, 'k206_carnd_lambda_conv2d_full.h5'))).rejects.toThrow(UnsupportedError);
    await expect(loadModel(join(real, 'k206_carnd_lambda_conv2d_full.h5'))).rejects.toThrow(/k206_carnd_lambda_conv2d_full\.h5.*"Lambda"/);
  });
  it('an unregistered custom layer is named, with the fix', async () => {
    await expect(loadModel(join(real, 'k321_lstm_custom_attention.h5'))).rejects.toThrow(/"AttentionLayer".*registerLayer/);
  });
  it('truncated and garbage files are FormatErrors naming the file, and loading still works afterwards', async () => {
    const bytes = new Uint8Array(readFileSync(join(h5, 'seed_keras3.h5')));
    await expect(loadModel(bytes.slice(0, 2000), { fileName: 'cut.h5' })).rejects.toThrow(/cut\.h5/);
    await expect(loadModel(new TextEncoder().encode('{"not": "hdf5"}'), { fileName: 'x.h5' })).rejects.toThrow(/not an HDF5 file/);
    const ok = await loadModel(bytes);
    expect(ok.countParams()).toBe(213);
  });
  it('weights that do not fit name the layer and both shapes', async () => {
    const m = new Sequential({ layers: [new LSTM({ units: 5, inputShape: [1, 8] }), new Dense({ units: 1 })] });
    await expect(loadWeights(m, join(h5, 'seed_keras3.legacy_weights.h5'))).rejects.toThrow(ShapeMismatchError);
    await expect(loadWeights(m, join(h5, 'seed_keras3.legacy_weights.h5'))).rejects.toThrow(/layer "lstm.*expected shape \[8, 20\], found \[8, 16\]/);
    const three = new Sequential({ layers: [new Dense({ units: 2, inputShape: [3] }), new Dense({ units: 2 }), new Dense({ units: 1 })] });
    await expect(loadWeights(three, join(h5, 'seed_keras3.legacy_weights.h5'))).rejects.toThrow(/layer count mismatch.*2 layer\(s\).*lstm, dense.*3/);
  });
  it('a missing path is a clear error', async () => {
    await expect(loadModel('/nonexistent/model.h5')).rejects.toThrow(KerastsError);
  });
});

describe('saving never loses data', () => {
  it('refuses to overwrite without overwrite: true, and keeps the old file intact', async () => {
    const d = mkdtempSync(join(tmpdir(), 'kerasts-save-'));
    const p = join(d, 'm.h5');
    writeFileSync(p, 'precious');
    const m = new Sequential({ layers: [new Dense({ units: 1, inputShape: [2] })] });
    await expect(saveModel(m, p)).rejects.toThrow(/exists/);
    expect(readFileSync(p, 'utf8')).toBe('precious');
    await saveModel(m, p, { overwrite: true });
    expect((await loadModel(p)).countParams()).toBe(3);
    await saveWeights(m, join(d, 'w.h5'));
    const again = new Sequential({ layers: [new Dense({ units: 1, inputShape: [2] })] });
    const report = await loadWeights(again, join(d, 'w.h5'));
    expect(report.loaded.length).toBe(2);
    expect(Array.from(again.getWeights()[0]!.data)).toEqual(Array.from(m.getWeights()[0]!.data));
  });
});

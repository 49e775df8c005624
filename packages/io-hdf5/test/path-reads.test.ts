// Loading from a path (read from disk piece by piece) and from bytes give the same model, the same
// errors, and no weight left on the shared placeholder buffer used while building.
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { isPlaceholderWeights } from '@kerasts/layers';
import { FormatError } from '@kerasts/tensor';
import { loadModel, loadWeights } from '../src/index.js';
import { modelFromJSON } from '@kerasts/io-json';

const h5 = join(dirname(fileURLToPath(import.meta.url)), '..', '..', '..', 'tools', 'oracle', 'fixtures', 'h5');

describe('path and bytes give the same result', () => {
  for (const name of ['seed_keras3', 'lstm_stacked3_seq_named', 'seed_adam_trained']) {
    it(name, async () => {
      const file = join(h5, `${name}.h5`);
      const a = await loadModel(file);
      const b = await loadModel(new Uint8Array(readFileSync(file)));
      const wa = a.getWeights();
      b.getWeights().forEach((w, i) => expect(Array.from(w.data)).toEqual(Array.from(wa[i]!.data)));
      for (const l of a.layers) for (const w of l.weights) expect(isPlaceholderWeights(w.value.data)).toBe(false);
    });
  }
  it('a corrupted file fails the same way from a path and from bytes', async () => {
    const d = mkdtempSync(join(tmpdir(), 'kerasts-path-'));
    const bytes = new Uint8Array(readFileSync(join(h5, 'seed_keras3.h5')));
    const cut = bytes.slice(0, Math.floor(bytes.length / 3));
    writeFileSync(join(d, 'cut.h5'), cut);
    const e1 = await loadModel(join(d, 'cut.h5')).catch((e: unknown) => e);
    const e2 = await loadModel(cut, { fileName: join(d, 'cut.h5') }).catch((e: unknown) => e);
    expect(e1).toBeInstanceOf(FormatError);
    expect((e1 as Error).message).toBe((e2 as Error).message);
  });
  it('loadWeights from a path fills every weight', async () => {
    const io = JSON.parse(readFileSync(join(h5, 'lstm_stacked2.io.json'), 'utf8')) as { model_json: object };
    const m = modelFromJSON(io.model_json as never);
    const report = await loadWeights(m, join(h5, 'lstm_stacked2.legacy_weights.h5'));
    expect(report.loaded.length).toBe(m.getWeights().length);
  });
});

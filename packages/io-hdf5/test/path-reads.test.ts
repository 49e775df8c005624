// Loading from a path (read from disk piece by piece) and from bytes give the same model, the same
// errors, and no weight left on the shared placeholder buffer used while building.
import { readFileSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, describe, expect, it } from 'vitest';
import { isPlaceholderWeights } from '@kerasts/layers';
import { FormatError } from '@kerasts/tensor';
import { loadModel, loadWeights } from '../src/index.js';
import { modelFromJSON } from '@kerasts/io-json';
import { CRAFTED_DIR } from './helpers.js';
import { removeTempDirs, tempDir } from '../../../tools/testing/tmp.js';

afterAll(removeTempDirs);

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
    const d = tempDir('kerasts-path-');
    const bytes = new Uint8Array(readFileSync(join(h5, 'seed_keras3.h5')));
    const cut = bytes.slice(0, Math.floor(bytes.length / 3));
    writeFileSync(join(d, 'cut.h5'), cut);
    const e1 = await loadModel(join(d, 'cut.h5')).catch((e: unknown) => e);
    const e2 = await loadModel(cut, { fileName: join(d, 'cut.h5') }).catch((e: unknown) => e);
    expect(e1).toBeInstanceOf(FormatError);
    expect((e1 as Error).message).toBe((e2 as Error).message);
  });
  it('a corrupt global heap (HDF5 would loop forever) is caught as HDF5 reads it, with the same error as from bytes', async () => {
    // k208_full.h5 keeps its root `backend` string in the global heap at byte 2048; its size field
    // is at byte 3856 (see corruption.test.ts). From a path the heap is checked when HDF5 reads it.
    const src = new Uint8Array(readFileSync(join(CRAFTED_DIR, 'k208_full.h5')));
    expect(src[3856]).toBe(10);
    const bad = src.slice();
    bad[3856] = 217;
    const d = tempDir('kerasts-heap-');
    writeFileSync(join(d, 'k208-heap.h5'), bad);
    const fromPath = await loadModel(join(d, 'k208-heap.h5')).catch((e: unknown) => e);
    const fromBytes = await loadModel(bad, { fileName: join(d, 'k208-heap.h5') }).catch((e: unknown) => e);
    expect(fromPath).toBeInstanceOf(FormatError);
    expect((fromPath as Error).message).toBe(
      `${join(d, 'k208-heap.h5')}: corrupt or truncated HDF5 file: global heap collection at byte 2048: object #0 at offset 2040 has size 0, which does not advance`,
    );
    expect((fromPath as Error).message).toBe((fromBytes as Error).message);
    // the sound file still loads from a path
    writeFileSync(join(d, 'k208.h5'), src);
    await expect(loadModel(join(d, 'k208.h5'))).resolves.toBeDefined();
  });
  it('loadWeights from a path fills every weight', async () => {
    const io = JSON.parse(readFileSync(join(h5, 'lstm_stacked2.io.json'), 'utf8')) as { model_json: object };
    const m = modelFromJSON(io.model_json as never);
    const report = await loadWeights(m, join(h5, 'lstm_stacked2.legacy_weights.h5'));
    expect(report.loaded.length).toBe(m.getWeights().length);
  });
});

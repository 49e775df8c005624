/**
 * A `.keras` archive is a ZIP whose `model.weights.h5` Keras stores uncompressed: when that member
 * happens to begin at byte 512·2ᵏ, the archive also carries an HDF5 signature at a user-block offset.
 * The ZIP header at byte 0 decides (fixture: a file Keras 3.15.1 wrote with the signature at 4096).
 */
import { readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { detectFormat, findHdf5Signature, loadModel, loadWeights, tensor } from '../src/index.js';

const dir = join(dirname(fileURLToPath(import.meta.url)), 'fixtures');
const file = join(dir, 'hdf5-signature-inside.keras');
const ref = JSON.parse(readFileSync(join(dir, 'hdf5-signature-inside.json'), 'utf8')) as {
  hdf5_signature_at: number;
  input: { shape: number[]; values: number[] };
  output: { shape: number[]; values: number[] };
};

function maxDiff(a: ArrayLike<number>, b: ArrayLike<number>): number {
  let m = 0;
  for (let i = 0; i < b.length; i++) m = Math.max(m, Math.abs(a[i]! - b[i]!));
  return m;
}

describe('a .keras whose weights member starts at an HDF5 user-block offset', () => {
  const bytes = new Uint8Array(readFileSync(file));
  it('really carries the signature there (the fixture still tests the case)', () => {
    const sig = [0x89, 0x48, 0x44, 0x46, 0x0d, 0x0a, 0x1a, 0x0a];
    expect(sig.every((b, i) => bytes[ref.hdf5_signature_at + i] === b)).toBe(true);
    expect(findHdf5Signature(bytes)).toBe(-1);
  });
  it('is detected as a .keras archive', async () => {
    expect((await detectFormat(bytes)).format).toBe('keras');
  });
  it('loads from a path and from bytes, and predicts what Keras predicts', async () => {
    const x = tensor(Float32Array.from(ref.input.values), ref.input.shape);
    for (const source of [file, bytes]) {
      const model = await loadModel(source);
      const y = model.predict(x);
      expect([...y.shape]).toEqual(ref.output.shape);
      expect(maxDiff(y.data, ref.output.values)).toBeLessThanOrEqual(1e-5);
      await loadWeights(model, source);
      expect(maxDiff(model.predict(x).data, ref.output.values)).toBeLessThanOrEqual(1e-5);
    }
  });
});

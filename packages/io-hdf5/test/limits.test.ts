// Hostile HDF5 files: declared sizes are checked against the file and the limits before anything is
// allocated, the HDF5 engine's memory is bounded while it reads, and an instance whose memory grew is
// dropped (so its memory can be returned). Every refusal is a typed error naming the file, the path,
// the size and the option.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { DEFAULT_LIMITS, FormatError, LimitError } from '@kerasts/tensor';
import h5wasm from 'h5wasm';
import { describe, expect, it } from 'vitest';
import { RETIRE_GROWTH, getReadEngine, readEngineStats } from '../src/read-engine.js';
import { readKerasH5, writeKerasH5 } from '../src/index.js';
import { craftedDir, fixturesDir } from '../../../tools/testing/shared.js';

type H5File = InstanceType<typeof h5wasm.File>;
let made = 0;
async function makeH5(build: (f: H5File) => void): Promise<Uint8Array> {
  const M = await h5wasm.ready;
  const name = `/limits-${++made}.h5`;
  const f = new h5wasm.File(name, 'w');
  try {
    build(f);
  } finally {
    f.close();
  }
  const bytes = M.FS.readFile(name);
  M.FS.unlink(name);
  return bytes;
}

/** A committed fixture with one byte changed (each found by fuzzing to make HDF5 ask for ~1 GB). */
function patched(path: string, at: number, value: number): Uint8Array {
  const b = new Uint8Array(readFileSync(path));
  b[at] = value;
  return b;
}

const MiB = 2 ** 20;

describe('memory bombs: corrupt sizes inside the HDF5 structure', () => {
  const bombs: [string, () => Uint8Array, RegExp][] = [
    // a vlen string's length in the model_config attribute: HDF5 would allocate ~1 GB for it
    ['k208_full.h5, byte 1043 = 64', () => patched(join(craftedDir, 'k208_full.h5'), 1043, 64), /HDF5 path \/ attribute model_config/],
    // a layer_names entry's global heap reference: HDF5 would allocate ~800 MB
    ['mlp legacy weights, byte 923 = 49', () => patched(join(fixturesDir, 'h5', 'mlp_activation_layers.legacy_weights.h5'), 923, 49), /attribute layer_names/],
  ];
  for (const [what, bytes, at] of bombs) {
    it(`${what}: a LimitError naming the file, the attribute and maxMetadataBytes; the engine stays small`, async () => {
      for (const reader of ['h5wasm', 'auto'] as const) {
        const t0 = Date.now();
        const err = await readKerasH5(bytes(), { fileName: 'bomb.h5', reader }).catch((e: unknown) => e);
        expect(err).toBeInstanceOf(LimitError);
        const e = err as LimitError;
        expect(e.message).toMatch(/^bomb\.h5, HDF5 path/);
        expect(e.message).toMatch(at);
        expect(e.option).toBe('maxMetadataBytes');
        expect(e.limit).toBe(DEFAULT_LIMITS.maxMetadataBytes);
        expect(e.requested).toBeGreaterThan(DEFAULT_LIMITS.maxMetadataBytes);
        expect(e.message).toMatch(/MiB .* over the limit of 64\.0 MiB .*option maxMetadataBytes/);
        expect(Date.now() - t0).toBeLessThan(5000);
        const live = readEngineStats().liveBytes;
        if (live !== null) expect(live).toBeLessThan(64 * MiB + RETIRE_GROWTH);
      }
    });
  }

  it('after the refusals the engine reads a sound file', async () => {
    const good = new Uint8Array(readFileSync(join(fixturesDir, 'h5', 'lstm_stacked3_seq_named.h5')));
    const c = await readKerasH5(good, { fileName: 'good.h5', reader: 'h5wasm' });
    expect(c.weights.layers.length).toBeGreaterThan(0);
  });
});

describe('declared array sizes against the file and maxBytes, before allocating', () => {
  /** A weights file whose one dataset is gzip-chunked and resized after writing: tiny file, huge declared size. */
  async function compressed(declared: number): Promise<Uint8Array> {
    return makeH5((f) => {
      f.attrs; // (h5wasm creates attributes through create_attribute)
      f.create_attribute('layer_names', ['d'], null, 'S1');
      const g = f.create_group('d');
      g.create_attribute('weight_names', ['d/kernel:0'], null, 'S10');
      const d = g.create_group('d');
      const ds = d.create_dataset({ name: 'kernel:0', data: new Float32Array(1024), shape: [1024], maxshape: [null], chunks: [1024], compression: 9 });
      ds.resize([declared]);
    });
  }

  it('a 2 GB gzip-chunked dataset in a small file is refused as corrupt (more than deflate can expand)', async () => {
    const bytes = await compressed(5e8); // 2 GB of float32 declared
    expect(bytes.length).toBeLessThan(64 * 1024);
    const err = await readKerasH5(bytes, { fileName: 'gz.h5' }).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(FormatError);
    expect((err as Error).message).toMatch(/^gz\.h5, HDF5 path \/d\/d\/kernel:0: compressed dataset of shape \[500000000\], float32 claims 2000000000 bytes, more than 1032 × the file's \d+ \(deflate's largest expansion\)/);
  });

  it('within the file but over maxBytes: a LimitError naming the dataset, its size and maxBytes', async () => {
    const bytes = await compressed(4096); // 16 KiB declared: plausible for the file
    const c = await readKerasH5(bytes, { fileName: 'ok.h5' });
    expect(c.weights.layers[0]!.weights[0]!.shape).toEqual([4096]);
    const err = await readKerasH5(bytes, { fileName: 'ok.h5', limits: { maxBytes: 10_000 } }).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(LimitError);
    expect((err as LimitError).option).toBe('maxBytes');
    expect((err as LimitError).requested).toBe(16384);
    expect((err as Error).message).toBe(
      'ok.h5, HDF5 path /d/d/kernel:0: dataset of shape [4096], float32 is too large to read: 16.0 KiB (16,384 bytes) is over the limit of 9.77 KiB (10,000 bytes) (option maxBytes; raise it if you trust this input)',
    );
  });

  it('maxBytes counts every array of the file (both readers), and weightValues: false reads none', async () => {
    const path = join(fixturesDir, 'h5', 'lstm_stacked3_seq_named.h5');
    const bytes = new Uint8Array(readFileSync(path));
    const full = await readKerasH5(bytes);
    const total = [...full.weights.layers.flatMap((l) => l.weights), ...(full.weights.topLevelWeights ?? []), ...(full.optimizerWeights?.weights ?? [])].reduce(
      (s, w) => s + w.data.byteLength,
      0,
    );
    for (const reader of ['builtin', 'h5wasm'] as const) {
      await expect(readKerasH5(bytes, { reader, limits: { maxBytes: total } })).resolves.toBeDefined();
      const err = await readKerasH5(bytes, { reader, fileName: 'm.h5', limits: { maxBytes: total - 1 } }).catch((e: unknown) => e);
      expect(err, reader).toBeInstanceOf(LimitError);
      expect((err as LimitError).requested, reader).toBe(total);
      const meta = await readKerasH5(bytes, { reader, limits: { maxBytes: 1 }, weightValues: false });
      const w = meta.weights.layers.flatMap((l) => l.weights);
      expect(w.map((x) => [x.name, x.shape, x.dtype])).toEqual(full.weights.layers.flatMap((l) => l.weights).map((x) => [x.name, x.shape, x.dtype]));
      expect(w.every((x) => x.data.length === 0)).toBe(true);
    }
  });

  it('a contiguous dataset claiming more than the file is a FormatError (the built-in reader declines first)', async () => {
    // k208_full.h5's lstm_1 kernel is [8, 16] float32: make its first dimension 8 * 2^20
    const b = new Uint8Array(readFileSync(join(craftedDir, 'k208_full.h5')));
    const c = await readKerasH5(b);
    expect(c.weights.layers[0]!.weights[0]!.shape).toEqual([8, 16]);
    // find the dataspace message of that dataset: dims 8 and 16 as 8-byte little-endian integers
    let at = -1;
    for (let i = 0; i + 16 <= b.length; i++) {
      if (b[i] === 8 && b.subarray(i + 1, i + 8).every((x) => x === 0) && b[i + 8] === 16 && b.subarray(i + 9, i + 16).every((x) => x === 0)) {
        at = i;
        break;
      }
    }
    expect(at).toBeGreaterThan(0);
    // dims then max dims (8, 16, 8, 16): both first dimensions become 8 + 2^31
    expect([b[at + 16], b[at + 24]]).toEqual([8, 16]);
    b[at + 3] = 0x80;
    b[at + 16 + 3] = 0x80;
    const err = await readKerasH5(b, { fileName: 'big.h5' }).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(FormatError);
    // HDF5 itself checks a contiguous dataset's size against the file when it opens it
    expect((err as Error).message).toMatch(/^big\.h5, HDF5 path \/model_weights\/lstm_1\/lstm_1\/kernel:0: .*invalid dataset size, likely file corruption/);
    const lite = await readKerasH5(b, { fileName: 'big.h5', reader: 'builtin' }).catch((e: unknown) => e);
    expect((lite as Error).message).toMatch(/built-in HDF5 reader does not read this file \(a dataset larger than the file\)/);
  });
});

describe('an HDF5 instance whose memory grew is dropped', () => {
  it(`after a read that grew its memory by more than ${RETIRE_GROWTH / MiB} MiB, the next read gets a fresh instance`, async () => {
    const n = Math.round((RETIRE_GROWTH / 4) * 1.6); // float32 values: 1.6 × the growth allowance (malloc reuses free memory first)
    const w = { name: 'd/kernel:0', shape: [n], dtype: 'float32' as const, data: new Float32Array(n).fill(0.5), hdf5Path: '' };
    const bytes = await writeKerasH5({
      kind: 'weights',
      rootAttrs: { kerasVersion: '2.2.4', backend: 'tensorflow', modelConfig: null, trainingConfig: null },
      weights: { layerNames: ['d'], kerasVersion: '2.2.4', backend: 'tensorflow', layers: [{ name: 'd', weightNames: ['d/kernel:0'], weights: [w] }] },
      optimizerWeights: null,
      extraRootGroups: [],
    });
    await getReadEngine();
    const before = readEngineStats();
    const c = await readKerasH5(bytes, { reader: 'h5wasm' });
    expect((c.weights.layers[0]!.weights[0]!.data as Float32Array)[n - 1]).toBe(0.5);
    const after = readEngineStats();
    expect(after.dropped).toBe(before.dropped + 1);
    expect(after.liveBytes).toBeNull();
    await readKerasH5(bytes.slice(0, 4096), { reader: 'h5wasm' }).catch(() => undefined);
    expect(readEngineStats().created).toBe(after.created + 1);
    expect(readEngineStats().liveBytes).toBeLessThan(before.liveBytes! + 16 * MiB);
  });
});

/**
 * Corrupt HDF5 never crashes, hangs or aborts: every failure is a typed error, and the HDF5 engine
 * stays usable (a retired/poisoned h5wasm instance is replaced transparently).
 */
import { KerastsError } from '@kerasts/tensor';
import { describe, expect, it } from 'vitest';
import { FormatError } from '@kerasts/tensor';
import { MAX_HDF5_ERRORS } from '../src/engine.js';
import { getReadEngine, readEngineStats } from '../src/read-engine.js';
import { H5FileReader } from '../src/h5read.js';
import { readKerasH5 } from '../src/index.js';
import { UnsupportedError } from '@kerasts/tensor';
import { CRAFTED_DIR, REAL_DIR, SAMPLES_DIR, digestContents, hasShared, readBytes } from './helpers.js';

// the committed files always; three real files from the shared corpus when it is present
const sources = [
  `${SAMPLES_DIR}/m.h5`,
  `${CRAFTED_DIR}/k208_full.h5`,
  `${SAMPLES_DIR}/func.h5`,
  ...(hasShared ? [`${REAL_DIR}/k1_lstm_tf_full.h5`, `${REAL_DIR}/k213_simple_rnn_full.h5`, `${REAL_DIR}/k200_hls4ml_3layer_dense_weights.h5`] : []),
].map((p) => ({ p, bytes: readBytes(p) }));

/** Deterministic PRNG (so failures are reproducible). */
function lcg(seed: number): () => number {
  let s = seed >>> 0;
  return () => {
    s = (Math.imul(s, 1664525) + 1013904223) >>> 0;
    return s / 2 ** 32;
  };
}

async function expectGoodFileStillReads(): Promise<void> {
  const m = sources[0]!;
  // through h5wasm: these tests are about the engine recovering
  const expected = digestContents(await readKerasH5(m.bytes, { reader: 'h5wasm' }));
  const again = await readKerasH5(readBytes(m.p), { reader: 'h5wasm' });
  expect(digestContents(again)).toEqual(expected);
  expect(again.weights.layers[0]!.weights[0]!.shape).toEqual([8, 16]);
}

describe('corrupted files', () => {
  it('random byte changes in the metadata area: only typed errors, and the engine recovers', async () => {
    const rnd = lcg(20240611);
    const outcomes = { ok: 0, typed: 0, traps: 0 };
    const genBefore = readEngineStats().created;
    for (let i = 0; i < 400; i++) {
      const src = sources[i % sources.length]!;
      const b = src.bytes.slice();
      // Most of the structure (superblock, object headers, heaps, B-trees) sits in the first ~8 KiB.
      const region = Math.min(b.length, i % 3 === 0 ? b.length : 8192);
      const flips = 1 + Math.floor(rnd() * 8);
      for (let j = 0; j < flips; j++) b[Math.floor(rnd() * region)] = Math.floor(rnd() * 256);
      try {
        await readKerasH5(b, { fileName: `fuzz-${i}.h5` });
        outcomes.ok++;
      } catch (err) {
        if (!(err instanceof KerastsError)) throw new Error(`fuzz case ${i}: untyped error ${String(err)}`);
        expect(err.message).toContain(`fuzz-${i}.h5`);
        outcomes.typed++;
        if (/WebAssembly trap/.test(err.message)) outcomes.traps++;
      }
    }
    expect(outcomes.ok + outcomes.typed).toBe(400);
    expect(outcomes.typed).toBeGreaterThan(50);
    // Each trap retired the instance it happened in.
    expect(readEngineStats().created - genBefore).toBeGreaterThanOrEqual(outcomes.traps > 0 ? 1 : 0);
    console.info(`fuzz outcomes: ${JSON.stringify(outcomes)}, h5wasm instances used: ${readEngineStats().created - genBefore + 1}`);
    await expectGoodFileStillReads();
  }, 120_000);

  it('the built-in reader on mutated files: declines, or reads what h5wasm reads; never a different answer', async () => {
    const rnd = lcg(777);
    const outcomes = { same: 0, declined: 0, h5wasmRefuses: 0 };
    for (let i = 0; i < 600; i++) {
      const src = sources[i % sources.length]!;
      const b = src.bytes.slice();
      const region = Math.min(b.length, i % 3 === 0 ? b.length : 8192);
      const flips = 1 + Math.floor(rnd() * 8);
      for (let j = 0; j < flips; j++) b[Math.floor(rnd() * region)] = Math.floor(rnd() * 256);
      const name = `fuzz-lite-${i}.h5`;
      const lite = await readKerasH5(b, { fileName: name, reader: 'builtin' }).then(
        (c) => digestContents(c),
        (e: unknown) => {
          expect(e, name).toBeInstanceOf(UnsupportedError);
          return null;
        },
      );
      if (lite === null) {
        outcomes.declined++;
        continue;
      }
      const ref = await readKerasH5(b, { fileName: name, reader: 'h5wasm' }).then(
        (c) => digestContents(c),
        () => null,
      );
      if (ref === null) {
        // HDF5 checks things this reader does not need (B-tree keys, free-space, reserved fields).
        outcomes.h5wasmRefuses++;
        continue;
      }
      expect(lite, name).toEqual(ref);
      outcomes.same++;
    }
    console.info(`built-in reader fuzz: ${JSON.stringify(outcomes)}`);
    expect(outcomes.same).toBeGreaterThan(50);
  }, 120_000);

  it('a global heap entry whose size was changed (HDF5 would loop forever) is rejected before HDF5 sees it', async () => {
    // Found by fuzzing: k208_full.h5 keeps the root `backend` string ("tensorflow", 10 bytes) in the
    // global heap at byte 2048; its size field is at byte 3856. With 217 there, HDF5's heap parser
    // lands on zeros (an object of size 0) and never advances.
    const b = sources[1]!.bytes.slice();
    expect(b[3856]).toBe(10);
    b[3856] = 217;
    const err = await readKerasH5(b, { fileName: 'k208-heap.h5', reader: 'h5wasm' }).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(FormatError);
    expect((err as Error).message).toBe(
      'k208-heap.h5: corrupt or truncated HDF5 file: global heap collection at byte 2048: object #0 at offset 2040 has size 0, which does not advance',
    );
    await expectGoodFileStillReads();
  });

  it('a real WebAssembly trap inside HDF5 poisons the instance; the next call gets a fresh one', async () => {
    const engine = await getReadEngine();
    const before = readEngineStats().created;
    const bytes = sources[0]!.bytes;
    engine.FS.writeFile('/trap.h5', bytes);
    const fid = engine.M.open('/trap.h5', engine.M.H5F_ACC_RDONLY, false, -1, -1);
    const reader = new H5FileReader(engine, fid, 'trap.h5', bytes.length);
    // Ask HDF5 to write a dataset into memory far outside the WebAssembly heap: a genuine trap.
    const path = '/model_weights/lstm/sequential/lstm/lstm_cell/kernel';
    const err = (() => {
      try {
        reader.call('reading the dataset', path, () => engine.M.get_dataset_data(fid, path, null, null, null, BigInt(2 ** 32 - 64)));
        return null;
      } catch (e) {
        return e;
      }
    })();
    expect(err).toBeInstanceOf(FormatError);
    expect((err as Error).message).toMatch(/WebAssembly trap: memory access out of bounds/);
    expect(engine.poisoned).toBe(true);
    await expectGoodFileStillReads();
    expect(readEngineStats().created).toBe(before + 1);
    expect((await getReadEngine()).poisoned).toBe(false);
  });

  it(`thousands of HDF5 errors (each leaks WebAssembly stack) do not break reading: instances retire every ${MAX_HDF5_ERRORS} errors`, async () => {
    const cut = sources[1]!.bytes.slice(0, 1500); // before the global heap, so HDF5 itself reports the truncation
    const before = readEngineStats().created;
    for (let i = 0; i < 2600; i++) {
      await expect(readKerasH5(cut, { fileName: 'cut.h5', reader: 'h5wasm' })).rejects.toThrow(/cut\.h5: not a readable HDF5 file: corrupt or truncated/);
    }
    expect(readEngineStats().created - before).toBeGreaterThanOrEqual(Math.floor(2600 / MAX_HDF5_ERRORS) - 1);
    await expectGoodFileStillReads();
  }, 120_000);
});

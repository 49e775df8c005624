import { fileURLToPath } from 'node:url';
/**
 * Files written by writeKerasH5 are read back by h5py (the library every Keras uses) correctly:
 * the Keras-level contents, fixed-length ASCII string types (numpy kind 'S', what Keras ≤ 2.3 can
 * `.decode`), chunked name lists, empty float64 lists, contiguous datasets, superblock 0.
 *
 * Needs the oracle venv (h5py); skipped with a message when it is absent.
 */
import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type H5Weight, type KerasH5Contents, readKerasH5, writeKerasH5 } from '../src/index.js';
import { FIXTURES, type OracleEntry, hasShared, loadOracle, readBytes, referenceFiles } from './helpers.js';

const PYTHON = process.env.KERASTS_ORACLE_PYTHON ?? fileURLToPath(new URL('../../../.venv-oracle/bin/python', import.meta.url));
const hasPython = existsSync(PYTHON) && spawnSync(PYTHON, ['-c', 'import h5py'], { encoding: 'utf8' }).status === 0;
const title = hasPython
  ? `h5py reads what kerasts writes (${PYTHON})`
  : `h5py interop — SKIPPED: no Python with h5py at ${PYTHON} (create the venv with \`pnpm oracle:setup\` or set KERASTS_ORACLE_PYTHON)`;
if (!hasPython) console.warn(title);

interface AttrInfo {
  kind: string;
  shape: number[];
  class: number;
  vlen?: boolean;
  cset?: string;
  size?: number | null;
  keras2Decodable?: boolean;
}
interface Check {
  keras: OracleEntry;
  superblockVersion: number;
  attrs: Record<string, AttrInfo>;
  datasets: Record<string, { contiguous: boolean; chunks: unknown; compression: unknown; dtype: string; shape: number[] }>;
}

const oracle = loadOracle();
const readable = referenceFiles().filter((f) => oracle.files[f.key]?.outcome === 'ok');
// also written in vlen mode (the two real ones only with the shared corpus)
const VLEN_TOO = ['samples/m.h5', 'real/k224_seq2seq_katakana_timedistributed.h5', 'real/k200_hls4ml_3layer_dense_weights.h5'];
const longNames = Array.from({ length: 2000 }, (_, i) => `layer_with_a_rather_long_name_${String(i).padStart(5, '0')}`);

function synthetic(): Record<string, KerasH5Contents> {
  const w = (name: string, n: number): H5Weight => ({ name, shape: [n], dtype: 'float32', data: Float32Array.from({ length: n }, (_, i) => i), hdf5Path: '' });
  const many = Array.from({ length: 2600 }, (_, i) => w(`big/some_long_weight_name_${String(i).padStart(4, '0')}:0`, 1));
  const chunkedWeights: KerasH5Contents = {
    kind: 'weights',
    rootAttrs: { kerasVersion: '2.2.4', backend: 'tensorflow', modelConfig: null, trainingConfig: null },
    weights: {
      layerNames: [...longNames, 'big'],
      kerasVersion: '2.2.4',
      backend: 'tensorflow',
      layers: [...longNames.map((name) => ({ name, weightNames: [], weights: [] })), { name: 'big', weightNames: many.map((x) => x.name), weights: many }],
    },
    optimizerWeights: null,
    extraRootGroups: [],
  };
  const bigConfig: KerasH5Contents = {
    kind: 'model',
    rootAttrs: { kerasVersion: '2.3.1', backend: 'tensorflow', modelConfig: JSON.stringify({ pad: 'x'.repeat(100_000) }), trainingConfig: '{"loss": "mse"}' },
    weights: { layerNames: ['d'], kerasVersion: '2.3.1', backend: 'tensorflow', layers: [{ name: 'd', weightNames: ['d/kernel:0'], weights: [w('d/kernel:0', 3)] }], topLevelWeights: [] },
    optimizerWeights: { weightNames: ['Adam/iterations:0'], weights: [{ name: 'Adam/iterations:0', shape: [], dtype: 'int64', data: new BigInt64Array([12n]), hdf5Path: '' }] },
    extraRootGroups: [],
  };
  return { chunkedWeights, bigConfig };
}

describe.skipIf(!hasPython)(title, () => {
  let dir = '';
  const written: { file: string; source: string; encoding: 'fixed-ascii' | 'vlen'; contents: KerasH5Contents }[] = [];
  let report: Record<string, Check> = {};

  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), 'kerasts-io-hdf5-'));
    for (const f of readable) {
      const contents = await readKerasH5(readBytes(f.path), { fileName: f.key });
      for (const encoding of ['fixed-ascii', 'vlen'] as const) {
        if (encoding === 'vlen' && !VLEN_TOO.includes(f.key)) continue;
        const file = join(dir, `${f.key.replace('/', '__')}.${encoding}.h5`);
        writeFileSync(file, await writeKerasH5(contents, { stringEncoding: encoding }));
        written.push({ file, source: f.key, encoding, contents });
      }
    }
    for (const [name, contents] of Object.entries(synthetic())) {
      const file = join(dir, `synthetic__${name}.h5`);
      writeFileSync(file, await writeKerasH5(contents));
      written.push({ file, source: `synthetic/${name}`, encoding: 'fixed-ascii', contents });
    }
    const run = spawnSync(PYTHON, [join(FIXTURES, 'h5py_check.py'), ...written.map((w) => w.file)], {
      encoding: 'utf8',
      maxBuffer: 512 * 1024 * 1024,
    });
    if (run.status !== 0) throw new Error(`h5py_check.py failed: ${run.stderr}`);
    report = JSON.parse(run.stdout);
  }, 120_000);

  afterAll(() => {
    if (dir) rmSync(dir, { recursive: true, force: true });
  });

  it('h5py sees the same Keras contents as in the original file (every rewritten reference file)', () => {
    const rewritten = written.filter((w) => !w.source.startsWith('synthetic/'));
    expect(rewritten.length).toBe(readable.length + (hasShared ? 3 : 1));
    for (const w of rewritten) {
      const got = report[w.file]!.keras;
      const { path: _p, layerNamesEncoding: _e, extraRootGroups: _x, ...want } = oracle.files[w.source]!;
      const { path: _p2, layerNamesEncoding: _e2, extraRootGroups, ...gotRest } = got;
      const strip = (o: typeof want) => ({ ...o, layers: o.layers?.map(({ weightNamesEncoding: _w, ...l }) => l) });
      const fix = (o: typeof want) => JSON.parse(JSON.stringify(strip(o)).replaceAll(w.source, 'X'));
      expect(fix(gotRest as typeof want), `${w.source} (${w.encoding})`).toEqual(fix(want));
      expect(extraRootGroups).toEqual([]);
    }
  });

  it('fixed-ascii files: every string attribute is fixed-length ASCII (numpy kind S) that Keras 2 can .decode()', () => {
    let strings = 0;
    for (const w of written.filter((x) => x.encoding === 'fixed-ascii')) {
      const r = report[w.file]!;
      for (const [key, a] of Object.entries(r.attrs)) {
        const name = key.slice(key.indexOf('@') + 1);
        if (a.class === 3) {
          strings++;
          const isBigScalar = w.source === 'synthetic/bigConfig' && name === 'model_config';
          if (isBigScalar) {
            expect(a.vlen, key).toBe(true); // > 60000 bytes: vlen ASCII, as every Keras writes it
            continue;
          }
          expect(a.kind, `${w.source} ${key}`).toBe('S');
          expect(a.vlen).toBe(false);
          expect(a.cset).toBe('ascii');
          expect(a.keras2Decodable, key).toBe(true);
          expect(a.shape.length, key).toBe(/_names\d*$/.test(name) ? 1 : 0);
        } else {
          expect(name, `${w.source} ${key}`).toMatch(/^(weight|layer)_names$/);
          expect(a.kind).toBe('f');
          expect(a.shape).toEqual([0]);
        }
      }
      expect(r.superblockVersion).toBe(0);
      for (const [p, d] of Object.entries(r.datasets)) {
        expect(d.contiguous, p).toBe(true);
        expect(d.chunks).toBeNull();
        expect(d.compression).toBeNull();
        expect(d.dtype, p).toMatch(/^<[fi][48]$/);
      }
    }
    expect(strings).toBeGreaterThan(hasShared ? 300 : 40);
  });

  it('vlen files: unchunked lists and scalars are variable-length strings', () => {
    for (const w of written.filter((x) => x.encoding === 'vlen')) {
      const r = report[w.file]!;
      const root = w.contents.kind === 'model' ? '/model_weights' : '/';
      expect(r.attrs[`${root}@layer_names`]).toMatchObject({ kind: 'O', vlen: true });
      expect(r.attrs['/@keras_version']).toMatchObject({ vlen: true });
    }
  });

  it('chunked name lists are reassembled by the Keras algorithm, pieces are fixed-length S', () => {
    const w = written.find((x) => x.source === 'synthetic/chunkedWeights')!;
    const r = report[w.file]!;
    expect(r.keras.layerNamesEncoding).toMatch(/^chunked/);
    expect(r.keras.layerNames).toEqual([...longNames, 'big']);
    expect(r.attrs['/@layer_names0']).toMatchObject({ kind: 'S', vlen: false, size: 35 });
    expect(r.attrs['/@layer_names']).toBeUndefined();
    const big = r.keras.layers!.find((l) => l.name === 'big')!;
    expect(big.weightNamesEncoding).toBe('chunked2');
    expect(big.weightNames).toHaveLength(2600);
    expect(big.weights[2599]!.hdf5Path).toBe('/big/big/some_long_weight_name_2599:0');
  });

  it('a > 60000-byte model_config and an int64 counter survive', () => {
    const w = written.find((x) => x.source === 'synthetic/bigConfig')!;
    const r = report[w.file]!;
    expect(r.keras.rootAttrs!.modelConfig!.length).toBe(w.contents.rootAttrs.modelConfig!.length);
    expect(r.keras.optimizerWeights!.weights[0]).toMatchObject({ dtype: 'int64', shape: [], first: [12] });
    expect(r.keras.topLevelWeights).toEqual({ weightNames: [], weights: [] });
  });
});

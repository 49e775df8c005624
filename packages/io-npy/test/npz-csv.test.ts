// .npz archives and CSV tables NumPy wrote, read back to NumPy's values; and what we write, read by
// NumPy itself when the oracle venv is there.
import { spawnSync } from 'node:child_process';
import { existsSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, describe, expect, it } from 'vitest';
import { FormatError, Tensor } from '@kerasts/tensor';
import { writeZip } from '@kerasts/zip';
import {
  detectDataFormat,
  openNpz,
  parseArraySpec,
  readCsv,
  readCsvTable,
  readNpz,
  readTensorData,
  writeCsv,
  writeNpy,
  writeNpz,
  readNpy,
  type NpyArray,
} from '../src/index.js';
import { removeTempDirs, tempDir } from '../../../tools/testing/tmp.js';
import { readNpyFile, readTensorFile, writeNpzFile } from '../src/node.js';
import { asStrings, bytes, FIX, manifest, pyRepr } from './helpers.js';

afterAll(removeTempDirs);


describe('.npz', () => {
  for (const name of ['stored.npz', 'deflated.npz']) {
    it(`${name}: every array as numpy reads it, in archive order`, () => {
      const want = manifest[name]!.arrays!;
      const got = readNpz(bytes(name), { fileName: name });
      expect([...got.keys()]).toEqual(manifest[name]!.names);
      for (const [k, e] of Object.entries(want)) {
        const a = got.get(k)!;
        expect([a.dtype, a.shape]).toEqual([e.dtype, e.shape]);
        expect(asStrings(a).map(pyRepr)).toEqual(e.values!.map(pyRepr));
      }
    });
  }
  it('names only the .npy members as arrays; a missing name lists what there is', () => {
    const z = openNpz(bytes('extra_member.npz'), { fileName: 'e.npz' });
    expect(manifest['extra_member.npz']!.names).toEqual(['y', 'notes.txt']); // numpy lists every member
    expect(z.names).toEqual(['y']);
    expect(() => z.get('x')).toThrow(/e.npz: no array "x" in the .npz \(it has: y\)/);
  });
  it('writes what it reads, stored or deflated', () => {
    const arrays = readNpz(bytes('stored.npz'));
    for (const compress of [false, true]) {
      const again = readNpz(writeNpz(arrays, { compress }));
      expect([...again.keys()]).toEqual([...arrays.keys()]);
      for (const [k, a] of arrays) expect(again.get(k)).toEqual(a);
    }
    const z = openNpz(writeNpz({ t: new Tensor(new Float32Array(4096), [64, 64]) }, { compress: true }));
    expect(z.get('t').shape).toEqual([64, 64]);
  });
  it('goes through the checked ZIP reader: traversal names and broken members are FormatErrors', () => {
    const npy = writeNpy({ dtype: 'float32', shape: [1], data: Float32Array.from([1]) });
    const evil = writeZip([{ name: 'abcdefg.npy', data: npy }]);
    // The same archive with the member renamed "../defg.npy" (same length) in both headers.
    const text = new TextDecoder('latin1').decode(evil).replaceAll('abcdefg.npy', '../defg.npy');
    expect(() => readNpz(Uint8Array.from(text, (c) => c.charCodeAt(0)), { fileName: 'evil.npz' })).toThrow(/evil.npz: refusing ZIP entry "..\/defg.npy": .*path traversal/);
    const broken = writeZip([{ name: 'a.npy', data: npy.subarray(0, 20) }]);
    expect(() => readNpz(broken, { fileName: 'b.npz' })).toThrow(/b.npz:a: truncated .npy/);
  });
});

describe('CSV', () => {
  for (const name of ['savetxt_default.txt', 'savetxt_header.csv', 'savetxt_names.csv']) {
    it(`${name} as numpy.loadtxt reads it (float32)`, () => {
      const e = manifest[name]!;
      const t = readCsv(bytes(name), { fileName: name });
      expect(t.shape).toEqual(e.shape);
      expect(Array.from(t.data, (v) => pyRepr(String(v)))).toEqual(e.values!.map(pyRepr));
    });
  }
  it('returns header names, takes ; and tabs, quoted cells, nan/inf, BOM and CRLF', () => {
    const t = readCsvTable('\uFEFF"a";"b, c"\r\n1;-2.5e1\r\n"3";nan\r\n-inf;.5\r\n');
    expect(t.columns).toEqual(['a', 'b, c']);
    expect(t.tensor.shape).toEqual([3, 2]);
    expect(Array.from(t.tensor.data)).toEqual([1, -25, 3, NaN, -Infinity, 0.5]);
    expect(readCsv('1\t2\n3\t4\n').shape).toEqual([2, 2]);
  });
  it('names the line and column of a bad cell or a short row', () => {
    expect(() => readCsv('a,b\n1,2\n3,x\n', { fileName: 'd.csv' })).toThrow(/d.csv: line 3, column 2 \(b\): "x" is not a number/);
    expect(() => readCsv('1,2\n3\n', { fileName: 'd.csv' })).toThrow(/line 2 has 1 values, expected 2/);
    expect(() => readCsv('1,,2\n')).toThrow(/the cell is empty/);
    expect(() => readCsv('# only a comment\n')).toThrow(/no rows/);
  });
  it('writes the shortest float32 decimals, and reads them back exactly', () => {
    const t = new Tensor(Float32Array.from([0.1, -1 / 3, 1e-30, 3.4e38]), [2, 2]);
    const text = writeCsv(t, { columns: ['a', 'b'] });
    expect(text).toBe('a,b\n0.1,-0.33333334\n1e-30,3.4e+38\n');
    expect(readCsv(text).data).toEqual(t.data);
  });
});

describe('data by content, and file specs', () => {
  it('tells the formats apart without the extension', () => {
    expect(detectDataFormat(bytes('float32_le_c.npy'))).toBe('npy');
    expect(detectDataFormat(bytes('stored.npz'))).toBe('npz');
    expect(detectDataFormat(new TextEncoder().encode(' [[1, 2]]'))).toBe('json');
    expect(detectDataFormat(new TextEncoder().encode('1,2\n'))).toBe('csv');
    expect(readTensorData(new TextEncoder().encode('{"shape": [2, 1], "values": [1, 2]}')).shape).toEqual([2, 1]);
  });
  it('a .npz needs a name when it holds several arrays', () => {
    expect(() => readTensorData(bytes('stored.npz'), { fileName: 's.npz' })).toThrow(/holds 5 arrays \(x, y, labels, mask, xf\); name one as s.npz:NAME/);
    expect(readTensorData(bytes('stored.npz'), { name: 'labels' }).data).toEqual(Float32Array.from([0, 2, 1, 2]));
    expect(readTensorData(bytes('extra_member.npz')).shape).toEqual([4, 1]);
  });
  it('splits file.npz:name, leaving other colons in the path', () => {
    expect(parseArraySpec('data.npz:x')).toEqual({ path: 'data.npz', name: 'x' });
    expect(parseArraySpec('C:\\data\\x.npy')).toEqual({ path: 'C:\\data\\x.npy', name: undefined });
    expect(parseArraySpec('a:b/data.NPZ:y')).toEqual({ path: 'a:b/data.NPZ', name: 'y' });
  });
  it('reads files relative to a working directory; writes refuse to replace a file unless told', async () => {
    expect((await readTensorFile('stored.npz:y', { cwd: FIX })).shape).toEqual([4, 1]);
    expect((await readNpyFile('vector_i32.npy', { cwd: FIX })).dtype).toBe('int32');
    const dir = tempDir('io-npy-');
    await writeNpzFile('o.npz', { a: new Tensor(Float32Array.from([1]), [1]) }, { cwd: dir });
    await expect(writeNpzFile('o.npz', {}, { cwd: dir })).rejects.toThrow(/already exists/);
    await writeNpzFile('o.npz', {}, { cwd: dir, overwrite: true });
    await expect(readTensorFile('missing.npy', { cwd: dir })).rejects.toThrow(/missing.npy: cannot read the file: no such file/);
  });
});

const PYTHON = process.env.KERASTS_ORACLE_PYTHON ?? fileURLToPath(new URL('../../../.venv-oracle/bin/python', import.meta.url));
const hasNumpy = existsSync(PYTHON) && spawnSync(PYTHON, ['-c', 'import numpy'], { encoding: 'utf8' }).status === 0;

describe.skipIf(!hasNumpy)(hasNumpy ? 'numpy reads what we write' : `numpy interop — SKIPPED: no Python with numpy at ${PYTHON} (pnpm oracle:setup, or set KERASTS_ORACLE_PYTHON)`, () => {
  it('every dtype, both orders and byte orders, in .npz stored and deflated', () => {
    const dir = tempDir('io-npy-np-');
    const arrays = new Map<string, NpyArray>();
    for (const [name, e] of Object.entries(manifest)) if (name.endsWith('_c.npy') && !e.unsupported) arrays.set(name.slice(0, -6), readNpy(bytes(name)));
    for (const [compress, order, endian] of [[false, false, 'little'], [true, true, 'big']] as const) {
      const f = join(dir, `o_${compress}.npz`);
      writeFileSync(f, writeNpz(arrays, { compress, fortranOrder: order, byteOrder: endian }));
      const script = `
import json, sys, numpy as np, zipfile
z = np.load(sys.argv[1])
kinds = {i.filename: i.compress_type for i in zipfile.ZipFile(sys.argv[1]).infolist()}
out = {}
for k in z.files:
    a = z[k]
    vals = [('1' if v else '0') if isinstance(v, bool) else str(v) if isinstance(v, int) else repr(float(v)) for v in a.ravel(order='C').tolist()]
    out[k] = {'dtype': a.dtype.name, 'shape': list(a.shape), 'values': vals, 'fortran': bool(a.flags.f_contiguous and a.ndim > 1), 'order': a.dtype.byteorder, 'deflated': kinds[k + '.npy'] == 8}
print(json.dumps(out))`;
      const r = spawnSync(PYTHON, ['-c', script, f], { encoding: 'utf8' });
      expect(r.status, r.stderr).toBe(0);
      const got = JSON.parse(r.stdout) as Record<string, { dtype: string; shape: number[]; values: string[]; fortran: boolean; order: string; deflated: boolean }>;
      for (const [k, a] of arrays) {
        const e = manifest[`${k}_c.npy`]!;
        expect(got[k], k).toMatchObject({ dtype: e.dtype, shape: e.shape, fortran: order, deflated: compress });
        expect(got[k]!.values.map(pyRepr), k).toEqual(e.values!.map(pyRepr));
        if (a.dtype !== 'bool' && !a.dtype.endsWith('int8')) expect(got[k]!.order, k).toBe(endian === 'big' ? '>' : '='); // numpy says '=' for native (little) order
      }
    }
  });
});

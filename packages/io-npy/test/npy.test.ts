// .npy files NumPy wrote (tools/oracle/gen_npy_fixtures.py) read back to NumPy's values, and written
// back byte for byte.
import { describe, expect, it } from 'vitest';
import { ConfigError, FormatError, Tensor, UnsupportedError } from '@kerasts/tensor';
import { floatToHalf, halfToFloat, npyToTensor, readNpy, readNpyHeader, writeNpy } from '../src/index.js';

import { asStrings, bytes, manifest, pyRepr } from './helpers.js';

describe('reading .npy files NumPy wrote', () => {
  const npys = Object.entries(manifest).filter(([n, e]) => n.endsWith('.npy') && !e.unsupported);
  it('covers every dtype in both orders and byte orders', () => {
    const names = npys.map(([n]) => n);
    for (const d of ['bool', 'int8', 'uint8', 'int16', 'uint16', 'int32', 'uint32', 'int64', 'uint64', 'float16', 'float32', 'float64']) {
      for (const o of ['c', 'f']) {
        if (['bool', 'int8', 'uint8'].includes(d)) expect(names).toContain(`${d}_na_${o}.npy`);
        else for (const e of ['le', 'be']) expect(names).toContain(`${d}_${e}_${o}.npy`);
      }
    }
  });
  for (const [name, e] of npys) {
    it(`${name}: ${e.dtype} ${JSON.stringify(e.shape)} equals what numpy reads`, () => {
      const a = readNpy(bytes(name), { fileName: name });
      expect(a.dtype).toBe(e.dtype);
      expect(a.shape).toEqual(e.shape);
      expect(asStrings(a).map(pyRepr)).toEqual(e.values!.map(pyRepr));
    });
  }
  it('the header says how the data is stored', () => {
    const h = readNpyHeader(bytes('int64_be_f.npy'));
    expect(h).toMatchObject({ dtype: 'int64', shape: [2, 3], fortranOrder: true, littleEndian: false, version: [1, 0] });
    expect(h.dataOffset % 64).toBe(0);
    expect(readNpyHeader(bytes('version3_f32.npy')).version).toEqual([3, 0]);
  });
  it('converts to a float32 tensor', () => {
    const t = npyToTensor(readNpy(bytes('cube_i16_be_f.npy')));
    expect(t).toBeInstanceOf(Tensor);
    expect(t.shape).toEqual([2, 3, 4]);
    expect(Array.from(t.data)).toEqual(Array.from({ length: 24 }, (_, i) => i - 12));
    expect(Array.from(npyToTensor(readNpy(bytes('bool_na_c.npy'))).data)).toEqual([1, 0, 1, 1, 0, 0]);
  });
});

describe('writing .npy: the bytes numpy.save writes', () => {
  const npys = Object.entries(manifest).filter(([n, e]) => n.endsWith('.npy') && !e.unsupported && !n.startsWith('version'));
  for (const [name] of npys) {
    it(name, () => {
      const original = bytes(name);
      const h = readNpyHeader(original);
      const a = readNpy(original);
      const again = writeNpy(a, { fortranOrder: h.fortranOrder, byteOrder: h.littleEndian ? 'little' : 'big' });
      expect(Buffer.from(again).equals(Buffer.from(original))).toBe(true);
    });
  }
  it('a Tensor is stored as float32, and dtypes convert when the values fit', () => {
    const t = new Tensor(Float32Array.from([1, -2, 3.5]), [3]);
    expect(readNpy(writeNpy({ dtype: 'float32', shape: [3], data: t.data }))).toEqual({ dtype: 'float32', shape: [3], data: t.data });
    const i8 = readNpy(writeNpy({ dtype: 'float32', shape: [2], data: Float32Array.from([-128, 127]) }, { dtype: 'int8' }));
    expect([i8.dtype, Array.from(i8.data as Int8Array)]).toEqual(['int8', [-128, 127]]);
    const i64 = readNpy(writeNpy({ dtype: 'float64', shape: [1], data: Float64Array.from([2 ** 60]) }, { dtype: 'int64' }));
    expect((i64.data as BigInt64Array)[0]).toBe(2n ** 60n);
  });
  it('refuses values that do not fit an integer dtype, and data that does not fit the shape', () => {
    expect(() => writeNpy({ dtype: 'float32', shape: [1], data: Float32Array.from([1.5]) }, { dtype: 'int32' })).toThrow(/not an integer/);
    expect(() => writeNpy({ dtype: 'float32', shape: [1], data: Float32Array.from([300]) }, { dtype: 'uint8' })).toThrow(ConfigError);
    expect(() => writeNpy({ dtype: 'float32', shape: [2, 2], data: Float32Array.from([1]) })).toThrow(/needs 4 values/);
  });
  it('float16 rounds once, to nearest even, as numpy', () => {
    // 1 + 2^-11 is halfway between 1 and 1 + 2^-10: ties go to the even mantissa (1).
    expect(floatToHalf(1 + 2 ** -11)).toBe(0x3c00);
    expect(floatToHalf(1 + 3 * 2 ** -11)).toBe(0x3c02);
    expect(floatToHalf(65520)).toBe(0x7c00);
    expect(floatToHalf(65519.99)).toBe(0x7bff);
    expect(floatToHalf(2 ** -25)).toBe(0);
    expect(floatToHalf(3 * 2 ** -26)).toBe(1);
    expect(floatToHalf(-0)).toBe(0x8000);
    for (let h = 0; h < 0x10000; h++) {
      const f = halfToFloat(h);
      if (!Number.isNaN(f)) expect(floatToHalf(f)).toBe(h);
    }
  });
});

describe('refused: not numbers, damaged files', () => {
  for (const [name, e] of Object.entries(manifest).filter(([, e]) => e.unsupported)) {
    it(`${name} (${e.dtype}) is an UnsupportedError that says what it holds`, () => {
      expect(() => readNpy(bytes(name), { fileName: name })).toThrow(UnsupportedError);
      expect(() => readNpy(bytes(name), { fileName: name })).toThrow(new RegExp(`${name}: .*(complex|string|object|datetime|structured|long double)`));
    });
  }
  it('truncated anywhere: a FormatError, never a short array', () => {
    const good = bytes('float64_be_f.npy');
    for (let cut = 0; cut < good.length; cut++) expect(() => readNpy(good.subarray(0, cut)), `cut ${cut}`).toThrow(FormatError);
  });
  it('a hostile header: too long, not a dict, wrong keys, negative or huge shapes', () => {
    const withHeader = (h: string) => {
      const out = new Uint8Array(10 + h.length + 8);
      out.set([0x93, 0x4e, 0x55, 0x4d, 0x50, 0x59, 1, 0]);
      new DataView(out.buffer).setUint16(8, h.length, true);
      out.set(new TextEncoder().encode(h), 10);
      return out;
    };
    expect(() => readNpy(withHeader("{'descr': '<f4', 'fortran_order': False, 'shape': (2,), }"))).not.toThrow();
    expect(() => readNpy(withHeader("{'descr': '<f4', 'fortran_order': False, 'shape': (3,), }"))).toThrow(/truncated/);
    expect(() => readNpy(withHeader('[1, 2]'))).toThrow(/not a dict/);
    expect(() => readNpy(withHeader("{'descr': '<f4', 'shape': (2,), }"))).toThrow(/exactly the keys/);
    expect(() => readNpy(withHeader("{'descr': '<f4', 'fortran_order': False, 'shape': (-2,), }"))).toThrow(/non-negative/);
    expect(() => readNpy(withHeader("{'descr': '<f4', 'fortran_order': False, 'shape': (99999999999, 99999999999), }"))).toThrow(FormatError);
    expect(() => readNpy(withHeader("{'descr': '<f4', 'fortran_order': __import__('os'), 'shape': (2,), }"))).toThrow(/cannot parse/);
    expect(() => readNpy(withHeader(`{'descr': '<f4', 'fortran_order': False, 'shape': (2,), }${' '.repeat(10_000)}`))).toThrow(/maxHeaderSize/);
    expect(() => readNpy(new TextEncoder().encode('{"a": 1}'))).toThrow(/not a .npy file/);
  });
});

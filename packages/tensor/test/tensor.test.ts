import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import {
  ConfigError,
  FileAccessError,
  FileExistsError,
  FormatError,
  KerastsError,
  ShapeMismatchError,
  Tensor,
  UnsupportedError,
  full,
  ones,
  shapeSize,
  tensor,
  zeros,
} from '../src/index.js';

describe('Tensor', () => {
  it('infers the shape of nested arrays', () => {
    expect(tensor(5).shape).toEqual([]);
    expect(tensor(5).rank).toBe(0);
    expect(tensor(5).size).toBe(1);
    expect(tensor([1, 2, 3]).shape).toEqual([3]);
    const t = tensor([
      [
        [1, 2],
        [3, 4],
        [5, 6],
      ],
      [
        [7, 8],
        [9, 10],
        [11, 12],
      ],
    ]);
    expect(t.shape).toEqual([2, 3, 2]);
    expect(t.rank).toBe(3);
    expect(t.size).toBe(12);
    expect(Array.from(t.data)).toEqual([1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12]);
    expect(tensor([]).shape).toEqual([0]);
    expect(tensor([[], []]).shape).toEqual([2, 0]);
  });

  it('stores float32 values', () => {
    const t = tensor([0.1, 1e40]);
    expect(t.data).toBeInstanceOf(Float32Array);
    expect(t.data[0]).toBe(Math.fround(0.1));
    expect(t.data[1]).toBe(Infinity);
  });

  it('rejects ragged arrays, naming the index path', () => {
    const ragged = () => tensor([[1, 2], [3]]);
    expect(ragged).toThrow(ShapeMismatchError);
    expect(ragged).toThrow(/values\[1\]/);
    const deeper = () => tensor([[[1], [2]], [[3], [4, 5]]]);
    expect(deeper).toThrow(ShapeMismatchError);
    expect(deeper).toThrow(/values\[1\]\[1\]/);
    expect(() => tensor([1, [2]])).toThrow(/values\[1\]/);
    expect(() => tensor([[1], 2])).toThrow(ShapeMismatchError);
    try {
      ragged();
    } catch (e) {
      expect(e).toBeInstanceOf(KerastsError);
      expect((e as ShapeMismatchError).where).toBe('values[1]');
      expect((e as ShapeMismatchError).expected).toEqual([2, 2]);
      expect((e as ShapeMismatchError).found).toEqual([2, 1]);
    }
  });

  it('rejects non-numbers', () => {
    expect(() => tensor(['a'] as unknown as number[])).toThrow(ConfigError);
    expect(() => tensor([[1, null]] as unknown as number[][])).toThrow(/values\[0\]\[1\]/);
  });

  it('takes flat values with an explicit shape', () => {
    const t = tensor([1, 2, 3, 4, 5, 6], [2, 3]);
    expect(t.shape).toEqual([2, 3]);
    expect(t.toArray()).toEqual([
      [1, 2, 3],
      [4, 5, 6],
    ]);
    const f = new Float32Array([1, 2, 3, 4]);
    const u = tensor(f, [2, 2]);
    expect(u.shape).toEqual([2, 2]);
    f[0] = 99;
    expect(u.data[0]).toBe(1); // tensor() copies
    expect(tensor(new Float64Array([1.5, 2.5])).shape).toEqual([2]);
    expect(tensor([[1, 2], [3, 4]], [4]).shape).toEqual([4]);
    expect(() => tensor([1, 2, 3], [2, 2])).toThrow(ShapeMismatchError);
    expect(() => tensor([1, 2, 3, 4], [2, -2])).toThrow(ConfigError);
  });

  it('round-trips through toArray', () => {
    const nested = [
      [
        [1.5, -2],
        [3, 4],
      ],
      [
        [5, 6],
        [7, 8.25],
      ],
    ];
    expect(tensor(nested).toArray()).toEqual(nested);
    expect(tensor(3.5).toArray()).toBe(3.5);
    expect(tensor([]).toArray()).toEqual([]);
    expect(zeros([2, 0, 3]).toArray()).toEqual([[], []]);
  });

  it('checks data length in the constructor', () => {
    expect(() => new Tensor(new Float32Array(5), [2, 3])).toThrow(ShapeMismatchError);
    expect(() => new Tensor(new Float32Array(6), [2, 3])).not.toThrow();
    expect(() => new Tensor(new Float32Array(1), [1.5])).toThrow(ConfigError);
    const shape = [2, 3];
    const t = new Tensor(new Float32Array(6), shape);
    shape[0] = 7;
    expect(t.shape).toEqual([2, 3]); // the shape is copied
    expect(Object.isFrozen(t.shape)).toBe(true);
  });

  it('reshapes, sharing data, with one -1', () => {
    const t = tensor([1, 2, 3, 4, 5, 6]);
    const r = t.reshape([2, -1]);
    expect(r.shape).toEqual([2, 3]);
    expect(r.data).toBe(t.data);
    expect(t.reshape([-1, 2, 1]).shape).toEqual([3, 2, 1]);
    expect(t.reshape([3, 2]).shape).toEqual([3, 2]);
    expect(t.reshape([-1]).shape).toEqual([6]);
    expect(() => t.reshape([4, -1])).toThrow(ShapeMismatchError);
    expect(() => t.reshape([-1, -1])).toThrow(ConfigError);
    expect(() => t.reshape([4, 2])).toThrow(ShapeMismatchError);
    expect(() => t.reshape([0, -1])).toThrow(ShapeMismatchError);
  });

  it('clones deeply', () => {
    const t = tensor([1, 2, 3]);
    const c = t.clone();
    c.data[0] = 10;
    expect(t.data[0]).toBe(1);
    expect(c.shape).toEqual([3]);
  });

  it('makes zeros, ones, full and computes sizes', () => {
    expect(Array.from(zeros([2, 2]).data)).toEqual([0, 0, 0, 0]);
    expect(Array.from(ones([3]).data)).toEqual([1, 1, 1]);
    expect(Array.from(full([2], 2.5).data)).toEqual([2.5, 2.5]);
    expect(shapeSize([])).toBe(1);
    expect(shapeSize([2, 3, 4])).toBe(24);
    expect(shapeSize([2, 0])).toBe(0);
    expect(() => shapeSize([2, -1])).toThrow(ConfigError);
    expect(String(zeros([1, 2]))).toBe('Tensor(float32, [1, 2])');
  });
});

describe('errors', () => {
  it('are typed, carry where, and derive from KerastsError', () => {
    const e = new ShapeMismatchError('bad', [1, null], [2, 3], 'layer dense_1');
    expect(e).toBeInstanceOf(KerastsError);
    expect(e).toBeInstanceOf(Error);
    expect(e.name).toBe('ShapeMismatchError');
    expect(e.message).toBe('layer dense_1: bad (expected shape [1, null], found [2, 3])');
    expect(e.where).toBe('layer dense_1');
    for (const C of [ConfigError, UnsupportedError, FormatError]) {
      const x = new C('msg', 'here');
      expect(x).toBeInstanceOf(KerastsError);
      expect(x.name).toBe(C.name);
      expect(x.message).toBe('here: msg');
    }
  });

  it('keep their names when a minifier renames the classes (names are string literals)', () => {
    // What a bundler's minifier does: the class gets another name; `name` must not follow it.
    const Renamed = { l: class extends FormatError {} }.l;
    expect(Renamed.name).toBe('l');
    const e = new Renamed('not an HDF5 file', 'm.h5');
    expect(e.name).toBe('FormatError');
    expect(String(e)).toBe('FormatError: m.h5: not an HDF5 file');
    const src = readFileSync(new URL('../src/errors.ts', import.meta.url), 'utf8');
    expect(src).not.toMatch(/=\s*new\.target|=\s*this\.constructor\.name/);
    const f = new FileAccessError('could not fetch the file: HTTP 404', 'https://x/m.h5', 'HTTP_404');
    expect([f.name, f.code, f instanceof KerastsError]).toEqual(['FileAccessError', 'HTTP_404', true]);
    expect(new FileExistsError('out.h5').name).toBe('FileExistsError');
  });
});

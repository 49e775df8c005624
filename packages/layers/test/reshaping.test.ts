import { beforeEach, describe, expect, it } from 'vitest';
import { ConfigError, ShapeMismatchError, Tensor, transpose, UnsupportedError } from '@kerasts/tensor';
import {
  clearSession,
  Cropping1D,
  Cropping2D,
  Cropping3D,
  deserializeLayer,
  Flatten,
  INFERENCE,
  Permute,
  Reshape,
  setNamingConvention,
  UpSampling1D,
  UpSampling2D,
  UpSampling3D,
  ZeroPadding1D,
  ZeroPadding2D,
  ZeroPadding3D,
} from '../src/index.js';
import { gradCheck, randomTensor } from './grad-check.js';

beforeEach(() => {
  clearSession();
  setNamingConvention('keras-3');
});

const seq = (n: number): Tensor => new Tensor(Float32Array.from({ length: n }, (_, i) => i), [n]);

describe('transpose kernel', () => {
  it('permutes like numpy (checked by index arithmetic)', () => {
    const shape = [2, 3, 4, 5];
    const x = seq(120).reshape(shape);
    const perm = [0, 2, 3, 1];
    const y = transpose(x.data, shape, perm);
    for (let a = 0; a < 2; a++)
      for (let b = 0; b < 3; b++)
        for (let c = 0; c < 4; c++)
          for (let d = 0; d < 5; d++) expect(y[((a * 4 + c) * 5 + d) * 3 + b]).toBe(x.data[((a * 3 + b) * 4 + c) * 5 + d]);
  });
  it('refuses a non-permutation', () => {
    expect(() => transpose(new Float32Array(6), [2, 3], [0, 0])).toThrow(ShapeMismatchError);
  });
});

describe('Flatten', () => {
  it('flattens as stored by default, and moves channels last for channels_first', () => {
    const x = seq(24).reshape([2, 3, 4]);
    expect(new Flatten().call(x).shape).toEqual([2, 12]);
    expect(Array.from(new Flatten().call(x).data)).toEqual(Array.from(x.data));
    const cf = new Flatten('channels_first').call(x);
    // sample 0: (c=3, t=4) -> (t, c): [0,4,8, 1,5,9, ...]
    expect(Array.from(cf.data.slice(0, 6))).toEqual([0, 4, 8, 1, 5, 9]);
    expect(new Flatten().computeOutputShape([null, 3, null])).toEqual([null, null]);
    expect(new Flatten().computeOutputShape([null])).toEqual([null, 1]);
  });
  it('backward undoes the permutation', () => {
    const l = new Flatten({ dataFormat: 'channels_first' });
    l.build([null, 3, 2, 4]);
    expect(gradCheck(l, randomTensor([2, 3, 2, 4])).input).toBeLessThan(1e-3);
  });
  it('reads Keras configs of every era and refuses bad data formats', () => {
    expect((deserializeLayer('Flatten', { name: 'f' }) as Flatten).dataFormat).toBe('channels_last');
    expect((deserializeLayer('Flatten', { name: 'f', data_format: 'channels_first' }) as Flatten).dataFormat).toBe('channels_first');
    expect(() => deserializeLayer('Flatten', { name: 'f', data_format: 'nhwc' })).toThrow(ConfigError);
    expect(() => new Flatten({ data_format: 'channels_first' } as never)).toThrow(/did you mean "dataFormat"/);
    expect(new Flatten().getConfig().data_format).toBe('channels_last');
  });
});

describe('Reshape', () => {
  it('takes the target shape positionally and infers one -1', () => {
    const l = new Reshape([-1, 3]);
    expect(l.computeOutputShape([null, 12])).toEqual([null, 4, 3]);
    expect(l.computeOutputShape([null, null])).toEqual([null, null, 3]);
    const y = l.call(seq(24).reshape([2, 12]));
    expect(y.shape).toEqual([2, 4, 3]);
    expect(new Reshape([4, 2]).targetShape).toEqual([4, 2]);
  });
  it('refuses sizes that do not fit and bad target shapes, naming the layer', () => {
    expect(() => new Reshape([5], { name: 'r' }).computeOutputShape([null, 12])).toThrow(/"r" \(Reshape\).*unchanged/);
    expect(() => new Reshape([-1, 5]).call(seq(24).reshape([2, 12]))).toThrow(ShapeMismatchError);
    expect(() => new Reshape([-1, -1])).toThrow(ConfigError);
    expect(() => new Reshape([0, 2])).toThrow(ConfigError);
    expect(() => new Reshape({} as never)).toThrow(/needs "targetShape"/);
  });
  it('backward reshapes the gradient back', () => {
    const l = new Reshape([2, 6]);
    l.build([null, 3, 4]);
    expect(gradCheck(l, randomTensor([2, 3, 4])).input).toBeLessThan(1e-3);
  });
  it('round-trips its config', () => {
    const l = new Reshape([2, -1], { name: 'rs' });
    const again = deserializeLayer('Reshape', l.getConfig()) as Reshape;
    expect(again.targetShape).toEqual([2, -1]);
    expect(again.call(seq(8).reshape([1, 8]), INFERENCE).shape).toEqual([1, 2, 4]);
  });
});

describe('Permute, ZeroPadding, Cropping, UpSampling', () => {
  it('Permute moves axes (numbered from 1) and refuses non-permutations', () => {
    const p = new Permute([2, 1]);
    const y = p.call(seq(6).reshape([1, 2, 3]));
    expect(y.shape).toEqual([1, 3, 2]);
    expect(Array.from(y.data)).toEqual([0, 3, 1, 4, 2, 5]);
    expect(() => new Permute([0, 1])).toThrow(ConfigError);
    expect(() => new Permute([1, 3])).toThrow(ConfigError);
    expect(() => p.computeOutputShape([null, 2, 3, 4])).toThrow(ShapeMismatchError);
    const p3 = new Permute([3, 1, 2]);
    p3.build([null, 2, 3, 4]);
    expect(gradCheck(p3, randomTensor([2, 2, 3, 4])).input).toBeLessThan(1e-3);
  });
  it('ZeroPadding accepts an int, one int per axis, or pairs; backward crops', () => {
    expect(new ZeroPadding2D(1).padding).toEqual([[1, 1], [1, 1]]);
    expect(new ZeroPadding2D([1, 2]).padding).toEqual([[1, 1], [2, 2]]);
    expect(new ZeroPadding2D([[1, 0], [2, 3]]).padding).toEqual([[1, 0], [2, 3]]);
    expect(new ZeroPadding1D([1, 2]).padding).toEqual([[1, 2]]);
    expect(() => new ZeroPadding3D([1, 2])).toThrow(ConfigError);
    const z = new ZeroPadding1D([1, 2]);
    const y = z.call(new Tensor(Float32Array.of(1, 2, 3, 4), [1, 2, 2]));
    expect(y.shape).toEqual([1, 5, 2]);
    expect(Array.from(y.data)).toEqual([0, 0, 1, 2, 3, 4, 0, 0, 0, 0]);
    const z2 = new ZeroPadding2D([[1, 0], [0, 2]], { dataFormat: 'channels_first' });
    expect(z2.computeOutputShape([null, 3, 4, 5])).toEqual([null, 3, 5, 7]);
    z2.build([null, 2, 3, 2]);
    expect(gradCheck(z2, randomTensor([2, 2, 3, 2])).input).toBeLessThan(1e-3);
    const z3 = new ZeroPadding3D(1);
    z3.build([null, 2, 2, 1, 2]);
    expect(gradCheck(z3, randomTensor([1, 2, 2, 1, 2])).input).toBeLessThan(1e-3);
  });
  it('Cropping removes rows, refuses crops as large as the axis, and pads back in backward', () => {
    const c = new Cropping1D([1, 1]);
    expect(Array.from(c.call(seq(8).reshape([1, 4, 2])).data)).toEqual([2, 3, 4, 5]);
    expect(() => new Cropping1D([2, 2]).computeOutputShape([null, 4, 2])).toThrow(ShapeMismatchError);
    const c2 = new Cropping2D([[1, 0], [0, 1]]);
    c2.build([null, 3, 3, 2]);
    expect(c2.computeOutputShape([null, 3, 3, 2])).toEqual([null, 2, 2, 2]);
    expect(gradCheck(c2, randomTensor([2, 3, 3, 2])).input).toBeLessThan(1e-3);
    const c3 = new Cropping3D(1, { dataFormat: 'channels_first' });
    c3.build([null, 1, 3, 3, 3]);
    expect(gradCheck(c3, randomTensor([1, 1, 3, 3, 3])).input).toBeLessThan(1e-3);
    expect(new Cropping2D().cropping).toEqual([[0, 0], [0, 0]]);
  });
  it('UpSampling repeats (nearest) or interpolates (bilinear); backward sums the copies', () => {
    const u = new UpSampling1D(2);
    expect(Array.from(u.call(seq(4).reshape([1, 2, 2])).data)).toEqual([0, 1, 0, 1, 2, 3, 2, 3]);
    const u2 = new UpSampling2D([2, 3]);
    expect(u2.computeOutputShape([null, 2, 2, 1])).toEqual([null, 4, 6, 1]);
    u2.build([null, 2, 2, 2]);
    expect(gradCheck(u2, randomTensor([1, 2, 2, 2])).input).toBeLessThan(1e-3);
    const bl = new UpSampling2D(2, { interpolation: 'bilinear' });
    // 1-D row [0, 1] -> half-pixel centres: [0, 0.25, 0.75, 1]
    const y = bl.call(new Tensor(Float32Array.of(0, 1), [1, 1, 2, 1]));
    expect(Array.from(y.data.slice(0, 4))).toEqual([0, 0.25, 0.75, 1]);
    bl.build([null, 2, 3, 2]);
    expect(gradCheck(bl, randomTensor([1, 2, 3, 2])).input).toBeLessThan(1e-3);
    expect(() => new UpSampling2D(2, { interpolation: 'bicubic' as never })).toThrow(UnsupportedError);
    const u3 = new UpSampling3D([1, 2, 1], { dataFormat: 'channels_first' });
    u3.build([null, 2, 1, 2, 2]);
    expect(gradCheck(u3, randomTensor([1, 2, 1, 2, 2])).input).toBeLessThan(1e-3);
  });
  it('Keras 1 configs: UpSampling1D length, ZeroPadding1D ints', () => {
    expect((deserializeLayer('UpSampling1D', { name: 'u', size: 3 }) as UpSampling1D).factors).toEqual([3]);
    expect((deserializeLayer('ZeroPadding1D', { name: 'z', padding: 2 }) as ZeroPadding1D).padding).toEqual([[2, 2]]);
  });
});

import { beforeEach, describe, expect, it } from 'vitest';
import { ConfigError, ShapeMismatchError, Tensor, transpose } from '@kerasts/tensor';
import { clearSession, deserializeLayer, Flatten, INFERENCE, Reshape, setNamingConvention } from '../src/index.js';
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

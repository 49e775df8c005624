import { describe, expect, it } from 'vitest';
import { FormatError } from '@kerasts/tensor';
import { readH5Tree, writeH5Tree, type H5TreeGroup } from '../src/index.js';

describe('readH5Tree / writeH5Tree (any HDF5 layout)', () => {
  it('round-trips groups, scalar string attributes and numeric datasets of several dtypes, with both readers', async () => {
    const tree: H5TreeGroup = {
      kind: 'group',
      attrs: {},
      members: {
        layers: {
          kind: 'group',
          attrs: {},
          members: {
            lstm: { kind: 'group', attrs: {}, members: { vars: { kind: 'group', attrs: { name: { kind: 'strings', values: ['lstm'], scalar: true } }, members: { '0': { kind: 'dataset', shape: [2, 3], dtype: 'float32', data: Float32Array.from([1, 2, 3, 4, 5, 6.5]), attrs: {} } } } } },
          },
        },
        optimizer: { kind: 'group', attrs: {}, members: { vars: { kind: 'group', attrs: { name: { kind: 'strings', values: ['adam'], scalar: true } }, members: { '0': { kind: 'dataset', shape: [], dtype: 'int32', data: Int32Array.from([7]), attrs: {} }, '1': { kind: 'dataset', shape: [], dtype: 'float32', data: Float32Array.from([0.001]), attrs: {} } } } } },
        vars: { kind: 'group', attrs: { name: { kind: 'strings', values: ['sequential'], scalar: true } }, members: {} },
      },
    };
    const bytes = await writeH5Tree(tree);
    for (const reader of ['h5wasm', 'auto'] as const) {
      const back = await readH5Tree(bytes, { reader });
      expect(back).toEqual(tree);
    }
  });
  it('bytes that are not HDF5 are a FormatError', async () => {
    await expect(readH5Tree(new TextEncoder().encode('PK\u0003\u0004 a zip'), { fileName: 'x.keras' })).rejects.toThrow(FormatError);
  });
  it('refuses attributes it cannot write', async () => {
    await expect(writeH5Tree({ kind: 'group', attrs: { a: { kind: 'other', className: 'float', shape: [2] } }, members: {} })).rejects.toThrow(/only scalar string attributes/);
  });
});

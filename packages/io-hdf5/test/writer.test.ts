/** Synthetic writer cases: chunking, empty lists, nesting, dtypes, encodings, and invalid input. */
import { FormatError, KerastsError, ShapeMismatchError, UnsupportedError } from '@kerasts/tensor';
import { describe, expect, it } from 'vitest';
import {
  HDF5_OBJECT_HEADER_LIMIT,
  type H5Weight,
  type KerasH5Contents,
  MAX_FIXED_SCALAR_BYTES,
  arraySplitSizes,
  planChunks,
  readH5NameList,
  readKerasH5,
  writeKerasH5,
} from '../src/index.js';
import { H5T_FLOAT, H5T_STRING, inspectH5 } from './h5inspect.js';
import { CRAFTED_DIR, readBytes } from './helpers.js';

function f32(name: string, shape: number[], start = 0): H5Weight {
  const n = shape.reduce((a, b) => a * b, 1);
  return { name, shape, dtype: 'float32', data: Float32Array.from({ length: n }, (_, i) => start + i / 8), hdf5Path: '' };
}

function model(layers: { name: string; weights: H5Weight[] }[], extra: Partial<KerasH5Contents> = {}): KerasH5Contents {
  return {
    kind: 'model',
    rootAttrs: { kerasVersion: '2.2.4', backend: 'tensorflow', modelConfig: '{"class_name": "Sequential"}', trainingConfig: null },
    weights: {
      layerNames: layers.map((l) => l.name),
      kerasVersion: '2.2.4',
      backend: 'tensorflow',
      layers: layers.map((l) => ({ name: l.name, weightNames: l.weights.map((w) => w.name), weights: l.weights })),
    },
    optimizerWeights: null,
    extraRootGroups: [],
    ...extra,
  };
}

async function roundTrip(c: KerasH5Contents, stringEncoding: 'fixed-ascii' | 'vlen' = 'fixed-ascii') {
  const bytes = await writeKerasH5(c, { stringEncoding });
  return { bytes, back: await readKerasH5(bytes, { fileName: 'synthetic.h5' }) };
}

describe('Keras chunking rule (numpy.array_split)', () => {
  it('array_split sizes', () => {
    expect(arraySplitSizes(10, 3)).toEqual([4, 3, 3]);
    expect(arraySplitSizes(2000, 2)).toEqual([1000, 1000]);
    expect(arraySplitSizes(5, 5)).toEqual([1, 1, 1, 1, 1]);
  });
  it('splits only when the fixed-length array exceeds 64512 bytes', () => {
    expect(HDF5_OBJECT_HEADER_LIMIT).toBe(64512);
    expect(planChunks(Array(2016).fill('x'.repeat(32))).pieces).toEqual([2016]); // exactly 64512 bytes
    expect(planChunks(Array(2017).fill('x'.repeat(32))).pieces).toEqual([1009, 1008]);
    // chunking_demo.txt (verified with Keras 3.15.1): 2000 names × 35 bytes → two pieces of 1000.
    expect(planChunks(Array(2000).fill('y'.repeat(35)))).toEqual({ itemSize: 35, pieces: [1000, 1000] });
    expect(planChunks([])).toEqual({ itemSize: 1, pieces: [0] });
    expect(() => planChunks(['z'.repeat(64513)])).toThrow(RangeError);
  });
});

describe('chunked name lists', () => {
  const longNames = Array.from({ length: 2000 }, (_, i) => `layer_with_a_rather_long_name_${String(i).padStart(5, '0')}`);

  it('reads the Keras-made crafted/chunked_attrs.h5 (layer_names0, layer_names1) and a plain vlen list', async () => {
    const bytes = readBytes(`${CRAFTED_DIR}/chunked_attrs.h5`);
    expect(await readH5NameList(bytes, '/', 'layer_names')).toEqual(longNames);
    expect(await readH5NameList(bytes, '/small', 'layer_names')).toHaveLength(3);
    expect(await readH5NameList(bytes, '/', 'nothing_here')).toBeNull();
  });

  it('writes layer_names0..1 exactly like Keras did in chunked_attrs.h5, and reads them back', async () => {
    const layers = longNames.map((name) => ({ name, weights: [] }));
    const c: KerasH5Contents = { ...model(layers), kind: 'weights', rootAttrs: { kerasVersion: null, backend: null, modelConfig: null, trainingConfig: null } };
    c.weights.kerasVersion = '2.2.4';
    c.weights.backend = 'tensorflow';
    const { bytes, back } = await roundTrip(c);
    expect(back.weights.layerNames).toEqual(longNames);
    const ours = (await inspectH5(bytes)).get('/')!.attrs;
    const keras = (await inspectH5(readBytes(`${CRAFTED_DIR}/chunked_attrs.h5`))).get('/')!.attrs;
    for (const a of ['layer_names0', 'layer_names1']) {
      expect(ours[a]!.shape).toEqual(keras[a]!.shape); // [1000]
      expect(ours[a]!.size).toBe(keras[a]!.size); // 35
      expect(ours[a]!.vlen).toBe(false);
      expect(ours[a]!.cset).toBe(keras[a]!.cset);
    }
    expect(ours.layer_names).toBeUndefined();
    // Chunks stay fixed-length in vlen mode too (as in Keras).
    const vlen = (await inspectH5(await writeKerasH5(c, { stringEncoding: 'vlen' }))).get('/')!.attrs;
    expect(vlen.layer_names0!.vlen).toBe(false);
  });

  it('chunks weight_names of a layer with very many weights, and optimizer weight_names', async () => {
    const weights = Array.from({ length: 2600 }, (_, i) => f32(`big_layer/some_long_weight_name_${String(i).padStart(4, '0')}:0`, [2], i));
    const c = model([{ name: 'big_layer', weights }], {
      optimizerWeights: { weightNames: weights.map((w) => `training/Adam/${w.name}`), weights: weights.map((w) => ({ ...w, name: `training/Adam/${w.name}` })) },
    });
    const { bytes, back } = await roundTrip(c);
    expect(back.weights.layers[0]!.weightNames).toEqual(weights.map((w) => w.name));
    expect(back.weights.layers[0]!.weights[2599]!.data).toEqual(weights[2599]!.data);
    expect(back.optimizerWeights!.weightNames).toHaveLength(2600);
    const raw = await inspectH5(bytes);
    expect(Object.keys(raw.get('/model_weights/big_layer')!.attrs).sort()).toEqual(['weight_names0', 'weight_names1']);
    const optPieces = planChunks(c.optimizerWeights!.weightNames).pieces.length; // longer names: 3 pieces
    expect(optPieces).toBe(3);
    expect(Object.keys(raw.get('/optimizer_weights')!.attrs).sort()).toEqual(['weight_names0', 'weight_names1', 'weight_names2']);
  });
});

describe('layout details', () => {
  it('empty name lists are float64 arrays of shape (0,); top_level_model_weights with empty weight_names', async () => {
    const c = model([{ name: 'input_1', weights: [] }, { name: 'dense_1', weights: [f32('dense_1/kernel:0', [3, 2]), f32('dense_1/bias:0', [2])] }]);
    c.weights.topLevelWeights = [];
    const { bytes, back } = await roundTrip(c);
    const raw = await inspectH5(bytes);
    for (const p of ['/model_weights/input_1', '/model_weights/top_level_model_weights']) {
      const md = raw.get(p)!.attrs.weight_names!;
      expect(md.type, p).toBe(H5T_FLOAT);
      expect(md.size, p).toBe(8);
      expect(md.shape, p).toEqual([0]);
    }
    expect(back.weights.layers[0]!.weightNames).toEqual([]);
    expect(back.weights.topLevelWeights).toEqual([]);
    // Without topLevelWeights no such group is written.
    delete c.weights.topLevelWeights;
    expect((await roundTrip(c)).back.weights.topLevelWeights).toBeUndefined();
  });

  it("creates nested groups for '/' in weight and layer names; keeps ':0'", async () => {
    const c = model([
      { name: 'lstm', weights: [f32('lstm/lstm_cell/kernel:0', [2, 8]), f32('lstm/lstm_cell/recurrent_kernel:0', [2, 8]), f32('lstm/lstm_cell/bias:0', [8])] },
      { name: 'outer/inner', weights: [f32('k', [1])] },
    ]);
    const { bytes, back } = await roundTrip(c);
    const raw = await inspectH5(bytes);
    expect(raw.get('/model_weights/lstm/lstm/lstm_cell')!.type).toBe('group');
    expect(raw.get('/model_weights/lstm/lstm/lstm_cell/kernel:0')!.type).toBe('dataset');
    expect(raw.get('/model_weights/outer/inner/k')!.type).toBe('dataset');
    expect(back.weights.layers[0]!.weights.map((w) => w.hdf5Path)).toEqual([
      '/model_weights/lstm/lstm/lstm_cell/kernel:0',
      '/model_weights/lstm/lstm/lstm_cell/recurrent_kernel:0',
      '/model_weights/lstm/lstm/lstm_cell/bias:0',
    ]);
  });

  it('keeps every writable dtype, scalars and zero-size arrays', async () => {
    const ws: H5Weight[] = [
      { name: 'f64', shape: [2], dtype: 'float64', data: new Float64Array([1.5, -2.25]), hdf5Path: '' },
      { name: 'i32', shape: [], dtype: 'int32', data: new Int32Array([7]), hdf5Path: '' },
      { name: 'i64', shape: [], dtype: 'int64', data: new BigInt64Array([123456789012345n]), hdf5Path: '' },
      { name: 'u8', shape: [3], dtype: 'uint8', data: new Uint8Array([0, 128, 255]), hdf5Path: '' },
      { name: 'i16', shape: [1, 2], dtype: 'int16', data: new Int16Array([-5, 5]), hdf5Path: '' },
      { name: 'empty', shape: [0, 3], dtype: 'float32', data: new Float32Array(0), hdf5Path: '' },
      { name: 'nan', shape: [3], dtype: 'float32', data: new Float32Array([Number.NaN, Infinity, -0]), hdf5Path: '' },
    ];
    const { back } = await roundTrip(model([{ name: 'l', weights: ws }]));
    const got = back.weights.layers[0]!.weights;
    ws.forEach((w, i) => {
      expect(got[i]!.dtype).toBe(w.dtype);
      expect(got[i]!.shape).toEqual(w.shape);
      expect(got[i]!.data).toEqual(w.data);
      expect(got[i]!.data.constructor).toBe(w.data.constructor);
    });
  });

  it('non-ASCII names survive as UTF-8 bytes in fixed-length ASCII strings (what Keras does)', async () => {
    const c = model([{ name: 'dénse_ü', weights: [f32('dénse_ü/kernel:0', [1, 1])] }]);
    c.rootAttrs.modelConfig = '{"name": "modèle ✓"}';
    for (const enc of ['fixed-ascii', 'vlen'] as const) {
      const { back } = await roundTrip(c, enc);
      expect(back.weights.layerNames).toEqual(['dénse_ü']);
      expect(back.weights.layers[0]!.weightNames).toEqual(['dénse_ü/kernel:0']);
      expect(back.rootAttrs.modelConfig).toBe('{"name": "modèle ✓"}');
    }
  });

  it(`stores a model_config longer than ${MAX_FIXED_SCALAR_BYTES} bytes as vlen ASCII (one header message holds < 64 KiB)`, async () => {
    const c = model([{ name: 'd', weights: [f32('w', [1])] }]);
    c.rootAttrs.modelConfig = JSON.stringify({ pad: 'x'.repeat(200_000) });
    c.rootAttrs.trainingConfig = JSON.stringify({ pad: 'y'.repeat(MAX_FIXED_SCALAR_BYTES - 12) });
    const { bytes, back } = await roundTrip(c);
    expect(back.rootAttrs.modelConfig).toBe(c.rootAttrs.modelConfig);
    expect(back.rootAttrs.trainingConfig).toBe(c.rootAttrs.trainingConfig);
    const root = (await inspectH5(bytes)).get('/')!.attrs;
    expect(root.model_config!.vlen).toBe(true);
    expect(root.training_config!.vlen).toBe(false);
    expect(root.training_config!.type).toBe(H5T_STRING);
  });

  it('writes a weights-only file at the root, with null keras_version/backend omitted (Keras 1 style)', async () => {
    const c: KerasH5Contents = {
      kind: 'weights',
      rootAttrs: { kerasVersion: null, backend: null, modelConfig: null, trainingConfig: null },
      weights: { layerNames: ['dense_1'], kerasVersion: null, backend: null, layers: [{ name: 'dense_1', weightNames: ['dense_1_W:0'], weights: [f32('dense_1_W:0', [2, 2])] }] },
      optimizerWeights: null,
      extraRootGroups: [],
    };
    const { bytes, back } = await roundTrip(c);
    expect(back.kind).toBe('weights');
    expect(back.weights.kerasVersion).toBeNull();
    expect(Object.keys((await inspectH5(bytes)).get('/')!.attrs)).toEqual(['layer_names']);
  });
});

describe('invalid contents are rejected before anything is written', () => {
  const base = () => model([{ name: 'dense_1', weights: [f32('dense_1/kernel:0', [2, 2])] }]);
  const cases: [string, (c: KerasH5Contents) => void, new (...a: never[]) => Error, RegExp][] = [
    ['layers/layerNames disagree', (c) => (c.weights.layerNames = ['other']), FormatError, /must match weights.layerNames/],
    ['weightNames/weights disagree', (c) => (c.weights.layers[0]!.weightNames = ['x']), FormatError, /must match weight_names/],
    ['data length vs shape', (c) => (c.weights.layers[0]!.weights[0]!.shape = [3, 2]), ShapeMismatchError, /expected shape \[3, 2\], found \[4\]/],
    ['dtype vs array type', (c) => (c.weights.layers[0]!.weights[0]!.dtype = 'float64'), FormatError, /needs a Float64Array but data is Float32Array/],
    ['float16', (c) => Object.assign(c.weights.layers[0]!.weights[0]!, { dtype: 'float16' }), UnsupportedError, /cannot write float16/],
    ['empty weight name', (c) => { c.weights.layers[0]!.weightNames = ['']; c.weights.layers[0]!.weights[0]!.name = ''; }, FormatError, /is empty/],
    ['absolute weight name', (c) => { c.weights.layers[0]!.weightNames = ['/abs']; c.weights.layers[0]!.weights[0]!.name = '/abs'; }, FormatError, /starts with '\/'/],
    ['duplicate weight names', (c) => { const l = c.weights.layers[0]!; l.weights.push({ ...l.weights[0]! }); l.weightNames.push(l.weightNames[0]!); }, FormatError, /same HDF5 path/],
    ['duplicate layer names', (c) => { c.weights.layers.push({ ...c.weights.layers[0]! }); c.weights.layerNames.push('dense_1'); }, FormatError, /unique/],
    ['weights file with model_config', (c) => (c.kind = 'weights'), FormatError, /has no model_config/],
    ['name longer than 64512 bytes', (c) => { const n = 'n'.repeat(70000); c.weights.layerNames = [n]; c.weights.layers[0]!.name = n; }, FormatError, /longer than 64512/],
  ];
  for (const [what, mutate, type, message] of cases) {
    it(what, async () => {
      const c = base();
      mutate(c);
      const err = await writeKerasH5(c).then(() => null, (e: unknown) => e);
      expect(err).toBeInstanceOf(type);
      expect(err).toBeInstanceOf(KerastsError);
      expect((err as Error).message).toMatch(message);
      expect((err as Error).message).toMatch(/writeKerasH5/);
    });
  }
  it('unknown stringEncoding', async () => {
    await expect(writeKerasH5(base(), { stringEncoding: 'utf16' as never })).rejects.toThrow(/unknown stringEncoding/);
  });
  it('the engine still writes fine afterwards', async () => {
    expect((await roundTrip(base())).back.weights.layerNames).toEqual(['dense_1']);
  });
});

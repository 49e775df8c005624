/** Bad input gives typed errors that name the file, the HDF5 path and what was expected. */
import { FormatError, KerastsError, UnsupportedError } from '@kerasts/tensor';
import h5wasm from 'h5wasm';
import { describe, expect, it } from 'vitest';
import { readKerasH5 } from '../src/index.js';
import { REAL_DIR, SAMPLES_DIR, hasShared, itShared, readBytes } from './helpers.js';
import { fixturesDir } from '../../../tools/testing/shared.js';

type H5File = InstanceType<typeof h5wasm.File>;
let made = 0;

/** Build a small HDF5 file with h5wasm directly (structures our writer refuses to produce). */
async function makeH5(build: (f: H5File) => void): Promise<Uint8Array> {
  const M = await h5wasm.ready;
  const name = `/made-${++made}.h5`;
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

async function failure(bytes: Uint8Array, fileName = 'bad.h5'): Promise<Error> {
  const err = await readKerasH5(bytes, { fileName }).then(
    () => null,
    (e: unknown) => e,
  );
  expect(err, 'expected readKerasH5 to fail').toBeInstanceOf(KerastsError);
  expect((err as Error).message).toContain(fileName);
  return err as Error;
}

const good = () => readBytes(`${SAMPLES_DIR}/m.h5`);

describe('not an HDF5 file', () => {
  const cases: [string, Uint8Array, RegExp][] = [
    ['empty', new Uint8Array(0), /not an HDF5 file: the file is empty/],
    ['random bytes', Uint8Array.from({ length: 4096 }, (_, i) => (i * 7919) % 251), /not an HDF5 file: no HDF5 signature/],
    ['a .keras zip', readBytes(`${SAMPLES_DIR}/m.keras`), /not an HDF5 file: it is a ZIP archive/],
    ['JSON', readBytes(`${SAMPLES_DIR}/to_json.json`), /not an HDF5 file: it looks like JSON/],
    ['a .npy file', readBytes(`${SAMPLES_DIR}/x.npy`), /not an HDF5 file/],
    ['signature only', Uint8Array.from([0x89, 0x48, 0x44, 0x46, 0x0d, 0x0a, 0x1a, 0x0a]), /not a readable HDF5 file/],
  ];
  for (const [what, bytes, re] of cases) {
    it(what, async () => {
      const err = await failure(bytes, `${what}.h5`);
      expect(err).toBeInstanceOf(FormatError);
      expect(err.message).toMatch(re);
    });
  }
  it('rejects a non-Uint8Array argument with a typed error', async () => {
    await expect(readKerasH5('model.h5' as unknown as Uint8Array)).rejects.toBeInstanceOf(KerastsError);
  });
});

describe('truncated HDF5', () => {
  // a real 1.2 MB file when the shared corpus is present, else a committed Keras 3.15.1 file
  const bytes = readBytes(hasShared ? `${REAL_DIR}/k214_sentiment_embedding_gru.h5` : `${fixturesDir}/h5/lstm_stacked3_seq_named.h5`);
  for (const keep of [96, 800, 2048, 0.25, 0.5, 0.9, 0.999]) {
    const n = keep < 1 ? Math.floor(bytes.length * keep) : keep;
    it(`first ${n} of ${bytes.length} bytes`, async () => {
      const err = await failure(bytes.slice(0, n), 'k214-cut.h5');
      expect(err).toBeInstanceOf(FormatError);
      expect(err.message).toMatch(/corrupt or truncated|truncated/);
    });
  }
  it('a good file still reads afterwards', async () => {
    expect((await readKerasH5(good())).weights.layerNames).toEqual(['lstm', 'dense']);
  });
});

describe('HDF5 that is not (quite) a Keras file', () => {
  it('no model_config and no layer_names', async () => {
    const made = await makeH5((f) => {
      f.create_group('activations');
      f.create_group('inputs');
    });
    const err = await failure(made, 'io.h5');
    expect(err).toBeInstanceOf(FormatError);
    expect(err.message).toMatch(/io\.h5, HDF5 path \/: not a Keras file: expected a model_config attribute .* or a layer_names attribute/);
    expect(err.message).toContain("root members: 'activations', 'inputs'");
  });
  itShared('no model_config and no layer_names (a real inputs/outputs file)', async () => {
    const err = await failure(readBytes(`${REAL_DIR}/k1_lstm_tf_full.orig_io.h5`), 'io.h5');
    expect(err).toBeInstanceOf(FormatError);
    expect(err.message).toMatch(/io\.h5, HDF5 path \/: not a Keras file: expected a model_config attribute .* or a layer_names attribute/);
    expect(err.message).toContain("root members: 'activations', 'inputs'");
  });

  it('an empty HDF5 file', async () => {
    const err = await failure(await makeH5(() => {}));
    expect(err.message).toMatch(/not a Keras file/);
  });

  it('a layer listed in layer_names whose group is missing', async () => {
    const bytes = await makeH5((f) => {
      f.create_attribute('layer_names', ['dense_1', 'ghost'], null, 'A7');
      f.create_attribute('keras_version', '2.0.8', [], 'A5');
      f.create_group('dense_1');
      f.get('dense_1')!;
      (f.get('dense_1') as InstanceType<typeof h5wasm.Group>).create_attribute('weight_names', new Float64Array(0), [0], '<d');
    });
    const err = await failure(bytes, 'ghost.h5');
    expect(err).toBeInstanceOf(FormatError);
    expect(err.message).toBe(
      "ghost.h5, HDF5 path /ghost: layer 'ghost' is listed in layer_names but its group is missing (expected a group at /ghost with a weight_names attribute)",
    );
  });

  it('a weight listed in weight_names whose dataset is missing', async () => {
    const bytes = await makeH5((f) => {
      f.create_attribute('model_config', '{}', [], 'A2');
      const mw = f.create_group('model_weights');
      mw.create_attribute('layer_names', ['dense_1'], null, 'A7');
      const d = mw.create_group('dense_1');
      d.create_attribute('weight_names', ['dense_1/kernel:0', 'dense_1/bias:0'], null, 'A16');
      d.create_group('dense_1');
      (d.get('dense_1') as InstanceType<typeof h5wasm.Group>).create_dataset({ name: 'kernel:0', data: new Float32Array(4), shape: [2, 2] });
    });
    const err = await failure(bytes, 'nobias.h5');
    expect(err).toBeInstanceOf(FormatError);
    expect(err.message).toBe(
      "nobias.h5, HDF5 path /model_weights/dense_1/dense_1/bias:0: weight 'dense_1/bias:0' is listed in weight_names of /model_weights/dense_1 " +
        'but its dataset is not there (expected a dataset at /model_weights/dense_1/dense_1/bias:0; it is missing)',
    );
  });

  it('a layer group without weight_names', async () => {
    const bytes = await makeH5((f) => {
      f.create_attribute('layer_names', ['a'], null, 'A1');
      f.create_group('a');
    });
    const err = await failure(bytes);
    expect(err.message).toMatch(/HDF5 path \/a attribute weight_names: expected a weight_names attribute .* on the group of layer 'a'/);
  });

  it('model_config without a model_weights group', async () => {
    const bytes = await makeH5((f) => f.create_attribute('model_config', '{}', [], 'A2'));
    const err = await failure(bytes);
    expect(err.message).toMatch(/HDF5 path \/model_weights: the root has a model_config attribute, so a \/model_weights group was expected/);
  });

  it('numbers where names are expected, a number where a string is expected', async () => {
    const a = await makeH5((f) => f.create_attribute('layer_names', new Int32Array([1, 2])));
    expect((await failure(a)).message).toMatch(/attribute layer_names: expected a list of names \(strings\), found 2 integer value/);
    const b = await makeH5((f) => {
      f.create_attribute('layer_names', new Float64Array(0), [0], '<d');
      f.create_attribute('keras_version', new Float64Array([2.2]));
    });
    expect((await failure(b)).message).toMatch(/attribute keras_version: expected a string, found float data/);
  });

  it('a weight that is a string dataset', async () => {
    const bytes = await makeH5((f) => {
      f.create_attribute('layer_names', ['l'], null, 'A1');
      const g = f.create_group('l');
      g.create_attribute('weight_names', ['w'], null, 'A1');
      g.create_dataset({ name: 'w', data: ['text'] });
    });
    const err = await failure(bytes);
    expect(err).toBeInstanceOf(UnsupportedError);
    expect(err.message).toMatch(/HDF5 path \/l\/w: expected a numeric weight array, found string data/);
  });

  it('a Keras 0.x file (nb_layers)', async () => {
    const bytes = await makeH5((f) => f.create_attribute('nb_layers', 1));
    expect(await failure(bytes)).toBeInstanceOf(UnsupportedError);
  });

  it('Keras 3 native layout under any file name', async () => {
    const err = await failure(readBytes(`${SAMPLES_DIR}/w.weights.h5`), 'renamed.h5');
    expect(err).toBeInstanceOf(UnsupportedError);
    expect(err.message).toMatch(/^renamed\.h5, HDF5 path \/: Keras 3 \.weights\.h5 layout: not a legacy \.h5/);
  });
});

describe('string attribute encodings', () => {
  it('vlen UTF-8, fixed SPACEPAD UTF-8, fixed NULLTERM ASCII, 1-element arrays, empty float64 lists', async () => {
    const bytes = await makeH5((f) => {
      f.create_attribute('layer_names', ['émb', 'dense'], null, 'S'); // vlen UTF-8
      f.create_attribute('keras_version', ['2.1.6'], null, 'A5'); // 1-D, one element
      f.create_attribute('backend', 'theano', [], 'S12'); // fixed UTF-8, space padded
      const e = f.create_group('émb');
      e.create_attribute('weight_names', ['émb/embeddings:0'], null, 'A20'); // fixed, NUL padded
      e.create_group('émb');
      (e.get('émb') as InstanceType<typeof h5wasm.Group>).create_dataset({ name: 'embeddings:0', data: new Float32Array([1, 2]), shape: [1, 2] });
      f.create_group('dense').create_attribute('weight_names', new Float64Array(0), [0], '<d');
    });
    const c = await readKerasH5(bytes);
    expect(c.kind).toBe('weights');
    expect(c.weights.layerNames).toEqual(['émb', 'dense']);
    expect(c.weights.kerasVersion).toBe('2.1.6');
    expect(c.rootAttrs.kerasVersion).toBe('2.1.6');
    expect(c.weights.backend).toBe('theano');
    expect(c.weights.layers[0]!.weightNames).toEqual(['émb/embeddings:0']);
    expect(c.weights.layers[0]!.weights[0]!.hdf5Path).toBe('/émb/émb/embeddings:0');
    expect(c.weights.layers[1]!.weightNames).toEqual([]);
  });
});

// Bad input at the model level: each a typed error naming the file, the HDF5 path or the layer.
import { readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { writeFileSync } from 'node:fs';
import { afterAll, describe, expect, it } from 'vitest';
import { Dense, LSTM } from '@kerasts/layers';
import { Sequential } from '@kerasts/model';
import { FormatError, KerastsError, ShapeMismatchError, UnsupportedError } from '@kerasts/tensor';
import { loadModel, loadWeights, saveModel, saveWeights, writeKerasH5 } from '../src/index.js';
import { itShared, realFilesDir } from '../../../tools/testing/shared.js';
import { removeTempDirs, tempDir } from '../../../tools/testing/tmp.js';

afterAll(removeTempDirs);

const repo = join(dirname(fileURLToPath(import.meta.url)), '..', '..', '..');
const real = realFilesDir ?? '';
const h5 = join(repo, 'tools', 'oracle', 'fixtures', 'h5');

describe('loading bad input', () => {
  it('a weights-only file given to loadModel says what to do instead', async () => {
    await expect(loadModel(join(h5, 'seed_keras3.legacy_weights.h5'))).rejects.toThrow(FormatError);
    await expect(loadModel(join(h5, 'seed_keras3.legacy_weights.h5'))).rejects.toThrow(/weights-only.*loadWeights/);
  });
  /** A Keras 2.2.4-style model file whose one layer is `layer` (built with our writer). */
  const oneLayerFile = (layer: Record<string, unknown>) =>
    writeKerasH5({
      kind: 'model',
      rootAttrs: {
        kerasVersion: '2.2.4',
        backend: 'tensorflow',
        modelConfig: JSON.stringify({ class_name: 'Sequential', config: { name: 's', layers: [layer] } }),
        trainingConfig: null,
      },
      weights: { layerNames: [String((layer['config'] as { name: string }).name)], kerasVersion: '2.2.4', backend: 'tensorflow', layers: [{ name: String((layer['config'] as { name: string }).name), weightNames: [], weights: [] }] },
      optimizerWeights: null,
      extraRootGroups: [],
    });
  it('a Lambda layer is refused by name and never executed (a made file)', async () => {
    // what Keras 2 writes for `Lambda(lambda x: x)`: marshalled Python bytecode, base64
    const lambda = { class_name: 'Lambda', config: { name: 'lambda_1', trainable: true, batch_input_shape: [null, 3], dtype: 'float32', function: ['4wEAAAAAAAAAAQAAAAEAAABTAAAAcwQAAAB8AFMAKQFOqQApAdoBeHIBAAAAcgEAAAD6HjxpcHl0aG9uLWlucHV0LTEtYjg4NjRhMzBlZGU0PtoIPGxhbWJkYT4BAAAA8wAAAAA=', null, null], function_type: 'lambda', output_shape: null, output_shape_type: 'raw', arguments: {} } };
    const bytes = await oneLayerFile(lambda);
    await expect(loadModel(bytes, { fileName: 'lambda.h5' })).rejects.toThrow(UnsupportedError);
    await expect(loadModel(bytes, { fileName: 'lambda.h5' })).rejects.toThrow(/lambda\.h5.*"Lambda"/);
  });
  it('an unregistered custom layer is named, with the fix (a made file)', async () => {
    const bytes = await oneLayerFile({ class_name: 'AttentionLayer', config: { name: 'att', batch_input_shape: [null, 3] } });
    await expect(loadModel(bytes, { fileName: 'custom.h5' })).rejects.toThrow(/custom\.h5.*"AttentionLayer".*registerLayer/);
  });
  itShared('a Lambda layer is refused by name and never executed', async () => {
    await expect(loadModel(join(real, 'k206_carnd_lambda_conv2d_full.h5'))).rejects.toThrow(UnsupportedError);
    await expect(loadModel(join(real, 'k206_carnd_lambda_conv2d_full.h5'))).rejects.toThrow(/k206_carnd_lambda_conv2d_full\.h5.*"Lambda"/);
  });
  itShared('an unregistered custom layer is named, with the fix', async () => {
    await expect(loadModel(join(real, 'k321_lstm_custom_attention.h5'))).rejects.toThrow(/"AttentionLayer".*registerLayer/);
  });
  it('truncated and garbage files are FormatErrors naming the file, and loading still works afterwards', async () => {
    const bytes = new Uint8Array(readFileSync(join(h5, 'seed_keras3.h5')));
    await expect(loadModel(bytes.slice(0, 2000), { fileName: 'cut.h5' })).rejects.toThrow(/cut\.h5/);
    await expect(loadModel(new TextEncoder().encode('{"not": "hdf5"}'), { fileName: 'x.h5' })).rejects.toThrow(/not an HDF5 file/);
    const ok = await loadModel(bytes);
    expect(ok.countParams()).toBe(213);
  });
  it('weights that do not fit name the layer and both shapes', async () => {
    const m = new Sequential({ layers: [new LSTM({ units: 5, inputShape: [1, 8] }), new Dense({ units: 1 })] });
    await expect(loadWeights(m, join(h5, 'seed_keras3.legacy_weights.h5'))).rejects.toThrow(ShapeMismatchError);
    await expect(loadWeights(m, join(h5, 'seed_keras3.legacy_weights.h5'))).rejects.toThrow(/layer "lstm.*expected shape \[8, 20\], found \[8, 16\]/);
    const three = new Sequential({ layers: [new Dense({ units: 2, inputShape: [3] }), new Dense({ units: 2 }), new Dense({ units: 1 })] });
    await expect(loadWeights(three, join(h5, 'seed_keras3.legacy_weights.h5'))).rejects.toThrow(/layer count mismatch.*2 layer\(s\).*lstm, dense.*3/);
    await expect(loadWeights(three, join(h5, 'seed_keras3.legacy_weights.h5'))).rejects.toThrow(ShapeMismatchError);
  });
  it('a missing path is a clear error', async () => {
    await expect(loadModel('/nonexistent/model.h5')).rejects.toThrow(KerastsError);
  });
});

describe('saving never loses data', () => {
  it('refuses to overwrite without overwrite: true, and keeps the old file intact', async () => {
    const d = tempDir('kerasts-save-');
    const p = join(d, 'm.h5');
    writeFileSync(p, 'precious');
    const m = new Sequential({ layers: [new Dense({ units: 1, inputShape: [2] })] });
    await expect(saveModel(m, p)).rejects.toThrow(/exists/);
    expect(readFileSync(p, 'utf8')).toBe('precious');
    await saveModel(m, p, { overwrite: true });
    expect((await loadModel(p)).countParams()).toBe(3);
    await saveWeights(m, join(d, 'w.h5'));
    const again = new Sequential({ layers: [new Dense({ units: 1, inputShape: [2] })] });
    const report = await loadWeights(again, join(d, 'w.h5'));
    expect(report.loaded.length).toBe(2);
    expect(Array.from(again.getWeights()[0]!.data)).toEqual(Array.from(m.getWeights()[0]!.data));
  });
});

/**
 * One way in: formats detected by content on files Keras wrote (committed fixtures), misnamed files
 * still load, files of the wrong kind say what they are, and saving follows the output name.
 */
import { readFileSync, writeFileSync, copyFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, describe, expect, it } from 'vitest';
import { zipSync } from 'fflate';
import {
  Adam,
  Dense,
  detectFormat,
  FormatError,
  formatForPath,
  KerastsError,
  loadModel,
  loadModelWithInfo,
  loadWeights,
  LSTM,
  modelFromJSON,
  rescaleHardSigmoidForKeras3,
  saveModel,
  saveWeights,
  Sequential,
  tensor,
  toJSON,
  toYAML,
  type Model,
} from '../src/index.js';
import { removeTempDirs, tempDir } from '../../../tools/testing/tmp.js';

afterAll(removeTempDirs);

const ROOT = join(dirname(fileURLToPath(import.meta.url)), '..', '..', '..');
const FX = join(ROOT, 'tools', 'oracle', 'fixtures');
const bytes = (p: string) => new Uint8Array(readFileSync(p));
const tmp = tempDir('kerasts-formats-');

const x35 = tensor(Float32Array.from({ length: 2 * 3 * 5 }, (_, i) => Math.sin(i)), [2, 3, 5]);

function sameNumbers(a: Model, b: Model, x = x35): number {
  const ya = a.predict(x).data;
  const yb = b.predict(x).data;
  let m = 0;
  for (let i = 0; i < ya.length; i++) m = Math.max(m, Math.abs(ya[i]! - yb[i]!));
  return m;
}

describe('detectFormat: by content, never by name', () => {
  const model = new Sequential({ layers: [new LSTM({ units: 2, inputShape: [3, 5] }), new Dense({ units: 1 })] });
  const cases: [string, () => Uint8Array, string][] = [
    ['.keras archive', () => bytes(join(FX, 'keras', 'seq_lstm_adam.keras')), 'keras'],
    ['Keras 3 .weights.h5', () => bytes(join(FX, 'keras', 'seq_lstm_adam.weights.h5')), 'weights-h5'],
    ['legacy .h5 model', () => bytes(join(FX, 'h5', 'seed_keras3.h5')), 'h5-model'],
    ['legacy weights .h5', () => bytes(join(FX, 'h5', 'seed_keras3.legacy_weights.h5')), 'h5-weights'],
    ['Keras 2.0.8 .h5', () => bytes(join(ROOT, 'apps', 'examples', 'models', 'keras-2.0.8-seed-model.h5')), 'h5-model'],
    ['architecture JSON', () => new TextEncoder().encode(toJSON(model)), 'json'],
    ['architecture YAML', () => new TextEncoder().encode(toYAML(model)), 'yaml'],
    ['another ZIP', () => bytes(join(FX, 'keras', 'zip', 'deflated.zip')), 'zip'],
    ['a ZIP of .npy (npz)', () => zipSync({ 'x.npy': Uint8Array.from([0x93, 0x4e, 0x55, 0x4d, 0x50, 0x59, 1, 0]) }), 'npz'],
    ['NumPy .npy', () => Uint8Array.from([0x93, 0x4e, 0x55, 0x4d, 0x50, 0x59, 1, 0]), 'npy'],
    ['plain text', () => new TextEncoder().encode('hello: [unbalanced'), 'unknown'],
    ['empty', () => new Uint8Array(0), 'empty'],
  ];
  for (const [what, make, format] of cases) {
    it(`${what} -> ${format}`, async () => {
      expect((await detectFormat(make())).format).toBe(format);
    });
  }
});

describe('loadModel / loadWeights dispatch by content', () => {
  it('a .keras archive renamed .h5 still loads as what it is', async () => {
    const p = join(tmp, 'really-a-keras.h5');
    copyFileSync(join(FX, 'keras', 'seq_lstm_adam.keras'), p);
    const { model, format, optimizerRestored } = await loadModelWithInfo(p);
    expect(format).toBe('keras');
    expect(optimizerRestored).toBe(true);
    const again = await loadModel(join(FX, 'keras', 'seq_lstm_adam.keras'));
    expect(sameNumbers(model, again)).toBe(0);
  });
  it('legacy .h5, JSON and YAML load through the same call', async () => {
    const h5 = await loadModelWithInfo(join(FX, 'h5', 'seed_keras3.h5'));
    expect(h5.format).toBe('h5-model');
    const p = join(tmp, 'arch.txt');
    writeFileSync(p, toYAML(h5.model));
    const fromYaml = await loadModelWithInfo(p);
    expect(fromYaml.format).toBe('yaml');
    expect(fromYaml.model.layers.map((l) => l.className)).toEqual(h5.model.layers.map((l) => l.className));
  });
  it('a weights file given to loadModel says what it is and what to do', async () => {
    await expect(loadModel(join(FX, 'keras', 'seq_lstm_adam.weights.h5'))).rejects.toThrow(/seq_lstm_adam.weights.h5: this is a Keras 3 .weights.h5 \(native weights layout, no architecture\), not a model: .*loadWeights/);
    await expect(loadModel(join(FX, 'h5', 'seed_keras3.legacy_weights.h5'))).rejects.toThrow(FormatError);
    await expect(loadModel(join(FX, 'keras', 'zip', 'deflated.zip'))).rejects.toThrow(/this is a ZIP archive that is not a .keras file, not a Keras model/);
  });
  it('loadWeights takes .weights.h5, .keras and legacy .h5 alike; an architecture says it has no weights', async () => {
    const ref = await loadModel(join(FX, 'keras', 'seq_lstm_adam.keras'));
    for (const f of [join(FX, 'keras', 'seq_lstm_adam.weights.h5'), join(FX, 'keras', 'seq_lstm_adam.keras')]) {
      const m = modelFromJSON(toJSON(ref));
      const r = await loadWeights(m, f);
      expect(r.loaded.length).toBe(5);
      expect(sameNumbers(m, ref)).toBe(0);
    }
    const legacy = await loadModel(join(FX, 'h5', 'seed_keras3.h5'));
    const m = modelFromJSON(toJSON(legacy));
    expect((await loadWeights(m, join(FX, 'h5', 'seed_keras3.legacy_weights.h5'))).mode).toBe('topological');
    const arch = join(tmp, 'a.json');
    writeFileSync(arch, toJSON(m));
    await expect(loadWeights(m, arch)).rejects.toThrow(/this is a Keras architecture JSON, not a weights file/);
  });
});

describe('saveModel / saveWeights: the format the name asks for', () => {
  it('names map to formats', () => {
    expect(['m.keras', 'w.weights.h5', 'm.h5', 'm.hdf5', 'a.json', 'a.yml', 'm.onnx', 'x.bin'].map(formatForPath)).toEqual(['keras', 'weights-h5', 'h5', 'h5', 'json', 'yaml', 'onnx', null]);
  });
  it('.onnx is written (an ONNX model the ONNX Runtime runs as kerasts predicts), never read', async () => {
    const m = new Sequential({ layers: [new LSTM({ units: 3, inputShape: [3, 5] }), new Dense({ units: 2 })] });
    const p = join(tmp, 'm.onnx');
    const written = await saveModel(m, p, { overwrite: true });
    expect(bytes(p)).toEqual(written);
    const ort = (await import('onnxruntime-node')).default;
    const session = await ort.InferenceSession.create(written);
    const out = await session.run({ [session.inputNames[0]!]: new ort.Tensor('float32', Float32Array.from(x35.data), [...x35.shape]) });
    const y = m.predict(x35);
    const got = out[session.outputNames[0]!]!.data as Float32Array;
    expect(Math.max(...Array.from(got, (v, i) => Math.abs(v - y.data[i]!)))).toBeLessThanOrEqual(1e-5);
    await expect(loadModel(p)).rejects.toThrow(/writes ONNX models but does not read them/);
  });
  it('every format written reads back as itself and predicts the same', async () => {
    const m = new Sequential({ layers: [new LSTM({ units: 3, inputShape: [3, 5] }), new Dense({ units: 2 })] });
    m.compile({ optimizer: new Adam({ learningRate: 0.01 }), loss: 'mse' });
    await m.fit(x35, tensor([[0.1, 0.2], [0.3, 0.4]]), { epochs: 1, batchSize: 2, verbose: 0 });
    for (const [name, format] of [['m.keras', 'keras'], ['m.h5', 'h5-model'], ['m.json', 'json'], ['m.yaml', 'yaml']] as const) {
      const p = join(tmp, name);
      await saveModel(m, p, { overwrite: true });
      const { model, format: f, optimizerRestored } = await loadModelWithInfo(p);
      expect(f).toBe(format);
      if (format === 'keras' || format === 'h5-model') {
        expect(sameNumbers(m, model)).toBe(0);
        expect(optimizerRestored).toBe(true);
      }
    }
    for (const [name, format] of [['w.weights.h5', 'weights-h5'], ['w.h5', 'h5-weights']] as const) {
      const p = join(tmp, name);
      await saveWeights(m, p, { overwrite: true });
      expect((await detectFormat(bytes(p))).format).toBe(format);
      const fresh = modelFromJSON(toJSON(m));
      await loadWeights(fresh, p);
      expect(sameNumbers(m, fresh)).toBe(0);
    }
    await expect(saveModel(m, join(tmp, 'x.weights.h5'))).rejects.toThrow(/use saveWeights/);
    await expect(saveModel(m, join(tmp, 'x.bin'))).rejects.toThrow(KerastsError);
  });
  it('a Keras 2.0.8 model with hard_sigmoid: .keras refused as is, written after rescaling', async () => {
    const old = await loadModel(join(ROOT, 'apps', 'examples', 'models', 'keras-2.0.8-seed-model.h5'));
    const x = tensor(Float32Array.from({ length: 3 * 8 }, (_, i) => Math.cos(i)), [3, 1, 8]);
    await expect(saveModel(old, null, { format: 'keras' })).rejects.toThrow(/hard_sigmoid/);
    const before = old.predict(x);
    rescaleHardSigmoidForKeras3(old);
    const b = await saveModel(old, null, { format: 'keras' });
    const again = await loadModel(b);
    const after = again.predict(x);
    let d = 0;
    for (let i = 0; i < after.size; i++) d = Math.max(d, Math.abs(after.data[i]! - before.data[i]!));
    expect(d).toBeLessThanOrEqual(1e-6);
  });
});

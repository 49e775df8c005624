/**
 * Sources (paths, memory, Maps of files), weight decoding (tfjs' quantizations, with tfjs' own
 * loader as the reference), safety (paths bounded, sizes checked), refusals, training configs, and
 * kerasts-made Keras 3 models loading in tfjs.
 */
import { existsSync, mkdtempSync, readFileSync, writeFileSync, mkdirSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { FormatError, ShapeMismatchError, Tensor, UnsupportedError } from '@kerasts/tensor';
import { BatchNormalization, Conv2D, Dense, Flatten, GroupNormalization, GRU, LSTM, MaxPooling2D } from '@kerasts/layers';
import { Adam, Sequential, type Model } from '@kerasts/model';
import { float16ToFloat32, loadTfjsModel, loadTfjsModelWithInfo, modelToTfjsFiles, saveTfjsModel, type TfjsModelJson } from '../src/index.js';
import { fromTf, loadWithTfjs, maxAbsDiff, saveWithTfjs, seeded, seedWeights, tf } from './tfjs.js';

const dec = new TextDecoder();
const enc = new TextEncoder();
const tmp = mkdtempSync(join(tmpdir(), 'kerasts-tfjs-'));

function mlp(): tf.LayersModel {
  const m = tf.sequential();
  m.add(tf.layers.dense({ units: 8, activation: 'relu', inputShape: [5] }));
  m.add(tf.layers.dense({ units: 3 }));
  seedWeights(m, 7);
  return m;
}
const x5 = new Tensor(seeded(4 * 5, 99, 1), [4, 5]);
const tfOut = (m: tf.LayersModel, x: Tensor): Float32Array => fromTf(m.predict(tf.tensor(x.data, [...x.shape])) as tf.Tensor).data;
const modelJsonOf = (files: Map<string, Uint8Array>): TfjsModelJson => JSON.parse(dec.decode(files.get('model.json')!)) as TfjsModelJson;
function withJson(files: Map<string, Uint8Array>, edit: (j: TfjsModelJson) => void): Map<string, Uint8Array> {
  const j = modelJsonOf(files);
  edit(j);
  return new Map([...files, ['model.json', enc.encode(JSON.stringify(j))]]);
}

function setSeeded(model: Model, seed: number): void {
  let k = 0;
  for (const l of model.layers) {
    for (const w of l.weights) {
      const v = seeded(w.value.size, seed * 100 + k++);
      if (w.name.includes('moving_variance')) for (let i = 0; i < v.length; i++) v[i] = Math.abs(v[i]!) + 0.5;
      w.value = new Tensor(v, [...w.shape]);
    }
  }
}

describe('sources', async () => {
  const m = mlp();
  const want = tfOut(m, x5);
  const files = await saveWithTfjs(m);

  it('a model.json path on disk, shards next to it (tfjs names them ./model.weights.bin)', async () => {
    const dir = join(tmp, 'from-tfjs');
    mkdirSync(dir);
    for (const [n, b] of files) writeFileSync(join(dir, n), b);
    expect(modelJsonOf(files).weightsManifest[0]!.paths).toEqual(['./model.weights.bin']);
    const k = await loadTfjsModel(join(dir, 'model.json'));
    expect(maxAbsDiff(k.predict(x5).data, want)).toBeLessThanOrEqual(1e-5);
  });

  it('in memory: shards by name, as a record, or as a list in manifest order', async () => {
    const json = modelJsonOf(files);
    const bin = files.get('model.weights.bin')!;
    for (const shards of [new Map([['model.weights.bin', bin]]), { 'model.weights.bin': bin }, [bin.buffer.slice(bin.byteOffset, bin.byteOffset + bin.byteLength)]]) {
      const k = await loadTfjsModel({ modelJson: json, shards });
      expect(maxAbsDiff(k.predict(x5).data, want)).toBeLessThanOrEqual(1e-5);
    }
    const fromText = await loadTfjsModel({ modelJson: dec.decode(files.get('model.json')!), shards: [new Blob([bin])] });
    expect(maxAbsDiff(fromText.predict(x5).data, want)).toBeLessThanOrEqual(1e-5);
  });

  it('a Map of files as a browser file input gives them (base names, File objects)', async () => {
    const picked = new Map([...files].map(([n, b]) => [n, new File([b], n)] as const));
    const k = await loadTfjsModel(picked);
    expect(maxAbsDiff(k.predict(x5).data, want)).toBeLessThanOrEqual(1e-5);
  });

  it('saveTfjsModel writes model.json + group1-shard1of1.bin to a folder; tfjs and kerasts load them', async () => {
    const k = await loadTfjsModel(files);
    const dir = join(tmp, 'saved', 'mlp');
    const out = await saveTfjsModel(k, dir);
    expect([...out.files.keys()]).toEqual(['model.json', 'group1-shard1of1.bin']);
    expect(existsSync(join(dir, 'group1-shard1of1.bin'))).toBe(true);
    const onDisk = new Map(['model.json', 'group1-shard1of1.bin'].map((n) => [n, new Uint8Array(readFileSync(join(dir, n)))]));
    expect(maxAbsDiff(tfOut(await loadWithTfjs(onDisk), x5), want)).toBeLessThanOrEqual(1e-5);
    expect(maxAbsDiff((await loadTfjsModel(join(dir, 'model.json'))).predict(x5).data, want)).toBeLessThanOrEqual(1e-5);
    // an existing model is not replaced silently
    await expect(saveTfjsModel(k, dir)).rejects.toThrow(/exist/i);
    await saveTfjsModel(k, join(dir, 'model.json'), { overwrite: true });
  });

  it('shards of shardBytes (4 MiB by default, as tensorflowjs_converter)', () => {
    const k = new Sequential([new Dense(1100, { inputShape: [1000] })]);
    const one = modelToTfjsFiles(k);
    const bytes = (1000 * 1100 + 1100) * 4;
    expect(one.modelJson.weightsManifest[0]!.paths).toEqual(['group1-shard1of2.bin', 'group1-shard2of2.bin']);
    expect(one.files.get('group1-shard1of2.bin')!.length).toBe(4 * 1024 * 1024);
    expect(one.files.get('group1-shard2of2.bin')!.length).toBe(bytes - 4 * 1024 * 1024);
  });
});

describe('weights as tfjs decodes them (tfjs loader as the reference)', async () => {
  const m = mlp();
  const files = await saveWithTfjs(m);
  const json = modelJsonOf(files);
  const bin = files.get('model.weights.bin')!;
  const floats = new Float32Array(bin.buffer.slice(bin.byteOffset, bin.byteOffset + bin.byteLength));

  function f16(v: number): number {
    // float32 -> IEEE half, round to nearest even (normal range suffices for these weights)
    const f = new Float32Array([v]);
    const u = new Uint32Array(f.buffer)[0]!;
    const sign = (u >>> 16) & 0x8000;
    const exp = ((u >>> 23) & 0xff) - 127 + 15;
    let mant = u & 0x7fffff;
    if (exp <= 0) return sign;
    const round = mant & 0x1fff;
    mant >>= 13;
    let h = sign | (exp << 10) | mant;
    if (round > 0x1000 || (round === 0x1000 && (mant & 1))) h++;
    return h;
  }

  for (const q of ['uint8', 'uint16', 'float16'] as const) {
    it(`${q} quantization loads as tfjs dequantizes it`, async () => {
      const chunks: Uint8Array[] = [];
      let off = 0;
      const weights = json.weightsManifest[0]!.weights.map((w) => {
        const n = w.shape.reduce((a, b) => a * b, 1);
        const v = floats.subarray(off, off + n);
        off += n;
        if (q === 'float16') {
          const out = new Uint8Array(2 * n);
          const dv = new DataView(out.buffer);
          v.forEach((x, i) => dv.setUint16(2 * i, f16(x), true));
          chunks.push(out);
          return { ...w, quantization: { dtype: q, original_dtype: 'float32' as const } };
        }
        const min = Math.min(...v);
        const max = Math.max(...v);
        const levels = q === 'uint8' ? 255 : 65535;
        const scale = (max - min) / levels || 1;
        const out = new Uint8Array((q === 'uint8' ? 1 : 2) * n);
        const dv = new DataView(out.buffer);
        v.forEach((x, i) => (q === 'uint8' ? dv.setUint8(i, Math.round((x - min) / scale)) : dv.setUint16(2 * i, Math.round((x - min) / scale), true)));
        chunks.push(out);
        return { ...w, quantization: { dtype: q, scale, min, original_dtype: 'float32' as const } };
      });
      const qbin = new Uint8Array(chunks.reduce((a, c) => a + c.length, 0));
      chunks.reduce((o, c) => (qbin.set(c, o), o + c.length), 0);
      const qjson = { ...json, weightsManifest: [{ paths: ['q.bin'], weights }] };
      const qfiles = new Map([['model.json', enc.encode(JSON.stringify(qjson))], ['q.bin', qbin]]);
      const ref = tfOut(await loadWithTfjs(qfiles), x5);
      const got = (await loadTfjsModel(qfiles)).predict(x5).data;
      expect(maxAbsDiff(got, ref)).toBeLessThanOrEqual(1e-6);
      // quantization changed the numbers (the test would see a reader ignoring it)
      expect(maxAbsDiff(got, tfOut(m, x5))).toBeGreaterThan(0);
    });
  }

  it('float16 special values', () => {
    expect(float16ToFloat32(0x3c00)).toBe(1);
    expect(float16ToFloat32(0xc000)).toBe(-2);
    expect(float16ToFloat32(0x0001)).toBe(2 ** -24);
    expect(float16ToFloat32(0x7bff)).toBe(65504);
    expect(float16ToFloat32(0x7c00)).toBe(Infinity);
    expect(Number.isNaN(float16ToFloat32(0x7e00))).toBe(true);
  });

  it('shards split anywhere (through weights, unaligned) are concatenated', async () => {
    // tfjs (CompositeArrayBuffer) needs equal shards but a last one no larger: as tensorflowjs_converter and kerasts cut them
    const size = 37;
    const names = Array.from({ length: Math.ceil(bin.length / size) }, (_, i) => `part${i}.bin`);
    const split = withJson(files, (j) => (j.weightsManifest[0]!.paths = names));
    split.delete('model.weights.bin');
    names.forEach((n, i) => split.set(n, bin.slice(i * size, (i + 1) * size)));
    expect(names.length).toBeGreaterThan(2);
    const ours = (await loadTfjsModel(split)).predict(x5).data;
    expect(maxAbsDiff(ours, tfOut(await loadWithTfjs(split), x5))).toBeLessThanOrEqual(1e-6);
    expect(maxAbsDiff(ours, tfOut(m, x5))).toBeLessThanOrEqual(1e-6);
  });
});

describe('bad files: typed errors naming the file, shard and weight', async () => {
  const files = await saveWithTfjs(mlp());
  const bin = files.get('model.weights.bin')!;

  it('a truncated shard names the shard and the weight that does not fit', async () => {
    const cut = new Map([...files, ['model.weights.bin', bin.subarray(0, bin.length - 6)]]);
    const e = await loadTfjsModel(cut).catch((x: unknown) => x);
    expect(e).toBeInstanceOf(FormatError);
    expect(String(e)).toMatch(/shard "model\.weights\.bin" is truncated: weight "dense_Dense\d+\/bias"/);
    expect(String(e)).toMatch(/^FormatError: model\.json: /);
  });

  it('shard paths never leave the model folder', async () => {
    for (const p of ['../secret.bin', 'a/../../b.bin', '/etc/passwd', 'http://example.com/x.bin', 'C:\\w.bin', 'file:///etc/passwd']) {
      const bad = withJson(files, (j) => (j.weightsManifest[0]!.paths = [p]));
      await expect(loadTfjsModel(bad)).rejects.toThrow(FormatError);
    }
    const dir = join(tmp, 'escape', 'inner');
    mkdirSync(dir, { recursive: true });
    writeFileSync(join(tmp, 'escape', 'model.weights.bin'), bin);
    const j = modelJsonOf(files);
    j.weightsManifest[0]!.paths = ['../model.weights.bin'];
    writeFileSync(join(dir, 'model.json'), JSON.stringify(j));
    await expect(loadTfjsModel(join(dir, 'model.json'))).rejects.toThrow(/weightsManifest\[0\]\.paths\[0\].*leaves the model's folder/);
  });

  it('a missing shard, a wrong shape, a weight no layer owns', async () => {
    await expect(loadTfjsModel(new Map([['model.json', files.get('model.json')!]]))).rejects.toThrow(/shard "model\.weights\.bin" named by the weights manifest is not among the files/);
    const shape = withJson(files, (j) => {
      const w = j.weightsManifest[0]!.weights[0]!;
      w.shape = [...w.shape].reverse();
    });
    await expect(loadTfjsModel(shape)).rejects.toThrow(ShapeMismatchError);
    const extra = withJson(files, (j) => j.weightsManifest[0]!.weights.push({ name: 'stray/kernel', shape: [1], dtype: 'float32' }));
    extra.set('model.weights.bin', Uint8Array.from([...bin, 0, 0, 128, 63]));
    await expect(loadTfjsModel(extra)).rejects.toThrow(/weights no layer of the model owns: "stray\/kernel"/);
    const warnings: string[] = [];
    const lenient = await loadTfjsModelWithInfo(extra, { strict: false, warn: (w) => warnings.push(w) });
    expect(lenient.info.warnings.join()).toMatch(/stray\/kernel/);
  });

  it('not a layers model', async () => {
    const graph = withJson(files, (j) => (j.format = 'graph-model'));
    await expect(loadTfjsModel(graph)).rejects.toThrow(UnsupportedError);
    await expect(loadTfjsModel({ modelJson: '{"weightsManifest": []}' })).rejects.toThrow(/no modelTopology/);
    await expect(loadTfjsModel({ modelJson: '{"modelTopology": ' })).rejects.toThrow(/not valid JSON/);
    const huge = withJson(files, (j) => (j.weightsManifest[0]!.weights[0]!.shape = [1e6, 1e6]));
    await expect(loadTfjsModel(huge)).rejects.toThrow(/too many values/);
  });
});

describe('training configs', () => {
  it('a compiled tfjs model comes back compiled (tfjs camelCase optimizer keys read)', async () => {
    const m = mlp();
    m.compile({ optimizer: tf.train.adam(0.01), loss: 'meanSquaredError' });
    await m.fit(tf.tensor(x5.data, [4, 5]), tf.ones([4, 3]), { epochs: 1, verbose: 0 });
    const files = await saveWithTfjs(m, true);
    expect(modelJsonOf(files).trainingConfig).toMatchObject({ optimizer_config: { class_name: 'Adam', config: { learningRate: 0.01 } } });
    const { model, info } = await loadTfjsModelWithInfo(files, { warn: () => {} });
    expect(model.isCompiled).toBe(true);
    const tc = model.getTrainingConfig() as { loss: string; optimizer_config: { class_name: string; config: { learning_rate: number; beta_1: number } } };
    expect(tc.loss).toBe('mean_squared_error');
    expect(tc.optimizer_config.class_name).toBe('Adam');
    expect(tc.optimizer_config.config.learning_rate).toBeCloseTo(0.01, 7);
    expect(tc.optimizer_config.config.beta_1).toBeCloseTo(0.9, 7);
    expect(info.optimizerWeights).toEqual(['iter', ...['m', 'v'].flatMap((s) => m.trainableWeights.map((w) => `${w.originalName}/${s}`))]);
    expect(maxAbsDiff(model.predict(x5).data, tfOut(m, x5))).toBeLessThanOrEqual(1e-5);
    expect(info.warnings.join()).toMatch(/optimizer weights .* not restored/);
  });

  it('a compiled kerasts model loads in tfjs compiled with the same optimizer', async () => {
    const k = new Sequential([new Dense(3, { inputShape: [5] })]);
    k.compile({ optimizer: new Adam({ learningRate: 0.02 }), loss: 'mse' });
    const out = modelToTfjsFiles(k);
    expect(out.modelJson.trainingConfig).toMatchObject({ loss: 'mean_squared_error', optimizer_config: { class_name: 'Adam', config: { learningRate: 0.02, beta1: 0.9, beta2: 0.999 } } });
    const back = await loadWithTfjs(out.files);
    expect(back.optimizer.getClassName()).toBe('Adam');
    expect((back.optimizer.getConfig() as { learningRate: number }).learningRate).toBeCloseTo(0.02, 7);
  });
});

describe('Keras 3 models made in kerasts load in tfjs', () => {
  const figures: string[] = [];
  const cases: [string, () => Sequential, Tensor][] = [
    ['LSTM (Keras 3 defaults: sigmoid) + Dense', () => new Sequential([new LSTM(4, { inputShape: [5, 3] }), new Dense(2)]), new Tensor(seeded(2 * 5 * 3, 5, 2), [2, 5, 3])],
    ['GRU (resetAfter false) + BatchNormalization', () => new Sequential([new GRU(4, { inputShape: [5, 3], resetAfter: false, returnSequences: true }), new BatchNormalization(), new GRU(2, { resetAfter: false })]), new Tensor(seeded(2 * 5 * 3, 6, 2), [2, 5, 3])],
    ['Conv2D + MaxPooling2D + Flatten + Dense', () => new Sequential([new Conv2D(3, 3, { inputShape: [6, 6, 2], activation: 'relu' }), new MaxPooling2D(2), new Flatten(), new Dense(2, { activation: 'softmax' })]), new Tensor(seeded(2 * 6 * 6 * 2, 7), [2, 6, 6, 2])],
  ];
  for (const [name, build, x] of cases) {
    it(name, async () => {
      const k = build();
      setSeeded(k, 3);
      const want = k.predict(x).data;
      const back = await loadWithTfjs(modelToTfjsFiles(k).files);
      const d = maxAbsDiff(tfOut(back, x), want);
      figures.push(`${name}: ${d.toExponential(2)}`);
      expect(d).toBeLessThanOrEqual(1e-5);
    });
  }

  it('refuses what tfjs would compute differently or cannot load, naming the layer', () => {
    const hs = new Sequential([new LSTM(2, { inputShape: [3, 2], recurrentActivation: 'hard_sigmoid', name: 'gates' })]);
    expect(() => modelToTfjsFiles(hs)).toThrow(/"gates" use hard_sigmoid.*clip\(0\.2x\+0\.5\)/);
    const warned: string[] = [];
    modelToTfjsFiles(hs, { numerics: 'warn', warn: (w) => warned.push(w) });
    expect(warned.join()).toMatch(/hard_sigmoid/);
    expect(() => modelToTfjsFiles(new Sequential([new GRU(2, { inputShape: [3, 2], name: 'g' })]))).toThrow(/layer "g" \(GRU\): TensorFlow\.js' GRU computes reset_after=False only/);
    expect(() => modelToTfjsFiles(new Sequential([new Dense(4, { inputShape: [3] }), new GroupNormalization({ groups: 2, name: 'gn' })]))).toThrow(UnsupportedError);
  });

  it('a tfjs LSTM computes hard_sigmoid as Keras 2 (kerasts read as Keras 3 would differ)', async () => {
    const m = tf.sequential();
    m.add(tf.layers.lstm({ units: 3, inputShape: [4, 2] }));
    seedWeights(m, 4);
    const x = new Tensor(seeded(2 * 4 * 2, 8, 3), [2, 4, 2]);
    const k = await loadTfjsModel(await saveWithTfjs(m));
    expect(maxAbsDiff(k.predict(x).data, tfOut(m, x))).toBeLessThanOrEqual(1e-5);
    k.kerasVersion = '3.15.1';
    expect(maxAbsDiff(k.predict(x).data, tfOut(m, x))).toBeGreaterThan(1e-3);
  });
});

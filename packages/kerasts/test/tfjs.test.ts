/**
 * TensorFlow.js model.json files through the one way in: detected by content (an object with
 * `modelTopology` and `weightsManifest`), loaded with their shards, written with `format: 'tfjs'`.
 * References: files tfjs 4.22.0 itself wrote, and tfjs' own loader.
 */
import { mkdirSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { detectFormat, FormatError, loadModel, loadModelWithInfo, loadWeights, saveModel, Tensor } from '../src/index.js';
import { fromTf, loadWithTfjs, maxAbsDiff, saveWithTfjs, seeded, seedWeights, tf } from '../../io-tfjs/test/tfjs.js';

const tmp = mkdtempSync(join(tmpdir(), 'kerasts-tfjs-'));

async function tfjsLstm() {
  const m = tf.sequential();
  m.add(tf.layers.lstm({ units: 4, inputShape: [5, 3] }));
  m.add(tf.layers.dense({ units: 2 }));
  seedWeights(m, 21);
  const x = new Tensor(seeded(2 * 5 * 3, 22, 2), [2, 5, 3]);
  const want = fromTf(m.predict(tf.tensor(x.data, [2, 5, 3])) as tf.Tensor).data;
  const files = await saveWithTfjs(m);
  const dir = join(tmp, `tfjs-${Math.random().toString(36).slice(2)}`);
  mkdirSync(dir);
  for (const [n, b] of files) writeFileSync(join(dir, n), b);
  return { x, want, files, json: join(dir, 'model.json') };
}

describe('TensorFlow.js model.json through loadModel / saveModel', () => {
  it('detectFormat knows a model.json by content, and says when it is a graph model', async () => {
    const { files } = await tfjsLstm();
    const d = await detectFormat(files.get('model.json')!);
    expect(d.format).toBe('tfjs-json');
    const graph = new TextEncoder().encode(JSON.stringify({ format: 'graph-model', modelTopology: { node: [] }, weightsManifest: [] }));
    expect((await detectFormat(graph)).description).toMatch(/graph model/);
    // a JSON object with a modelTopology but no manifest is not a model.json
    expect((await detectFormat(new TextEncoder().encode('{"modelTopology": {}}'))).format).toBe('other-json');
  });

  it('loadModel(path of model.json) reads the shards beside it and predicts as tfjs', async () => {
    const { x, want, json } = await tfjsLstm();
    const { model, format } = await loadModelWithInfo(json, { warn: () => {} });
    expect(format).toBe('tfjs-json');
    expect(maxAbsDiff(model.predict(x).data, want)).toBeLessThanOrEqual(1e-5);
  });

  it('bytes of a model.json need their shards (tfjsShards), and say so', async () => {
    const { x, want, files } = await tfjsLstm();
    const e = await loadModel(files.get('model.json')!, { fileName: 'model.json' }).catch((err: unknown) => err);
    expect(e).toBeInstanceOf(FormatError);
    expect(String(e)).toMatch(/needs its shards \(the tfjsShards option\)/);
    const m = await loadModel(files.get('model.json')!, { tfjsShards: files });
    expect(maxAbsDiff(m.predict(x).data, want)).toBeLessThanOrEqual(1e-5);
    await expect(loadWeights(m, files.get('model.json')!)).rejects.toThrow(/TensorFlow\.js model\.json .*load it with loadModel/);
  });

  it("saveModel(model, 'dir/model.json', { format: 'tfjs' }) writes model.json + shards tfjs loads; a .json name alone stays a Keras architecture", async () => {
    const { x, json } = await tfjsLstm();
    const model = await loadModel(json);
    const out = join(tmp, 'web', 'model.json');
    const bytes = await saveModel(model, out, { format: 'tfjs' });
    expect(JSON.parse(new TextDecoder().decode(bytes)).format).toBe('layers-model');
    const files = new Map(['model.json', 'group1-shard1of1.bin'].map((n) => [n, new Uint8Array(readFileSync(join(tmp, 'web', n)))]));
    const back = await loadWithTfjs(files);
    expect(maxAbsDiff(fromTf(back.predict(tf.tensor(x.data, [2, 5, 3])) as tf.Tensor).data, model.predict(x).data)).toBeLessThanOrEqual(1e-5);
    const arch = join(tmp, 'arch', 'model.json');
    mkdirSync(join(tmp, 'arch'));
    await saveModel(model, arch);
    expect((await detectFormat(new Uint8Array(readFileSync(arch)))).format).toBe('json');
    await expect(saveModel(model, null, { format: 'tfjs' })).rejects.toThrow(/modelToTfjsFiles/);
  });
});

// The image-classification tutorial's model (RandomFlip, RandomRotation, RandomZoom, RandomTranslation,
// RandomContrast, Resizing, CenterCrop, Rescaling, Conv2D, ...) as Keras 3.15.1 saved it, in .keras and
// legacy .h5 (tools/oracle/fixtures/preprocessing/files, made by gen_preprocessing_fixtures.py): it
// loads, predicts what Keras predicted, trains (the flips and contrast applied from kerasts' seeded
// stream) and is written back with the augmentation configs unchanged.
import { readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, describe, expect, it } from 'vitest';
import { Adam, loadModel, RandomFlip, saveModel, tensor, type Model } from '../src/index.js';
import { removeTempDirs, tempDir } from '../../../tools/testing/tmp.js';

afterAll(removeTempDirs);
const DIR = join(dirname(fileURLToPath(import.meta.url)), '..', '..', '..', 'tools', 'oracle', 'fixtures', 'preprocessing', 'files');
type Arr = { shape: number[]; values: number[] };
const fx = JSON.parse(readFileSync(join(DIR, 'image_augment.json'), 'utf8')) as { input: Arr; output: Arr; model_json: { config: { layers: { class_name: string; config: Record<string, unknown> }[] } } };
const x = tensor(Float32Array.from(fx.input.values), fx.input.shape);
const tmp = tempDir('kerasts-image-');

function rel(a: ArrayLike<number>, b: ArrayLike<number>): number {
  let m = 0;
  for (let i = 0; i < b.length; i++) m = Math.max(m, Math.abs(a[i]! - b[i]!) / Math.max(1, Math.abs(b[i]!)));
  return m;
}

describe.each(['image_augment.keras', 'image_augment.h5'])('Keras-written %s', (file) => {
  let model: Model;
  it('loads and predicts what Keras predicted (within 1e-5)', async () => {
    model = await loadModel(join(DIR, file));
    const y = model.predict(x);
    expect([...y.shape]).toEqual(fx.output.shape);
    const d = rel(y.data, fx.output.values);
    console.log(`${file}: worst |Δ| vs Keras ${d.toExponential(2)}`);
    expect(d).toBeLessThanOrEqual(1e-5);
  });
  it('trains with the augmentations applied, seeded, and is written back with their configs unchanged', async () => {
    const train = async (seed: number): Promise<Float32Array> => {
      const m = await loadModel(join(DIR, file));
      m.compile({ optimizer: new Adam({ learningRate: 0.01 }), loss: 'mse' });
      await m.fit(x, tensor(new Float32Array(x.shape[0]! * 3).fill(0.5), [x.shape[0]!, 3]), { epochs: 2, batchSize: 2, shuffle: false, verbose: 0, seed });
      return m.predict(x).data;
    };
    const [a, b, c] = [await train(3), await train(3), await train(4)];
    expect(Array.from(a)).toEqual(Array.from(b));
    // no dropout and no shuffling: only the augmentations' draws depend on the seed
    expect(Array.from(a)).not.toEqual(Array.from(c));
    expect(model.layers.some((l) => l instanceof RandomFlip && l.augmentsInTraining)).toBe(true);
    const out = join(tmp, file);
    await saveModel(model, out, { overwrite: true });
    const again = await loadModel(out);
    expect(Array.from(again.predict(x).data)).toEqual(Array.from(model.predict(x).data));
    const theirs = fx.model_json.config.layers.filter((l) => /^Random|Resizing|CenterCrop/.test(l.class_name));
    const ours = again.layers.filter((l) => /^Random|Resizing|CenterCrop/.test(l.className));
    expect(ours.map((l) => l.className)).toEqual(theirs.map((l) => l.class_name));
    ours.forEach((l, i) => {
      const { name: _n, trainable: _t, dtype: _d, ...k } = theirs[i]!.config;
      expect(l.getConfig(), l.className).toMatchObject(k);
    });
  });
});

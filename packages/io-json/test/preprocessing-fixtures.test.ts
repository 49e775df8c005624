// The image preprocessing and augmentation layers (tools/oracle/fixtures/preprocessing, made by
// tools/oracle/gen_preprocessing_fixtures.py with Keras 3.15.1): models built from the JSON Keras wrote
// (to_json and the legacy .h5 model_config) predict what Keras predicted — Resizing with every
// interpolation, CenterCrop, RandomCrop and every Random* augmentation (the identity at inference);
// configs go back to Keras unchanged (keras-3 as Keras 3 writes them, keras-2 as tf.keras wrote them);
// tf.keras configs compute what tf.keras computed (RandomCrop's smart_resize at inference).
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { Tensor, UnsupportedError } from '@kerasts/tensor';
import { Sequential } from '@kerasts/model';
import { Conv2D, GlobalAveragePooling2D, RandomCrop, Resizing } from '@kerasts/layers';
import { modelFromJSON, numericsNotes, toJSON } from '../src/index.js';
import { repoRoot, toTensor, type PredictFixture } from './helpers.js';

const dir = join(repoRoot, 'tools', 'oracle', 'fixtures', 'preprocessing');
const list = (sub: string): string[] =>
  readdirSync(join(dir, sub))
    .filter((f) => f.endsWith('.json'))
    .map((f) => f.slice(0, -5))
    .sort();
const load = <T>(sub: string, name: string): T => JSON.parse(readFileSync(join(dir, sub, `${name}.json`), 'utf8')) as T;
type Predict = Omit<PredictFixture, 'model_config_h5'> & { output_shape: (number | null)[]; model_config_h5: Record<string, unknown> | null };
type LayerEntry = { class_name: string; config: Record<string, unknown> };
type ModelJson = { config: { layers: LayerEntry[] } };

function maxAbsDiff(a: ArrayLike<number>, b: ArrayLike<number>): number {
  let m = 0;
  for (let i = 0; i < b.length; i++) m = Math.max(m, Math.abs(a[i]! - b[i]!));
  return m;
}
/** |Δ| relative to the largest |value| above 1 (pixels reach 255). */
function maxRelDiff(a: ArrayLike<number>, b: ArrayLike<number>): number {
  let scale = 1;
  for (let i = 0; i < b.length; i++) scale = Math.max(scale, Math.abs(b[i]!));
  return maxAbsDiff(a, b) / scale;
}

const PREPROCESSING = new Set([
  'Resizing', 'CenterCrop', 'RandomCrop', 'RandomFlip', 'RandomRotation', 'RandomZoom', 'RandomTranslation', 'RandomContrast', 'RandomBrightness',
  'RandomShear', 'RandomGrayscale', 'RandomHue', 'RandomSaturation', 'RandomSharpness', 'RandomColorDegeneration', 'RandomInvert', 'RandomPosterization',
  'RandomColorJitter', 'RandomErasing', 'RandomGaussianBlur', 'RandomPerspective', 'RandomElasticTransform', 'RandomHeight', 'RandomWidth',
]);
const BASE_KEYS = new Set(['name', 'trainable', 'dtype']);
const worst = new Map<string, { abs: number; rel: number }>();

describe('image preprocessing layers predict what Keras 3.15.1 predicts', () => {
  const names = list('predict');
  it('covers Resizing, CenterCrop, RandomCrop and every Random* image layer Keras 3 exports', () => {
    const classes = new Set(names.flatMap((n) => (load<Predict>('predict', n).model_json as ModelJson).config.layers.map((l) => l.class_name)));
    for (const c of PREPROCESSING) if (c !== 'RandomHeight' && c !== 'RandomWidth') expect(classes.has(c), c).toBe(true);
  });
  for (const name of names) {
    it(name, () => {
      const fx = load<Predict>('predict', name);
      const model = modelFromJSON(fx.model_json as never);
      model.setWeights(fx.weights.map(toTensor));
      const x = toTensor(fx.input);
      const y = model.predict(x);
      expect([...y.shape]).toEqual(fx.output.shape);
      const abs = maxAbsDiff(y.data, fx.output.values);
      const rel = maxRelDiff(y.data, fx.output.values);
      expect(rel, `|Δ| ${abs}`).toBeLessThanOrEqual(1e-5);
      if (fx.model_config_h5) {
        const fromH5 = modelFromJSON(fx.model_config_h5 as never, { kerasVersion: fx.keras_version });
        fromH5.setWeights(fx.weights.map(toTensor));
        expect(maxRelDiff(fromH5.predict(x).data, fx.output.values)).toBeLessThanOrEqual(1e-5);
      }
      for (const l of (fx.model_json as ModelJson).config.layers.slice(1)) {
        if (!PREPROCESSING.has(l.class_name)) continue;
        const w = worst.get(l.class_name) ?? { abs: 0, rel: 0 };
        worst.set(l.class_name, { abs: Math.max(w.abs, abs), rel: Math.max(w.rel, rel) });
      }
      // every dialect rebuilds the same model, or refuses where that Keras lacks the class
      for (const dialect of ['keras-2', 'keras-2.0', 'keras-3'] as const) {
        if (numericsNotes(model.toConfig(), dialect).length) {
          expect(() => toJSON(model, { dialect }), dialect).toThrow(UnsupportedError);
          continue;
        }
        const again = modelFromJSON(toJSON(model, { dialect }));
        again.setWeights(model.getWeights());
        expect(Array.from(again.predict(x).data), dialect).toEqual(Array.from(y.data));
      }
    });
  }
  it('writes the keras-3 dialect exactly as Keras 3 wrote these layers (keys, order, values)', () => {
    for (const name of names) {
      const fx = load<Predict>('predict', name);
      const ours = JSON.parse(toJSON(modelFromJSON(fx.model_json as never), { dialect: 'keras-3' })) as ModelJson;
      const theirs = (fx.model_json as ModelJson).config.layers;
      ours.config.layers.forEach((l, i) => {
        if (!PREPROCESSING.has(l.class_name)) return;
        expect(Object.keys(l.config), `${name} ${l.class_name}`).toEqual(Object.keys(theirs[i]!.config));
        for (const [k, v] of Object.entries(theirs[i]!.config)) if (!BASE_KEYS.has(k)) expect(l.config[k], `${name} ${l.class_name}.${k}`).toEqual(v);
      });
    }
  });
  it('refuses the keras-2.0 dialect (Keras 2.0.8 has none of these layers), by name', () => {
    const fx = load<Predict>('predict', 'augment_tutorial');
    const notes = numericsNotes(modelFromJSON(fx.model_json as never).toConfig(), 'keras-2.0').join(' ');
    expect(notes).toMatch(/Keras 2\.0\.8 has no RandomFlip layer/);
    expect(notes).toMatch(/RandomBrightness/);
  });
  it('worst |Δ| per class', () => {
    console.log([...worst].sort().map(([c, d]) => `${c}: |Δ| ${d.abs.toExponential(2)}, relative ${d.rel.toExponential(2)}`).join('\n'));
    expect(worst.size).toBeGreaterThanOrEqual(22);
  });
});

describe('tf.keras image preprocessing configs compute what tf.keras computed', () => {
  type Legacy = { keras_version: string; model_config: ModelJson; weights: { shape: number[]; values: number[] }[]; input: { shape: number[]; values: number[] }; output: { shape: number[]; values: number[] } };
  for (const name of list('legacy')) {
    it(name, () => {
      const fx = load<Legacy>('legacy', name);
      const model = modelFromJSON(fx.model_config as never, { kerasVersion: fx.keras_version });
      model.setWeights(fx.weights.map(toTensor));
      const y = model.predict(toTensor(fx.input));
      expect([...y.shape]).toEqual(fx.output.shape);
      expect(maxRelDiff(y.data, fx.output.values)).toBeLessThanOrEqual(1e-5);
      // keras-2 writes the tf.keras configs back unchanged
      const k2 = JSON.parse(toJSON(model, { dialect: 'keras-2' })) as ModelJson;
      fx.model_config.config.layers.forEach((l, i) => {
        if (!PREPROCESSING.has(l.class_name)) return;
        const mine = k2.config.layers[i]!;
        expect(mine.class_name).toBe(l.class_name);
        expect(mine.config, `${name} ${l.class_name}`).toEqual(l.config);
        expect(Object.keys(mine.config)).toEqual(Object.keys(l.config));
      });
    });
  }
  it('RandomHeight and RandomWidth (tf.keras only) are refused for the keras-3 dialect, by name', () => {
    const fx = load<Legacy>('legacy', 'tfkeras_augment_resize');
    const model = modelFromJSON(fx.model_config as never, { kerasVersion: fx.keras_version });
    const notes = numericsNotes(model.toConfig(), 'keras-3').join(' ');
    expect(notes).toMatch(/Keras 3 has no RandomHeight layer/);
    expect(notes).toMatch(/RandomWidth/);
    expect(() => toJSON(model, { dialect: 'keras-3' })).toThrow(UnsupportedError);
  });
  it("RandomCrop at inference: Keras 3's identity, tf.keras' smart_resize — by the model's Keras version", () => {
    const fx = load<Legacy>('legacy', 'tfkeras_random_crop');
    const x = toTensor(fx.input);
    const tfk = modelFromJSON(fx.model_config as never, { kerasVersion: '2.15.0' });
    const k3 = modelFromJSON(fx.model_config as never, { kerasVersion: '3.15.1' });
    tfk.setWeights(fx.weights.map(toTensor));
    k3.setWeights(fx.weights.map(toTensor));
    // The same weights over the whole (10, 12) image instead of the resized (6, 8) crop: different numbers.
    expect(maxAbsDiff(tfk.predict(x).data, k3.predict(x).data)).toBeGreaterThan(1e-3);
    const plain = new Sequential([new Conv2D({ filters: 3, kernelSize: 3, padding: 'same', inputShape: [10, 12, 3] }), new GlobalAveragePooling2D()]);
    const conv = k3.layers.find((l) => l.className === 'Conv2D')!;
    plain.layers[0]!.setWeights(conv.getWeights());
    const crop = k3.layers.find((l): l is RandomCrop => l instanceof RandomCrop)!;
    expect(crop).toBeInstanceOf(RandomCrop);
    expect(new Resizing(6, 8).computeOutputShape([null, 10, 12, 3])).toEqual([null, 6, 8, 3]);
    expect(Array.from(crop.call(x, { training: false, hardSigmoid: 'keras3', era: 'keras3' }).data)).toEqual(Array.from(x.data));
    expect(crop.call(new Tensor(new Float32Array(2 * 10 * 12 * 3), [2, 10, 12, 3]), { training: false, hardSigmoid: 'keras2', era: 'tf.keras' }).shape).toEqual([2, 6, 8, 3]);
  });
  it("a tf.keras RandomCrop model is refused for the keras-3 dialect (Keras 3 would not crop at inference), written as keras-2 with its version", () => {
    const fx = load<Legacy>('legacy', 'tfkeras_random_crop');
    const model = modelFromJSON(fx.model_config as never, { kerasVersion: fx.keras_version });
    expect(numericsNotes(model.toConfig(), 'keras-3').join(' ')).toMatch(/RandomCrop\): this model follows Keras 2\.15\.0, whose RandomCrop crops and resizes at inference/);
    expect(() => toJSON(model, { dialect: 'keras-3' })).toThrow(UnsupportedError);
    const k2 = JSON.parse(toJSON(model, { dialect: 'keras-2' })) as { keras_version: string };
    expect(k2.keras_version).toBe('2.15.0');
    // a Keras 3 model with RandomCrop writes every dialect Keras 3 reads
    const k3 = modelFromJSON(load<Predict>('predict', 'random_crop_inference').model_json as never);
    expect(numericsNotes(k3.toConfig(), 'keras-3')).toEqual([]);
  });
});

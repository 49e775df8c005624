// The image preprocessing layers on their own: the training transforms against Keras 3.15.1's
// `transform_images` for the same draws (tools/oracle/fixtures/preprocessing/transforms, made by
// tools/oracle/gen_preprocessing_fixtures.py), their backward passes against finite differences,
// inference identity, option and config errors naming the layer.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { ConfigError, Random, ShapeMismatchError, Tensor, UnsupportedError } from '@kerasts/tensor';
import {
  CenterCrop,
  deserializeLayer,
  INFERENCE,
  RandomBrightness,
  RandomContrast,
  RandomCrop,
  RandomFlip,
  RandomImageLayer,
  RandomRotation,
  RandomShear,
  RandomTranslation,
  RandomZoom,
  Resizing,
  type JsonObject,
  type TrainCallContext,
} from '../src/index.js';
import { gradCheck } from './grad-check.js';

type Arr = { shape: number[]; values: number[] };
type Case = { name: string; class_name: string; config: JsonObject; draws: { flips?: boolean[]; factors?: number[]; u?: number[]; range?: number[]; start?: [number, number] }; input: Arr; output: Arr };
const fx = JSON.parse(readFileSync(join(import.meta.dirname, '..', '..', '..', 'tools', 'oracle', 'fixtures', 'preprocessing', 'transforms', 'transforms.json'), 'utf8')) as { cases: Case[] };
const t = (a: Arr): Tensor => new Tensor(Float32Array.from(a.values), a.shape);

/** A Random that hands out given numbers: `uniform()` and `uniformRange()` each from their own list. */
function scripted(uniform: number[], range: number[]): Random {
  const r = new Random(1);
  let i = 0;
  let j = 0;
  r.uniform = () => uniform[i++]!;
  r.uniformRange = () => range[j++]!;
  return r;
}
const trainCtx = (random: Random): TrainCallContext => ({ training: true, hardSigmoid: 'keras3', era: 'keras3', needInputGrad: true, random });

function maxAbs(a: ArrayLike<number>, b: ArrayLike<number>): number {
  let m = 0;
  for (let i = 0; i < b.length; i++) m = Math.max(m, Math.abs(a[i]! - b[i]!));
  return m;
}

const worstTransform = new Map<string, number>();

describe("training transforms compute Keras 3.15.1's transform_images for the same draws", () => {
  afterAll(() => console.log([...worstTransform].map(([c, d]) => `${c}: worst |Δ| ${d.toExponential(2)} (pixels 0–255)`).join('\n')));
  it('has every case', () => expect(fx.cases.length).toBe(26));
  for (const c of fx.cases) {
    it(c.name, () => {
      const layer = deserializeLayer(c.class_name, c.config) as RandomImageLayer | RandomCrop;
      const x = t(c.input);
      let random: Random;
      if (c.draws.flips) random = scripted(c.draws.flips.map((f) => (f ? 0.25 : 0.75)), []);
      else if (c.draws.factors) random = scripted([], c.draws.factors);
      else if (c.draws.u) random = scripted([], c.draws.u);
      else if (c.draws.range) random = scripted([], c.draws.range);
      else {
        // Keras' start s of an axis of n pixels and target k: floor(u · (n − k + 1)) = s.
        const [ha, wa] = [1, 2];
        const [s0, s1] = c.draws.start!;
        const h = (layer as RandomCrop).height;
        const w = (layer as RandomCrop).width;
        random = scripted([(s0 + 0.5) / (x.shape[ha]! - h + 1), (s1 + 0.5) / (x.shape[wa]! - w + 1)], []);
      }
      const y = layer.forwardTrain(x, trainCtx(random)).output;
      expect([...y.shape]).toEqual(c.output.shape);
      const d = maxAbs(y.data, c.output.values);
      worstTransform.set(c.class_name, Math.max(worstTransform.get(c.class_name) ?? 0, d));
      expect(d).toBeLessThanOrEqual(1e-4); // pixels up to 255: ~4e-7 relative
    });
  }
});

describe('backward passes against finite differences', () => {
  const x = new Tensor(Float32Array.from({ length: 2 * 4 * 5 * 3 }, (_, i) => 100 + 80 * Math.sin(i * 0.7)), [2, 4, 5, 3]);
  // Every draw the same, so that each finite-difference forward pass applies the same transform.
  const fixed = (u: number): TrainCallContext => {
    const r = new Random(2);
    r.uniform = () => u;
    r.uniformRange = (a: number, b: number) => a + u * (b - a);
    return trainCtx(r);
  };
  const cases: [string, () => RandomImageLayer | RandomCrop | Resizing | CenterCrop, TrainCallContext][] = [
    ['RandomFlip', () => new RandomFlip(), fixed(0.3)],
    ['RandomContrast (some pixels clipped)', () => new RandomContrast(0.9), fixed(0.9)],
    ['RandomBrightness (some pixels clipped)', () => new RandomBrightness(0.5), fixed(0.9)],
    ['RandomCrop', () => new RandomCrop(3, 3), fixed(0.6)],
    ['RandomRotation (bilinear, constant fill)', () => new RandomRotation(0.1, { fillMode: 'constant', fillValue: 3 }), fixed(0.8)],
    ['RandomZoom (bilinear, reflect)', () => new RandomZoom([-0.3, 0.2], { widthFactor: 0.25 }), fixed(0.3)],
    ['RandomTranslation (bilinear, wrap)', () => new RandomTranslation(0.3, { widthFactor: 0.2, fillMode: 'wrap' }), fixed(0.7)],
    ['Resizing bicubic, pad to aspect', () => new Resizing(6, 3, { interpolation: 'bicubic', padToAspectRatio: true }), fixed(0)],
    ['Resizing lanczos3 antialias, crop to aspect', () => new Resizing(3, 2, { interpolation: 'lanczos3', antialias: true, cropToAspectRatio: true }), fixed(0)],
    ['Resizing nearest', () => new Resizing(7, 3, { interpolation: 'nearest' }), fixed(0)],
    ['CenterCrop smaller (smart_resize)', () => new CenterCrop(6, 6), fixed(0)],
  ];
  for (const [name, make, ctx] of cases) {
    it(name, () => {
      const layer = make();
      layer.build([null, 4, 5, 3]);
      expect(gradCheck(layer, x, { ctx, h: 0.05 }).input).toBeLessThan(2e-3);
    });
  }
});

describe('inference and errors', () => {
  it('the augmentations are the identity at inference (the same array)', () => {
    const x = new Tensor(Float32Array.from({ length: 24 }, (_, i) => i), [1, 2, 4, 3]);
    for (const l of [new RandomFlip(), new RandomRotation(0.2), new RandomZoom(0.3), new RandomContrast(0.5), new RandomBrightness(0.5)]) expect(l.call(x, INFERENCE)).toBe(x);
  });
  it('which augmentations kerasts applies in training', () => {
    const applied = [new RandomFlip(), new RandomContrast(0.1), new RandomBrightness(0.1), new RandomRotation(0.1), new RandomZoom(0.1), new RandomTranslation(0.1, { widthFactor: 0.1 })];
    expect(applied.every((l) => l.augmentsInTraining)).toBe(true);
    expect(new RandomShear({ xFactor: 0.1 }).augmentsInTraining).toBe(false);
    // and those it does not are the identity in training
    const x = new Tensor(Float32Array.from({ length: 24 }, (_, i) => i), [1, 2, 4, 3]);
    expect(new RandomShear({ xFactor: 0.4 }).forwardTrain(x, trainCtx(new Random(3))).output).toBe(x);
  });
  it('training with kerasts randomness is seeded: the same seed, the same flips', () => {
    const x = new Tensor(Float32Array.from({ length: 8 * 2 * 3 }, (_, i) => i), [8, 2, 3, 1]);
    const a = new RandomFlip('horizontal').forwardTrain(x, trainCtx(new Random(9))).output;
    const b = new RandomFlip('horizontal').forwardTrain(x, trainCtx(new Random(9))).output;
    expect(Array.from(a.data)).toEqual(Array.from(b.data));
    expect(Array.from(a.data)).not.toEqual(Array.from(x.data));
  });
  it('refuses what Keras refuses, naming the layer and key', () => {
    expect(() => new Resizing(4, 4, { interpolation: 'area' })).toThrow(UnsupportedError);
    expect(() => new Resizing(4, 4, { interpolation: 'gaussian', name: 'rz' })).toThrow(/layer "rz" \(Resizing\): interpolation "gaussian" is not supported/);
    expect(() => new Resizing(4, 4, { cropToAspectRatio: true, padToAspectRatio: true })).toThrow(ConfigError);
    expect(() => deserializeLayer('RandomFlip', { name: 'f', mode: 'diagonal' })).toThrow(/layer "f" \(RandomFlip\): "mode" must be one of "horizontal", "vertical", "horizontal_and_vertical", found "diagonal"/);
    expect(() => deserializeLayer('RandomRotation', { name: 'r', factor: 'big' })).toThrow(/"factor" must be a number or a list of two numbers, found "big"/);
    expect(() => deserializeLayer('Resizing', { name: 'r', height: 0, width: 3 })).toThrow(/"height" must be an integer >= 1, found 0/);
    expect(() => deserializeLayer('RandomContrast', { name: 'c', factor: 1.5 })).toThrow(/"factor" must lie in \[0, 1\], found 1.5/);
    expect(() => new RandomFlip({ seed: 1, mode: 'vertical', fillMode: 'x' } as never)).toThrow(/RandomFlip has no option "fillMode"/);
    expect(() => new Resizing(4, 4).call(new Tensor(new Float32Array(6), [2, 3]), INFERENCE)).toThrow(ShapeMismatchError);
    expect(() => new Resizing(4, 4).computeOutputShape([null, 5, 5])).toThrow(/expects a batch of images/);
  });
  it('keeps configs as Keras wrote them (tf.keras number factors, Keras 3 lists, bounding_box_format)', () => {
    const tfk = deserializeLayer('RandomRotation', { name: 'r', factor: 0.1, fill_mode: 'reflect', fill_value: 0, interpolation: 'bilinear', seed: 7 });
    expect(tfk.getConfig()).toMatchObject({ factor: 0.1, seed: 7, data_format: 'channels_last' });
    const k3 = deserializeLayer('RandomZoom', { name: 'z', height_factor: [-0.2, 0.1], width_factor: null, bounding_box_format: 'xyxy', data_format: 'channels_first' });
    expect(k3.getConfig()).toMatchObject({ height_factor: [-0.2, 0.1], width_factor: null, bounding_box_format: 'xyxy', data_format: 'channels_first', fill_mode: 'reflect' });
  });
  it("RandomCrop at inference: Keras 3 passes through, tf.keras smart-resizes", () => {
    const x = new Tensor(Float32Array.from({ length: 2 * 6 * 8 }, (_, i) => i), [1, 6, 8, 2]);
    const c = new RandomCrop(3, 3);
    expect(c.call(x, INFERENCE)).toBe(x);
    const tfk = c.call(x, { training: false, hardSigmoid: 'keras2', era: 'tf.keras' });
    const ref = new Resizing(3, 3, { cropToAspectRatio: true }).call(x, INFERENCE);
    expect(Array.from(tfk.data)).toEqual(Array.from(ref.data));
  });
});

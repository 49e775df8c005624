/**
 * Keras' preprocessing layers that saved models carry: Normalization (mean/variance), Rescaling, and
 * the image layers (Resizing, CenterCrop, RandomCrop, the Random* augmentations) of tf.keras 2.x
 * (`keras.layers.experimental.preprocessing.*`, the same class names) and Keras 3.
 */
import type { Dialect, LayerFormat, SchemaFragment } from './format.js';
import { axisListNote, DATA_FORMAT_SCHEMA, sameKeys } from './format.js';
import type { JsonObject, JsonValue } from '@kerasts/layers';

const NUMBERS: SchemaFragment = {
  anyOf: [{ type: 'number' }, { type: 'array' }, { type: 'null' }, { type: 'object', required: ['class_name'] }],
};

const NUM = { type: 'number' };
const INT1 = { type: 'integer', minimum: 1 };
const BOOL = { type: 'boolean' };
const STR = { type: 'string' };
const PAIR = { type: 'array', items: NUM, minItems: 2, maxItems: 2 };
const FACTOR = { anyOf: [NUM, PAIR] };
const FACTOR_OR_NULL = { anyOf: [NUM, PAIR, { type: 'null' }] };
const SEED = { anyOf: [{ type: 'integer' }, { type: 'null' }] };
const FILL_MODE = { enum: ['reflect', 'wrap', 'constant', 'nearest'] };
const INTERP = { type: 'string' };

/** The base keys Keras 3's image layers write before their own (`bounding_box_format` only when set). */
const K3_BASE = ['data_format', 'bounding_box_format'];

/** Keras 3's defaults of keys tf.keras 2 did not have (written to the keras-2 dialect only when they differ). */
const K3_ONLY_DEFAULTS: Readonly<Record<string, JsonValue>> = {
  data_format: 'channels_last',
  value_range: [0, 255],
  pad_to_aspect_ratio: false,
  fill_mode: 'constant',
  fill_value: 0,
  antialias: false,
};

const same = (a: JsonValue | undefined, b: JsonValue): boolean => JSON.stringify(a) === JSON.stringify(b);

/**
 * An image layer's format: tf.keras 2's keys (null for a Keras 3-only class) and Keras 3's. The
 * keras-2 dialect writes the tf.keras keys, plus a Keras 3-only key only where it is not Keras 3's
 * default (Keras 3 reads it; tf.keras refuses the unknown argument by name rather than compute
 * something else), so a tf.keras config comes back unchanged.
 */
function imageFormat(
  className: string,
  tfKeys: readonly string[] | null,
  k3Keys: readonly string[],
  properties: Readonly<Record<string, unknown>>,
  required: readonly string[] = [],
  note?: (cfg: JsonObject, dialect: Dialect, kerasVersion?: string) => string | null,
): LayerFormat {
  const k3 = [...K3_BASE, ...k3Keys];
  const k2 = tfKeys ? [...tfKeys, ...k3.filter((k) => !tfKeys.includes(k))] : k3;
  const tfOwn = new Set(tfKeys ?? k3);
  return {
    keys: { 'keras-2.0': k2, 'keras-2': k2, 'keras-3': k3 },
    schema: { ...(required.length ? { required } : {}), properties: { data_format: DATA_FORMAT_SCHEMA, bounding_box_format: { anyOf: [STR, { type: 'null' }] }, ...properties } },
    write: (out, _src, dialect) => {
      if (dialect === 'keras-3' || !tfKeys) return;
      for (const [k, d] of Object.entries(K3_ONLY_DEFAULTS)) if (!tfOwn.has(k) && k in out && same(out[k], d)) delete out[k];
    },
    dialectNote: (cfg, dialect, kerasVersion) => {
      if (dialect === 'keras-2.0') return `Keras 2.0.8 has no ${className} layer (the image preprocessing layers arrived with tf.keras 2.3); write the keras-2 or keras-3 dialect`;
      return note?.(cfg, dialect, kerasVersion) ?? null;
    },
  };
}

/** Formats of the Keras 3-only augmentation layers: `factor`, `value_range`, `seed`. */
function colorFormat(className: string, factorRequired: boolean): LayerFormat {
  return imageFormat(className, null, ['factor', 'value_range', 'seed'], { factor: FACTOR, value_range: PAIR, seed: SEED }, factorRequired ? ['factor'] : []);
}

const AFFINE_PROPS = { fill_mode: FILL_MODE, fill_value: NUM, interpolation: { enum: ['bilinear', 'nearest'] }, seed: SEED };

/**
 * tf.keras 2's RandomCrop center-crops (smart_resize) at inference; Keras 3's passes images through.
 * A tf.keras-era model written for Keras 3 would predict something else (the keras-2 dialect keeps
 * the file's tf.keras version, which kerasts reads back with tf.keras' numerics).
 */
const randomCropEra = (_cfg: JsonObject, dialect: Dialect, kerasVersion?: string): string | null => {
  const major = /^\s*(\d+)/.exec(kerasVersion ?? '');
  if (dialect !== 'keras-3' || !major || Number(major[1]) >= 3) return null;
  return `this model follows Keras ${String(kerasVersion)}, whose RandomCrop crops and resizes at inference (smart_resize); Keras 3's RandomCrop passes images through unchanged at inference, so Keras 3 would predict something else; write the keras-2 dialect, or replace the layer with Resizing(crop_to_aspect_ratio=True)`;
};

const k3OnlyIn = (cls: string) => (_cfg: JsonObject, dialect: Dialect): string | null => (dialect === 'keras-3' ? `Keras 3 has no ${cls} layer (tf.keras 2 only) and cannot load it` : null);

export const preprocessingFormats: Readonly<Record<string, LayerFormat>> = {
  Normalization: {
    // tf.keras 2.x writes axis, mean, variance (invert from 2.12); Keras 3 axis, invert, mean, variance.
    keys: { 'keras-2.0': ['axis', 'mean', 'variance'], 'keras-2': ['axis', 'mean', 'variance'], 'keras-3': ['axis', 'invert', 'mean', 'variance'] },
    defaults: () => ({ invert: false, mean: null, variance: null }),
    schema: {
      properties: {
        axis: { anyOf: [{ type: 'integer' }, { type: 'array', items: { type: 'integer' } }, { type: 'null' }] },
        invert: { type: 'boolean' },
        mean: NUMBERS,
        variance: NUMBERS,
      },
    },
    normalize: (cfg) => {
      if (typeof cfg.axis === 'number') cfg.axis = [cfg.axis];
      else if (cfg.axis === null) cfg.axis = [];
    },
    dialectNote: (cfg, dialect) => (dialect !== 'keras-3' && cfg.invert === true ? 'uses invert, which tf.keras before 2.12 does not have' : axisListNote(cfg, dialect)),
  },
  Rescaling: {
    keys: sameKeys(['scale', 'offset']),
    defaults: () => ({ offset: 0 }),
    schema: { required: ['scale'], properties: { scale: NUMBERS, offset: NUMBERS } },
  },
  Resizing: imageFormat('Resizing', ['height', 'width', 'interpolation', 'crop_to_aspect_ratio'],
    ['height', 'width', 'interpolation', 'crop_to_aspect_ratio', 'pad_to_aspect_ratio', 'fill_mode', 'fill_value', 'antialias'],
    { height: INT1, width: INT1, interpolation: INTERP, crop_to_aspect_ratio: BOOL, pad_to_aspect_ratio: BOOL, fill_mode: STR, fill_value: NUM, antialias: BOOL },
    ['height', 'width']),
  CenterCrop: imageFormat('CenterCrop', ['height', 'width'], ['height', 'width'], { height: INT1, width: INT1 }, ['height', 'width']),
  RandomCrop: imageFormat('RandomCrop', ['height', 'width', 'seed'], ['height', 'width', 'seed'], { height: INT1, width: INT1, seed: SEED }, ['height', 'width'], randomCropEra),
  RandomFlip: imageFormat('RandomFlip', ['mode', 'seed'], ['seed', 'mode'], { mode: { enum: ['horizontal', 'vertical', 'horizontal_and_vertical'] }, seed: SEED }, []),
  RandomRotation: imageFormat('RandomRotation', ['factor', 'fill_mode', 'fill_value', 'interpolation', 'seed'],
    ['factor', 'fill_mode', 'fill_value', 'interpolation', 'seed'],
    { factor: FACTOR, ...AFFINE_PROPS },
    ['factor']),
  RandomZoom: imageFormat('RandomZoom', ['height_factor', 'width_factor', 'fill_mode', 'fill_value', 'interpolation', 'seed'],
    ['height_factor', 'width_factor', 'fill_mode', 'interpolation', 'seed', 'fill_value'],
    { height_factor: FACTOR, width_factor: FACTOR_OR_NULL, ...AFFINE_PROPS },
    ['height_factor']),
  RandomTranslation: imageFormat('RandomTranslation', ['height_factor', 'width_factor', 'fill_mode', 'fill_value', 'interpolation', 'seed'],
    ['height_factor', 'width_factor', 'fill_mode', 'interpolation', 'seed', 'fill_value'],
    { height_factor: FACTOR, width_factor: FACTOR, ...AFFINE_PROPS },
    ['height_factor', 'width_factor']),
  RandomContrast: imageFormat('RandomContrast', ['factor', 'seed'], ['factor', 'value_range', 'seed'], { factor: FACTOR, value_range: PAIR, seed: SEED }, ['factor']),
  RandomBrightness: imageFormat('RandomBrightness', ['factor', 'value_range', 'seed'], ['factor', 'value_range', 'seed'], { factor: FACTOR, value_range: PAIR, seed: SEED }, ['factor']),
  RandomShear: imageFormat('RandomShear', null, ['x_factor', 'y_factor', 'fill_mode', 'interpolation', 'seed', 'fill_value'], { x_factor: FACTOR, y_factor: FACTOR, ...AFFINE_PROPS }, []),
  RandomGrayscale: imageFormat('RandomGrayscale', null, ['factor'], { factor: NUM }, []),
  RandomHue: colorFormat('RandomHue', true),
  RandomSaturation: colorFormat('RandomSaturation', true),
  RandomSharpness: colorFormat('RandomSharpness', true),
  RandomColorDegeneration: colorFormat('RandomColorDegeneration', true),
  RandomInvert: colorFormat('RandomInvert', false),
  RandomPosterization: colorFormat('RandomPosterization', true),
  RandomColorJitter: imageFormat('RandomColorJitter', null,
    ['value_range', 'brightness_factor', 'contrast_factor', 'saturation_factor', 'hue_factor', 'seed'],
    { value_range: PAIR, brightness_factor: FACTOR_OR_NULL, contrast_factor: FACTOR_OR_NULL, saturation_factor: FACTOR_OR_NULL, hue_factor: FACTOR_OR_NULL, seed: SEED },
    []),
  RandomErasing: imageFormat('RandomErasing', null, ['factor', 'scale', 'fill_value', 'value_range', 'seed'], { factor: FACTOR, scale: FACTOR, fill_value: { anyOf: [NUM, { type: 'null' }] }, value_range: PAIR, seed: SEED }, []),
  RandomGaussianBlur: imageFormat('RandomGaussianBlur', null,
    ['factor', 'kernel_size', 'sigma', 'value_range', 'seed'],
    { factor: FACTOR, kernel_size: { anyOf: [{ type: 'integer' }, { type: 'array', items: { type: 'integer' }, minItems: 2, maxItems: 2 }] }, sigma: FACTOR, value_range: PAIR, seed: SEED },
    []),
  RandomPerspective: imageFormat('RandomPerspective', null, ['factor', 'scale', 'interpolation', 'fill_value', 'seed'], { factor: FACTOR, scale: NUM, interpolation: { enum: ['bilinear', 'nearest'] }, fill_value: NUM, seed: SEED }, []),
  RandomElasticTransform: imageFormat('RandomElasticTransform', null,
    ['factor', 'scale', 'interpolation', 'fill_mode', 'fill_value', 'value_range', 'seed'],
    { factor: FACTOR, scale: FACTOR, interpolation: { enum: ['bilinear', 'nearest'] }, fill_mode: FILL_MODE, fill_value: NUM, value_range: PAIR, seed: SEED },
    []),
  RandomHeight: imageFormat('RandomHeight', ['factor', 'interpolation', 'seed'], ['factor', 'interpolation', 'seed'], { factor: FACTOR, interpolation: INTERP, seed: SEED }, ['factor'], k3OnlyIn('RandomHeight')),
  RandomWidth: imageFormat('RandomWidth', ['factor', 'interpolation', 'seed'], ['factor', 'interpolation', 'seed'], { factor: FACTOR, interpolation: INTERP, seed: SEED }, ['factor'], k3OnlyIn('RandomWidth')),
};

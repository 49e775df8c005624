/**
 * Keras' reshaping layers in every era: Flatten, Reshape, Permute, ZeroPadding1D/2D/3D,
 * Cropping1D/2D/3D, UpSampling1D/2D/3D, RepeatVector (Keras 1's `length`, padding tuples and dicts).
 */
import type { JsonObject, JsonValue } from '@kerasts/layers';
import type { EraInfo, LayerFormat, SchemaFragment } from './format.js';
import { DATA_FORMAT_SCHEMA, sameKeys } from './format.js';

const INT_OR_LIST: SchemaFragment = { anyOf: [{ type: 'integer', minimum: 0 }, { type: 'array' }, { type: 'object' }] };

/** Keras 1's image layers wrote no `dim_ordering`: take the model's (see EraInfo.imageDataFormat). */
function keras1DataFormat(cfg: JsonObject, era: EraInfo): void {
  if (cfg.data_format === undefined && cfg.dim_ordering !== undefined) {
    cfg.data_format = cfg.dim_ordering === 'th' ? 'channels_first' : cfg.dim_ordering === 'tf' ? 'channels_last' : (era.imageDataFormat ?? 'channels_last');
  }
  delete cfg.dim_ordering;
  if (cfg.data_format === undefined && era.major === 1 && era.imageDataFormat) cfg.data_format = era.imageDataFormat;
}

/** Keras 1 padding dicts (`{top_pad, bottom_pad, left_pad, right_pad}`) and 4-tuples, as pairs. */
function keras1Padding(v: JsonValue | undefined, n: number): JsonValue | undefined {
  if (v !== null && typeof v === 'object' && !Array.isArray(v)) {
    const g = (k: string): number => (typeof v[k] === 'number' ? (v[k] as number) : 0);
    if (n === 1) return [g('left_pad'), g('right_pad')];
    if (n === 2) return [[g('top_pad'), g('bottom_pad')], [g('left_pad'), g('right_pad')]];
  }
  if (n === 2 && Array.isArray(v) && v.length === 4 && v.every((d) => typeof d === 'number')) return [[v[0]!, v[1]!], [v[2]!, v[3]!]];
  return v;
}

export const reshapingFormats: Readonly<Record<string, LayerFormat>> = {
  Flatten: {
    // Keras 2.0.x had no data_format (it flattened as stored); 2.1+ and Keras 3 write it.
    keys: { 'keras-2.0': [], 'keras-2': ['data_format'], 'keras-3': ['data_format'] },
    defaults: () => ({ data_format: 'channels_last' }),
    schema: { properties: { data_format: DATA_FORMAT_SCHEMA } },
    dialectNote: (cfg, dialect) =>
      dialect === 'keras-2.0' && cfg.data_format === 'channels_first'
        ? 'Flatten with data_format channels_first moves the channels last before flattening; Keras 2.0.8 flattens as stored (it has no data_format), so the next layer would see its inputs in another order'
        : null,
  },
  RepeatVector: {
    keys: sameKeys(['n']),
    schema: { required: ['n'], properties: { n: { type: 'integer', minimum: 0 } } },
  },
  Reshape: {
    keys: sameKeys(['target_shape']),
    schema: {
      required: ['target_shape'],
      properties: { target_shape: { type: 'array', items: { type: 'integer', minimum: -1 } } },
    },
  },
  Permute: {
    keys: sameKeys(['dims']),
    schema: { required: ['dims'], properties: { dims: { type: 'array', items: { type: 'integer', minimum: 1 } } } },
  },
  ZeroPadding1D: {
    // Keras 3.10+ added data_format; earlier 3.x and every Keras 2 reject it.
    keys: sameKeys(['padding']),
    schema: { properties: { padding: INT_OR_LIST, data_format: DATA_FORMAT_SCHEMA } },
    normalize: (cfg) => {
      cfg.padding = keras1Padding(cfg.padding, 1) ?? 1;
    },
    dialectNote: (cfg) => (cfg.data_format === 'channels_first' ? 'ZeroPadding1D with data_format channels_first exists only from Keras 3.10 (the files kerasts writes are read by every 3.x)' : null),
  },
  ZeroPadding2D: {
    keys: sameKeys(['padding', 'data_format']),
    schema: { properties: { padding: INT_OR_LIST, data_format: DATA_FORMAT_SCHEMA } },
    normalize: (cfg, era) => {
      cfg.padding = keras1Padding(cfg.padding, 2) ?? 1;
      keras1DataFormat(cfg, era);
    },
  },
  ZeroPadding3D: {
    keys: sameKeys(['padding', 'data_format']),
    schema: { properties: { padding: INT_OR_LIST, data_format: DATA_FORMAT_SCHEMA } },
    normalize: keras1DataFormat,
  },
  Cropping1D: {
    keys: sameKeys(['cropping']),
    schema: { properties: { cropping: INT_OR_LIST } },
  },
  Cropping2D: {
    keys: sameKeys(['cropping', 'data_format']),
    schema: { properties: { cropping: INT_OR_LIST, data_format: DATA_FORMAT_SCHEMA } },
    normalize: keras1DataFormat,
  },
  Cropping3D: {
    keys: sameKeys(['cropping', 'data_format']),
    schema: { properties: { cropping: INT_OR_LIST, data_format: DATA_FORMAT_SCHEMA } },
    normalize: keras1DataFormat,
  },
  UpSampling1D: {
    keys: sameKeys(['size']),
    schema: { properties: { size: INT_OR_LIST, length: { type: 'integer', minimum: 1 } } },
    normalize: (cfg) => {
      // Keras 1: UpSampling1D(length=2).
      if (cfg.size === undefined && cfg.length !== undefined) cfg.size = cfg.length;
      delete cfg.length;
    },
  },
  UpSampling2D: {
    // interpolation came with Keras 2.2.3 / tf.keras; Keras 2.0.8 only repeats (nearest).
    keys: { 'keras-2.0': ['size', 'data_format'], 'keras-2': ['size', 'data_format', 'interpolation'], 'keras-3': ['size', 'data_format', 'interpolation'] },
    defaults: () => ({ interpolation: 'nearest' }),
    schema: { properties: { size: INT_OR_LIST, data_format: DATA_FORMAT_SCHEMA, interpolation: { type: 'string' } } },
    normalize: keras1DataFormat,
    dialectNote: (cfg, dialect) =>
      dialect === 'keras-2.0' && cfg.interpolation !== undefined && cfg.interpolation !== 'nearest' ? `${String(cfg.interpolation)} interpolation does not exist in Keras 2.0.8 (it repeats pixels)` : null,
  },
  UpSampling3D: {
    keys: sameKeys(['size', 'data_format']),
    schema: { properties: { size: INT_OR_LIST, data_format: DATA_FORMAT_SCHEMA } },
    normalize: keras1DataFormat,
  },
};

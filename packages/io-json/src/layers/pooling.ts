/**
 * Keras' pooling layers in every era: Max/AveragePooling1D/2D/3D, their global forms and aliases
 * (Keras 1 `pool_length`, `stride`, `border_mode`, `dim_ordering`). Written key sets follow Keras
 * 2.0.8 (`keras-2.0`), Keras 2.3.1 / tf.keras (`keras-2`) and Keras 3.
 */
import type { JsonObject, JsonValue } from '@kerasts/layers';
import type { Dialect, LayerFormat } from './format.js';

const TUPLE = { anyOf: [{ type: 'integer', minimum: 1 }, { type: 'array', items: { type: 'integer', minimum: 1 }, minItems: 1, maxItems: 3 }] };
const FORMAT = { enum: ['channels_last', 'channels_first', null] };
const DIM_ORDERING = { enum: ['tf', 'th', 'default'] };

function renameKey(cfg: JsonObject, from: string, to: string): void {
  if (from in cfg) {
    if (cfg[to] === undefined || cfg[to] === null) cfg[to] = cfg[from]!;
    delete cfg[from];
  }
}

/** Keras 1 names → Keras 2 (K2.0.8 legacy/interfaces.py: legacy_pooling*_support, legacy_global_pooling_support). */
function normalizePooling(cfg: JsonObject): void {
  renameKey(cfg, 'pool_length', 'pool_size');
  renameKey(cfg, 'stride', 'strides');
  renameKey(cfg, 'border_mode', 'padding');
  if (typeof cfg.padding === 'string') cfg.padding = cfg.padding.toLowerCase();
  if ('dim_ordering' in cfg) {
    if (cfg.data_format === undefined || cfg.data_format === null) cfg.data_format = cfg.dim_ordering === 'th' ? 'channels_first' : 'channels_last';
    delete cfg.dim_ordering;
  }
  // Keras 2/3 write the resolved strides; a null (Keras 1 `stride=None`) means the pool size.
  if (cfg.strides === null) delete cfg.strides;
}

/** Inserts a key (Keras' order) when an old Keras would not have assumed its value. */
function withKey(out: JsonObject, key: string, value: JsonValue, after: string | null): void {
  if (after === null || !(after in out)) {
    out[key] = value;
    return;
  }
  const entries = Object.entries(out);
  for (const k of Object.keys(out)) delete out[k];
  for (const [k, v] of entries) {
    out[k] = v;
    if (k === after) out[key] = value;
  }
}

const SCHEMA = {
  properties: {
    pool_size: TUPLE,
    pool_length: { type: 'integer', minimum: 1 },
    strides: { anyOf: [TUPLE, { type: 'null' }] },
    stride: { anyOf: [{ type: 'integer', minimum: 1 }, { type: 'null' }] },
    padding: { type: 'string', minLength: 1 },
    border_mode: { type: 'string', minLength: 1 },
    data_format: FORMAT,
    dim_ordering: DIM_ORDERING,
  },
};

const GLOBAL_SCHEMA = { properties: { data_format: FORMAT, dim_ordering: DIM_ORDERING, keepdims: { type: 'boolean' } } };

function pooling(rank: number): LayerFormat {
  return {
    keys: {
      'keras-2.0': rank === 1 ? ['strides', 'pool_size', 'padding'] : ['pool_size', 'padding', 'strides', 'data_format'],
      'keras-2': rank === 1 ? ['strides', 'pool_size', 'padding', 'data_format'] : ['pool_size', 'padding', 'strides', 'data_format'],
      'keras-3': ['pool_size', 'padding', 'strides', 'data_format'],
    },
    schema: SCHEMA,
    normalize: normalizePooling,
    write: (out: JsonObject, src: JsonObject, dialect: Dialect) => {
      // Keras 2.0.8's 1-D pooling has no data_format: say it only when it is not channels_last.
      if (dialect === 'keras-2.0' && rank === 1 && src.data_format === 'channels_first') withKey(out, 'data_format', src.data_format, null);
    },
  };
}

function globalPooling(rank: number): LayerFormat {
  return {
    keys: {
      'keras-2.0': rank === 1 ? [] : ['data_format'],
      'keras-2': ['data_format'],
      'keras-3': ['data_format', 'keepdims'],
    },
    defaults: () => ({ keepdims: false }),
    schema: GLOBAL_SCHEMA,
    normalize: normalizePooling,
    write: (out: JsonObject, src: JsonObject, dialect: Dialect) => {
      if (dialect === 'keras-3') return;
      if (dialect === 'keras-2.0' && rank === 1 && src.data_format === 'channels_first') withKey(out, 'data_format', src.data_format, null);
      // keepdims arrived with tf.keras 2.6: written only when set.
      if (src.keepdims === true) withKey(out, 'keepdims', true, null);
    },
  };
}

export const poolingFormats: Readonly<Record<string, LayerFormat>> = {
  MaxPooling1D: pooling(1),
  MaxPool1D: pooling(1),
  MaxPooling2D: pooling(2),
  MaxPool2D: pooling(2),
  MaxPooling3D: pooling(3),
  MaxPool3D: pooling(3),
  AveragePooling1D: pooling(1),
  AvgPool1D: pooling(1),
  AveragePooling2D: pooling(2),
  AvgPool2D: pooling(2),
  AveragePooling3D: pooling(3),
  AvgPool3D: pooling(3),
  GlobalMaxPooling1D: globalPooling(1),
  GlobalMaxPool1D: globalPooling(1),
  GlobalMaxPooling2D: globalPooling(2),
  GlobalMaxPool2D: globalPooling(2),
  GlobalMaxPooling3D: globalPooling(3),
  GlobalMaxPool3D: globalPooling(3),
  GlobalAveragePooling1D: globalPooling(1),
  GlobalAvgPool1D: globalPooling(1),
  GlobalAveragePooling2D: globalPooling(2),
  GlobalAvgPool2D: globalPooling(2),
  GlobalAveragePooling3D: globalPooling(3),
  GlobalAvgPool3D: globalPooling(3),
};

import { cloneJson, isJsonObject, kerasMajorMinor, showValue, type JsonObject, type JsonValue, type Shape } from '@kerasts/layers';
import type { LayerSpec } from '@kerasts/model';
import { ConfigError } from '@kerasts/tensor';
import { LAYER_FORMATS } from './layers/index.js';

/** Keys whose values are serialized Keras objects (initializers, regularizers, constraints). */
const OBJECT_KEYS = [
  'kernel_initializer', 'recurrent_initializer', 'bias_initializer',
  'kernel_regularizer', 'recurrent_regularizer', 'bias_regularizer', 'activity_regularizer',
  'kernel_constraint', 'recurrent_constraint', 'bias_constraint',
];

/** Keras 1 argument names → Keras 2 names (K2.0.8 keras/legacy/interfaces.py). */
const KERAS1_RENAMES: Record<string, string> = {
  output_dim: 'units',
  init: 'kernel_initializer',
  inner_init: 'recurrent_initializer',
  inner_activation: 'recurrent_activation',
  W_regularizer: 'kernel_regularizer',
  U_regularizer: 'recurrent_regularizer',
  b_regularizer: 'bias_regularizer',
  W_constraint: 'kernel_constraint',
  U_constraint: 'recurrent_constraint',
  b_constraint: 'bias_constraint',
  dropout_W: 'dropout',
  dropout_U: 'recurrent_dropout',
  bias: 'use_bias',
  input_dtype: 'dtype',
};

/**
 * Reduce a serialized Keras object of any era to `{class_name, config}`: drops Keras 3's `module` /
 * `registered_name`, tf.keras' `__passive_serialization__`, and turns Keras 1's `{"name": ..., ...}`
 * regularizer dicts into class form. Strings and null pass through.
 */
export function normalizeObject(v: JsonValue | undefined): JsonValue {
  if (v === undefined) return null;
  if (!isJsonObject(v)) return v;
  if (typeof v.class_name === 'string') {
    const config = isJsonObject(v.config) ? cloneJson(v.config) : {};
    delete config.__passive_serialization__;
    for (const [k, inner] of Object.entries(config)) {
      if (isJsonObject(inner) && typeof inner.class_name === 'string') config[k] = normalizeObject(inner);
    }
    return { class_name: v.class_name, config };
  }
  if (typeof v.name === 'string') {
    // Keras 1: {"name": "L1L2Regularizer", "l1": 0, "l2": 0.01} / {"name": "MaxNorm", "m": 2, "axis": 0}
    const { name, ...rest } = v;
    const cls = name === 'L1L2Regularizer' || name === 'WeightRegularizer' ? 'L1L2' : name;
    const config = { ...rest };
    if (cls === 'MaxNorm' && 'm' in config) {
      config.max_value = config.m!;
      delete config.m;
    }
    return { class_name: cls, config };
  }
  return cloneJson(v);
}

function dtypeName(v: JsonValue | undefined): string | undefined {
  if (typeof v === 'string') return v;
  if (isJsonObject(v)) {
    const c = isJsonObject(v.config) ? v.config : {};
    if (typeof c.name === 'string') return c.name;
  }
  return undefined;
}

/**
 * Does this layer config use Keras 1 argument names? (`output_dim` counts except for Embedding, whose
 * Keras 2+ config has it too; a wrapper counts when its wrapped layer does.)
 */
export function isKeras1Config(cfg: JsonObject, className?: string): boolean {
  if ((className !== 'Embedding' && 'output_dim' in cfg) || 'init' in cfg || 'inner_activation' in cfg || 'input_dtype' in cfg || 'W_regularizer' in cfg) return true;
  const inner = cfg.layer;
  return isJsonObject(inner) && isJsonObject(inner.config) && isKeras1Config(inner.config, typeof inner.class_name === 'string' ? inner.class_name : undefined);
}

/**
 * Turn one layer entry of any era into the canonical `{className, config}` kerasts builds from:
 * Keras 1 names renamed, objects in `{class_name, config}` form, `batch_shape` → `batch_input_shape`,
 * dtype policies → dtype names, and the era's defaults filled in where the config is silent.
 */
export function normalizeLayer(entry: JsonObject, kerasVersion: string, path: string, isFirst: boolean, imageDataFormat?: 'channels_first' | 'channels_last'): LayerSpec {
  const className = entry.class_name;
  if (typeof className !== 'string') throw new ConfigError('layer entry has no "class_name"', path);
  if (!isJsonObject(entry.config)) throw new ConfigError(`layer entry "${className}" has no "config" object`, `${path}.config`);
  const src = entry.config;
  const cfg: JsonObject = {};
  const keras1 = isKeras1Config(src, className);
  for (const [k, v] of Object.entries(src)) {
    const key = keras1 && Object.hasOwn(KERAS1_RENAMES, k) ? KERAS1_RENAMES[k]! : k;
    cfg[key] = cloneJson(v);
  }
  if (typeof entry.name === 'string' && cfg.name === undefined) cfg.name = entry.name;
  for (const k of OBJECT_KEYS) if (k in cfg) cfg[k] = normalizeObject(cfg[k]);
  const dt = dtypeName(src.dtype ?? src.input_dtype);
  if (dt !== undefined) cfg.dtype = dt;
  else delete cfg.dtype;
  if (cfg.batch_shape !== undefined && cfg.batch_input_shape === undefined) cfg.batch_input_shape = cfg.batch_shape;
  delete cfg.batch_shape;

  const [major, minor] = kerasMajorMinor(kerasVersion);
  if (keras1) {
    if (typeof cfg.consume_less === 'string') {
      cfg.implementation = ({ cpu: 0, mem: 1, gpu: 2 } as Record<string, number>)[cfg.consume_less] ?? 0;
    }
    delete cfg.consume_less;
    if ('forget_bias_init' in cfg) {
      cfg.unit_forget_bias = cfg.forget_bias_init === 'one';
      delete cfg.forget_bias_init;
    }
  }
  // The class's own era fixes (io-json/src/layers/<family>.ts).
  const format = LAYER_FORMATS.get(className);
  const nested = (inner: JsonObject, innerPath: string): LayerSpec => normalizeLayer(inner, kerasVersion, innerPath, false, imageDataFormat);
  format?.normalize?.(cfg, { major, minor, keras1, isFirst, nested, path, ...(imageDataFormat ? { imageDataFormat } : {}) });
  if (keras1 && !format?.ownsInputDim) {
    // Keras 1 declared the input shape with input_dim (and input_length) on the first layer.
    if (isFirst && cfg.batch_input_shape === undefined && cfg.input_dim !== undefined && cfg.input_dim !== null) {
      cfg.batch_input_shape = [null, cfg.input_dim];
    }
    delete cfg.input_dim;
    delete cfg.input_length;
  }
  return { className, config: cfg };
}

/**
 * The image data format a model's layer configs state (`dim_ordering` `th`/`tf` in Keras 1,
 * `data_format` later), for layers whose config omits it; undefined when none says.
 */
export function imageDataFormatOf(entries: readonly JsonValue[]): 'channels_first' | 'channels_last' | undefined {
  for (const e of entries) {
    const c = isJsonObject(e) && isJsonObject(e.config) ? e.config : null;
    if (!c) continue;
    const v = c.dim_ordering ?? c.data_format;
    if (v === 'th' || v === 'channels_first') return 'channels_first';
    if (v === 'tf' || v === 'channels_last') return 'channels_last';
  }
  return undefined;
}

/** Read a shape value (list of integers or null). */
export function readShape(v: JsonValue | undefined, where: string): Shape | null {
  if (v === undefined || v === null) return null;
  if (!Array.isArray(v) || !v.every((d) => d === null || (typeof d === 'number' && Number.isInteger(d)))) {
    throw new ConfigError(`expected a shape (list of integers or null), found ${showValue(v)}`, where);
  }
  return v as (number | null)[];
}

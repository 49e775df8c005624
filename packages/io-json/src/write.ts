import { cloneJson, hardSigmoidFor, isJsonObject, kerasMajor, type JsonObject, type JsonValue } from '@kerasts/layers';
import type { LayerSpec, ModelConfig } from '@kerasts/model';
import { UnsupportedError } from '@kerasts/tensor';
import { functionalToJsonObject } from './functional.js';
import { nestedModelEntry } from './nested.js';
import type { Dialect } from './layers/format.js';
import { LAYER_FORMATS } from './layers/index.js';

/**
 * Dialects kerasts writes:
 * - `keras-2`: the default. Dict-form Sequential with an explicit `InputLayer` (`batch_input_shape`)
 *   and class-form initializers, tagged `"module": "keras"` at the top: tf.keras 2.x and Keras 3 both
 *   load it (`model_from_json` and `.h5` `load_model`), which no other single form achieves.
 * - `keras-2.0`: exactly what Keras 2.0.8 wrote (list-form Sequential, the seed's shape).
 * - `keras-3`: Keras 3's native form (`module`, `registered_name`, `build_config`), with the oldest
 *   Keras 3 key set so that every 3.x loads it.
 */
export type { Dialect } from './layers/format.js';

/** All writable dialects. */
export const DIALECTS: readonly Dialect[] = ['keras-2', 'keras-2.0', 'keras-3'];

/** The default dialect (see {@link Dialect}). */
export const DEFAULT_DIALECT: Dialect = 'keras-2';

/** What to do when the target dialect would make Keras compute a different function. */
export type NumericsPolicy = 'error' | 'warn' | 'ignore';

/** Options of {@link configToJsonObject}. */
export interface WriteOptions {
  dialect?: Dialect;
  /** Default `error` for changes the file cannot avoid; see {@link numericsNotes}. */
  numerics?: NumericsPolicy;
  /** Receives warnings (default `console.warn`). */
  warn?: (message: string) => void;
  /** Whether to include `keras_version` and `backend` (as `to_json` does; the `.h5` `model_config` has none). */
  includeVersion?: boolean;
}

const OBJECT_MODULE: Record<string, string> = {
  initializer: 'keras.initializers',
  regularizer: 'keras.regularizers',
  constraint: 'keras.constraints',
};

/** Keras 3 initializer classes spelled as Keras 2.0.8 serialized them (VarianceScaling). */
const VS_EQUIV: Record<string, [number, string, string]> = {
  GlorotUniform: [1, 'fan_avg', 'uniform'],
  GlorotNormal: [1, 'fan_avg', 'normal'],
  HeUniform: [2, 'fan_in', 'uniform'],
  HeNormal: [2, 'fan_in', 'normal'],
  LecunUniform: [1, 'fan_in', 'uniform'],
  LecunNormal: [1, 'fan_in', 'normal'],
};

function objectFor(key: string, value: JsonValue | undefined, dialect: Dialect): JsonValue {
  if (value === undefined || value === null) return null;
  if (typeof value === 'string') {
    return value;
  }
  if (!isJsonObject(value) || typeof value.class_name !== 'string') return cloneJson(value);
  let cls = value.class_name;
  let config: JsonObject = isJsonObject(value.config) ? cloneJson(value.config) : {};
  const kind = key.endsWith('initializer') ? 'initializer' : key.endsWith('regularizer') ? 'regularizer' : 'constraint';
  if (kind === 'initializer') {
    if (dialect === 'keras-2.0' && Object.hasOwn(VS_EQUIV, cls)) {
      const [scale, mode, distribution] = VS_EQUIV[cls]!;
      config = { scale, mode, distribution, seed: config.seed ?? null };
      cls = 'VarianceScaling';
    } else if (dialect !== 'keras-2.0' && cls === 'VarianceScaling' && config.distribution === 'normal') {
      config.distribution = 'truncated_normal';
    }
    if (dialect !== 'keras-3') {
      delete config.input_axes;
      delete config.output_axes;
    }
  }
  if (kind === 'regularizer' && dialect === 'keras-2.0' && (cls === 'L2' || cls === 'L1')) {
    config = { l1: cls === 'L1' ? (config.l1 ?? 0) : 0, l2: cls === 'L2' ? (config.l2 ?? 0) : 0 };
    cls = 'L1L2';
  }
  if (dialect === 'keras-3') return { module: OBJECT_MODULE[kind]!, class_name: cls, config, registered_name: null };
  return { class_name: cls, config };
}

/**
 * Where Keras 3 imports a layer class from, as its entries say: `keras.layers` with no registered
 * name, or the class's own module with its name registered (ConvNeXt's LayerScale).
 */
export function kerasModuleOf(className: string): { module: string; registered_name: string | null } {
  const module = LAYER_FORMATS.get(className)?.module;
  return module === undefined ? { module: 'keras.layers', registered_name: null } : { module, registered_name: className };
}

/** A nested layer entry (a wrapper's `layer`) in a dialect's entry form. */
function nestedEntry(spec: LayerSpec, dialect: Dialect): JsonObject {
  const config = layerConfig(spec, dialect, null);
  if (dialect === 'keras-3') {
    const { module, registered_name } = kerasModuleOf(spec.className);
    return { module, class_name: spec.className, config, registered_name };
  }
  // Keras 3 finds a wrapped layer's class only through `module` (Keras 2 files need a rewrite there);
  // tf.keras ignores the key. Keras 2.0 never wrote it.
  if (dialect === 'keras-2') return { module: 'keras.layers', class_name: spec.className, config };
  return { class_name: spec.className, config };
}

/** One layer's config in a dialect: the dialect's key set, initializers in its form (`withInputShape`: the `batch_input_shape` to declare, Keras 2.0 style). */
export function layerConfig(spec: LayerSpec, dialect: Dialect, withInputShape: JsonValue | null): JsonObject {
  const src = spec.config;
  const format = LAYER_FORMATS.get(spec.className);
  const keys = format?.keys[dialect];
  const defaults = format?.defaults?.(dialect) ?? {};
  const out: JsonObject = { name: src.name ?? null, trainable: src.trainable ?? true };
  if (dialect === 'keras-2.0') {
    if (withInputShape) {
      out.batch_input_shape = cloneJson(withInputShape);
      out.dtype = src.dtype ?? 'float32';
    }
  } else {
    out.dtype = src.dtype ?? 'float32';
  }
  for (const k of format?.omitBaseKeys ?? []) delete out[k];
  const nestedKeys = new Set(format?.nestedKeys ?? []);
  const nested = (inner: { className: string; config: JsonObject }): JsonObject => nestedEntry(inner, dialect);
  if (keys) {
    for (const k of keys) {
      let v = src[k];
      if (v === undefined) {
        if (!Object.hasOwn(defaults, k)) continue;
        v = defaults[k] as JsonValue;
      }
      if (nestedKeys.has(k) && isJsonObject(v) && typeof v.class_name === 'string' && isJsonObject(v.config)) {
        out[k] = nested({ className: v.class_name, config: v.config });
        continue;
      }
      out[k] = /(initializer|regularizer|constraint)$/.test(k) ? objectFor(k, v, dialect) : cloneJson(v);
    }
    if (dialect === 'keras-3' && spec.className === 'Dense' && src.activity_regularizer) out.activity_regularizer = objectFor('activity_regularizer', src.activity_regularizer, dialect);
    format?.write?.(out, src, dialect, nested);
  } else {
    // A registered custom layer: write its config as it gave it.
    for (const [k, v] of Object.entries(src)) if (!(k in out) && k !== 'batch_input_shape') out[k] = cloneJson(v);
  }
  return out;
}

/** Every activation name used by a layer config (wrapped layers included). */
function activationsOf(spec: LayerSpec): string[] {
  const own = ['activation', 'recurrent_activation'].map((k) => spec.config[k]).filter((v): v is string => typeof v === 'string');
  const inner = ['layer', 'backward_layer'].flatMap((k) => {
    const v = spec.config[k];
    return isJsonObject(v) && typeof v.class_name === 'string' && isJsonObject(v.config) ? activationsOf({ className: v.class_name, config: v.config }) : [];
  });
  return [...own, ...inner];
}

/**
 * Where writing a model in a dialect changes what Keras computes: hard_sigmoid is clip(0.2x+0.5) up to
 * Keras 2.x and clip(x/6+0.5) in Keras 3, under the same name. Returns one message per affected
 * layer (empty when the file is faithful).
 */
export function numericsNotes(config: ModelConfig, dialect: Dialect): string[] {
  return [...layerDialectNotes(config, dialect), ...hardSigmoidNotes(config, dialect)];
}

/** The layers whose config the dialect cannot express (their `LayerFormat.dialectNote`). */
function layerDialectNotes(config: ModelConfig, dialect: Dialect): string[] {
  const notes: string[] = [];
  for (const l of config.layers) {
    const note = LAYER_FORMATS.get(l.className)?.dialectNote?.(l.config, dialect, config.kerasVersion);
    if (note) notes.push(`layer "${String(l.config.name)}" (${l.className}): ${note}.`);
  }
  return notes;
}

/**
 * What a dialect's readers cannot load in a functional graph: Keras 2 writes an RNN's initial states
 * as extra inbound tensors, which tf.keras reads but Keras 3 does not (it passes them as data); only
 * the keras-3 dialect gives Keras 3 its `initial_state` argument.
 */
export function graphNotes(config: ModelConfig, dialect: Dialect): string[] {
  if (config.className !== 'Functional' || dialect === 'keras-3') return [];
  const notes = nestedGraphNotes(config, dialect);
  const merges = new Set(['Concatenate', 'Add', 'Subtract', 'Multiply', 'Average', 'Maximum', 'Minimum', 'Dot']);
  const users = config.layers.filter((l) => !merges.has(l.className) && l.inboundNodes.some((n) => n.inputs.length > 1)).map((l) => `"${l.name}"`);
  if (users.length === 0) return notes;
  return [
    ...notes,
    `layer(s) ${users.join(', ')} take initial states from other layers; the ${dialect} dialect writes them as Keras 2 did (extra inbound tensors), which Keras 2 and tf.keras read but Keras 3 cannot: write the keras-3 dialect for Keras 3.`,
  ];
}

/**
 * Nested functional models called in a functional graph: Keras 2 and tf.keras number their calls after
 * the model's built-in node (the form the Keras 2 dialects write), Keras 3 from 0 — its loader cannot
 * resolve a Keras 2-style reference to one (K3.15.1 `functional.deserialize_node`).
 */
export function nestedGraphNotes(config: ModelConfig, dialect: Dialect): string[] {
  if (config.className !== 'Functional' || dialect === 'keras-3') return [];
  const nested = config.layers.filter((l) => l.model?.className === 'Functional' && l.inboundNodes.length > 0).map((l) => `"${l.name}"`);
  if (nested.length === 0) return [];
  return [`nested functional model(s) ${nested.join(', ')} are written with Keras 2 / tf.keras node numbering (their calls counted after the model's own node), which Keras 2 and tf.keras read but Keras 3 cannot: write the keras-3 dialect for Keras 3.`];
}

function hardSigmoidNotes(config: ModelConfig, dialect: Dialect): string[] {
  const ours = hardSigmoidFor(config.kerasVersion);
  const users = config.layers.filter((l) => activationsOf(l).includes('hard_sigmoid'));
  if (users.length === 0) return [];
  const names = users.map((l) => `"${String(l.config.name)}"`).join(', ');
  const oursText = ours === 'keras2' ? 'clip(0.2x+0.5) (Keras ≤ 2.x)' : 'clip(x/6+0.5) (Keras 3)';
  if (dialect === 'keras-3' && ours === 'keras2') {
    return [`layer(s) ${names} use hard_sigmoid; this model computes ${oursText}, but Keras 3 computes clip(x/6+0.5) for the same name, so Keras 3 would predict different numbers. Write the keras-2 dialect, or convert the weights (kerasts convert rescales LSTM gates so Keras 3 computes the same function).`];
  }
  if (dialect === 'keras-2.0' && ours === 'keras3') {
    return [`layer(s) ${names} use hard_sigmoid; this model computes ${oursText}, but Keras 2.0.8 computes clip(0.2x+0.5) for the same name, so Keras 2 would predict different numbers.`];
  }
  if (dialect === 'keras-2' && ours === 'keras3') {
    return [`layer(s) ${names} use hard_sigmoid; this model computes ${oursText}. The file records keras_version "${config.kerasVersion}", so kerasts and Keras 3 compute the same, but tf.keras 2.x computes clip(0.2x+0.5) for that name.`];
  }
  return [];
}

function inputShapeOf(config: ModelConfig): { shape: JsonValue | null; inputSpec: LayerSpec | null; layers: LayerSpec[] } {
  const [first, ...rest] = config.layers;
  if (first && first.className === 'InputLayer') {
    return { shape: (first.config.batch_input_shape as JsonValue | undefined) ?? null, inputSpec: first, layers: rest };
  }
  const declared = (first?.config.batch_input_shape as JsonValue | undefined) ?? null;
  return { shape: declared, inputSpec: null, layers: config.layers };
}

/** The Keras JSON object for a canonical model config in a dialect. */
export function configToJsonObject(config: ModelConfig, options: WriteOptions = {}): JsonObject {
  const dialect = options.dialect ?? DEFAULT_DIALECT;
  const policy = options.numerics ?? 'error';
  const notes = numericsNotes(config, dialect);
  if (notes.length && policy !== 'ignore') {
    const unavoidable = dialect !== 'keras-2' || layerDialectNotes(config, dialect).length > 0;
    if (policy === 'error' && unavoidable) throw new UnsupportedError(`${notes.join(' ')} Pass numerics: 'warn' to write it anyway.`, `dialect ${dialect}`);
    (options.warn ?? console.warn)(`kerasts: ${notes.join(' ')}`);
  }
  const includeVersion = options.includeVersion ?? true;
  if (config.className === 'Functional') {
    const graph = graphNotes(config, dialect);
    if (graph.length && policy !== 'ignore') (options.warn ?? console.warn)(`kerasts: ${graph.join(' ')}`);
    return functionalToJsonObject(config, dialect, includeVersion);
  }
  const { shape, inputSpec, layers } = inputShapeOf(config);
  const name = config.name ?? 'sequential';
  const backend = config.backend ?? 'tensorflow';
  if (dialect === 'keras-2.0') {
    const list = layers.map((l, i) => (l.model ? nestedModelEntry(l, dialect) : { class_name: l.className, config: layerConfig(l, dialect, i === 0 ? shape : null) }));
    const version = kerasMajor(config.kerasVersion) <= 2 ? config.kerasVersion : '2.0.8';
    const out: JsonObject = { class_name: 'Sequential', config: list };
    if (includeVersion) Object.assign(out, { keras_version: version, backend });
    return out;
  }
  const inputName = (inputSpec?.config.name as string | undefined) ?? (dialect === 'keras-3' ? 'input_layer' : `${String(layers[0]?.config.name ?? 'sequential')}_input`);
  const dtype = (inputSpec?.config.dtype as string | undefined) ?? 'float32';
  if (dialect === 'keras-2') {
    const list: JsonValue[] = [];
    if (shape) list.push({ class_name: 'InputLayer', config: { batch_input_shape: cloneJson(shape), dtype, sparse: false, name: inputName } });
    for (const l of layers) list.push(l.model ? nestedModelEntry(l, dialect) : { class_name: l.className, config: layerConfig(l, dialect, null) });
    const cfg: JsonObject = { name, layers: list };
    if (!shape && config.buildInputShape) cfg.build_input_shape = [...config.buildInputShape];
    const out: JsonObject = { module: 'keras', class_name: 'Sequential', config: cfg };
    if (includeVersion) Object.assign(out, { keras_version: config.kerasVersion, backend });
    return out;
  }
  // keras-3
  const list: JsonValue[] = [];
  if (shape) {
    list.push({ module: 'keras.layers', class_name: 'InputLayer', config: { batch_shape: cloneJson(shape), dtype, sparse: false, name: inputName }, registered_name: null });
  }
  for (const l of layers) {
    if (l.model) {
      list.push(nestedModelEntry(l, dialect));
      continue;
    }
    const { module, registered_name } = kerasModuleOf(l.className);
    list.push({ module, class_name: l.className, config: layerConfig(l, dialect, null), registered_name });
  }
  const buildShape = shape ?? (config.buildInputShape ? [...config.buildInputShape] : null);
  const cfg: JsonObject = { name, trainable: true, dtype: 'float32', layers: list };
  if (buildShape) cfg.build_input_shape = cloneJson(buildShape);
  const out: JsonObject = { module: 'keras', class_name: 'Sequential', config: cfg, registered_name: null };
  if (buildShape) out.build_config = { input_shape: cloneJson(buildShape) };
  return out;
}

import type { JsonObject, JsonValue } from '@kerasts/layers';
import { modelFromConfig, type Functional, type Model, type Sequential } from '@kerasts/model';
import { ConfigError, checkDepth, withLimits } from '@kerasts/tensor';
import { parseModelConfig, type ParseOptions } from './read.js';
import { configToJsonObject, type WriteOptions } from './write.js';

/** Options of {@link toJSON}. */
export interface ToJsonOptions extends WriteOptions {
  /** Indentation passed to JSON.stringify (Keras writes none). */
  space?: number;
}

/**
 * Keras' `model.to_json()`: the architecture as a JSON string in a dialect (default `keras-2`, the form
 * both tf.keras 2.x and Keras 3 load). Python's float spelling is kept (`1.0`, not `1`) where Keras
 * writes floats.
 */
export function toJSON(model: Model, options: ToJsonOptions = {}): string {
  return stringifyKerasJson(modelToJsonObject(model, options), options.space);
}

/** The architecture as a JSON object in a dialect (what {@link toJSON} stringifies). */
export function modelToJsonObject(model: Model, options: WriteOptions = {}): JsonObject {
  return configToJsonObject(model.toConfig(), options);
}

/** Parse JSON text, reporting syntax errors with their position. Python's NaN/Infinity are accepted. */
export function parseJsonText(text: string, source = ''): JsonValue {
  const value = parseJsonSyntax(text, source);
  checkDepth(value, source); // nesting within maxDepth, no "__proto__" keys
  return value;
}

function parseJsonSyntax(text: string, source: string): JsonValue {
  try {
    return JSON.parse(text) as JsonValue;
  } catch (e) {
    // Python's json.dumps writes NaN / Infinity, which JSON.parse rejects: retry with them quoted.
    if (/\b(NaN|-?Infinity)\b/.test(text)) {
      try {
        const fixed = text.replace(/(?<=[:,[]\s*)(NaN|-?Infinity)(?=\s*[,}\]])/g, '"__kerasts_$1__"');
        return JSON.parse(fixed, (_k, v: unknown) =>
          v === '__kerasts_NaN__' ? NaN : v === '__kerasts_Infinity__' ? Infinity : v === '__kerasts_-Infinity__' ? -Infinity : v,
        ) as JsonValue;
      } catch {
        /* fall through to the original error */
      }
    }
    throw new ConfigError(`not valid JSON: ${(e as Error).message}`, source);
  }
}

/** Options of {@link modelFromJSON}. */
export interface ModelFromJsonOptions extends ParseOptions {
  /**
   * Require this model class (a ConfigError otherwise); also narrows the return type, e.g.
   * `modelFromJSON(json, { expect: 'Sequential' })` is a `Sequential`.
   */
  expect?: 'Sequential' | 'Functional';
}

/**
 * Keras' `model_from_json`: build a model (fresh weights) from architecture JSON of any era (Keras 1,
 * 2.0.x list form, 2.2+ dict form, tf.keras, Keras 3): a `Sequential`, or a `Functional` for
 * `Model` / `Functional` configs. The Keras version the JSON came from travels with the model
 * (`model.kerasVersion`), because numerics depend on it.
 */
export function modelFromJSON(json: string | JsonValue, options: ModelFromJsonOptions & { expect: 'Sequential' }): Sequential;
export function modelFromJSON(json: string | JsonValue, options: ModelFromJsonOptions & { expect: 'Functional' }): Functional;
export function modelFromJSON(json: string | JsonValue, options?: ModelFromJsonOptions): Sequential | Functional;
export function modelFromJSON(json: string | JsonValue, options: ModelFromJsonOptions = {}): Sequential | Functional {
  return withLimits(options.limits, () => modelFromJsonWithin(json, options));
}

function modelFromJsonWithin(json: string | JsonValue, options: ModelFromJsonOptions): Sequential | Functional {
  const raw = typeof json === 'string' ? parseJsonText(json, options.source) : json;
  const { config } = parseModelConfig(raw, options);
  if (options.expect && config.className !== options.expect) {
    throw new ConfigError(`expected a ${options.expect} model, but the JSON describes a ${config.className} model`, options.source ?? '');
  }
  return modelFromConfig(config, options.source ? { source: options.source } : {});
}

/** `JSON.stringify` that writes integral floats of known float keys as Python does (`1.0`). */
export function stringifyKerasJson(value: JsonValue, space?: number): string {
  return JSON.stringify(value, (_k, v: unknown) => v, space).replace(FLOAT_KEYS_RE, (_m, key: string, num: string) => `"${key}":${space ? ' ' : ''}${num}.0`);
}

// Keys whose values Python holds as floats; JSON.stringify drops their ".0".
/** Config keys whose values Keras holds as Python floats even when integral (`scale: 1.0`). */
export const KERAS_FLOAT_KEYS: ReadonlySet<string> = new Set([
  'scale', 'gain', 'dropout', 'recurrent_dropout', 'rate', 'l1', 'l2', 'mean', 'stddev', 'minval', 'maxval',
  'lr', 'learning_rate', 'momentum', 'decay', 'rho', 'epsilon', 'beta_1', 'beta_2', 'alpha', 'theta', 'clipnorm', 'clipvalue', 'schedule_decay',
]);
const FLOAT_KEYS_RE = new RegExp(`"(${[...KERAS_FLOAT_KEYS].join('|')})":\\s?(-?\\d+)(?=[,}\\n\\s])`, 'g');

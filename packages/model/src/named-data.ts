/**
 * Data for a model's inputs or outputs the three ways Keras takes it: one array, a list in model
 * order, or a dict keyed by name (`model.predict({ input_a: xa, input_b: xb })`).
 */
import { closestOption } from '@kerasts/layers';
import { ConfigError, ShapeMismatchError, Tensor } from '@kerasts/tensor';
import type { DataLike } from './training/data.js';

/** One array, a list in model order, or a record keyed by input (or output) name. */
export type NamedData<T> = T | readonly T[] | { readonly [name: string]: T };

/** What `fit`/`evaluate` take as x or y: one array, a list in model order, or a record keyed by input (output) name. */
export type ModelData = NamedData<DataLike>;

/** What the data is for, for messages and matching. */
export interface NamedDataSpec {
  /** The names to match a record's keys against, in model order (may be empty while unknown). */
  names: readonly string[];
  /** How many arrays the model takes here. */
  count: number;
  /** `input` or `output` (targets are matched to outputs). */
  kind: 'input' | 'output';
  /** The argument's name in messages (`x`, `y`, `validationData[0]`). */
  arg: string;
  /** The model's name. */
  model: string;
}

/** Is this a record of arrays (not an array, a typed array or a Tensor)? */
export function isNamedRecord(v: unknown): v is { readonly [name: string]: unknown } {
  if (v === null || typeof v !== 'object' || Array.isArray(v) || ArrayBuffer.isView(v) || v instanceof Tensor) return false;
  const proto: unknown = Object.getPrototypeOf(v);
  return proto === Object.prototype || proto === null;
}

/**
 * The arrays in model order, each with a label for messages (`x`, `x[1]`, `x["input_a"]`).
 *
 * @throws {ConfigError} for a record whose keys are not the model's names (naming the closest one).
 * @throws {ShapeMismatchError} for a list of the wrong length.
 */
export function orderedData<T>(data: NamedData<T>, spec: NamedDataSpec): { values: T[]; labels: string[] } {
  const { names, count, kind, arg, model } = spec;
  const plural = `${kind}${count === 1 ? '' : 's'}`;
  const named = names.length ? ` (${names.join(', ')})` : '';
  if (isNamedRecord(data)) {
    const keys = Object.keys(data);
    if (names.length === 0 && count === 1 && keys.length === 1) return { values: [data[keys[0]!] as T], labels: [`${arg}["${keys[0]}"]`] };
    const unique = new Set(names);
    if (unique.size !== names.length) {
      throw new ConfigError(`model "${model}" has ${kind}s that share a name${named}; pass ${arg} as a list in ${kind} order`, model);
    }
    for (const k of keys) {
      if (!unique.has(k)) {
        const hint = closestOption(k, names);
        throw new ConfigError(`${arg} has the key "${k}", but model "${model}" has no ${kind} of that name${hint ? `; did you mean "${hint}"?` : ''} (${kind} names: ${names.join(', ') || 'none yet'})`, model);
      }
    }
    const missing = names.filter((n) => !Object.hasOwn(data, n)); // own keys: a layer may be named "constructor"
    if (missing.length) throw new ConfigError(`${arg} has no data for the ${kind}${missing.length === 1 ? '' : 's'} ${missing.map((m) => `"${m}"`).join(', ')} of model "${model}"`, model);
    return { values: names.map((n) => data[n] as T), labels: names.map((n) => `${arg}["${n}"]`) };
  }
  if (Array.isArray(data) && (count > 1 || (data.length > 0 && data.every((e) => e instanceof Tensor)))) {
    const list = data as readonly T[];
    if (list.length !== count) {
      throw new ShapeMismatchError(
        `model "${model}" takes ${count} ${plural}${named}, got a list of ${list.length}; pass one array per ${kind}, as a list in ${kind} order or a record keyed by name`,
        [count],
        [list.length],
        model,
      );
    }
    return { values: [...list], labels: list.map((_, i) => `${arg}[${i}]`) };
  }
  if (count > 1) {
    throw new ShapeMismatchError(`model "${model}" takes ${count} ${plural}${named}, got one array; pass a list in ${kind} order or a record keyed by name`, [count], [1], model);
  }
  return { values: [data as T], labels: [arg] };
}

/**
 * Keras-style constructor arguments. Layers take a positional first argument where Keras has one
 * (`new Dense(32)`, `new Dropout(0.2)`, `new Embedding(1000, 64)`) next to an options object, and
 * refuse option names they do not know — in plain JavaScript too, where TypeScript cannot check —
 * naming the closest valid one (`return_sequences` → did you mean `returnSequences`?).
 */
import { ConfigError } from '@kerasts/tensor';
import type { LayerOptions } from './layer.js';

/** The option names every layer takes (Keras' base-layer arguments). */
export const BASE_OPTION_KEYS: readonly (keyof LayerOptions)[] = ['name', 'trainable', 'inputShape', 'batchInputShape', 'batchSize', 'inputDim', 'dtype'];

/**
 * A layer's own option names, as an object so that TypeScript checks the list is complete:
 * `const KEYS: OptionKeys<DenseOptions> = { units: true, activation: true, ... }`.
 */
export type OptionKeys<O> = Record<Exclude<keyof O, keyof LayerOptions>, true>;

/** How a layer class reads its constructor arguments. */
export interface LayerArgsSpec {
  /** Keras' positional arguments, in order (e.g. `['units']`, `['inputDim', 'outputDim']`). */
  positional?: readonly string[];
  /** Options that must be given (default: the positional ones). */
  required?: readonly string[];
  /** The layer's own option names (base options are always allowed). */
  keys: Readonly<Record<string, true>>;
}

function isPlainObject(v: unknown): v is Record<string, unknown> {
  if (v === null || typeof v !== 'object' || Array.isArray(v)) return false;
  const proto: unknown = Object.getPrototypeOf(v);
  return proto === Object.prototype || proto === null;
}

function snakeToCamel(s: string): string {
  return s.replace(/_([a-z0-9])/g, (_, c: string) => c.toUpperCase());
}

function editDistance(a: string, b: string): number {
  const prev = Array.from({ length: b.length + 1 }, (_, j) => j);
  for (let i = 1; i <= a.length; i++) {
    let diag = prev[0]!;
    prev[0] = i;
    for (let j = 1; j <= b.length; j++) {
      const up = prev[j]!;
      prev[j] = Math.min(up + 1, prev[j - 1]! + 1, diag + (a[i - 1] === b[j - 1] ? 0 : 1));
      diag = up;
    }
  }
  return prev[b.length]!;
}

/** The valid name closest to `name` (its camelCase spelling first, then by edit distance), or null. */
export function closestOption(name: string, valid: readonly string[]): string | null {
  const camel = snakeToCamel(name);
  const exact = valid.find((v) => v === camel || v.toLowerCase() === name.toLowerCase().replace(/_/g, ''));
  if (exact) return exact;
  let best: string | null = null;
  let bestD = Infinity;
  for (const v of valid) {
    const d = editDistance(camel.toLowerCase(), v.toLowerCase());
    if (d < bestD) {
      bestD = d;
      best = v;
    }
  }
  return best !== null && bestD <= Math.max(2, Math.floor(best.length / 3)) ? best : null;
}

/**
 * Refuse option names a function or class does not take — in plain JavaScript too, where TypeScript
 * cannot check — naming the closest valid one (`loss_weights` → did you mean `lossWeights`?). Used by
 * models, `compile`, `fit`, `predict`, optimizers and `Input`; layers go through {@link layerArgs}.
 *
 * @param what how the caller is named in messages, e.g. `compile()` or `Adam`.
 * @param options the options object as received (`undefined` is fine).
 * @param valid the option names it takes.
 * @throws {ConfigError} when `options` is not a plain object or holds a name not in `valid`.
 */
export function checkOptions(what: string, options: unknown, valid: readonly string[]): void {
  if (options === undefined) return;
  if (!isPlainObject(options)) throw new ConfigError(`${what} takes an options object, found ${describe(options)}`, what);
  for (const key of Object.keys(options)) {
    if (valid.includes(key)) continue;
    const hint = closestOption(key, valid);
    throw new ConfigError(`${what} has no option "${key}"${hint ? `; did you mean "${hint}"?` : ''} (options: ${valid.join(', ')})`, what);
  }
}

/**
 * Merge a layer constructor's arguments — positional values first, then an options object — into
 * one options object, refusing unknown names, repeated ones and missing required ones.
 *
 * @param className the Keras class name, for messages.
 * @param args the constructor's arguments as received.
 * @throws {ConfigError} naming the option (and the closest valid name) when an argument does not fit.
 */
export function layerArgs<O extends object>(className: string, args: readonly unknown[], spec: LayerArgsSpec): O {
  const positional = spec.positional ?? [];
  const list = [...args];
  while (list.length > 0 && list[list.length - 1] === undefined) list.pop();
  const out: Record<string, unknown> = {};
  let k = 0;
  while (k < list.length && k < positional.length && !isPlainObject(list[k])) {
    out[positional[k]!] = list[k];
    k++;
  }
  if (k < list.length) {
    const opts = list[k];
    if (!isPlainObject(opts)) {
      const want = positional.length ? `${positional.slice(k).join(', ')}${positional.length > k ? ' or ' : ''}an options object` : 'an options object';
      throw new ConfigError(`new ${className}(...): argument ${k + 1} should be ${want}, found ${describe(opts)}`, className);
    }
    if (k + 1 < list.length) throw new ConfigError(`new ${className}(...) takes at most ${k + 1} argument(s) here, found ${list.length}`, className);
    const valid = [...BASE_OPTION_KEYS, ...Object.keys(spec.keys)];
    for (const key of Object.keys(opts)) {
      if (!valid.includes(key)) {
        const hint = closestOption(key, valid);
        throw new ConfigError(`${className} has no option "${key}"${hint ? `; did you mean "${hint}"?` : ''} (options: ${valid.join(', ')})`, className);
      }
      if (key in out) throw new ConfigError(`${className}: "${key}" is given both as argument and as option`, className);
      out[key] = opts[key];
    }
  }
  for (const key of spec.required ?? positional) {
    if (out[key] === undefined) throw new ConfigError(`${className} needs "${key}" (new ${className}(${positional.join(', ')}) or new ${className}({ ${key}: ... }))`, className);
  }
  return out as O;
}

function describe(v: unknown): string {
  if (v === null) return 'null';
  if (Array.isArray(v)) return 'an array';
  if (typeof v === 'object') return `an object of class ${(v as object).constructor?.name ?? 'unknown'}`;
  return `${typeof v} ${String(v)}`;
}

/**
 * Resource limits for untrusted input: how large an array, a model or a nesting may be before
 * kerasts refuses it with a {@link LimitError} instead of allocating. One place for every package:
 * the HDF5 reader checks declared dataset sizes against `maxBytes`, a layer's `addWeight` checks
 * weight sizes against `maxParameters`, config readers check nesting against `maxDepth`.
 *
 * The defaults suit models up to about 1 GiB of float32 weights. A caller who trusts a larger input
 * raises a limit per call (the `limits` option of the loaders) or for the whole process
 * ({@link setDefaultLimits}).
 */
import { ConfigError, LimitError } from './errors.js';

/** The limits. Every field is a positive number (Infinity turns a limit off). */
export interface Limits {
  /**
   * Largest total size, in bytes, of the arrays one file may declare (the weights and optimizer
   * state of an HDF5 file, decoded and decompressed). Default 1 GiB.
   */
  maxBytes: number;
  /** Largest number of weight values one model (or one layer) may create. Default 2^28 (1 GiB of float32). */
  maxParameters: number;
  /**
   * Memory the HDF5 engine may use for a file's structure (attributes, model_config, B-trees,
   * chunk buffers) beyond the arrays allowed by `maxBytes`. Default 64 MiB.
   */
  maxMetadataBytes: number;
  /** Deepest nesting of a configuration (JSON/YAML objects and lists) or of a shape. Default 100. */
  maxDepth: number;
}

/** The defaults (documented in the repository README, "Loading untrusted files"). */
export const DEFAULT_LIMITS: Readonly<Limits> = Object.freeze({
  maxBytes: 2 ** 30,
  maxParameters: 2 ** 28,
  maxMetadataBytes: 64 * 2 ** 20,
  maxDepth: 100,
});

const NAMES: readonly (keyof Limits)[] = ['maxBytes', 'maxParameters', 'maxMetadataBytes', 'maxDepth'];

let processDefaults: Limits = { ...DEFAULT_LIMITS };
const scopes: Limits[] = [];

/** `base` with the fields of `partial` that are set, each checked to be a positive number. */
export function resolveLimits(partial?: Partial<Limits> | null, base: Limits = getLimits()): Limits {
  if (partial === undefined || partial === null) return base;
  if (typeof partial !== 'object') throw new ConfigError(`limits must be an object with ${NAMES.join(', ')}`, 'limits');
  const out = { ...base };
  for (const [k, v] of Object.entries(partial)) {
    if (!(NAMES as readonly string[]).includes(k)) throw new ConfigError(`unknown limit "${k}" (known: ${NAMES.join(', ')})`, 'limits');
    if (v === undefined) continue;
    if (typeof v !== 'number' || Number.isNaN(v) || v <= 0) throw new ConfigError(`limits.${k} must be a positive number (Infinity for no limit), got ${String(v)}`, 'limits');
    out[k as keyof Limits] = v;
  }
  return out;
}

/** The limits in force: the innermost {@link withLimits} scope, else the process defaults. */
export function getLimits(): Limits {
  return scopes[scopes.length - 1] ?? processDefaults;
}

/** Change the process-wide defaults (fields not given keep their value); returns the previous ones. */
export function setDefaultLimits(partial: Partial<Limits>): Limits {
  const prev = processDefaults;
  processDefaults = resolveLimits(partial, processDefaults);
  return prev;
}

/**
 * Run `fn` (synchronously) with `partial` over the current limits. Loaders wrap model building in it
 * so that every layer's `addWeight` sees the caller's limits.
 */
export function withLimits<T>(partial: Partial<Limits> | null | undefined, fn: () => T): T {
  scopes.push(resolveLimits(partial));
  try {
    return fn();
  } finally {
    scopes.pop();
  }
}

/**
 * Check a shape declared by input before anything of that size is allocated: every dimension a
 * non-negative safe integer, and the element count within `maxParameters`.
 * @returns the element count.
 */
export function checkDeclaredShape(shape: readonly number[], what: string, where: string, limits: Limits = getLimits()): number {
  if (shape.length > limits.maxDepth) throw new LimitError(`${what} has ${shape.length} dimensions`, where, 'maxDepth', shape.length, limits.maxDepth, 'levels');
  let n = 1;
  for (const d of shape) {
    if (typeof d !== 'number' || !Number.isSafeInteger(d) || d < 0) {
      throw new ConfigError(`${what} has shape [${shape.map(String).join(', ')}]: every dimension must be a non-negative integer, found ${String(d)}`, where);
    }
    n *= d;
  }
  if (n > limits.maxParameters) throw new LimitError(`${what} of shape [${shape.join(', ')}] has too many values`, where, 'maxParameters', n, limits.maxParameters, 'values');
  return n;
}

/**
 * Check the nesting depth of a parsed value (objects and arrays) without recursion, so a
 * 100,000-deep input gives a {@link LimitError} rather than a stack overflow. Also refuses an own
 * `__proto__` key (JSON.parse makes one; copying it into another object would set that object's
 * prototype), which no Keras configuration has.
 */
export function checkDepth(value: unknown, where: string, limits: Limits = getLimits()): void {
  const max = limits.maxDepth;
  const stack: [unknown, number][] = [[value, 1]];
  const seen = new Set<object>();
  while (stack.length > 0) {
    const [v, d] = stack.pop()!;
    if (v === null || typeof v !== 'object') continue;
    if (seen.has(v)) continue; // YAML aliases may share objects; each is walked once
    seen.add(v);
    if (d > max) throw new LimitError('the configuration is nested too deeply', where, 'maxDepth', d, max, 'levels');
    if (!Array.isArray(v) && Object.hasOwn(v, '__proto__')) throw new ConfigError('a configuration may not have a key named "__proto__"', where);
    const children = Array.isArray(v) ? v : Object.values(v as object);
    for (const c of children) if (c !== null && typeof c === 'object') stack.push([c, d + 1]);
  }
}

const budgets: { used: number }[] = [];

/**
 * Run `fn` (synchronously) with one count of weight values for everything it builds: the model
 * loaders wrap a whole model in it, so that many layers cannot together exceed `maxParameters`.
 * Inside an open budget, `fn` shares it.
 */
export function withParameterBudget<T>(fn: () => T): T {
  if (budgets.length > 0) return fn();
  budgets.push({ used: 0 });
  try {
    return fn();
  } finally {
    budgets.pop();
  }
}

/**
 * The check every weight passes before its values are allocated (initializers call it; so does
 * `Layer.addWeight`): a well-formed shape within `maxParameters`, and, inside
 * {@link withParameterBudget}, all weights so far within `maxParameters` too.
 * @returns the element count.
 */
export function claimWeight(shape: readonly number[], what: string, where: string): number {
  const limits = getLimits();
  const n = checkDeclaredShape(shape, what, where, limits);
  const budget = budgets[budgets.length - 1];
  if (budget !== undefined) {
    if (budget.used + n > limits.maxParameters) {
      throw new LimitError(`${what} of shape [${shape.join(', ')}] would bring the model's weights to too many values`, where, 'maxParameters', budget.used + n, limits.maxParameters, 'values');
    }
    budget.used += n;
  }
  return n;
}

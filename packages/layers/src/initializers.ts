import { ConfigError, Random, claimWeight, shapeSize } from '@kerasts/tensor';
import { isJsonObject, type JsonObject, type JsonValue, type SerializedObject } from './engine/json.js';

/**
 * Weight initializers, as Keras defines them. Each one is built from its serialized form
 * (`{class_name, config}`, a Keras 2/3 string name such as `"glorot_uniform"`, or a Keras 1 name such as
 * `"one"`), draws from a seeded {@link Random} so that runs repeat, and serializes back to the exact
 * form it came from.
 */
export interface Initializer {
  /** Keras class name, e.g. `GlorotUniform`. */
  readonly className: string;
  /** Fill a new Float32Array for a weight of this shape. */
  init(shape: readonly number[]): Float32Array;
  /** The serialized form (`{class_name, config}`). */
  serialize(): SerializedObject;
}

let globalRandom = new Random(1337);
let skipInitialization = 0;

/**
 * Placeholder storage handed out inside {@link withoutInitialization}: one zero buffer, never written,
 * that every placeholder weight views (so building a 100 MB model to load allocates nothing).
 */
let placeholder: ArrayBuffer | null = null;
const placeholderBuffers = new WeakSet<ArrayBufferLike>();

function placeholderArray(n: number): Float32Array {
  if (!placeholder || placeholder.byteLength < n * 4) {
    placeholder = new ArrayBuffer(Math.max(n * 4, 1 << 20));
    placeholderBuffers.add(placeholder);
  }
  return new Float32Array(placeholder, 0, n);
}

/**
 * Is this a placeholder from {@link withoutInitialization} (all zeros, shared: it must be replaced
 * before the weight is used or written)?
 */
export function isPlaceholderWeights(values: Float32Array): boolean {
  return placeholderBuffers.has(values.buffer);
}

/**
 * Build layers inside `fn` with placeholder weights instead of drawing initial values: used when
 * every weight is about to be loaded from a file (an Orthogonal initializer on a 1024-unit LSTM costs
 * seconds that a load would throw away). The placeholders read as zeros but share one buffer and
 * must never be written: the caller replaces every weight whose values satisfy
 * {@link isPlaceholderWeights} (with the loaded array, or with its own zero-filled copy).
 */
export function withoutInitialization<T>(fn: () => T): T {
  skipInitialization++;
  try {
    return fn();
  } finally {
    skipInitialization--;
  }
}

/** Seed the generator used by initializers that have no seed of their own (like `keras.utils.set_random_seed`). */
export function setRandomSeed(seed: number): void {
  globalRandom = new Random(seed);
}

function rngFor(seed: JsonValue | undefined): Random {
  return typeof seed === 'number' ? new Random(seed) : globalRandom;
}

/** Fan-in and fan-out as Keras computes them (receptive field for conv kernels). */
export function computeFans(shape: readonly number[]): [number, number] {
  if (shape.length === 0) return [1, 1];
  if (shape.length === 1) return [shape[0]!, shape[0]!];
  if (shape.length === 2) return [shape[0]!, shape[1]!];
  const receptive = shapeSize(shape.slice(0, -2));
  return [shape[shape.length - 2]! * receptive, shape[shape.length - 1]! * receptive];
}

function num(cfg: JsonObject, key: string, dflt: number, where: string): number {
  const v = cfg[key];
  if (v === undefined || v === null) return dflt;
  if (typeof v !== 'number') throw new ConfigError(`"${key}" must be a number, found ${JSON.stringify(v)}`, where);
  return v;
}

function str(cfg: JsonObject, key: string, dflt: string, where: string): string {
  const v = cfg[key];
  if (v === undefined || v === null) return dflt;
  if (typeof v !== 'string') throw new ConfigError(`"${key}" must be a string, found ${JSON.stringify(v)}`, where);
  return v;
}

type Make = (cfg: JsonObject, where: string) => (shape: readonly number[]) => Float32Array;

function varianceScaling(scale: number, mode: string, distribution: string, seed: JsonValue | undefined, where: string) {
  if (!['fan_in', 'fan_out', 'fan_avg'].includes(mode)) throw new ConfigError(`VarianceScaling mode must be fan_in, fan_out or fan_avg, found "${mode}"`, where);
  const dist = distribution === 'normal' ? 'truncated_normal' : distribution;
  if (!['truncated_normal', 'untruncated_normal', 'uniform'].includes(dist)) {
    throw new ConfigError(`VarianceScaling distribution must be uniform, truncated_normal or untruncated_normal, found "${distribution}"`, where);
  }
  return (shape: readonly number[]) => {
    const rng = rngFor(seed);
    const [fanIn, fanOut] = computeFans(shape);
    const n = mode === 'fan_in' ? fanIn : mode === 'fan_out' ? fanOut : (fanIn + fanOut) / 2;
    const s = scale / Math.max(1, n);
    const out = new Float32Array(shapeSize(shape));
    if (dist === 'uniform') {
      const limit = Math.sqrt(3 * s);
      return rng.fill(out, () => rng.uniformRange(-limit, limit));
    }
    if (dist === 'untruncated_normal') {
      const std = Math.sqrt(s);
      return rng.fill(out, () => rng.normal(0, std));
    }
    // 0.879... is the stddev of a unit normal truncated to [-2, 2]; Keras divides by it.
    const std = Math.sqrt(s) / 0.8796256610342398;
    return rng.fill(out, () => rng.truncatedNormal(0, std));
  };
}

function orthogonal(gain: number, seed: JsonValue | undefined) {
  return (shape: readonly number[]) => {
    const rng = rngFor(seed);
    if (shape.length < 2) throw new ConfigError('Orthogonal initializer needs a shape of rank 2 or more', 'Orthogonal');
    const cols = shape[shape.length - 1]!;
    const rows = shapeSize(shape) / cols;
    // QR of a (max × min) normal matrix by modified Gram-Schmidt in float64, sign-corrected like Keras.
    const big = Math.max(rows, cols);
    const small = Math.min(rows, cols);
    const a: Float64Array[] = [];
    for (let j = 0; j < small; j++) {
      const v = new Float64Array(big);
      for (let i = 0; i < big; i++) v[i] = rng.normal(0, 1);
      a.push(v);
    }
    for (let j = 0; j < small; j++) {
      const v = a[j]!;
      for (let p = 0; p < j; p++) {
        const q = a[p]!;
        let d = 0;
        for (let i = 0; i < big; i++) d += q[i]! * v[i]!;
        for (let i = 0; i < big; i++) v[i] = v[i]! - d * q[i]!;
      }
      let norm = 0;
      for (let i = 0; i < big; i++) norm += v[i]! * v[i]!;
      norm = Math.sqrt(norm) || 1;
      for (let i = 0; i < big; i++) v[i] = v[i]! / norm;
    }
    const out = new Float32Array(rows * cols);
    for (let r = 0; r < rows; r++) {
      for (let c = 0; c < cols; c++) {
        // q has orthonormal columns (big × small); transpose when rows < cols.
        const val = rows >= cols ? a[c]![r]! : a[r]![c]!;
        out[r * cols + c] = gain * val;
      }
    }
    return out;
  };
}

const makers: Record<string, Make> = {
  Zeros: () => (shape) => new Float32Array(shapeSize(shape)),
  Ones: () => (shape) => new Float32Array(shapeSize(shape)).fill(1),
  Constant: (cfg, where) => {
    const v = num(cfg, 'value', 0, where);
    return (shape) => new Float32Array(shapeSize(shape)).fill(v);
  },
  RandomNormal: (cfg, where) => {
    const mean = num(cfg, 'mean', 0, where);
    const std = num(cfg, 'stddev', 0.05, where);
    return (shape) => {
      const rng = rngFor(cfg.seed);
      return rng.fill(new Float32Array(shapeSize(shape)), () => rng.normal(mean, std));
    };
  },
  RandomUniform: (cfg, where) => {
    const lo = num(cfg, 'minval', -0.05, where);
    const hi = num(cfg, 'maxval', 0.05, where);
    return (shape) => {
      const rng = rngFor(cfg.seed);
      return rng.fill(new Float32Array(shapeSize(shape)), () => rng.uniformRange(lo, hi));
    };
  },
  TruncatedNormal: (cfg, where) => {
    const mean = num(cfg, 'mean', 0, where);
    const std = num(cfg, 'stddev', 0.05, where);
    return (shape) => {
      const rng = rngFor(cfg.seed);
      return rng.fill(new Float32Array(shapeSize(shape)), () => rng.truncatedNormal(mean, std));
    };
  },
  VarianceScaling: (cfg, where) =>
    varianceScaling(num(cfg, 'scale', 1, where), str(cfg, 'mode', 'fan_in', where), str(cfg, 'distribution', 'truncated_normal', where), cfg.seed, where),
  GlorotUniform: (cfg, where) => varianceScaling(1, 'fan_avg', 'uniform', cfg.seed, where),
  GlorotNormal: (cfg, where) => varianceScaling(1, 'fan_avg', 'truncated_normal', cfg.seed, where),
  HeUniform: (cfg, where) => varianceScaling(2, 'fan_in', 'uniform', cfg.seed, where),
  HeNormal: (cfg, where) => varianceScaling(2, 'fan_in', 'truncated_normal', cfg.seed, where),
  LecunUniform: (cfg, where) => varianceScaling(1, 'fan_in', 'uniform', cfg.seed, where),
  LecunNormal: (cfg, where) => varianceScaling(1, 'fan_in', 'truncated_normal', cfg.seed, where),
  Orthogonal: (cfg, where) => orthogonal(num(cfg, 'gain', 1, where), cfg.seed),
  Identity: (cfg, where) => {
    const gain = num(cfg, 'gain', 1, where);
    return (shape) => {
      if (shape.length !== 2) throw new ConfigError(`Identity initializer needs a 2-D shape, found [${shape.join(', ')}]`, where);
      const [r, c] = [shape[0]!, shape[1]!];
      const out = new Float32Array(r * c);
      for (let i = 0; i < Math.min(r, c); i++) out[i * c + i] = gain;
      return out;
    };
  },
};

/** Aliases: Keras' snake_case names, Keras 1 names and old class names, to class names. */
const aliases: Record<string, string> = {
  zeros: 'Zeros', zero: 'Zeros', Zero: 'Zeros',
  ones: 'Ones', one: 'Ones', One: 'Ones',
  constant: 'Constant',
  random_normal: 'RandomNormal', normal: 'RandomNormal',
  random_uniform: 'RandomUniform', uniform: 'RandomUniform',
  truncated_normal: 'TruncatedNormal',
  variance_scaling: 'VarianceScaling',
  glorot_uniform: 'GlorotUniform', glorot_normal: 'GlorotNormal',
  he_uniform: 'HeUniform', he_normal: 'HeNormal',
  lecun_uniform: 'LecunUniform', lecun_normal: 'LecunNormal',
  orthogonal: 'Orthogonal',
  identity: 'Identity', IdentityInitializer: 'Identity', OrthogonalInitializer: 'Orthogonal',
};

/** Every initializer class name kerasts knows. */
export const INITIALIZER_NAMES: readonly string[] = Object.keys(makers);

/** Canonical Keras class name for an initializer name or alias, or null when unknown. */
export function initializerClassName(name: string): string | null {
  // own properties only: "constructor" or "toString" must not find Object.prototype's functions
  if (Object.hasOwn(makers, name)) return name;
  if (Object.hasOwn(aliases, name)) return aliases[name]!;
  const lower = name.toLowerCase();
  return Object.hasOwn(aliases, lower) ? aliases[lower]! : null;
}

/** Default config written for an initializer given by string (what Keras 3 serializes). */
function defaultConfig(className: string): JsonObject {
  switch (className) {
    case 'Zeros':
    case 'Ones':
      return {};
    case 'Constant':
      return { value: 0 };
    case 'Orthogonal':
      return { gain: 1.0, seed: null };
    case 'Identity':
      return { gain: 1.0 };
    case 'RandomNormal':
    case 'TruncatedNormal':
      return { mean: 0.0, stddev: 0.05, seed: null };
    case 'RandomUniform':
      return { minval: -0.05, maxval: 0.05, seed: null };
    case 'VarianceScaling':
      return { scale: 1.0, mode: 'fan_in', distribution: 'truncated_normal', seed: null };
    default:
      return { seed: null };
  }
}

/** Anything a user or a config may give for an initializer. */
export type InitializerSpec = string | SerializedObject | Initializer | JsonObject;

function isInitializer(v: unknown): v is Initializer {
  return typeof v === 'object' && v !== null && typeof (v as Initializer).init === 'function';
}

/**
 * Build an initializer from a string, a `{class_name, config}` object (Keras 2/3, module form too) or
 * an {@link Initializer}. `where` names the place for error messages (e.g. `dense_1.kernel_initializer`).
 */
export function getInitializer(spec: InitializerSpec, where = 'initializer'): Initializer {
  if (isInitializer(spec)) return spec;
  let serialized: SerializedObject;
  if (typeof spec === 'string') {
    const cls = initializerClassName(spec);
    if (!cls) throw new ConfigError(`unknown initializer "${spec}"; known: ${INITIALIZER_NAMES.join(', ')}`, where);
    serialized = { class_name: cls, config: defaultConfig(cls) };
  } else if (isJsonObject(spec) && typeof spec.class_name === 'string') {
    const config = isJsonObject(spec.config) ? spec.config : {};
    serialized = { class_name: spec.class_name, config };
  } else {
    throw new ConfigError(`an initializer must be a name or {"class_name", "config"}, found ${JSON.stringify(spec)}`, where);
  }
  const cls = initializerClassName(serialized.class_name);
  if (!cls) throw new ConfigError(`unknown initializer class "${serialized.class_name}"; known: ${INITIALIZER_NAMES.join(', ')}`, where);
  const make = makers[cls]!;
  const fn = make(serialized.config, where);
  const frozen: SerializedObject = { class_name: serialized.class_name, config: serialized.config };
  return {
    className: cls,
    init: (shape) => {
      // every weight a layer creates passes here before its values are allocated: the shape and the
      // model's total against the limits (maxParameters), for every layer, old and new
      claimWeight(shape, `a weight`, where);
      return skipInitialization > 0 ? placeholderArray(shapeSize(shape)) : fn(shape);
    },
    serialize: () => JSON.parse(JSON.stringify(frozen)) as SerializedObject,
  };
}

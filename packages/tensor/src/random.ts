/**
 * A small seeded random number generator (xoshiro128** seeded through splitmix32) with the
 * distributions Keras initialisers need.
 */
import { ConfigError } from './errors.js';

const TWO_POW_32 = 4294967296;
const TWO_POW_53 = 9007199254740992;
const TWO_PI = 2 * Math.PI;

/** splitmix32 step: a well-mixed 32-bit value from a counter, used only to seed the main generator. */
function splitmix32(state: number): [next: number, out: number] {
  const next = (state + 0x9e3779b9) | 0;
  let z = next;
  z = Math.imul(z ^ (z >>> 16), 0x21f0aaad);
  z = Math.imul(z ^ (z >>> 15), 0x735a2d97);
  z ^= z >>> 15;
  return [next, z >>> 0];
}

/**
 * A seeded, repeatable pseudo-random generator: the same seed gives the same stream on every platform.
 * Not cryptographic. Without a seed one is drawn from `Math.random` (and is readable as {@link Random.seed}).
 *
 * @example
 * const rng = new Random(42);
 * const w = rng.fill(new Float32Array(16), () => rng.uniformRange(-0.05, 0.05));
 */
export class Random {
  /** The seed this generator started from. */
  readonly seed: number;
  private s0: number;
  private s1: number;
  private s2: number;
  private s3: number;
  /** The second value of the last Box–Muller pair, or NaN when none is waiting. */
  private spare = NaN;

  /**
   * @param seed any finite number (integers up to 2^53 are distinguished exactly); omitted: a random seed.
   * @throws {ConfigError} if the seed is NaN or infinite.
   */
  constructor(seed?: number) {
    if (seed !== undefined && !Number.isFinite(seed)) throw new ConfigError(`Random: the seed must be a finite number, got ${seed}`);
    this.seed = seed ?? Math.floor(Math.random() * TWO_POW_32);
    // Fold the seed (any double) into two 32-bit words, then expand them into the 128-bit state.
    const lo = Number.isInteger(this.seed) ? this.seed % TWO_POW_32 >>> 0 : hashDouble(this.seed);
    const hi = Number.isInteger(this.seed) ? Math.floor(this.seed / TWO_POW_32) >>> 0 : 0x5bd1e995;
    let st = lo ^ Math.imul(hi, 0x85ebca6b);
    const out: number[] = [];
    for (let i = 0; i < 4; i++) {
      const [next, v] = splitmix32(st);
      st = next;
      out.push(v);
    }
    this.s0 = out[0]!;
    this.s1 = out[1]!;
    this.s2 = out[2]!;
    this.s3 = out[3]!;
    if ((this.s0 | this.s1 | this.s2 | this.s3) === 0) this.s0 = 1; // the all-zero state is a fixed point
  }

  /** The next 32 random bits as an unsigned integer. */
  nextUint32(): number {
    const s1 = this.s1;
    const result = Math.imul(rotl(Math.imul(s1, 5), 7), 9);
    const t = s1 << 9;
    this.s2 ^= this.s0;
    this.s3 ^= this.s1;
    this.s1 ^= this.s2;
    this.s0 ^= this.s3;
    this.s2 ^= t;
    this.s3 = rotl(this.s3, 11);
    return result >>> 0;
  }

  /** A uniform double in [0, 1) with 53 random bits. */
  uniform(): number {
    const a = this.nextUint32() >>> 5; // 27 bits
    const b = this.nextUint32() >>> 6; // 26 bits
    return (a * 67108864 + b) / TWO_POW_53;
  }

  /** A uniform double in [min, max). */
  uniformRange(min: number, max: number): number {
    return min + (max - min) * this.uniform();
  }

  /** A uniform integer in [0, n) (n a positive integer up to 2^32), without modulo bias. */
  uniformInt(n: number): number {
    if (!Number.isInteger(n) || n <= 0 || n > TWO_POW_32) throw new ConfigError(`Random.uniformInt: n must be an integer in [1, 2^32], got ${n}`);
    const limit = TWO_POW_32 - (TWO_POW_32 % n);
    let v = this.nextUint32();
    while (v >= limit) v = this.nextUint32();
    return v % n;
  }

  /** A normal (Gaussian) draw by the Box–Muller transform. */
  normal(mean = 0, stddev = 1): number {
    let z: number;
    if (!Number.isNaN(this.spare)) {
      z = this.spare;
      this.spare = NaN;
    } else {
      const u1 = 1 - this.uniform(); // (0, 1]: log stays finite
      const u2 = this.uniform();
      const r = Math.sqrt(-2 * Math.log(u1));
      z = r * Math.cos(TWO_PI * u2);
      this.spare = r * Math.sin(TWO_PI * u2);
    }
    return mean + stddev * z;
  }

  /**
   * A normal draw truncated to `mean ± 2·stddev`: draws further out are discarded and redrawn, as
   * Keras' `TruncatedNormal` initialiser does.
   */
  truncatedNormal(mean = 0, stddev = 1): number {
    let z = this.normal();
    while (z < -2 || z > 2) z = this.normal();
    return mean + stddev * z;
  }

  /** Fills `out` with `draw()` values (e.g. `() => rng.normal(0, 0.05)`) and returns it. */
  fill(out: Float32Array, draw: () => number): Float32Array {
    for (let i = 0; i < out.length; i++) out[i] = draw();
    return out;
  }

  /** Shuffles an array in place (Fisher–Yates) and returns it. */
  shuffle<T>(items: T[]): T[] {
    for (let i = items.length - 1; i > 0; i--) {
      const j = this.uniformInt(i + 1);
      const tmp = items[i]!;
      items[i] = items[j]!;
      items[j] = tmp;
    }
    return items;
  }
}

function rotl(x: number, k: number): number {
  return (x << k) | (x >>> (32 - k));
}

/** 32 bits from the bit pattern of a non-integer double. */
function hashDouble(x: number): number {
  const words = new Uint32Array(new Float64Array([x]).buffer);
  return (words[0]! ^ Math.imul(words[1]!, 0x9e3779b1)) >>> 0;
}

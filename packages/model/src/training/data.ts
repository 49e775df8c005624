/**
 * Training data: conversion to tensors, validation (sample counts, shapes, NaN/Inf), sample and
 * class weights, validation splits, batching and seeded shuffling.
 */
import { ConfigError, Random, ShapeMismatchError, Tensor, tensor, type NestedArray } from '@kerasts/tensor';

/** Anything `fit`/`evaluate` accept as an array of samples: a Tensor or nested numbers. */
export type DataLike = Tensor | NestedArray | Float32Array;

/** Converts data to a tensor (copying nested arrays), naming it in errors. */
export function toTensor(v: DataLike, what: string): Tensor {
  if (v instanceof Tensor) return v;
  try {
    return tensor(v);
  } catch (e) {
    if (e instanceof ConfigError || e instanceof ShapeMismatchError) {
      throw new ConfigError(`${what} is not a rectangular array of numbers: ${e.message}`, what);
    }
    throw e;
  }
}

function indexPath(shape: readonly number[], flat: number): string {
  const idx: number[] = [];
  let rem = flat;
  for (let d = shape.length - 1; d >= 0; d--) {
    const n = shape[d]!;
    idx.unshift(n === 0 ? 0 : rem % n);
    rem = n === 0 ? 0 : Math.floor(rem / n);
  }
  return idx.map((i) => `[${i}]`).join('');
}

/**
 * Checks that every value is finite.
 *
 * @throws {ConfigError} naming the first NaN or infinite value (e.g. `x[3][0][2] is NaN`).
 */
export function checkFinite(t: Tensor, what: string): void {
  const d = t.data;
  for (let i = 0; i < d.length; i++) {
    const v = d[i]!;
    if (!Number.isFinite(v)) {
      throw new ConfigError(`${what}${indexPath(t.shape, i)} is ${Number.isNaN(v) ? 'NaN' : v > 0 ? 'Infinity' : '-Infinity'}; training data must be finite`, what);
    }
  }
}

/** The number of samples (first dimension). */
export function samplesOf(t: Tensor, what: string): number {
  if (t.rank === 0) throw new ShapeMismatchError(`${what} must have a sample dimension, got a scalar`, [null], [], what);
  return t.shape[0]!;
}

/**
 * Per-sample weights from `sampleWeight` (one value per sample, or per sample and output step) or
 * from `classWeight` (Keras: the class of a sample is the argmax of one-hot targets, else the rounded
 * label), or null.
 *
 * @throws {ConfigError} if both are given or a weight is not finite.
 * @throws {ShapeMismatchError} if the number of weights is not the number of samples.
 */
export function resolveSampleWeights(
  y: Tensor,
  n: number,
  sampleWeight: ArrayLike<number> | Tensor | null | undefined,
  classWeight: Readonly<Record<number, number>> | null | undefined,
): Float32Array | null {
  if (sampleWeight !== undefined && sampleWeight !== null && classWeight !== undefined && classWeight !== null) {
    throw new ConfigError('you cannot pass classWeight and sampleWeight at the same time', 'fit');
  }
  if (sampleWeight !== undefined && sampleWeight !== null) {
    const data = sampleWeight instanceof Tensor ? sampleWeight.data : Float32Array.from(sampleWeight);
    const first = sampleWeight instanceof Tensor ? (sampleWeight.shape[0] ?? 1) : data.length;
    if (first !== n || data.length % n !== 0) {
      throw new ShapeMismatchError(`sampleWeight must have one weight per sample (${n} samples)`, [n], sampleWeight instanceof Tensor ? sampleWeight.shape : [data.length], 'sampleWeight');
    }
    for (let i = 0; i < data.length; i++) {
      if (!Number.isFinite(data[i]!)) throw new ConfigError(`sampleWeight[${i}] is ${data[i]}; weights must be finite`, 'sampleWeight');
    }
    return data;
  }
  if (classWeight !== undefined && classWeight !== null) {
    const w = new Float32Array(n).fill(1);
    const per = n === 0 ? 0 : y.size / n;
    for (let i = 0; i < n; i++) {
      let cls: number;
      if (per > 1) {
        let best = 0;
        for (let j = 1; j < per; j++) if (y.data[i * per + j]! > y.data[i * per + best]!) best = j;
        cls = best;
      } else {
        cls = Math.round(y.data[i]!);
      }
      const cw = classWeight[cls];
      if (cw !== undefined) {
        if (!Number.isFinite(cw)) throw new ConfigError(`classWeight[${cls}] is ${cw}; weights must be finite`, 'classWeight');
        w[i] = cw;
      }
    }
    return w;
  }
  return null;
}

/** Rows `indices[start..end)` of the first axis, gathered into a new tensor. */
export function gatherRows(t: Tensor, indices: Int32Array, start: number, end: number): Tensor {
  const row = t.shape[0] === 0 ? 0 : t.size / t.shape[0]!;
  const out = new Float32Array((end - start) * row);
  for (let i = start; i < end; i++) {
    const src = indices[i]! * row;
    out.set(t.data.subarray(src, src + row), (i - start) * row);
  }
  return new Tensor(out, [end - start, ...t.shape.slice(1)]);
}

/** Weights of rows `indices[start..end)`. */
export function gatherWeights(w: Float32Array, n: number, indices: Int32Array, start: number, end: number): Float32Array {
  const per = n === 0 ? 0 : w.length / n;
  const out = new Float32Array((end - start) * per);
  for (let i = start; i < end; i++) out.set(w.subarray(indices[i]! * per, (indices[i]! + 1) * per), (i - start) * per);
  return out;
}

/** `[0, 1, ..., n−1]`. */
export function identityOrder(n: number): Int32Array {
  return Int32Array.from({ length: n }, (_, i) => i);
}

/** A 32-bit mix of integers (for seeds derived from a base seed, an epoch and a batch). */
export function mixSeed(...parts: number[]): number {
  let h = 0x811c9dc5;
  for (const p of parts) {
    const x = Math.floor(Math.abs(p));
    for (const w of [x % 4294967296, Math.floor(x / 4294967296), p < 0 ? 1 : 0]) {
      h = Math.imul(h ^ w, 0x01000193) >>> 0;
      h = Math.imul(h ^ (h >>> 15), 0x2c1b3c6d) >>> 0;
      h = (h ^ (h >>> 12)) >>> 0;
    }
  }
  return h;
}

/** The sample order of an epoch: seeded from (seed, epoch) so that a resumed run shuffles the same way. */
export function epochOrder(n: number, shuffle: boolean, seed: number, epoch: number): Int32Array {
  const order = identityOrder(n);
  if (!shuffle) return order;
  const rng = new Random(mixSeed(seed, epoch, 0x5348));
  for (let i = n - 1; i > 0; i--) {
    const j = rng.uniformInt(i + 1);
    const tmp = order[i]!;
    order[i] = order[j]!;
    order[j] = tmp;
  }
  return order;
}

/**
 * Splits off the last `fraction` of the samples for validation (before any shuffling, as Keras).
 *
 * @throws {ConfigError} if the fraction is not in (0, 1) or leaves one side empty.
 */
export function splitAt(n: number, fraction: number): number {
  if (!(fraction > 0 && fraction < 1)) throw new ConfigError(`validationSplit must be in (0, 1), got ${fraction}`, 'fit');
  const at = Math.floor(n * (1 - fraction));
  if (at === 0 || at === n) {
    throw new ConfigError(`${n} samples are not enough to split into a training and a validation set with validationSplit=${fraction}`, 'fit');
  }
  return at;
}

/** Rows [start, end) of the first axis (a copy). */
export function sliceRows(t: Tensor, start: number, end: number): Tensor {
  const row = t.shape[0] === 0 ? 0 : t.size / t.shape[0]!;
  return new Tensor(t.data.slice(start * row, end * row), [end - start, ...t.shape.slice(1)]);
}

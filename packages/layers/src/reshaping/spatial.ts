/**
 * What the image-like reshaping layers share: their spatial axes per data format, and Keras' ways of
 * giving per-axis amounts (`1`, `(1, 2)`, `((1, 0), (2, 2))`).
 */
import { ConfigError, ShapeMismatchError } from '@kerasts/tensor';
import type { DataFormat } from '../engine/data-format.js';
import { formatShape, type Shape } from '../engine/shape.js';

/** `[before, after]` per spatial axis. */
export type Pairs = readonly (readonly [number, number])[];

/** The spatial axes of a rank-`rank` input: 1..rank-2 (channels_last) or 2..rank-1 (channels_first). */
export function spatialAxes(rank: number, dataFormat: DataFormat): number[] {
  const out: number[] = [];
  for (let a = 0; a < rank - 2; a++) out.push(dataFormat === 'channels_first' ? a + 2 : a + 1);
  return out;
}

function nonNegInt(v: unknown): v is number {
  return typeof v === 'number' && Number.isInteger(v) && v >= 0;
}

/**
 * Reads Keras' padding/cropping amounts for `n` spatial axes: an int (all sides), `n` ints (symmetric
 * per axis) or `n` pairs; for n = 1 a pair is `(before, after)`.
 */
export function readPairs(v: unknown, n: number, what: string, where: string): Pairs {
  if (nonNegInt(v)) return Array.from({ length: n }, () => [v, v] as const);
  if (Array.isArray(v)) {
    if (n === 1 && v.length === 2 && v.every(nonNegInt)) return [[v[0] as number, v[1] as number]];
    if (n === 1 && v.length === 1 && Array.isArray(v[0])) return readPairs(v[0], 1, what, where);
    if (v.length === n && v.every(nonNegInt)) return (v as number[]).map((d) => [d, d] as const);
    if (v.length === n && v.every((p) => Array.isArray(p) && p.length === 2 && p.every(nonNegInt))) {
      return (v as number[][]).map((p) => [p[0]!, p[1]!] as const);
    }
  }
  const forms = n === 1 ? 'an integer or [before, after]' : `an integer, ${n} integers or ${n} [before, after] pairs`;
  throw new ConfigError(`${what} must be ${forms} of integers >= 0, found ${JSON.stringify(v)}`, where);
}

/** Reads `n` positive factors: an int for every axis or `n` ints. */
export function readFactors(v: unknown, n: number, what: string, where: string): number[] {
  const pos = (d: unknown): d is number => typeof d === 'number' && Number.isInteger(d) && d >= 1;
  if (pos(v)) return new Array<number>(n).fill(v);
  if (Array.isArray(v) && v.length === n && v.every(pos)) return [...(v as number[])];
  throw new ConfigError(`${what} must be a positive integer${n > 1 ? ` or ${n} positive integers` : ''}, found ${JSON.stringify(v)}`, where);
}

/** Checks the input rank of a spatial layer, naming it. */
export function expectSpatialRank(shape: Shape, rank: number, name: string, className: string): void {
  if (shape.length !== rank) {
    throw new ShapeMismatchError(`layer "${name}" (${className}) expects an input of rank ${rank}, got ${formatShape(shape)}`, new Array<null>(rank).fill(null), shape, name);
  }
}

/** Full per-axis margins (zeros on the batch and channel axes). */
export function marginsFor(rank: number, dataFormat: DataFormat, pairs: Pairs): [number, number][] {
  const m: [number, number][] = Array.from({ length: rank }, () => [0, 0]);
  spatialAxes(rank, dataFormat).forEach((a, i) => {
    m[a] = [pairs[i]![0], pairs[i]![1]];
  });
  return m;
}

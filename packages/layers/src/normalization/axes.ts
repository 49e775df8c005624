/** Reading and resolving the `axis` argument of the normalization layers (an int or a list of ints). */
import { ConfigError, ShapeMismatchError } from '@kerasts/tensor';
import { formatShape, type Shape } from '../engine/shape.js';

/** Checks an `axis` value: an integer or a non-empty list of distinct integers (kept as given). */
export function readAxes(v: unknown, where: string, allowEmpty = false): number | readonly number[] {
  if (typeof v === 'number' && Number.isInteger(v)) return v;
  if (Array.isArray(v) && v.every((a) => typeof a === 'number' && Number.isInteger(a)) && (allowEmpty || v.length > 0)) {
    if (new Set(v).size !== v.length) throw new ConfigError(`axis ${JSON.stringify(v)} repeats an axis`, where);
    return [...(v as number[])];
  }
  throw new ConfigError(`axis must be an integer or a list of integers, found ${JSON.stringify(v)}`, where);
}

/** Resolves axes against a rank (negative from the end), sorted; the batch axis 0 is refused. */
export function resolveAxes(axis: number | readonly number[], rank: number, where: string, shape: Shape, allowBatch = false): number[] {
  const list = typeof axis === 'number' ? [axis] : [...axis];
  const out = list.map((a) => (a < 0 ? a + rank : a));
  for (let i = 0; i < out.length; i++) {
    const a = out[i]!;
    if (a < 0 || a >= rank || (!allowBatch && a === 0)) {
      throw new ShapeMismatchError(`${where}: axis ${list[i]} is out of range for an input of shape ${formatShape(shape)}`, [], shape, where);
    }
  }
  if (new Set(out).size !== out.length) throw new ConfigError(`axis ${JSON.stringify(axis)} names the same axis twice for rank ${rank}`, where);
  return out.sort((x, y) => x - y);
}

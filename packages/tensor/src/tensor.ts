/**
 * The `Tensor` type: a shape plus a row-major `Float32Array`, and small helpers to make tensors.
 */
import { ConfigError, ShapeMismatchError } from './errors.js';

/** A number (rank 0) or an array of nested arrays of numbers, as `toArray` returns and `tensor` accepts. */
export type NestedArray = number | readonly NestedArray[];

/**
 * The number of elements of a tensor with this shape (1 for the empty shape `[]`).
 *
 * @throws {ConfigError} if a dimension is not a non-negative integer.
 */
export function shapeSize(shape: readonly number[]): number {
  let size = 1;
  for (let i = 0; i < shape.length; i++) {
    const d = shape[i]!;
    if (!Number.isInteger(d) || d < 0) {
      throw new ConfigError(`invalid shape [${shape.join(', ')}]: dimension ${i} is ${d}, expected a non-negative integer`);
    }
    size *= d;
  }
  return size;
}

/**
 * A dense float32 tensor: `data` holds `shapeSize(shape)` values in row-major (C) order.
 *
 * The shape is copied and frozen; the data array is shared, not copied (see {@link Tensor.clone}).
 */
export class Tensor {
  /** The values, row-major. */
  readonly data: Float32Array;
  /** The dimensions; `[]` for a scalar. */
  readonly shape: readonly number[];

  /**
   * Wraps `data` (without copying) as a tensor of the given shape.
   *
   * @throws {ShapeMismatchError} if the shape's size is not `data.length`.
   * @throws {ConfigError} if a dimension is not a non-negative integer.
   */
  constructor(data: Float32Array, shape: readonly number[]) {
    const size = shapeSize(shape);
    if (size !== data.length) {
      throw new ShapeMismatchError(
        `a tensor of shape [${shape.join(', ')}] needs ${size} values but the data has ${data.length}`,
        shape,
        [data.length],
      );
    }
    this.data = data;
    this.shape = Object.freeze(shape.slice());
  }

  /** The number of elements. */
  get size(): number {
    return this.data.length;
  }

  /** The number of dimensions. */
  get rank(): number {
    return this.shape.length;
  }

  /** The values as nested plain arrays (a plain number for a rank-0 tensor). */
  toArray(): NestedArray {
    if (this.shape.length === 0) return this.data[0]!;
    return nest(this.data, this.shape, 0, 0);
  }

  /**
   * The same data seen with another shape (no copy). One dimension may be `-1`; it is inferred.
   *
   * @throws {ShapeMismatchError} if the sizes differ or the `-1` cannot be inferred.
   * @throws {ConfigError} for more than one `-1` or an invalid dimension.
   */
  reshape(shape: readonly number[]): Tensor {
    const inferAt = shape.indexOf(-1);
    if (inferAt < 0) {
      const size = shapeSize(shape);
      if (size !== this.size) {
        throw new ShapeMismatchError(`cannot reshape ${this.size} values to [${shape.join(', ')}]`, shape, this.shape);
      }
      return new Tensor(this.data, shape);
    }
    if (shape.indexOf(-1, inferAt + 1) >= 0) {
      throw new ConfigError(`reshape to [${shape.join(', ')}]: only one dimension may be -1`);
    }
    const rest = shape.filter((_, i) => i !== inferAt);
    const known = shapeSize(rest);
    if (known === 0 || this.size % known !== 0) {
      throw new ShapeMismatchError(`cannot reshape ${this.size} values to [${shape.join(', ')}]`, shape, this.shape);
    }
    const full = shape.slice();
    full[inferAt] = this.size / known;
    return new Tensor(this.data, full);
  }

  /** A deep copy (new data array). */
  clone(): Tensor {
    return new Tensor(this.data.slice(), this.shape);
  }

  /** A short description such as `Tensor(float32, [2, 3])`. */
  toString(): string {
    return `Tensor(float32, [${this.shape.join(', ')}])`;
  }
}

function nest(data: Float32Array, shape: readonly number[], dim: number, offset: number): NestedArray[] {
  const n = shape[dim]!;
  const out: NestedArray[] = new Array<NestedArray>(n);
  if (dim === shape.length - 1) {
    for (let i = 0; i < n; i++) out[i] = data[offset + i]!;
    return out;
  }
  let stride = 1;
  for (let d = dim + 1; d < shape.length; d++) stride *= shape[d]!;
  for (let i = 0; i < n; i++) out[i] = nest(data, shape, dim + 1, offset + i * stride);
  return out;
}

/**
 * Makes a tensor, always copying the values into a new `Float32Array`.
 *
 * - `tensor(nested)` infers the shape from the nesting (`tensor(3)` is a scalar, `tensor([[1, 2], [3, 4]])`
 *   has shape `[2, 2]`); a ragged array throws a {@link ShapeMismatchError} naming the index path
 *   where it is ragged (e.g. `values[1][0]`).
 * - `tensor(values, shape)` takes the values in row-major order (flat or nested) and gives them `shape`.
 * - `tensor(flat)` for a `Float32Array` or other array-like of numbers gives a 1-D tensor.
 *
 * Use `new Tensor(data, shape)` to wrap an existing `Float32Array` without copying.
 *
 * @throws {ShapeMismatchError} on ragged input or when the values do not fill `shape`.
 * @throws {ConfigError} if an element is not a number.
 */
export function tensor(values: NestedArray | Float32Array | ArrayLike<number>, shape?: readonly number[]): Tensor {
  let data: Float32Array;
  let inferred: number[];
  if (typeof values === 'number') {
    data = new Float32Array([values]);
    inferred = [];
  } else if (!Array.isArray(values)) {
    // A typed array or another array-like of numbers: flat.
    const like = values as ArrayLike<number>;
    data = new Float32Array(like.length);
    for (let i = 0; i < like.length; i++) {
      const v = like[i];
      if (typeof v !== 'number') throw new ConfigError(`element ${i} is ${typeName(v)}, expected a number`, `values[${i}]`);
      data[i] = v;
    }
    inferred = [like.length];
  } else {
    inferred = inferShape(values as readonly NestedArray[]);
    data = new Float32Array(product(inferred));
    let pos = 0;
    const fill = (v: NestedArray, path: string, depth: number): void => {
      if (depth === inferred.length) {
        if (Array.isArray(v)) {
          throw new ShapeMismatchError('ragged nested array: found an array where a number was expected', inferred, [...inferred, v.length], path);
        }
        if (typeof v !== 'number') throw new ConfigError(`expected a number, found ${typeName(v)}`, path);
        data[pos++] = v;
        return;
      }
      if (!Array.isArray(v) || v.length !== inferred[depth]) {
        const found = Array.isArray(v) ? [...inferred.slice(0, depth), v.length] : inferred.slice(0, depth);
        throw new ShapeMismatchError('ragged nested array', inferred.slice(0, depth + 1), found, path);
      }
      for (let i = 0; i < v.length; i++) fill(v[i] as NestedArray, `${path}[${i}]`, depth + 1);
    };
    fill(values as NestedArray, 'values', 0);
  }
  if (shape === undefined) return new Tensor(data, inferred);
  const size = shapeSize(shape);
  if (size !== data.length) {
    throw new ShapeMismatchError(`${data.length} values cannot fill shape [${shape.join(', ')}]`, shape, inferred);
  }
  return new Tensor(data, shape);
}

/** Infers the shape of a nested array from its first elements at every depth. */
function inferShape(values: readonly NestedArray[]): number[] {
  const shape: number[] = [];
  let cur: NestedArray | undefined = values;
  while (Array.isArray(cur)) {
    const arr = cur as readonly NestedArray[];
    shape.push(arr.length);
    cur = arr.length > 0 ? arr[0] : undefined;
  }
  return shape;
}

function product(shape: readonly number[]): number {
  let p = 1;
  for (const d of shape) p *= d;
  return p;
}

function typeName(v: unknown): string {
  if (v === null) return 'null';
  if (Array.isArray(v)) return 'an array';
  return typeof v === 'string' ? `the string ${JSON.stringify(v)}` : `a ${typeof v}`;
}

/** A tensor of zeros. */
export function zeros(shape: readonly number[]): Tensor {
  return new Tensor(new Float32Array(shapeSize(shape)), shape);
}

/** A tensor of ones. */
export function ones(shape: readonly number[]): Tensor {
  return new Tensor(new Float32Array(shapeSize(shape)).fill(1), shape);
}

/** A tensor with every element set to `value`. */
export function full(shape: readonly number[], value: number): Tensor {
  return new Tensor(new Float32Array(shapeSize(shape)).fill(value), shape);
}

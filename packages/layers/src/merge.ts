/**
 * Keras merge layers: `Concatenate`, `Add`, `Subtract`, `Multiply`, `Average`, `Maximum`, `Minimum`.
 * They take a list of tensors ({@link Layer.callMulti}) and have no weights. Element-wise merges
 * follow Keras 3: inputs of lower rank get size-1 axes inserted after the batch axis, then shapes
 * broadcast (a size-1 axis stretches); each operation is rounded to float32 as Keras computes it.
 */
import { ConfigError, KerastsError, ShapeMismatchError, Tensor } from '@kerasts/tensor';
import type { JsonObject } from './json.js';
import { ConfigReader, Layer, type CallContext, type LayerOptions } from './layer.js';
import { formatShape, type Shape } from './shape.js';

/** Base of the merge layers: weightless layers called on a list of tensors. */
export abstract class Merge extends Layer {
  /** Smallest number of tensors the layer accepts. */
  protected readonly minInputs: number = 1;
  /** Largest number of tensors the layer accepts (Subtract: 2). */
  protected readonly maxInputs: number = Infinity;

  /** Merge layers are called on lists: use `apply([a, b])` (graphs) or {@link callMulti}. */
  computeOutputShape(inputShape: Shape): Shape {
    throw new KerastsError(`layer "${this.name}" (${this.className}) merges a list of tensors; it was given a single input of shape ${formatShape(inputShape)}`, this.name);
  }

  /** Merge layers are called on lists: see {@link callMulti}. */
  call(input: Tensor): Tensor {
    throw new KerastsError(`layer "${this.name}" (${this.className}) merges a list of tensors; it was given a single tensor of shape ${formatShape(input.shape)}`, this.name);
  }

  /** Weightless: building only records that the layer was used (shapes are checked per call). */
  override build(inputShape: Shape): void {
    this.inputShape ??= [...inputShape];
    this.built = true;
  }

  /** Check the number of inputs; throws naming the layer. */
  protected checkCount(n: number): void {
    if (n < this.minInputs || n > this.maxInputs) {
      const want = this.minInputs === this.maxInputs ? `exactly ${this.minInputs}` : `at least ${this.minInputs}`;
      throw new KerastsError(`layer "${this.name}" (${this.className}) must be called on ${want} tensor(s), got ${n}`, this.name);
    }
  }
}

/* ---------------- element-wise merges ---------------- */

/** Keras 3's rank alignment: insert size-1 axes at position 1 until every shape has the top rank. */
function alignRanks<T extends number | null>(shapes: readonly (readonly T[])[]): T[][] {
  const rank = Math.max(...shapes.map((s) => s.length));
  return shapes.map((s) => {
    const out = [...s];
    while (out.length < rank) out.splice(1, 0, 1 as T);
    return out;
  });
}

/** Broadcast two aligned shapes (null = unknown). Returns null when they cannot broadcast. */
function broadcastPair(a: readonly (number | null)[], b: readonly (number | null)[]): (number | null)[] | null {
  const out: (number | null)[] = [];
  for (let i = 0; i < a.length; i++) {
    const x = a[i]!;
    const y = b[i]!;
    if (x === 1) out.push(y);
    else if (y === 1) out.push(x);
    else if (x === null || y === null) out.push(x ?? y);
    else if (x === y) out.push(x);
    else return null;
  }
  return out;
}

/** Strides of `shape` read as `out` (0 along broadcast axes). */
function broadcastStrides(shape: readonly number[], out: readonly number[]): number[] {
  const strides = new Array<number>(out.length).fill(0);
  let s = 1;
  for (let d = out.length - 1; d >= 0; d--) {
    strides[d] = shape[d] === 1 && out[d] !== 1 ? 0 : s;
    s *= shape[d]!;
  }
  return strides;
}

/** Values of `t` (already rank-aligned to `shape`) laid out over `out`. */
function expandTo(data: Float32Array, shape: readonly number[], out: readonly number[]): Float32Array {
  let size = 1;
  for (const d of out) size *= d;
  if (data.length === size) return data;
  const strides = broadcastStrides(shape, out);
  const res = new Float32Array(size);
  const rank = out.length;
  const idx = new Array<number>(rank).fill(0);
  for (let p = 0; p < size; p++) {
    let q = 0;
    for (let d = 0; d < rank; d++) q += idx[d]! * strides[d]!;
    res[p] = data[q]!;
    for (let d = rank - 1; d >= 0; d--) {
      if (++idx[d]! < out[d]!) break;
      idx[d] = 0;
    }
  }
  return res;
}

/** An element-wise merge: folds a binary float32 operation over the inputs, left to right. */
abstract class ElementwiseMerge extends Merge {
  /** The binary operation (its result is stored in a Float32Array, i.e. rounded to float32). */
  protected abstract op(a: number, b: number): number;

  /** Post-processing of the folded result (Average divides by the count). */
  protected finish(_acc: Float32Array, _n: number): void {}

  override computeOutputShapeMulti(inputShapes: readonly Shape[]): Shape {
    this.checkCount(inputShapes.length);
    const aligned = alignRanks(inputShapes);
    let out: (number | null)[] = aligned[0]!;
    for (let i = 1; i < aligned.length; i++) {
      const next = broadcastPair(out, aligned[i]!);
      if (!next) {
        throw new ShapeMismatchError(
          `layer "${this.name}" (${this.className}) cannot merge inputs of shapes ${inputShapes.map(formatShape).join(', ')}`,
          inputShapes[0]!,
          inputShapes[i]!,
          this.name,
        );
      }
      out = next;
    }
    return out;
  }

  override callMulti(inputs: readonly Tensor[], _ctx?: CallContext): Tensor {
    this.checkCount(inputs.length);
    const aligned = alignRanks(inputs.map((t) => t.shape));
    const outShape = this.computeOutputShapeMulti(aligned) as number[];
    const acc = Float32Array.from(expandTo(inputs[0]!.data, aligned[0]!, outShape));
    for (let k = 1; k < inputs.length; k++) {
      const x = expandTo(inputs[k]!.data, aligned[k]!, outShape);
      for (let i = 0; i < acc.length; i++) acc[i] = this.op(acc[i]!, x[i]!);
    }
    this.finish(acc, inputs.length);
    return new Tensor(acc, outShape);
  }

  /** Build from a canonical Keras config (base keys only). */
  protected static readOptions(config: JsonObject, className: string): LayerOptions {
    return new ConfigReader(config, className).baseOptions();
  }
}

/** Sum of the inputs (Keras `Add`). */
export class Add extends ElementwiseMerge {
  readonly className: string = 'Add';
  constructor(options: LayerOptions = {}) {
    super(options, 'add');
  }
  protected op(a: number, b: number): number {
    return a + b;
  }
  /** Build from a canonical Keras config. */
  static fromConfig(config: JsonObject): Add {
    return new Add(ElementwiseMerge.readOptions(config, 'Add'));
  }
}

/** `inputs[0] - inputs[1]` (Keras `Subtract`; exactly two inputs). */
export class Subtract extends ElementwiseMerge {
  readonly className: string = 'Subtract';
  protected override readonly minInputs: number = 2;
  protected override readonly maxInputs: number = 2;
  constructor(options: LayerOptions = {}) {
    super(options, 'subtract');
  }
  protected op(a: number, b: number): number {
    return a - b;
  }
  /** Build from a canonical Keras config. */
  static fromConfig(config: JsonObject): Subtract {
    return new Subtract(ElementwiseMerge.readOptions(config, 'Subtract'));
  }
}

/** Element-wise product (Keras `Multiply`). */
export class Multiply extends ElementwiseMerge {
  readonly className: string = 'Multiply';
  constructor(options: LayerOptions = {}) {
    super(options, 'multiply');
  }
  protected op(a: number, b: number): number {
    return a * b;
  }
  /** Build from a canonical Keras config. */
  static fromConfig(config: JsonObject): Multiply {
    return new Multiply(ElementwiseMerge.readOptions(config, 'Multiply'));
  }
}

/** Mean of the inputs: their float32 sum divided by their count (Keras `Average`). */
export class Average extends ElementwiseMerge {
  readonly className: string = 'Average';
  constructor(options: LayerOptions = {}) {
    super(options, 'average');
  }
  protected op(a: number, b: number): number {
    return a + b;
  }
  protected override finish(acc: Float32Array, n: number): void {
    for (let i = 0; i < acc.length; i++) acc[i] = acc[i]! / n;
  }
  /** Build from a canonical Keras config. */
  static fromConfig(config: JsonObject): Average {
    return new Average(ElementwiseMerge.readOptions(config, 'Average'));
  }
}

/** Element-wise maximum (Keras `Maximum`; NaN propagates). */
export class Maximum extends ElementwiseMerge {
  readonly className: string = 'Maximum';
  constructor(options: LayerOptions = {}) {
    super(options, 'maximum');
  }
  protected op(a: number, b: number): number {
    return Math.max(a, b);
  }
  /** Build from a canonical Keras config. */
  static fromConfig(config: JsonObject): Maximum {
    return new Maximum(ElementwiseMerge.readOptions(config, 'Maximum'));
  }
}

/** Element-wise minimum (Keras `Minimum`; NaN propagates). */
export class Minimum extends ElementwiseMerge {
  readonly className: string = 'Minimum';
  constructor(options: LayerOptions = {}) {
    super(options, 'minimum');
  }
  protected op(a: number, b: number): number {
    return Math.min(a, b);
  }
  /** Build from a canonical Keras config. */
  static fromConfig(config: JsonObject): Minimum {
    return new Minimum(ElementwiseMerge.readOptions(config, 'Minimum'));
  }
}

/* ---------------- Concatenate ---------------- */

/** Options of {@link Concatenate}. */
export interface ConcatenateOptions extends LayerOptions {
  /** Axis to join along; negative counts from the end (default -1, the features). */
  axis?: number;
}

/** Joins tensors along one axis; every other axis must agree (Keras `Concatenate`). */
export class Concatenate extends Merge {
  readonly className: string = 'Concatenate';
  readonly axis: number;
  constructor(options: ConcatenateOptions = {}) {
    super(options, 'concatenate');
    this.axis = options.axis ?? -1;
  }

  private resolveAxis(rank: number): number {
    const a = this.axis < 0 ? this.axis + rank : this.axis;
    if (a < 0 || a >= rank) throw new KerastsError(`layer "${this.name}" (Concatenate): axis ${this.axis} is out of range for inputs of rank ${rank}`, this.name);
    return a;
  }

  override computeOutputShapeMulti(inputShapes: readonly Shape[]): Shape {
    this.checkCount(inputShapes.length);
    const rank = inputShapes[0]!.length;
    const axis = this.resolveAxis(rank);
    const out: (number | null)[] = [...inputShapes[0]!];
    for (let i = 1; i < inputShapes.length; i++) {
      const s = inputShapes[i]!;
      const ok = s.length === rank && s.every((d, k) => k === axis || d === null || out[k] === null || d === out[k]);
      if (!ok) {
        throw new ShapeMismatchError(
          `layer "${this.name}" (Concatenate, axis ${this.axis}) needs inputs that agree on every axis but the concatenation axis; got ${inputShapes.map(formatShape).join(', ')}`,
          inputShapes[0]!,
          s,
          this.name,
        );
      }
      s.forEach((d, k) => {
        if (k === axis) out[k] = out[k] === null || d === null ? null : out[k]! + d;
        else if (out[k] === null) out[k] = d;
      });
    }
    return out;
  }

  override callMulti(inputs: readonly Tensor[], _ctx?: CallContext): Tensor {
    const outShape = this.computeOutputShapeMulti(inputs.map((t) => t.shape)) as number[];
    const axis = this.resolveAxis(outShape.length);
    let outer = 1;
    for (let d = 0; d < axis; d++) outer *= outShape[d]!;
    const blocks = inputs.map((t) => t.size / outer);
    const rowLen = blocks.reduce((a, b) => a + b, 0);
    const out = new Float32Array(outer * rowLen);
    for (let r = 0; r < outer; r++) {
      let off = r * rowLen;
      inputs.forEach((t, k) => {
        const b = blocks[k]!;
        out.set(t.data.subarray(r * b, (r + 1) * b), off);
        off += b;
      });
    }
    return new Tensor(out, outShape);
  }

  override getConfig(): JsonObject {
    return { ...super.getConfig(), axis: this.axis };
  }

  /** Build from a canonical Keras config (`axis` may be a one-element list, as some files have it). */
  static fromConfig(config: JsonObject): Concatenate {
    const r = new ConfigReader(config, 'Concatenate');
    const raw = config.axis;
    const axisConfig: JsonObject = Array.isArray(raw) && raw.length === 1 ? { ...config, axis: raw[0]! } : config;
    const axis = new ConfigReader(axisConfig, 'Concatenate').number('axis', -1);
    if (!Number.isInteger(axis)) throw new ConfigError(`config key "axis": expected an integer, found ${JSON.stringify(raw)}`, r.where);
    return new Concatenate({ ...r.baseOptions(), axis });
  }
}

/**
 * Keras merge layers: `Concatenate`, `Add`, `Subtract`, `Multiply`, `Average`, `Maximum`, `Minimum`.
 * They take a list of tensors ({@link Layer.callMulti}) and have no weights. Element-wise merges
 * follow Keras 3: inputs of lower rank get size-1 axes inserted after the batch axis, then shapes
 * broadcast (a size-1 axis stretches); each operation is rounded to float32 as Keras computes it.
 */
import { ConfigError, KerastsError, ShapeMismatchError, Tensor } from '@kerasts/tensor';
import type { JsonObject } from '../engine/json.js';
import { ConfigReader } from '../engine/config-reader.js';
import { Layer, type CallContext, type LayerOptions, type Mask, type MultiTape, type TrainCallContext } from '../engine/layer.js';
import { formatShape, type Shape } from '../engine/shape.js';

/** Base of the merge layers: weightless layers called on a list of tensors. */
export abstract class Merge extends Layer {
  /** Smallest number of tensors the layer accepts. */
  protected readonly minInputs: number = 1;
  /** Largest number of tensors the layer accepts (Subtract: 2). */
  protected readonly maxInputs: number = Infinity;

  /** Merge layers are called on lists: use `apply([a, b])` (graphs) or {@link callMulti}. */
  computeOutputShape(inputShape: Shape): Shape {
    throw new ConfigError(`layer "${this.name}" (${this.className}) merges a list of tensors; it was given a single input of shape ${formatShape(inputShape)}`, this.name);
  }

  /** Merge layers are called on lists: see {@link callMulti}. */
  call(input: Tensor): Tensor {
    throw new ConfigError(`layer "${this.name}" (${this.className}) merges a list of tensors; it was given a single tensor of shape ${formatShape(input.shape)}`, this.name);
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
      throw new ConfigError(`layer "${this.name}" (${this.className}) must be called on ${want} tensor(s), got ${n}`, this.name);
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
export abstract class ElementwiseMerge extends Merge {
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

  /**
   * ∂op/∂a and ∂op/∂b at (a, b), for the backward pass (written into `out[0]`, `out[1]`). Maximum and
   * Minimum split a tie evenly, as JAX (Keras 3's reference backend) differentiates them.
   */
  protected abstract partials(a: number, b: number, out: Float64Array): void;

  /** The derivative of {@link finish} (Average: 1/n). */
  protected finishScale(_n: number): number {
    return 1;
  }

  /**
   * Training pass: the fold is replayed backwards (each step's partials), and an input that was
   * broadcast gets the sum of its copies' gradients.
   */
  override forwardTrainMulti(inputs: readonly Tensor[], ctx: TrainCallContext): MultiTape {
    this.checkCount(inputs.length);
    const aligned = alignRanks(inputs.map((t) => t.shape));
    const outShape = this.computeOutputShapeMulti(aligned) as number[];
    const xs = inputs.map((t, k) => expandTo(t.data, aligned[k]!, outShape));
    // accs[k] = the fold after input k (before finish).
    const accs: Float32Array[] = [Float32Array.from(xs[0]!)];
    for (let k = 1; k < xs.length; k++) {
      const prev = accs[k - 1]!;
      const x = xs[k]!;
      const acc = new Float32Array(prev.length);
      for (let i = 0; i < acc.length; i++) acc[i] = this.op(prev[i]!, x[i]!);
      accs.push(acc);
    }
    const out = Float32Array.from(accs[accs.length - 1]!);
    this.finish(out, inputs.length);
    return {
      outputs: [new Tensor(out, outShape)],
      backward: (d) => {
        const dy = d[0];
        if (!dy || !ctx.needInputGrad) return { dInputs: inputs.map(() => null), weightGrads: new Map() };
        const n = inputs.length;
        const scale = this.finishScale(n);
        let dAcc = scale === 1 ? Float32Array.from(dy.data) : Float32Array.from(dy.data, (v) => v * scale);
        const dXs: Float32Array[] = new Array<Float32Array>(n);
        const p = new Float64Array(2);
        for (let k = n - 1; k >= 1; k--) {
          const prev = accs[k - 1]!;
          const x = xs[k]!;
          const dPrev = new Float32Array(dAcc.length);
          const dX = new Float32Array(dAcc.length);
          for (let i = 0; i < dAcc.length; i++) {
            this.partials(prev[i]!, x[i]!, p);
            dPrev[i] = dAcc[i]! * p[0]!;
            dX[i] = dAcc[i]! * p[1]!;
          }
          dXs[k] = dX;
          dAcc = dPrev;
        }
        dXs[0] = dAcc;
        const dInputs = inputs.map((t, k) => new Tensor(reduceTo(dXs[k]!, aligned[k]!, outShape), t.shape));
        return { dInputs, weightGrads: new Map() };
      },
    };
  }

  /**
   * The output mask from the inputs' masks: Keras 3 ORs them (none when an input has none); Keras
   * 1/2 and tf.keras AND the masks that are there.
   */
  override computeMaskMulti(_inputs: readonly Tensor[], masks: readonly (Mask | null)[], ctx?: CallContext): Mask | null {
    const era = ctx?.era ?? 'keras3';
    const present = masks.filter((m): m is Mask => m !== null);
    if (present.length === 0) return null;
    if (era === 'keras3') {
      if (present.length < masks.length) return null;
      return combineMasks(present, (a, b) => (a || b ? 1 : 0));
    }
    return combineMasks(present, (a, b) => (a && b ? 1 : 0));
  }

  /** Build from a canonical Keras config (base keys only). */
  protected static readOptions(config: JsonObject, className: string): LayerOptions {
    return new ConfigReader(config, className).baseOptions();
  }
}

/** Element-wise logical combination of same-shaped 0/1 masks. */
function combineMasks(masks: readonly Mask[], f: (a: number, b: number) => number): Mask {
  const out = Float32Array.from(masks[0]!.data);
  for (let k = 1; k < masks.length; k++) {
    const m = masks[k]!;
    if (m.size !== out.length) throw new ShapeMismatchError('merge layer: the inputs\' masks have different shapes', masks[0]!.shape, m.shape);
    for (let i = 0; i < out.length; i++) out[i] = f(out[i]!, m.data[i]!);
  }
  return new Tensor(out, masks[0]!.shape);
}

/** Sum a gradient laid out over `out` back to `shape` (the inverse of {@link expandTo}). */
function reduceTo(grad: Float32Array, shape: readonly number[], out: readonly number[]): Float32Array {
  let size = 1;
  for (const d of shape) size *= d;
  if (grad.length === size) return grad;
  const strides = broadcastStrides(shape, out);
  const res = new Float32Array(size);
  const rank = out.length;
  const idx = new Array<number>(rank).fill(0);
  for (let p = 0; p < grad.length; p++) {
    let q = 0;
    for (let d = 0; d < rank; d++) q += idx[d]! * strides[d]!;
    res[q] = res[q]! + grad[p]!;
    for (let d = rank - 1; d >= 0; d--) {
      if (++idx[d]! < out[d]!) break;
      idx[d] = 0;
    }
  }
  return res;
}

import { ConfigError, ShapeMismatchError, Tensor, UnsupportedError } from '@kerasts/tensor';
import { ConfigReader } from '../engine/config-reader.js';
import { Layer, type CallContext, type LayerOptions, type Mask, type MultiTape, type TrainCallContext } from '../engine/layer.js';
import type { JsonObject, JsonValue } from '../engine/json.js';
import { formatShape, type Shape } from '../engine/shape.js';

/** The `keras.ops` numpy operations a functional graph may hold as nodes (Keras 3 class names). */
export type NumpyOperationName = 'Add' | 'Subtract' | 'Multiply' | 'Divide' | 'TrueDivide' | 'Negative';

/** Operation class → arity. */
const ARITY: Readonly<Record<NumpyOperationName, 1 | 2>> = { Add: 2, Subtract: 2, Multiply: 2, Divide: 2, TrueDivide: 2, Negative: 1 };

/** The operation classes kerasts computes. */
export const NUMPY_OPERATIONS: readonly NumpyOperationName[] = Object.freeze(Object.keys(ARITY) as NumpyOperationName[]);

/** Whether kerasts computes this Keras 3 operation class (`keras.src.ops.numpy.<name>`). */
export function isSupportedNumpyOperation(name: string): name is NumpyOperationName {
  return Object.hasOwn(ARITY, name);
}

/** Options of {@link NumpyOperation}. */
export interface NumpyOperationOptions extends LayerOptions {
  /** The Keras 3 operation class, e.g. `'Add'` (`keras.ops.add`, what `x + y` records). */
  operation: NumpyOperationName;
  /**
   * The call's positional arguments in order: `null` where a graph tensor goes (the node's inputs,
   * in order), a number where Keras recorded a constant (`x + 3.0` is `[null, 3]`).
   */
  operands: readonly (number | null)[];
}

/**
 * A `keras.ops` numpy operation recorded as a node of a Keras 3 functional graph: `x + 3.0`, `x * y`,
 * `1 / x`, `-x` on symbolic tensors. Computed in float32 with NumPy broadcasting (shapes aligned from
 * the right), as Keras does; constants are float32. Such nodes carry no mask (Keras' operations have
 * no `compute_mask`). Written back as the same operation entry in the keras-3 dialect; Keras 2 has no
 * such nodes.
 */
export class NumpyOperation extends Layer {
  readonly className: string = 'NumpyOperation';
  readonly operation: NumpyOperationName;
  readonly operands: readonly (number | null)[];

  /** `new NumpyOperation({ operation: 'Add', operands: [null, 3] })`. */
  constructor(options: NumpyOperationOptions) {
    const { operation, operands, ...base } = options;
    super(base, 'numpy_operation');
    const where = `operation "${this.name}"`;
    if (!isSupportedNumpyOperation(operation)) {
      throw new UnsupportedError(`${where}: the keras.ops operation "${String(operation)}" is not supported (supported: ${Object.keys(ARITY).join(', ')})`, this.name);
    }
    if (!Array.isArray(operands) || operands.length !== ARITY[operation] || operands.some((o) => o !== null && (typeof o !== 'number' || !Number.isFinite(o)))) {
      throw new ConfigError(`${where} (${operation}): expected ${ARITY[operation]} operand(s), each a tensor slot (null) or a finite number, found ${JSON.stringify(operands)}`, this.name);
    }
    if (!operands.includes(null)) throw new ConfigError(`${where} (${operation}): no operand is a tensor`, this.name);
    this.operation = operation;
    this.operands = [...operands];
  }

  /** How many graph tensors the operation takes. */
  get tensorCount(): number {
    return this.operands.filter((o) => o === null).length;
  }

  computeOutputShape(inputShape: Shape): Shape {
    return this.computeOutputShapeMulti([inputShape]);
  }

  override computeOutputShapeMulti(inputShapes: readonly Shape[]): Shape {
    this.checkCount(inputShapes.length);
    if (inputShapes.length === 1) return inputShapes[0]!;
    const out = broadcastShapes(inputShapes[0]!, inputShapes[1]!);
    if (!out) throw new ShapeMismatchError(`operation "${this.name}" (${this.operation}) cannot broadcast shapes ${inputShapes.map(formatShape).join(' and ')}`, inputShapes[0]!, inputShapes[1]!, this.name);
    return out;
  }

  /** Weightless. */
  override build(inputShape: Shape): void {
    this.inputShape ??= [...inputShape];
    this.built = true;
  }

  call(input: Tensor, ctx: CallContext): Tensor {
    return this.callMulti([input], ctx);
  }

  override callMulti(inputs: readonly Tensor[], _ctx?: CallContext): Tensor {
    return this.forward(inputs).output;
  }

  override computeMaskMulti(): Mask | null {
    return null;
  }

  override computeMask(): Mask | null {
    return null;
  }

  /** The two operands laid over the output shape (a constant as a one-value array, stride 0). */
  private forward(inputs: readonly Tensor[]): { output: Tensor; a: Operand; b: Operand | null } {
    this.checkCount(inputs.length);
    const outShape = this.computeOutputShapeMulti(inputs.map((t) => t.shape)) as number[];
    let k = 0;
    const ops: Operand[] = this.operands.map((o) => (o === null ? tensorOperand(inputs[k++]!, outShape) : constOperand(o, outShape.length)));
    const size = outShape.reduce((p, d) => p * d, 1);
    const out = new Float32Array(size);
    const a = ops[0]!;
    const b = ops[1] ?? null;
    const f = binary(this.operation);
    walk(outShape, [a.strides, b?.strides ?? a.strides], (p, ia, ib) => {
      out[p] = b ? f(a.data[ia]!, b.data[ib]!) : -a.data[ia]!;
    });
    return { output: new Tensor(out, outShape), a, b };
  }

  override forwardTrainMulti(inputs: readonly Tensor[], ctx: TrainCallContext): MultiTape {
    const { output, a, b } = this.forward(inputs);
    const outShape = output.shape as number[];
    return {
      outputs: [output],
      backward: (d) => {
        const dy = d[0];
        if (!dy || !ctx.needInputGrad) return { dInputs: inputs.map(() => null), weightGrads: new Map() };
        const ga = a.tensor ? new Float64Array(a.data.length) : null;
        const gb = b?.tensor ? new Float64Array(b.data.length) : null;
        const op = this.operation;
        walk(outShape, [a.strides, b?.strides ?? a.strides], (p, ia, ib) => {
          const g = dy.data[p]!;
          if (!b) {
            ga![ia] = ga![ia]! - g;
            return;
          }
          const x = a.data[ia]!;
          const y = b.data[ib]!;
          // d(x∘y)/dx, d(x∘y)/dy
          const [px, py] = op === 'Add' ? [1, 1] : op === 'Subtract' ? [1, -1] : op === 'Multiply' ? [y, x] : [1 / y, -x / (y * y)];
          if (ga) ga[ia] = ga[ia]! + g * px;
          if (gb) gb[ib] = gb[ib]! + g * py;
        });
        const grads = [ga, gb].filter((_, i) => (i === 0 ? a.tensor : b?.tensor));
        const dInputs = inputs.map((t, i) => new Tensor(Float32Array.from(grads[i]!), t.shape));
        return { dInputs, weightGrads: new Map() };
      },
    };
  }

  private checkCount(n: number): void {
    if (n !== this.tensorCount) throw new ConfigError(`operation "${this.name}" (${this.operation}) takes ${this.tensorCount} tensor(s), got ${n}`, this.name);
  }

  override getConfig(): JsonObject {
    return { ...super.getConfig(), operation: this.operation, operands: [...this.operands] as JsonValue };
  }

  /** Build from its config (`operation`, `operands`; see {@link NumpyOperationOptions}). */
  static fromConfig(config: JsonObject): NumpyOperation {
    const r = new ConfigReader(config, 'NumpyOperation');
    const operation = r.string('operation', '');
    const operands = config.operands;
    if (!Array.isArray(operands)) throw new ConfigError(`${r.where}.operands: expected a list of numbers and nulls, found ${JSON.stringify(operands)}`);
    return new NumpyOperation({ ...r.baseOptions(), operation: operation as NumpyOperationName, operands: operands as (number | null)[] });
  }
}

interface Operand {
  data: Float32Array;
  /** Strides over the output shape (0 along broadcast axes). */
  strides: number[];
  tensor: boolean;
}

function binary(op: NumpyOperationName): (x: number, y: number) => number {
  switch (op) {
    case 'Add':
      return (x, y) => x + y;
    case 'Subtract':
      return (x, y) => x - y;
    case 'Multiply':
      return (x, y) => x * y;
    default:
      return (x, y) => x / y;
  }
}

/** NumPy broadcasting: shapes aligned from the right; a size-1 axis stretches. */
function broadcastShapes(a: Shape, b: Shape): Shape | null {
  const rank = Math.max(a.length, b.length);
  const out: (number | null)[] = [];
  for (let i = 0; i < rank; i++) {
    const x = a[a.length - rank + i] ?? 1;
    const y = b[b.length - rank + i] ?? 1;
    if (x === 1) out.push(y);
    else if (y === 1) out.push(x);
    else if (x === null || y === null) out.push(x ?? y);
    else if (x === y) out.push(x);
    else return null;
  }
  return out;
}

function tensorOperand(t: Tensor, out: readonly number[]): Operand {
  const strides = new Array<number>(out.length).fill(0);
  const off = out.length - t.rank;
  for (let d = t.rank - 1, s = 1; d >= 0; d--) {
    strides[d + off] = t.shape[d] === 1 && out[d + off] !== 1 ? 0 : s;
    s *= t.shape[d]!;
  }
  return { data: t.data, strides, tensor: true };
}

function constOperand(v: number, rank: number): Operand {
  return { data: Float32Array.of(v), strides: new Array<number>(rank).fill(0), tensor: false };
}

/** Calls `fn(outIndex, indexInA, indexInB)` over every output element. */
function walk(out: readonly number[], strides: readonly [number[], number[]], fn: (p: number, ia: number, ib: number) => void): void {
  const rank = out.length;
  const size = out.reduce((p, d) => p * d, 1);
  const idx = new Array<number>(rank).fill(0);
  let ia = 0;
  let ib = 0;
  const [sa, sb] = strides;
  for (let p = 0; p < size; p++) {
    fn(p, ia, ib);
    for (let d = rank - 1; d >= 0; d--) {
      idx[d]!++;
      ia += sa[d]!;
      ib += sb[d]!;
      if (idx[d]! < out[d]!) break;
      ia -= sa[d]! * out[d]!;
      ib -= sb[d]! * out[d]!;
      idx[d] = 0;
    }
  }
}

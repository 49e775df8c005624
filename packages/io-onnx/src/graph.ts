/**
 * A small builder for ONNX graphs: nodes with unique value names, typed attributes, initializers
 * (weights as little-endian `raw_data`) and constants, and subgraphs (Scan bodies) that share the
 * parent's names so that no value name is used twice anywhere in the model.
 */
import { create } from '@bufbuild/protobuf';
import { KerastsError } from '@kerasts/tensor';
import {
  AttributeProto_AttributeType,
  AttributeProtoSchema,
  GraphProtoSchema,
  NodeProtoSchema,
  TensorProto_DataType,
  TensorProtoSchema,
  TensorShapeProto_DimensionSchema,
  TensorShapeProtoSchema,
  TypeProto_TensorSchema,
  TypeProtoSchema,
  ValueInfoProtoSchema,
  type AttributeProto,
  type GraphProto,
  type NodeProto,
  type TensorProto,
  type ValueInfoProto,
} from './proto/onnx_pb.js';

/** ONNX element types the exporter uses. */
export type ElemType = 'float' | 'int64' | 'int32' | 'bool';

const DATA_TYPE: Record<ElemType, TensorProto_DataType> = {
  float: TensorProto_DataType.FLOAT,
  int64: TensorProto_DataType.INT64,
  int32: TensorProto_DataType.INT32,
  bool: TensorProto_DataType.BOOL,
};

/** One dimension of a value's declared shape: a size, a symbolic name (`batch`), or unknown (null). */
export type DimSpec = number | string | null;

/** An attribute value with its ONNX type (JavaScript numbers cannot say float or int themselves). */
export type Attr =
  | { readonly f: number }
  | { readonly i: number }
  | { readonly s: string }
  | { readonly floats: readonly number[] }
  | { readonly ints: readonly number[] }
  | { readonly strings: readonly string[] }
  | { readonly g: GraphProto }
  | { readonly t: TensorProto };

/** Attribute constructors: `{ alpha: F(0.2), axis: I(-1), perm: Is([1, 0, 2]) }`. */
export const F = (f: number): Attr => ({ f });
export const I = (i: number): Attr => ({ i });
export const S = (s: string): Attr => ({ s });
export const Fs = (floats: readonly number[]): Attr => ({ floats });
export const Is = (ints: readonly number[]): Attr => ({ ints });
export const Ss = (strings: readonly string[]): Attr => ({ strings });

const LITTLE_ENDIAN = new Uint8Array(new Uint32Array([1]).buffer)[0] === 1;

function toAttribute(name: string, v: Attr): AttributeProto {
  const a = create(AttributeProtoSchema, { name });
  if ('f' in v) {
    a.type = AttributeProto_AttributeType.FLOAT;
    a.f = v.f;
  } else if ('i' in v) {
    if (!Number.isInteger(v.i)) throw new KerastsError(`ONNX attribute "${name}" must be an integer, got ${v.i}`);
    a.type = AttributeProto_AttributeType.INT;
    a.i = BigInt(v.i);
  } else if ('s' in v) {
    a.type = AttributeProto_AttributeType.STRING;
    a.s = new TextEncoder().encode(v.s);
  } else if ('floats' in v) {
    a.type = AttributeProto_AttributeType.FLOATS;
    a.floats = [...v.floats];
  } else if ('ints' in v) {
    a.type = AttributeProto_AttributeType.INTS;
    a.ints = v.ints.map((x) => BigInt(x));
  } else if ('strings' in v) {
    a.type = AttributeProto_AttributeType.STRINGS;
    a.strings = v.strings.map((x) => new TextEncoder().encode(x));
  } else if ('g' in v) {
    a.type = AttributeProto_AttributeType.GRAPH;
    a.g = v.g;
  } else {
    a.type = AttributeProto_AttributeType.TENSOR;
    a.t = v.t;
  }
  return a;
}

/** Bytes of typed values in little-endian order (ONNX `raw_data`). */
function rawBytes(values: Float32Array | BigInt64Array | Int32Array | Uint8Array): Uint8Array {
  if (values instanceof Uint8Array) return values;
  if (LITTLE_ENDIAN) return new Uint8Array(values.buffer, values.byteOffset, values.byteLength);
  const out = new Uint8Array(values.byteLength);
  const dv = new DataView(out.buffer);
  for (let i = 0; i < values.length; i++) {
    if (values instanceof Float32Array) dv.setFloat32(4 * i, values[i]!, true);
    else if (values instanceof Int32Array) dv.setInt32(4 * i, values[i]!, true);
    else dv.setBigInt64(8 * i, values[i]!, true);
  }
  return out;
}

/** A TensorProto holding `values` (copied; weights are not shared with the model). */
export function tensorProto(name: string, type: ElemType, dims: readonly number[], values: ArrayLike<number> | Float32Array): TensorProto {
  let typed: Float32Array | BigInt64Array | Int32Array | Uint8Array;
  if (type === 'float') typed = Float32Array.from(values);
  else if (type === 'int64') typed = BigInt64Array.from(Array.from(values, (x) => BigInt(x)));
  else if (type === 'int32') typed = Int32Array.from(values);
  else typed = Uint8Array.from(values, (x) => (x ? 1 : 0));
  const size = dims.reduce((a, b) => a * b, 1);
  if (size !== typed.length) throw new KerastsError(`tensor "${name}": ${typed.length} values do not fill shape [${dims.join(', ')}]`);
  return create(TensorProtoSchema, { name, dims: dims.map((d) => BigInt(d)), dataType: DATA_TYPE[type], rawData: rawBytes(typed).slice() });
}

/** A declared value (graph input/output, Scan body input/output): name, element type and shape. */
export function valueInfo(name: string, type: ElemType, shape: readonly DimSpec[] | null): ValueInfoProto {
  const tensorType = create(TypeProto_TensorSchema, { elemType: DATA_TYPE[type] });
  if (shape !== null) {
    tensorType.shape = create(TensorShapeProtoSchema, {
      dim: shape.map((d) =>
        create(TensorShapeProto_DimensionSchema, {
          value: d === null ? { case: undefined } : typeof d === 'number' ? { case: 'dimValue', value: BigInt(d) } : { case: 'dimParam', value: d },
        }),
      ),
    });
  }
  return create(ValueInfoProtoSchema, { name, type: create(TypeProtoSchema, { value: { case: 'tensorType', value: tensorType } }) });
}

/** Unique names shared by a graph and its subgraphs. */
class NameTable {
  private readonly used = new Set<string>();
  take(hint: string): string {
    const base = hint.replace(/[^A-Za-z0-9_./:-]/g, '_') || 'v';
    let name = base;
    for (let k = 1; this.used.has(name); k++) name = `${base}_${k}`;
    this.used.add(name);
    return name;
  }
  reserve(name: string): boolean {
    if (this.used.has(name)) return false;
    this.used.add(name);
    return true;
  }
}

/**
 * Builds one ONNX graph. Value names are made unique from hints (`lstm/W`, `dense/MatMul`); a scope
 * prefix (the layer being exported) is prepended to hints. Constants are shared by value.
 */
export class GraphBuilder {
  readonly nodes: NodeProto[] = [];
  readonly initializers: TensorProto[] = [];
  readonly inputs: ValueInfoProto[] = [];
  readonly outputs: ValueInfoProto[] = [];
  /** The prefix of new names (the layer being exported). */
  scope = '';
  private readonly names: NameTable;
  private readonly constants: Map<string, string>;
  private readonly root: GraphBuilder | null;
  private readonly weightNames = new WeakMap<object, Map<string, string>>();

  constructor(parent: GraphBuilder | null = null) {
    this.root = parent ? (parent.root ?? parent) : null;
    this.names = parent ? parent.names : new NameTable();
    // Constants live in the outermost graph: subgraphs (Scan bodies) see outer values by name.
    this.constants = parent ? parent.constants : new Map();
  }

  /** A fresh value name from a hint (within the current scope). */
  name(hint: string): string {
    return this.names.take(this.scope ? `${this.scope}/${hint}` : hint);
  }

  /** Claim an exact name (graph inputs/outputs named after Keras); false if it is taken. */
  reserve(name: string): boolean {
    return this.names.reserve(name);
  }

  /** Add a node; returns its output names (`outputs`: how many, or exact names). */
  node(op: string, inputs: readonly string[], attrs: Readonly<Record<string, Attr>> = {}, outputs: number | readonly string[] = 1): string[] {
    const outNames = typeof outputs === 'number' ? Array.from({ length: outputs }, (_, k) => this.name(outputs === 1 ? op : `${op}_out${k}`)) : [...outputs];
    const n = create(NodeProtoSchema, {
      opType: op,
      name: this.names.take(this.scope ? `${this.scope}/${op}_node` : `${op}_node`),
      input: [...inputs],
      output: outNames,
      attribute: Object.entries(attrs).map(([k, v]) => toAttribute(k, v)),
    });
    this.nodes.push(n);
    return outNames;
  }

  /** Add a node with one output; returns its name. */
  op(op: string, inputs: readonly string[], attrs: Readonly<Record<string, Attr>> = {}): string {
    return this.node(op, inputs, attrs, 1)[0]!;
  }

  /**
   * A weight (float32 initializer), copied from `values`. With `key` (the layer's weight object and
   * a tag for the layout), a layer called at several places (shared weights) writes it once.
   */
  weight(hint: string, values: Float32Array, dims: readonly number[], key?: { readonly of: object; readonly tag: string }): string {
    const cache = (this.root ?? this).weightNames;
    if (key) {
      const found = cache.get(key.of)?.get(key.tag);
      if (found) return found;
    }
    const name = this.name(hint);
    (this.root ?? this).initializers.push(tensorProto(name, 'float', dims, values));
    if (key) {
      const m = cache.get(key.of) ?? new Map<string, string>();
      m.set(key.tag, name);
      cache.set(key.of, m);
    }
    return name;
  }

  /** A constant tensor, shared with every other constant of the same type, shape and values. */
  constant(type: ElemType, values: readonly number[], dims: readonly number[] | null = null): string {
    const shape = dims ?? [values.length];
    const key = `${type}|${shape.join(',')}|${values.map((v) => (Object.is(v, -0) ? '-0' : String(v))).join(',')}`;
    const found = this.constants.get(key);
    if (found) return found;
    const hint = values.length <= 4 ? `const_${type}_${values.join('_')}` : `const_${type}`;
    const name = this.names.take(hint);
    (this.root ?? this).initializers.push(tensorProto(name, type, shape, values));
    this.constants.set(key, name);
    return name;
  }

  /** A float32 scalar constant (shape []). */
  scalar(x: number): string {
    return this.constant('float', [x], []);
  }

  /** An int64 vector constant (axes, shapes, starts, ...). */
  ints(values: readonly number[]): string {
    return this.constant('int64', values);
  }

  /** The graph (for the model, or as a Scan body). */
  toGraph(name: string): GraphProto {
    return create(GraphProtoSchema, { name, node: this.nodes, initializer: this.initializers, input: this.inputs, output: this.outputs });
  }

  /** Run `fn` with `scope` as the prefix of new names. */
  within<T>(scope: string, fn: () => T): T {
    const saved = this.scope;
    this.scope = scope;
    try {
      return fn();
    } finally {
      this.scope = saved;
    }
  }
}

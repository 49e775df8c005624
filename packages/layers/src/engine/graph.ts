/**
 * Symbolic graph building, as Keras does with `keras.Input` tensors: calling a layer on symbolic
 * tensors records a *node* (one call of the layer) and returns the node's symbolic outputs. A layer
 * called several times has several nodes that share its weights. Functional models are assembled
 * from these nodes (`@kerasts/model`'s `Functional`).
 *
 * This module imports no layer classes (layer.ts imports it); layer-specific behaviour is found
 * through optional methods ({@link Layer.callMulti}) and the shape of recurrent layers.
 */
import { KerastsError, ShapeMismatchError, type Tensor } from '@kerasts/tensor';
import { cloneJson, type JsonObject } from './json.js';
import type { CallContext, Layer } from './layer.js';
import { formatShape, type Shape } from './shape.js';

/**
 * A placeholder for a tensor in a graph being built (Keras' `KerasTensor`): its shape (with the
 * batch dimension, `null` for unknown) and the node and output position that produce it.
 */
export class SymbolicTensor {
  /** @internal Use `Input()` or `layer.apply()` to make symbolic tensors. */
  constructor(
    /** Shape with batch dimension, e.g. `[null, 1, 8]`. */
    readonly shape: Shape,
    /** The dtype name (kerasts computes in float32). */
    readonly dtype: string,
    /** The layer call that produces this tensor. */
    readonly node: LayerNode,
    /** Which output of that call this is (LSTM with `returnState`: 0 output, 1 h, 2 c). */
    readonly index: number,
  ) {}

  /** The layer that produces this tensor. */
  get layer(): Layer {
    return this.node.layer;
  }

  /** `[layer name, node index, tensor index]`, Keras' `keras_history`, counted over all the layer's nodes. */
  get history(): [string, number, number] {
    return [this.node.layer.name, this.node.index, this.index];
  }

  /** A readable description, e.g. `<SymbolicTensor (None, 4) from dense[0][0]>`. */
  toString(): string {
    return `<SymbolicTensor ${formatShape(this.shape)} from ${this.node.layer.name}[${this.node.index}][${this.index}]>`;
  }
}

/** One call of a layer in a graph: the tensors it was called on and the tensors it produced. */
export interface LayerNode {
  /** The layer that was called. */
  readonly layer: Layer;
  /** Position among all the nodes of {@link layer}, in creation order (Keras' node index). */
  readonly index: number;
  /** The symbolic inputs; empty for the node an `InputLayer` is born with. */
  readonly inputs: readonly SymbolicTensor[];
  /** The symbolic outputs (one, or three for an LSTM with `returnState`). */
  readonly outputs: readonly SymbolicTensor[];
  /** Non-tensor call arguments recorded with the call (Keras 3 writes e.g. `{"training": false}`). */
  readonly kwargs: JsonObject;
}

const layerNodes = new WeakMap<Layer, LayerNode[]>();

/** Every node of a layer, in creation order (Keras' `layer._inbound_nodes`). */
export function nodesOf(layer: Layer): readonly LayerNode[] {
  return layerNodes.get(layer) ?? [];
}

function addNode(layer: Layer, inputs: readonly SymbolicTensor[], outputShapes: readonly Shape[], kwargs: JsonObject): LayerNode {
  const list = layerNodes.get(layer) ?? [];
  const outputs: SymbolicTensor[] = [];
  const node: LayerNode = { layer, index: list.length, inputs: [...inputs], outputs, kwargs: cloneJson(kwargs) };
  outputShapes.forEach((s, i) => outputs.push(new SymbolicTensor([...s], layer.dtype, node, i)));
  list.push(node);
  layerNodes.set(layer, list);
  return node;
}

/**
 * The symbolic tensor of an input layer (Keras creates it with the layer). Made on first use; later
 * calls return the same tensor.
 *
 * @throws {KerastsError} if the layer declares no batch input shape.
 */
export function inputTensorOf(layer: Layer): SymbolicTensor {
  const existing = nodesOf(layer).find((n) => n.inputs.length === 0);
  if (existing) return existing.outputs[0]!;
  if (layer.className !== 'InputLayer') throw new KerastsError(`layer "${layer.name}" (${layer.className}) is not an InputLayer`, layer.name);
  if (!layer.batchInputShape) throw new KerastsError(`InputLayer "${layer.name}" has no shape: give it batch_input_shape / shape`, layer.name);
  layer.build(layer.batchInputShape);
  return addNode(layer, [], [layer.batchInputShape], {}).outputs[0]!;
}

/** Layers that take a list of tensors (merge layers) implement {@link Layer.callMulti}. */
export function takesList(layer: Layer): boolean {
  return typeof layer.callMulti === 'function';
}

/** The recurrent-layer surface used for `return_state` (LSTM). */
interface StatefulRecurrent {
  readonly units: number;
  readonly returnState: boolean;
  callWithState(input: Tensor, ctx: CallContext): Tensor[];
}

function recurrentWithState(layer: Layer): StatefulRecurrent | null {
  const l = layer as Layer & Partial<StatefulRecurrent>;
  return typeof l.callWithState === 'function' && typeof l.units === 'number' && l.returnState === true ? (l as Layer & StatefulRecurrent) : null;
}

/**
 * Build a layer for the shapes it is called on and return the shapes of its outputs (one per
 * output tensor). Single-input layers are built with {@link Layer.build}; merge layers check their
 * inputs in {@link Layer.computeOutputShapeMulti}.
 *
 * @throws {ShapeMismatchError} when the shapes do not fit the layer (or a layer already built for another shape).
 * @throws {KerastsError} when a single-input layer gets several tensors, or a merge layer one.
 */
export function buildForShapes(layer: Layer, shapes: readonly Shape[]): Shape[] {
  if (layer.className === 'InputLayer') throw new KerastsError(`an InputLayer ("${layer.name}") cannot be called on tensors; use its output tensor`, layer.name);
  if (takesList(layer)) {
    const out = layer.computeOutputShapeMulti!(shapes);
    layer.built = true;
    return [out];
  }
  if (shapes.length !== 1) {
    throw new KerastsError(
      `layer "${layer.name}" (${layer.className}) takes one input tensor, but was called on ${shapes.length} (${shapes.map(formatShape).join(', ')})`,
      layer.name,
    );
  }
  const shape = shapes[0]!;
  layer.build(shape);
  const out = layer.computeOutputShape(shape);
  const rec = recurrentWithState(layer);
  if (rec) return [out, [shape[0] ?? null, rec.units], [shape[0] ?? null, rec.units]];
  return [out];
}

/**
 * Call a layer on symbolic tensors (what `layer.apply(x)` does): checks and builds the layer for the
 * input shapes and records a new node. Returns every output of the call.
 *
 * @param inputs one tensor, or a list for merge layers.
 * @param kwargs non-tensor call arguments to record with the node (kept when saving in Keras 3 form).
 */
export function applyLayer(layer: Layer, inputs: SymbolicTensor | readonly SymbolicTensor[], kwargs: JsonObject = {}): SymbolicTensor[] {
  const list = inputs instanceof SymbolicTensor ? [inputs] : [...inputs];
  if (list.length === 0) throw new KerastsError(`layer "${layer.name}" (${layer.className}) was called on an empty list of tensors`, layer.name);
  for (const t of list) {
    if (!(t instanceof SymbolicTensor)) {
      throw new KerastsError(`layer "${layer.name}" (${layer.className}).apply() takes symbolic tensors (from Input() or another layer's apply()), not data; use a model's predict() to compute`, layer.name);
    }
  }
  const outShapes = buildForShapes(layer, list.map((t) => t.shape));
  return [...addNode(layer, list, outShapes, kwargs).outputs];
}

/**
 * Run one node on concrete tensors: merge layers get the list, LSTMs with `returnState` return
 * `[output, h, c]`, other layers their single output.
 */
export function callNode(layer: Layer, inputs: readonly Tensor[], ctx: CallContext): Tensor[] {
  if (takesList(layer)) return [layer.callMulti!(inputs, ctx)];
  if (inputs.length !== 1) {
    throw new ShapeMismatchError(`layer "${layer.name}" (${layer.className}) takes one input tensor`, [1], [inputs.length], layer.name);
  }
  const rec = recurrentWithState(layer);
  if (rec) return rec.callWithState(inputs[0]!, ctx);
  return [layer.call(inputs[0]!, ctx)];
}

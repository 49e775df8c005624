/**
 * Symbolic graph building, as Keras does with `keras.Input` tensors: calling a layer on symbolic
 * tensors records a *node* (one call of the layer) and returns the node's symbolic outputs. A layer
 * called several times has several nodes that share its weights. Functional models are assembled
 * from these nodes (`@kerasts/model`'s `Functional`).
 *
 * This module imports no layer classes (layer.ts imports it); layer-specific behaviour is found
 * through optional methods ({@link Layer.callMulti}, {@link Layer.callFull}) and the shape of recurrent
 * layers (engine/recurrent.ts).
 */
import { ConfigError, KerastsError, ShapeMismatchError, UnsupportedError, type Tensor } from '@kerasts/tensor';
import { cloneJson, type JsonObject } from './json.js';
import type { CallContext, Layer, Mask, MultiTape, TrainCallContext } from './layer.js';
import { isRecurrent } from './recurrent.js';
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
 * @throws {ConfigError} if the layer declares no batch input shape.
 */
export function inputTensorOf(layer: Layer): SymbolicTensor {
  const existing = nodesOf(layer).find((n) => n.inputs.length === 0);
  if (existing) return existing.outputs[0]!;
  if (layer.className !== 'InputLayer') throw new ConfigError(`layer "${layer.name}" (${layer.className}) is not an InputLayer`, layer.name);
  if (!layer.batchInputShape) throw new ConfigError(`InputLayer "${layer.name}" has no shape: give it batch_input_shape / shape`, layer.name);
  layer.build(layer.batchInputShape);
  return addNode(layer, [], [layer.batchInputShape], {}).outputs[0]!;
}

/** Layers that take a list of tensors (merge layers) implement {@link Layer.callMulti}. */
export function takesList(layer: Layer): boolean {
  return typeof layer.callMulti === 'function';
}

/** Options of a symbolic call ({@link applyLayer}). */
export interface LayerCallOptions {
  /**
   * Initial states of an RNN, from other layers (a seq2seq decoder started from the encoder's
   * states): `[h, c]` for an LSTM, `[h]` for GRU/SimpleRNN, both halves for a Bidirectional. Keras 2
   * records them as extra inbound tensors, Keras 3 as the call's `initial_state` argument.
   */
  initialState?: readonly SymbolicTensor[];
}

/**
 * Build a layer for the shapes it is called on and return the shapes of its outputs (one per
 * output tensor). Single-input layers are built with {@link Layer.build}; merge layers check their
 * inputs in {@link Layer.computeOutputShapeMulti}; RNNs may get initial states after the data and
 * return their states (`return_state`); Bidirectional layers say their shapes themselves.
 *
 * @throws {ShapeMismatchError} when the shapes do not fit the layer (or a layer already built for another shape).
 * @throws {ConfigError} when a single-input layer gets several tensors, or a merge layer one.
 */
export function buildForShapes(layer: Layer, shapes: readonly Shape[]): Shape[] {
  if (layer.className === 'InputLayer') throw new ConfigError(`an InputLayer ("${layer.name}") cannot be called on tensors; use its output tensor`, layer.name);
  if (takesList(layer)) {
    const out = layer.computeOutputShapeMulti!(shapes);
    layer.built = true;
    return [out];
  }
  const shape = shapes[0]!;
  const states = shapes.slice(1);
  if (typeof layer.computeOutputShapes === 'function') {
    layer.build(shape);
    return layer.computeOutputShapes(shapes);
  }
  if (isRecurrent(layer)) {
    if (states.length > 0 && states.length !== layer.stateCount) {
      throw new ConfigError(
        `layer "${layer.name}" (${layer.className}) has ${layer.stateCount} state(s), but was called with ${states.length} initial state tensor(s)`,
        layer.name,
      );
    }
    layer.build(shape);
    const batch = shape[0] ?? null;
    states.forEach((s, i) => {
      if (s.length !== 2 || (s[1] !== null && s[1] !== layer.units)) {
        throw new ShapeMismatchError(`initial state ${i} of layer "${layer.name}" (${layer.className}) must be (batch, ${layer.units})`, [batch, layer.units], s, layer.name);
      }
    });
    const out = layer.computeOutputShape(shape);
    if (!layer.returnState) return [out];
    return [out, ...Array.from({ length: layer.stateCount }, (): Shape => [batch, layer.units])];
  }
  if (shapes.length !== 1) {
    throw new ConfigError(
      `layer "${layer.name}" (${layer.className}) takes one input tensor, but was called on ${shapes.length} (${shapes.map(formatShape).join(', ')})`,
      layer.name,
    );
  }
  layer.build(shape);
  return [layer.computeOutputShape(shape)];
}

/**
 * Call a layer on symbolic tensors (what `layer.apply(x)` does): checks and builds the layer for the
 * input shapes and records a new node. Returns every output of the call.
 *
 * @param inputs one tensor, or a list for merge layers.
 * @param kwargs non-tensor call arguments to record with the node (kept when saving in Keras 3 form).
 * @param options tensor call arguments: an RNN's initial states (kept as extra inputs of the node).
 */
export function applyLayer(layer: Layer, inputs: SymbolicTensor | readonly SymbolicTensor[], kwargs: JsonObject = {}, options: LayerCallOptions = {}): SymbolicTensor[] {
  const list = inputs instanceof SymbolicTensor ? [inputs] : [...inputs];
  if (list.length === 0) throw new ConfigError(`layer "${layer.name}" (${layer.className}) was called on an empty list of tensors`, layer.name);
  const states = options.initialState ?? [];
  if (states.length > 0 && (takesList(layer) || list.length !== 1)) {
    throw new ConfigError(`layer "${layer.name}" (${layer.className}) takes no initial state`, layer.name);
  }
  const all = [...list, ...states];
  for (const t of all) {
    if (!(t instanceof SymbolicTensor)) {
      throw new ConfigError(`layer "${layer.name}" (${layer.className}).apply() takes symbolic tensors (from Input() or another layer's apply()), not data; use a model's predict() to compute`, layer.name);
    }
  }
  if (states.length > 0 && !isRecurrent(layer) && typeof layer.callFull !== 'function') {
    throw new ConfigError(`layer "${layer.name}" (${layer.className}) takes no initial state (only RNN layers do)`, layer.name);
  }
  const outShapes = buildForShapes(layer, all.map((t) => t.shape));
  return [...addNode(layer, all, outShapes, kwargs).outputs];
}

/** What one call computes: its outputs and their masks. */
export interface NodeResult {
  outputs: Tensor[];
  masks: (Mask | null)[];
}

/** The training-mode pass of one call: outputs, their masks, and the backward pass (see {@link MultiTape}). */
export interface NodeTape extends MultiTape {
  readonly outputs: Tensor[];
  readonly masks: (Mask | null)[];
}

/**
 * The mask an RNN call uses: the data's mask, except that Keras 3 passes no mask to a call that has
 * other tensor arguments (initial states): its `Layer.__call__` fills `mask` in only for a single tensor argument.
 */
function recurrentMask(inputs: readonly Tensor[], masks: readonly (Mask | null)[], ctx: CallContext): Mask | null {
  if (inputs.length > 1 && (ctx.era ?? 'keras3') === 'keras3') return null;
  return masks[0] ?? null;
}

/**
 * Run one node on concrete tensors: merge layers get the list, RNNs their initial states and
 * `[output, ...states]` with `returnState`, other layers their single output; every output comes with
 * its mask (Keras' `compute_mask`; a layer that does not support masking drops the mask, as Keras 3 does).
 */
export function runNode(layer: Layer, inputs: readonly Tensor[], ctx: CallContext, masks: readonly (Mask | null)[] = []): NodeResult {
  const mask = masks[0] ?? null;
  if (takesList(layer)) {
    const out = layer.callMulti!(inputs, ctx);
    const m = masks.some((x) => x) && layer.computeMaskMulti ? layer.computeMaskMulti(inputs, inputs.map((_, i) => masks[i] ?? null), ctx) : null;
    return { outputs: [out], masks: [m] };
  }
  if (typeof layer.callFull === 'function') {
    const outputs = layer.callFull(inputs, ctx, mask);
    const outMasks = layer.computeOutputMasks ? layer.computeOutputMasks(inputs, mask, ctx) : outputs.map(() => null);
    return { outputs, masks: outMasks };
  }
  if (isRecurrent(layer)) {
    const initialState = inputs.slice(1);
    const outs = layer.callRecurrent(inputs[0]!, ctx, { ...(initialState.length ? { initialState } : {}), mask: recurrentMask(inputs, masks, ctx) });
    const outputs = layer.returnState ? outs : [outs[0]!];
    // Keras' RNN.compute_mask: the data's mask for a returned sequence (whether or not the call used it), none for states.
    const outMask = layer.returnSequences ? mask : null;
    return { outputs, masks: outputs.map((_, i) => (i === 0 ? outMask : null)) };
  }
  if (inputs.length !== 1) {
    throw new ShapeMismatchError(`layer "${layer.name}" (${layer.className}) takes one input tensor`, [1], [inputs.length], layer.name);
  }
  const x = inputs[0]!;
  const out = layer.call(x, ctx, mask);
  return { outputs: [out], masks: [layer.computeMask(x, mask, ctx)] };
}

/**
 * The training-mode pass of one node ({@link runNode} with tapes): `backward` takes one gradient per
 * output (null where nothing depends on it) and returns one per input.
 *
 * @throws {UnsupportedError} for a layer without a backward pass.
 */
export function trainNode(layer: Layer, inputs: readonly Tensor[], ctx: TrainCallContext, masks: readonly (Mask | null)[] = []): NodeTape {
  const mask = masks[0] ?? null;
  if (takesList(layer)) {
    if (typeof layer.forwardTrainMulti !== 'function') {
      throw new UnsupportedError(`layer "${layer.name}" (${layer.className}) has no backward pass, so a model containing it cannot be trained`, layer.name);
    }
    const tape = layer.forwardTrainMulti(inputs, ctx);
    const m = masks.some((x) => x) && layer.computeMaskMulti ? layer.computeMaskMulti(inputs, inputs.map((_, i) => masks[i] ?? null), ctx) : null;
    return { outputs: [...tape.outputs], masks: [m], backward: (d) => tape.backward(d) };
  }
  if (typeof layer.forwardTrainFull === 'function') {
    const tape = layer.forwardTrainFull(inputs, ctx, mask);
    const outMasks = layer.computeOutputMasks ? layer.computeOutputMasks(inputs, mask, ctx) : tape.outputs.map(() => null);
    return { outputs: [...tape.outputs], masks: outMasks, backward: (d) => tape.backward(d), ...(tape.stateUpdates ? { stateUpdates: tape.stateUpdates } : {}) };
  }
  if (isRecurrent(layer)) {
    const initialState = inputs.slice(1);
    const tape = layer.forwardTrainRecurrent(inputs[0]!, ctx, { ...(initialState.length ? { initialState } : {}), mask: recurrentMask(inputs, masks, ctx) });
    const n = layer.returnState ? 1 + layer.stateCount : 1;
    const outputs = tape.outputs.slice(0, n);
    const outMask = layer.returnSequences ? mask : null;
    return {
      outputs,
      masks: outputs.map((_, i) => (i === 0 ? outMask : null)),
      backward: (d) => {
        const dStates = Array.from({ length: layer.stateCount }, (_, k) => d[1 + k] ?? null);
        const r = tape.backward(d[0] ?? null, dStates);
        return { dInputs: [r.dInput, ...r.dInitialState.slice(0, initialState.length)], weightGrads: r.weightGrads };
      },
    };
  }
  if (inputs.length !== 1) {
    throw new ShapeMismatchError(`layer "${layer.name}" (${layer.className}) takes one input tensor`, [1], [inputs.length], layer.name);
  }
  const x = inputs[0]!;
  const tape = layer.forwardTrain(x, ctx, mask);
  return {
    outputs: [tape.output],
    masks: [layer.computeMask(x, mask, ctx)],
    ...(tape.stateUpdates ? { stateUpdates: tape.stateUpdates } : {}),
    ...(tape.release ? { release: () => tape.release!() } : {}),
    backward: (d) => {
      const dy = d[0];
      if (!dy) return { dInputs: [null], weightGrads: new Map() };
      const r = tape.backward(dy);
      return { dInputs: [r.dInput], weightGrads: r.weightGrads };
    },
  };
}

/**
 * Run one node on concrete tensors without masks (see {@link runNode}): merge layers get the list,
 * RNNs with `returnState` return `[output, ...states]`, other layers their single output.
 */
export function callNode(layer: Layer, inputs: readonly Tensor[], ctx: CallContext): Tensor[] {
  return runNode(layer, inputs, ctx).outputs;
}

import {
  applyLayer,
  checkOptions,
  cloneJson,
  deserializeLayer,
  formatShape,
  InputLayer,
  inputTensorOf,
  nodesOf,
  runNode,
  shapesCompatible,
  SymbolicTensor,
  trainNode,
  uniqueName,
  type CallContext,
  type JsonValue,
  type Layer,
  type LayerNode,
  type LayerWeight,
  type Mask,
  type NodeTape,
  type Shape,
} from '@kerasts/layers';
import { ConfigError, KerastsError, ShapeMismatchError, Tensor, UnsupportedError, withContext, withParameterBudget } from '@kerasts/tensor';
import { getRegularizer, type Regularizer } from './training/regularizers.js';
import type { GraphRunOptions, GraphTape } from './training/trainer.js';
import { Model } from './model.js';
import { Sequential } from './sequential.js';
import { functionalConv1DFolds, runConv1DFold, type EmbeddingFolds } from './conv1d-folds.js';
import type { SummaryRow } from './summary.js';
import type { FunctionalConfig, FunctionalLayerSpec, ModelConfig, NodeSpec, TensorRef } from './types.js';
import { ModelLayer, nestedFromSpec, setNestedModelBuilder } from './nested.js';

/** Options of {@link Functional}. */
export interface FunctionalOptions {
  /** The model's input tensor(s), from `Input()`; several inputs are passed to `predict` in this order. */
  inputs: SymbolicTensor | readonly SymbolicTensor[];
  /** The model's output tensor(s), from `layer.apply()`; `predictOutputs` returns them in this order. */
  outputs: SymbolicTensor | readonly SymbolicTensor[];
  /** Model name (default `functional`, `functional_1`, ... as in Keras 3). */
  name?: string;
}

const FUNCTIONAL_KEYS: Readonly<Record<keyof FunctionalOptions, true>> = { inputs: true, outputs: true, name: true };

/** Options of {@link Functional.fromConfig}. */
export interface FromConfigOptions {
  /** File or source name, for error messages. */
  source?: string;
}

interface GraphMap {
  /** Nodes in execution order (Keras: by decreasing depth, then traversal order). */
  nodes: LayerNode[];
  /** Layers in Keras' `model.layers` order. */
  layers: Layer[];
  /** Each node's depth (longest path to an output; Keras' `_nodes_by_depth`). */
  nodeDepth: ReadonlyMap<LayerNode, number>;
}

/**
 * Keras' `map_graph` (keras/src/ops/function.py): walk back from the outputs depth first, give each
 * node and layer a depth (longest path to an output), and order layers by decreasing depth, ties by
 * the order in which the walk first met them. This order is `model.layers`, which fixes the order of
 * `get_weights()` and of the layers in a saved file.
 */
function mapGraph(inputs: readonly SymbolicTensor[], outputs: readonly SymbolicTensor[], modelName: string): GraphMap {
  const finished = new Set<LayerNode>();
  const inProgress = new Set<LayerNode>();
  const ordered: LayerNode[] = [];
  const layerIndex = new Map<Layer, number>();
  const visit = (t: SymbolicTensor): void => {
    const node = t.node;
    if (finished.has(node)) return;
    if (inProgress.has(node)) throw new ConfigError(`tensor ${t.toString()} is part of a cycle`, modelName);
    if (!layerIndex.has(node.layer)) layerIndex.set(node.layer, layerIndex.size);
    inProgress.add(node);
    for (const x of node.inputs) visit(x);
    finished.add(node);
    inProgress.delete(node);
    ordered.push(node);
  };
  for (const o of outputs) visit(o);

  const inGraph = new Set(ordered);
  const nodeDepth = new Map<LayerNode, number>();
  const layerDepth = new Map<Layer, number>();
  for (let i = ordered.length - 1; i >= 0; i--) {
    const node = ordered[i]!;
    if (!nodeDepth.has(node)) nodeDepth.set(node, 0);
    const depth = Math.max(nodeDepth.get(node)!, layerDepth.get(node.layer) ?? 0);
    layerDepth.set(node.layer, depth);
    nodeDepth.set(node, depth);
    for (const x of node.inputs) {
      if (!inGraph.has(x.node)) continue;
      nodeDepth.set(x.node, Math.max(depth + 1, nodeDepth.get(x.node) ?? 0));
    }
  }
  // Inputs that no output depends on are still part of the model (Keras keeps them at depth 0).
  for (const t of inputs) {
    if (!layerDepth.has(t.layer)) {
      layerDepth.set(t.layer, 0);
      layerIndex.set(t.layer, -1);
      nodeDepth.set(t.node, 0);
    }
  }
  const byDepth = <T>(m: Map<T, number>, tie: (x: T) => number): T[] =>
    [...m.keys()].map((k, i) => ({ k, i })).sort((a, b) => m.get(b.k)! - m.get(a.k)! || tie(a.k) - tie(b.k) || a.i - b.i).map((e) => e.k);
  const layers = byDepth(layerDepth, (l) => layerIndex.get(l)!);
  const nodes = byDepth(nodeDepth, () => 0);
  return { nodes, layers, nodeDepth };
}

/** Re-raise a graph-building error with the JSON path where it happened. */
function atPath(e: unknown, path: string): unknown {
  if (!(e instanceof KerastsError)) return e;
  if (e instanceof ShapeMismatchError) return new ShapeMismatchError(e.message.replace(/ \(expected shape \[[^\]]*\], found \[[^\]]*\]\)$/, ''), e.expected, e.found, path);
  if (e instanceof UnsupportedError) return new UnsupportedError(e.message, path);
  if (e instanceof ConfigError || e.constructor === KerastsError) return new ConfigError(e.message, path);
  // LimitError (its option and sizes), FormatError, ...: the class a caller catches is kept
  return withContext(e, path);
}

/**
 * A functional model, as Keras' `Model(inputs, outputs)`: a graph of layer calls with one or more
 * inputs and outputs. A layer called at several places shares its weights. `layers` includes the
 * input layers (Keras' semantics for functional models) and is ordered as Keras orders it, so
 * `getWeights()` and saved files list weights in Keras' order.
 *
 * @example
 * const inp = Input({ shape: [1, 8] });
 * const x = new LSTM({ units: 4 }).apply(inp);
 * const out = new Dense({ units: 1 }).apply(x);
 * const model = new Functional({ inputs: inp, outputs: out });
 * model.predict(tensor(data, [n, 1, 8]));
 *
 * Several inputs are passed to `predict`/`predictOutputs` as a list of tensors, in `inputs` order;
 * `predictOutputs` returns every output, in `outputs` order.
 */
export class Functional extends Model {
  /** The model's inputs (outputs of its input layers), in order. */
  readonly inputs: readonly SymbolicTensor[];
  /** The model's outputs, in order. */
  readonly outputs: readonly SymbolicTensor[];
  private readonly layerList: readonly Layer[];
  private readonly executionOrder: readonly LayerNode[];
  private readonly ownNodes: ReadonlySet<LayerNode>;
  private readonly nodeDepth: ReadonlyMap<LayerNode, number>;
  /** Embedding → Conv1D chains the inference pass may fold, found on the first predict. */
  private conv1dFolds: Map<LayerNode, EmbeddingFolds> | undefined;

  /**
   * Assemble a model from symbolic tensors.
   *
   * @throws {ConfigError} when an input is not an `Input()` tensor, when an output cannot be
   *   computed from the inputs (graph disconnected), or when two layers share a name.
   */
  constructor(options: FunctionalOptions);
  constructor(inputs: SymbolicTensor | readonly SymbolicTensor[], outputs: SymbolicTensor | readonly SymbolicTensor[], options?: Omit<FunctionalOptions, 'inputs' | 'outputs'>);
  constructor(first: FunctionalOptions | SymbolicTensor | readonly SymbolicTensor[], outputs?: SymbolicTensor | readonly SymbolicTensor[], more?: Omit<FunctionalOptions, 'inputs' | 'outputs'>) {
    const positional = first instanceof SymbolicTensor || Array.isArray(first);
    if (positional) checkOptions('Model', more, ['name']);
    else {
      if (outputs !== undefined) throw new ConfigError('new Model(...) takes (inputs, outputs, options) or ({ inputs, outputs, name })', 'Model');
      checkOptions('Model', first, Object.keys(FUNCTIONAL_KEYS));
    }
    const options: FunctionalOptions = positional
      ? { ...(more ?? {}), inputs: first as SymbolicTensor | readonly SymbolicTensor[], outputs: outputs as SymbolicTensor | readonly SymbolicTensor[] }
      : (first as FunctionalOptions);
    if (options.inputs === undefined || options.outputs === undefined) throw new ConfigError('a functional model needs inputs and outputs: new Model({ inputs, outputs })', options.name ?? 'Model');
    super(options.name ?? uniqueName('functional'));
    const asList = (v: SymbolicTensor | readonly SymbolicTensor[], what: string): SymbolicTensor[] => {
      const list = v instanceof SymbolicTensor ? [v] : [...v];
      if (list.length === 0) throw new ConfigError(`a functional model needs at least one ${what}`, this.name);
      for (const t of list) {
        if (!(t instanceof SymbolicTensor)) throw new ConfigError(`model ${what}s must be symbolic tensors (from Input() or layer.apply())`, this.name);
      }
      return list;
    };
    this.inputs = asList(options.inputs, 'input');
    this.outputs = asList(options.outputs, 'output');
    this.inputs.forEach((t, i) => {
      if (t.node.inputs.length > 0 || !(t.layer instanceof InputLayer)) {
        throw new ConfigError(`input ${i} of model "${this.name}" is the output of layer "${t.layer.name}" (${t.layer.className}); model inputs must come from Input()`, this.name);
      }
      if (this.inputs.indexOf(t) !== i) throw new ConfigError(`input "${t.layer.name}" is given twice to model "${this.name}"`, this.name);
    });
    const { nodes, layers, nodeDepth } = mapGraph(this.inputs, this.outputs, this.name);
    this.nodeDepth = nodeDepth;
    // Every node must be computable from the declared inputs.
    const computable = new Set<SymbolicTensor>(this.inputs);
    for (const node of nodes) {
      if (node.inputs.length === 0 && !node.outputs.some((o) => computable.has(o))) {
        throw new ConfigError(
          `graph disconnected: input layer "${node.layer.name}" feeds the outputs but is not among the model inputs (${this.inputs.map((t) => t.layer.name).join(', ')})`,
          this.name,
        );
      }
      for (const x of node.inputs) {
        if (!computable.has(x)) throw new ConfigError(`graph disconnected: layer "${node.layer.name}" needs ${x.toString()}, which cannot be computed from the model inputs`, this.name);
      }
      for (const o of node.outputs) computable.add(o);
    }
    const seen = new Map<string, Layer>();
    for (const l of layers) {
      const other = seen.get(l.name);
      if (other && other !== l) throw new ConfigError(`all layers in a model need unique names; "${l.name}" is used by two layers of "${this.name}"`, l.name);
      seen.set(l.name, l);
    }
    this.layerList = layers;
    this.executionOrder = nodes;
    this.ownNodes = new Set(nodes);
  }

  /** Every layer, input layers included, in Keras' `model.layers` order. */
  get layers(): readonly Layer[] {
    return this.layerList;
  }

  /** Shapes of the inputs, with batch dimension. */
  get inputShapes(): Shape[] {
    return this.inputs.map((t) => [...t.shape]);
  }

  /** Shapes of the outputs, with batch dimension. */
  get outputShapes(): Shape[] {
    return this.outputs.map((t) => [...t.shape]);
  }

  /** Functional models are built when they are assembled. */
  get built(): boolean {
    return true;
  }

  /**
   * Nothing to do (the layers were built when called); checks a given shape against the first input.
   *
   * @throws {ShapeMismatchError} when `inputShape` does not fit the first input.
   */
  build(inputShape?: Shape): void {
    const first = this.inputs[0]!.shape;
    if (inputShape && !shapesCompatible(first, inputShape)) {
      throw new ShapeMismatchError(`model "${this.name}" was built for input ${formatShape(first)}`, first, inputShape, this.name);
    }
  }

  /** Every node in execution order, each on its inputs and their masks. */
  protected runGraph(inputs: Tensor[], ctx: CallContext, inputMasks: readonly (Mask | null)[] = []): { outputs: Tensor[]; masks: (Mask | null)[] } {
    const values = new Map<SymbolicTensor, Tensor>();
    const masks = new Map<SymbolicTensor, Mask | null>();
    this.inputs.forEach((t, i) => {
      values.set(t, inputs[i]!);
      masks.set(t, inputMasks[i] ?? null);
    });
    this.conv1dFolds ??= functionalConv1DFolds(this.executionOrder, this.outputs);
    const covered = new Set<LayerNode>();
    for (const node of this.executionOrder) {
      if (node.inputs.length === 0 || covered.has(node)) continue;
      // Embedding → Conv1D from kept token projections (conv1d-folds.ts); a Conv1D's output has no mask
      const folds = this.conv1dFolds.get(node);
      if (folds !== undefined) {
        let all = true;
        for (const chain of folds.chains) {
          const y = runConv1DFold(node.layer, chain.conv.layer, values.get(node.inputs[0]!)!, ctx);
          if (y === null) {
            all = false;
            continue;
          }
          values.set(chain.conv.outputs[0]!, y);
          masks.set(chain.conv.outputs[0]!, null);
          for (const n of chain.covered) covered.add(n);
        }
        if (all && folds.complete) continue;
      }
      const r = runNode(
        node.layer,
        node.inputs.map((t) => values.get(t)!),
        ctx,
        node.inputs.map((t) => masks.get(t) ?? null),
      );
      node.outputs.forEach((t, k) => {
        values.set(t, r.outputs[k]!);
        masks.set(t, r.masks[k] ?? null);
      });
    }
    return { outputs: this.outputs.map((t) => values.get(t)!), masks: this.outputs.map((t) => masks.get(t) ?? null) };
  }

  /** The input layers' names, in input order. */
  get inputNames(): string[] {
    return this.inputs.map((t) => t.layer.name);
  }

  /** The output layers' names, in output order (Keras 3's `output_names`). */
  get outputNames(): string[] {
    return this.outputs.map((t) => t.layer.name);
  }

  /** The activity regularizer of a layer (from its kept Keras config), or null. */
  private activityRegularizer(layer: Layer): Regularizer | null {
    const kept = (layer as unknown as { kept?: Record<string, JsonValue> }).kept;
    const cfg = kept?.activity_regularizer ?? null;
    return cfg === null ? null : getRegularizer(cfg, `${layer.name}.activity_regularizer`);
  }

  protected override needsGraphForEval(): boolean {
    return this.layerList.some((l) => this.activityRegularizer(l) !== null);
  }

  /**
   * Training-mode forward pass over the graph (each node's training tape, with masks), and the
   * backward pass in reverse execution order: a tensor used by several nodes (or returned and used)
   * gets the sum of their gradients, a layer called several times the sum of its weight gradients.
   * Nodes whose inputs depend on no trainable weight are not asked for input gradients.
   */
  protected override trainGraph(inputs: Tensor[], options: GraphRunOptions): GraphTape {
    const { random, training, keepStates } = options;
    const ctx = options.ctx ? { ...options.ctx, training } : this.context(training);
    const values = new Map<SymbolicTensor, Tensor>();
    const masks = new Map<SymbolicTensor, Mask | null>();
    // Whether the gradient with respect to a tensor can reach a trainable weight (or, for a nested
    // model that owes its caller ∂L/∂inputs, an input).
    const needsGrad = new Map<SymbolicTensor, boolean>();
    const needIn = options.needInputGrad === true;
    let dInputs: (Tensor | null)[] = this.inputs.map(() => null);
    this.inputs.forEach((t, i) => {
      values.set(t, inputs[i]!);
      masks.set(t, options.inputMasks?.[i] ?? null);
      needsGrad.set(t, needIn);
    });
    const tapes: { node: LayerNode; tape: NodeTape }[] = [];
    let extraLoss = 0;
    const activity = new Map<LayerNode, Regularizer>();
    for (const node of this.executionOrder) {
      if (node.inputs.length === 0) continue;
      const needInputGrad = node.inputs.some((t) => needsGrad.get(t) === true);
      const tape = trainNode(
        node.layer,
        node.inputs.map((t) => values.get(t)!),
        { ...ctx, needInputGrad, random, keepStates },
        node.inputs.map((t) => masks.get(t) ?? null),
      );
      tapes.push({ node, tape });
      const reg = this.activityRegularizer(node.layer);
      if (reg) {
        activity.set(node, reg);
        const out = tape.outputs[0]!;
        const batch = out.shape[0] ?? 1;
        extraLoss = Math.fround(extraLoss + (batch > 0 ? Math.fround(reg.penalty(out.data) / batch) : 0));
      }
      const grads = needInputGrad || node.layer.trainableWeights.length > 0;
      node.outputs.forEach((t, k) => {
        values.set(t, tape.outputs[k]!);
        masks.set(t, tape.masks[k] ?? null);
        needsGrad.set(t, grads);
      });
    }
    return {
      outputs: this.outputs.map((t) => values.get(t)!),
      masks: this.outputs.map((t) => masks.get(t) ?? null),
      extraLoss,
      stateUpdates: tapes.flatMap(({ tape }) => tape.stateUpdates ?? []),
      inputGradients: () => dInputs,
      backward: (dOutputs: (Tensor | null)[]): Map<LayerWeight, Tensor> => {
        const dTensors = new Map<SymbolicTensor, Tensor>();
        const add = (t: SymbolicTensor, g: Tensor | null): void => {
          if (!g) return;
          const prev = dTensors.get(t);
          if (!prev) {
            dTensors.set(t, g);
            return;
          }
          const sum = new Float32Array(prev.size);
          for (let i = 0; i < sum.length; i++) sum[i] = prev.data[i]! + g.data[i]!;
          dTensors.set(t, new Tensor(sum, prev.shape));
        };
        this.outputs.forEach((t, i) => add(t, dOutputs[i] ?? null));
        const weightGrads = new Map<LayerWeight, Tensor>();
        for (let i = tapes.length - 1; i >= 0; i--) {
          const { node, tape } = tapes[i]!;
          if (!node.outputs.some((t) => needsGrad.get(t))) continue;
          let d = node.outputs.map((t) => dTensors.get(t) ?? null);
          const reg = activity.get(node);
          if (reg) {
            const out = tape.outputs[0]!;
            const dd = d[0] ? d[0].data.slice() : new Float32Array(out.size);
            reg.addGradient(out.data, dd, 1 / (out.shape[0] || 1));
            d = [new Tensor(dd, out.shape), ...d.slice(1)];
          }
          if (d.every((x) => x === null)) continue;
          const res = tape.backward(d);
          for (const [w, g] of res.weightGrads) {
            const prev = weightGrads.get(w);
            if (!prev) weightGrads.set(w, g);
            else {
              const sum = new Float32Array(prev.size);
              for (let k = 0; k < sum.length; k++) sum[k] = prev.data[k]! + g.data[k]!;
              weightGrads.set(w, new Tensor(sum, prev.shape));
            }
          }
          node.inputs.forEach((t, k) => {
            if (needsGrad.get(t)) add(t, res.dInputs[k] ?? null);
          });
        }
        if (needIn) dInputs = this.inputs.map((t) => dTensors.get(t) ?? null);
        return weightGrads;
      },
    };
  }

  /** Reset the state of every stateful layer. */
  resetStates(): void {
    for (const l of this.layerList) (l as unknown as { resetStates?: () => void }).resetStates?.();
  }

  /** The calls of a layer that belong to this model, in order (a shared layer has several). */
  nodesOf(layer: Layer): LayerNode[] {
    return nodesOf(layer).filter((n) => this.ownNodes.has(n));
  }

  protected summaryRows(): SummaryRow[] {
    return this.layerList.map((layer) => ({
      layer,
      // Keras looks at every call of the layer for its output shape (also calls in other models).
      nodeOutputs: nodesOf(layer).map((n) => n.outputs.map((o) => [...o.shape])),
      connections: this.nodesOf(layer).flatMap((n) => n.inputs.map((t) => `${t.layer.name}[${t.node.index}][${t.index}]`)),
      built: true,
    }));
  }

  /**
   * Keras' test for printing a graph as a chain (keras/src/utils/summary_utils.py): one call at
   * every depth, none with several input tensors, and no layer called twice.
   */
  protected override sequentialLike(): boolean {
    const byDepth = new Map<number, LayerNode[]>();
    for (const [node, depth] of this.nodeDepth) byDepth.set(depth, [...(byDepth.get(depth) ?? []), node]);
    for (const nodes of byDepth.values()) if (nodes.length > 1 || (nodes.length === 1 && nodes[0]!.inputs.length > 1)) return false;
    return this.layerList.every((l) => this.nodesOf(l).length <= 1);
  }

  /** The canonical config: layers in `model.layers` order with their calls, inputs and outputs. */
  toConfig(): FunctionalConfig {
    const ref = (t: SymbolicTensor): TensorRef => ({
      layer: t.layer.name,
      nodeIndex: this.nodesOf(t.layer).indexOf(t.node),
      tensorIndex: t.index,
      shape: [...t.shape],
    });
    const layers: FunctionalLayerSpec[] = this.layerList.map((l) => ({
      className: l.className,
      config: l.getConfig(),
      ...(l instanceof ModelLayer ? { model: l.model.toConfig() } : {}),
      name: l.name,
      inboundNodes: this.nodesOf(l)
        .filter((n) => n.inputs.length > 0)
        .map((n): NodeSpec => ({ inputs: n.inputs.map(ref), kwargs: cloneJson(n.kwargs) })),
    }));
    return {
      className: 'Functional',
      name: this.name,
      layers,
      inputLayers: this.inputs.map(ref),
      outputLayers: this.outputs.map(ref),
      kerasVersion: this.kerasVersion,
      backend: this.backend,
    };
  }

  /**
   * Build a functional model from a canonical config, as Keras' `functional_from_config`: create the
   * layers through the registry, then replay their calls, each as soon as the tensors it needs exist
   * (so a layer shared at different depths works).
   *
   * @throws {ConfigError} for unknown layer references, loops or missing calls, with the JSON path.
   * @throws {UnsupportedError} for layer classes kerasts does not know.
   */
  static fromConfig(config: ModelConfig, options: FromConfigOptions = {}): Functional {
    const src = options.source ? `${options.source}: ` : '';
    if (config.className !== 'Functional') throw new ConfigError(`expected a functional model config, found a "${config.className}" config`, options.source ?? '');
    const created = new Map<string, Layer>();
    const layers = config.layers.map((spec, i) => {
      const path = `${src}config.layers[${i}]`;
      if (created.has(spec.name)) throw new ConfigError(`two layers are named "${spec.name}"; names must be unique in a model`, path);
      const config = typeof spec.config.name === 'string' ? spec.config : { ...spec.config, name: spec.name };
      const layer = spec.model ? nestedFromSpec({ ...spec, config }, path) : deserializeLayer(spec.className, config, path);
      created.set(spec.name, layer);
      if (layer instanceof InputLayer) {
        if (spec.inboundNodes.length > 0) throw new ConfigError(`input layer "${spec.name}" cannot have inbound nodes`, `${path}.inbound_nodes`);
        try {
          inputTensorOf(layer);
        } catch (e) {
          throw atPath(e, `${path}.config`);
        }
      }
      return layer;
    });
    const resolve = (r: TensorRef, path: string): SymbolicTensor | null => {
      const layer = created.get(r.layer);
      if (!layer) throw new ConfigError(`refers to layer "${r.layer}", which is not in the model (layers: ${[...created.keys()].join(', ')})`, path);
      const node = nodesOf(layer)[r.nodeIndex];
      if (!node) return null;
      const t = node.outputs[r.tensorIndex];
      if (!t) throw new ConfigError(`layer "${r.layer}" call #${r.nodeIndex} has ${node.outputs.length} output(s); tensor index ${r.tensorIndex} does not exist`, path);
      return t;
    };
    const next = config.layers.map(() => 0);
    let pending = config.layers.reduce((n, s) => n + s.inboundNodes.length, 0);
    while (pending > 0) {
      let progress = false;
      config.layers.forEach((spec, i) => {
        const layer = layers[i]!;
        while (next[i]! < spec.inboundNodes.length) {
          const k = next[i]!;
          const path = `${src}config.layers[${i}].inbound_nodes[${k}]`;
          const node = spec.inboundNodes[k]!;
          if (node.inputs.length === 0) throw new ConfigError(`a call of layer "${spec.name}" has no input tensors`, path);
          const tensors = node.inputs.map((r, j) => resolve(r, `${path}[${j}]`));
          if (tensors.some((t) => t === null)) break;
          try {
            applyLayer(layer, tensors as SymbolicTensor[], node.kwargs);
          } catch (e) {
            throw atPath(e, path);
          }
          next[i] = k + 1;
          pending--;
          progress = true;
        }
      });
      if (!progress) {
        const stuck = config.layers
          .map((s, i) => (next[i]! < s.inboundNodes.length ? `"${s.name}" call #${next[i]}` : null))
          .filter((x): x is string => x !== null);
        throw new ConfigError(`the graph has a loop or refers to calls that never happen; cannot resolve ${stuck.join(', ')}`, `${src}config.layers`);
      }
    }
    const endpoint = (refs: readonly TensorRef[], key: string): SymbolicTensor[] =>
      refs.map((r, j) => {
        const path = `${src}config.${key}[${j}]`;
        const t = resolve(r, path);
        if (!t) throw new ConfigError(`refers to call #${r.nodeIndex} of layer "${r.layer}", which does not exist`, path);
        return t;
      });
    const inputs = endpoint(config.inputLayers, 'input_layers');
    const outputs = endpoint(config.outputLayers, 'output_layers');
    let model: Functional;
    try {
      model = new Functional({ inputs, outputs, ...(config.name ? { name: config.name } : {}) });
    } catch (e) {
      throw atPath(e, `${src}config`);
    }
    model.kerasVersion = config.kerasVersion;
    model.backend = config.backend;
    return model;
  }
}

/**
 * Build the model a canonical config describes: a `Sequential` or a `Functional` (tell them apart
 * with `instanceof`, or by `config.className`).
 */
export function modelFromConfig(config: ModelConfig, options: FromConfigOptions = {}): Sequential | Functional {
  // one parameter budget for the whole model, nested models included (maxParameters)
  return withParameterBudget(() => {
    if (config.className === 'Functional') return Functional.fromConfig(config, options);
    return Sequential.fromConfig(config, options.source ? { source: options.source } : {});
  });
}

setNestedModelBuilder((config, source) => modelFromConfig(config, { source }));

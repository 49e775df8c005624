/**
 * A kerasts model (Sequential or Functional, any Keras era) as an ONNX model: the graph is walked
 * call by call as kerasts runs it (`runNode` in @kerasts/layers: merge layers, wrappers, RNNs with
 * initial states, masks), each call written by its class's mapping (layers/<family>.ts).
 */
import { create, toBinary } from '@bufbuild/protobuf';
import {
  DEFAULT_KERAS_VERSION,
  hardSigmoidFor,
  isRecurrent,
  kerasEraFor,
  Layer,
  takesList,
  type KerasEra,
  type LayerNode,
  type Shape,
  type SymbolicTensor,
} from '@kerasts/layers';
import { Functional, ModelLayer, Sequential, type Model } from '@kerasts/model';
import { KerastsError, UnsupportedError } from '@kerasts/tensor';
import { GraphBuilder, I, valueInfo, type DimSpec, type ElemType } from './graph.js';
import { mappingFor, refusalFor } from './layers/index.js';
import type { ExportContext, MaskedOutput, OnnxValue } from './mapping.js';
import { ModelProtoSchema, OperatorSetIdProtoSchema, StringStringEntryProtoSchema, type ModelProto } from './proto/onnx_pb.js';

/** The ONNX operator set the exporter writes (ai.onnx). */
export const ONNX_OPSET = 17;
/** The ONNX IR version of the files (IR 8 goes with opset 17). */
export const ONNX_IR_VERSION = 8;

/** Protobuf messages are limited to 2 GiB; leave room for the graph itself. */
const MAX_PROTO_BYTES = 2 ** 31 - 2 ** 24;

/** Options of {@link exportOnnx}. */
export interface OnnxExportOptions {
  /** Name of the symbolic batch dimension of every input and output (default `batch`). */
  batchDimension?: string;
  /**
   * Use ONNX's own LSTM/GRU/RNN operators where they compute the same function (default true; the
   * fast path in ONNX Runtime). False writes every recurrence as a Scan loop.
   */
  nativeRecurrentOps?: boolean;
  /** The model's `doc_string`. */
  docString?: string;
  /** Receives warnings (default: collected in the result only). */
  warn?: (message: string) => void;
}

/** What {@link exportOnnxWithInfo} returns. */
export interface OnnxExport {
  /** The `.onnx` file. */
  bytes: Uint8Array;
  /** Graph input names (the Keras input layers' names), in model order. */
  inputNames: string[];
  /** Graph output names (the Keras output layers' names, made unique), in model order. */
  outputNames: string[];
  /** What the exporter had to say (stateful layers exported from zero states, ...). */
  warnings: string[];
  opset: number;
}

/** One tensor of the graph being built, with its mask. */
interface Edge {
  readonly value: OnnxValue;
  readonly mask: string | null;
}

/**
 * What masked RNN steps output when `zero_output_for_mask` is off: the carried state (Keras ≤ 2.2,
 * Keras 3) or the previous output (Keras 2.3, tf.keras 2).
 */
function maskedOutputFor(version: string, era: KerasEra): MaskedOutput {
  if (era === 'tf.keras') return 'previous';
  if (era === 'keras2') {
    const m = /^2\.(\d+)/.exec(version.trim());
    return m && Number(m[1]) >= 3 ? 'previous' : 'state';
  }
  return 'state';
}

/** The output shapes of a call (what `buildForShapes` in @kerasts/layers gives, without building). */
function outputShapesOf(layer: Layer, shapes: readonly Shape[]): Shape[] {
  if (takesList(layer)) return [layer.computeOutputShapeMulti!(shapes)];
  const l = layer as Layer & { computeOutputShapes?: (s: readonly Shape[]) => Shape[] };
  if (typeof l.computeOutputShapes === 'function') return l.computeOutputShapes(shapes);
  const out = layer.computeOutputShape(shapes[0]!);
  if (isRecurrent(layer) && layer.returnState) return [out, ...Array.from({ length: layer.stateCount }, (): Shape => [shapes[0]![0] ?? null, layer.units])];
  return [out];
}

class Exporter {
  readonly g = new GraphBuilder();
  readonly warnings: string[] = [];
  readonly ctx: ExportContext;

  constructor(
    readonly model: Model | null,
    readonly options: OnnxExportOptions,
    version: string = model?.kerasVersion ?? DEFAULT_KERAS_VERSION,
    maskedOutput?: MaskedOutput,
  ) {
    const era = kerasEraFor(version);
    const self = this;
    this.ctx = {
      g: this.g,
      hardSigmoid: hardSigmoidFor(version),
      era,
      maskedOutput: maskedOutput ?? maskedOutputFor(version, era),
      nativeRecurrentOps: options.nativeRecurrentOps ?? true,
      warn: (m: string) => {
        this.warnings.push(m);
        options.warn?.(m);
      },
      callLayer(layer: Layer, inputs: readonly OnnxValue[], masks: readonly (string | null)[]) {
        const shapes = outputShapesOf(layer, inputs.map((v) => v.shape));
        const edges = self.call(layer, inputs.map((v, i) => ({ value: v, mask: masks[i] ?? null })), shapes);
        return { outputs: edges.map((e) => e.value.name), masks: edges.map((e) => e.mask) };
      },
    };
  }

  /** Export one call of `layer` through its mapping; fills in kerasts' default masks. */
  call(layer: Layer, inputs: readonly Edge[], outputShapes: readonly Shape[]): Edge[] {
    // a nested model is written inline: its calls, on the edges it is called on (and their masks)
    if (layer instanceof ModelLayer) return this.g.within(layer.name, () => this.nested(layer.model, inputs));
    const mapping = mappingFor(layer.className);
    if (!mapping) {
      const why = refusalFor(layer.className);
      if (why) throw new UnsupportedError(`layer "${layer.name}" (${layer.className}) cannot be expressed in ONNX: ${why}`, layer.name);
      throw new UnsupportedError(
        `layer "${layer.name}" (${layer.className}) has no ONNX mapping; a custom layer can add one with registerOnnxMapping("${layer.className}", mapping)`,
        layer.name,
      );
    }
    const res = this.g.within(layer.name, () => mapping(this.ctx, { layer, inputs: inputs.map((e) => e.value), masks: inputs.map((e) => e.mask), outputShapes }));
    if (res.outputs.length !== outputShapes.length) {
      throw new KerastsError(`ONNX mapping of layer "${layer.name}" (${layer.className}) gave ${res.outputs.length} output(s) for ${outputShapes.length}`, layer.name);
    }
    let masks = res.masks;
    if (!masks) {
      // kerasts' default: a layer that supports masking passes the mask on, any other drops it. A
      // layer that computes masks itself must say what they are.
      if (layer.computeMask !== Layer.prototype.computeMask || takesList(layer) || isRecurrent(layer)) {
        throw new KerastsError(`ONNX mapping of layer "${layer.name}" (${layer.className}) must give its output masks`, layer.name);
      }
      const m = layer.supportsMasking ? (inputs[0]?.mask ?? null) : null;
      masks = res.outputs.map(() => m);
    }
    return res.outputs.map((name, k) => ({ value: { name, shape: outputShapes[k]! }, mask: masks![k] ?? null }));
  }

  /** A graph input for an input layer (non-float inputs are cast to float32, as kerasts computes). */
  input(name: string, shape: Shape, dtype: string): Edge {
    if (!this.g.reserve(name)) throw new KerastsError(`two model inputs are named "${name}"`, name);
    const batch = this.options.batchDimension ?? 'batch';
    const dims: DimSpec[] = shape.map((d, i) => (i === 0 ? batch : d === null ? `${name}_dim${i}` : d));
    const type: ElemType = /^int(32|64)$/.test(dtype) ? (dtype as 'int32' | 'int64') : 'float';
    this.g.inputs.push(valueInfo(name, type, dims));
    const value = type === 'float' ? name : this.g.op('Cast', [name], { to: I(1) });
    return { value: { name: value, shape }, mask: null };
  }

  /** Graph outputs named after the Keras output layers (made unique), each an Identity of its value. */
  outputs(values: readonly OnnxValue[], names: readonly string[]): string[] {
    const batch = this.options.batchDimension ?? 'batch';
    return values.map((v, k) => {
      const base = names[k] ?? `output_${k}`;
      let name = base;
      for (let i = 1; !this.g.reserve(name); i++) name = `${base}_${i}`;
      this.g.node('Identity', [v.name], {}, [name]);
      this.g.outputs.push(valueInfo(name, 'float', v.shape.map((d, i) => (i === 0 ? batch : d))));
      return name;
    });
  }

  sequential(model: Sequential): { inputs: string[]; outputs: string[] } {
    const shapes = model.inputShapes;
    if (!model.built || !shapes) throw new KerastsError(`Sequential "${model.name}" is not built (its input shape is unknown): build it before exporting`, model.name);
    const inputName = model.inputNames[0] ?? 'input';
    let edges = [this.input(inputName, shapes[0]!, model.input?.dtype ?? 'float32')];
    for (const layer of model.layers) {
      edges = this.call(layer, [edges[0]!], outputShapesOf(layer, [edges[0]!.value.shape]));
    }
    return { inputs: [inputName], outputs: this.outputs(edges.map((e) => e.value), model.outputNames) };
  }

  /** The calls of a nested model on `inputs` (its Sequential chain or Functional graph); its output edges. */
  nested(model: Model, inputs: readonly Edge[]): Edge[] {
    if (model instanceof Sequential) {
      let edges: Edge[] = [inputs[0]!];
      for (const layer of model.layers) edges = this.call(layer, [edges[0]!], outputShapesOf(layer, [edges[0]!.value.shape]));
      return edges;
    }
    if (!(model instanceof Functional)) throw new UnsupportedError(`model "${model.name}" is neither a Sequential nor a Functional model`, model.name);
    const values = new Map<SymbolicTensor, Edge>();
    model.inputs.forEach((t, i) => values.set(t, inputs[i]!));
    this.graphCalls(model, values);
    return model.outputs.map((t) => values.get(t)!);
  }

  functional(model: Functional): { inputs: string[]; outputs: string[] } {
    const values = new Map<SymbolicTensor, Edge>();
    const inputs = model.inputs.map((t) => {
      const e = this.input(t.layer.name, t.shape, t.layer.dtype);
      values.set(t, e);
      return t.layer.name;
    });
    this.graphCalls(model, values);
    return { inputs, outputs: this.outputs(model.outputs.map((t) => values.get(t)!.value), model.outputNames) };
  }

  /** Every call of a functional graph, in dependency order, from the input edges in `values`. */
  graphCalls(model: Functional, values: Map<SymbolicTensor, Edge>): void {
    // Calls in dependency order, as kerasts runs them.
    const order: LayerNode[] = [];
    const seen = new Set<LayerNode>();
    const visit = (node: LayerNode): void => {
      if (seen.has(node)) return;
      seen.add(node);
      for (const t of node.inputs) visit(t.node);
      order.push(node);
    };
    for (const t of model.outputs) visit(t.node);
    for (const node of order) {
      if (node.inputs.length === 0) {
        if (!values.has(node.outputs[0]!)) throw new KerastsError(`input layer "${node.layer.name}" is not among the model inputs`, model.name);
        continue;
      }
      let ins = node.inputs.map((t) => values.get(t)!);
      // Keras 3 passes no mask to an RNN called with initial states: its Layer.__call__ fills `mask`
      // in only for a single tensor argument (kerasts' runNode does the same).
      if (ins.length > 1 && isRecurrent(node.layer) && this.ctx.era === 'keras3') ins = ins.map((e) => ({ value: e.value, mask: null }));
      const outs = this.call(node.layer, ins, node.outputs.map((t) => t.shape));
      node.outputs.forEach((t, k) => values.set(t, outs[k]!));
    }
  }

  /** One call of a layer on graph inputs `x` (+ `mask`, `initial_state_<k>`), outputs `output_<k>`. */
  layerCall(layer: Layer, o: OnnxLayerExportOptions): { inputs: string[]; outputs: string[] } {
    const x = this.input('x', o.inputShape, 'float32');
    const names = ['x'];
    let mask: string | null = null;
    if (o.mask) {
      const batch = this.options.batchDimension ?? 'batch';
      this.g.reserve('mask');
      this.g.inputs.push(valueInfo('mask', 'bool', [batch, o.inputShape[1] ?? 'x_dim1']));
      mask = 'mask';
      names.push('mask');
    }
    const states = Array.from({ length: o.initialStates ?? 0 }, (_, k) => {
      const name = `initial_state_${k}`;
      names.push(name);
      return this.input(name, [null, (layer as Layer & { units?: number }).units ?? null], 'float32');
    });
    const ins: Edge[] = [{ value: x.value, mask }, ...states];
    const outs = this.call(layer, ins, outputShapesOf(layer, ins.map((e) => e.value.shape)));
    return { inputs: names, outputs: this.outputs(outs.map((e) => e.value), outs.map((_, k) => `output_${k}`)) };
  }

  proto(name: string, docString: string, graph: { inputs: string[]; outputs: string[] }, version: string): { proto: ModelProto; inputs: string[]; outputs: string[] } {
    const proto = create(ModelProtoSchema, {
      irVersion: BigInt(ONNX_IR_VERSION),
      opsetImport: [create(OperatorSetIdProtoSchema, { domain: '', version: BigInt(ONNX_OPSET) })],
      producerName: 'kerasts',
      producerVersion: '0.1.0',
      docString: this.options.docString ?? docString,
      graph: this.g.toGraph(name),
      metadataProps: [
        create(StringStringEntryProtoSchema, { key: 'keras_version', value: version }),
        create(StringStringEntryProtoSchema, { key: 'keras_era', value: this.ctx.era }),
        create(StringStringEntryProtoSchema, { key: 'hard_sigmoid', value: this.ctx.hardSigmoid === 'keras2' ? 'clip(0.2x+0.5, 0, 1)' : 'clip(x/6+0.5, 0, 1)' }),
      ],
    });
    return { proto, ...graph };
  }

  run(): { proto: ModelProto; inputs: string[]; outputs: string[] } {
    const m = this.model!;
    let io: { inputs: string[]; outputs: string[] };
    if (m instanceof Sequential) io = this.sequential(m);
    else if (m instanceof Functional) io = this.functional(m);
    else throw new UnsupportedError(`model "${m.name}" is neither a Sequential nor a Functional model`, m.name);
    return this.proto(m.name, `Keras model "${m.name}" (Keras ${m.kerasVersion}), exported by kerasts`, io, m.kerasVersion);
  }
}

/**
 * The ONNX model of a kerasts model (opset 17), with its input/output names and warnings.
 *
 * @throws {UnsupportedError} for a layer ONNX cannot express (the message says why) or that has no mapping.
 * @throws {KerastsError} for a Sequential that is not built.
 */
export function exportOnnxWithInfo(model: Model, options: OnnxExportOptions = {}): OnnxExport {
  const ex = new Exporter(model, options);
  const { proto, inputs, outputs } = ex.run();
  const weightBytes = proto.graph!.initializer.reduce((n, t) => n + t.rawData.length, 0);
  if (weightBytes > MAX_PROTO_BYTES) {
    throw new UnsupportedError(
      `model "${model.name}" has ${(weightBytes / 2 ** 30).toFixed(2)} GiB of weights; a single ONNX protobuf file holds less than 2 GiB (ONNX's external data files are not written)`,
      model.name,
    );
  }
  return { bytes: toBinary(ModelProtoSchema, proto), inputNames: inputs, outputNames: outputs, warnings: ex.warnings, opset: ONNX_OPSET };
}

/** Options of {@link exportLayerOnnx}. */
export interface OnnxLayerExportOptions extends OnnxExportOptions {
  /** The input's shape with the batch dimension (null where unknown), e.g. `[null, 5, 3]`. */
  inputShape: Shape;
  /** Add a bool input `mask` over (batch, timesteps), given to the layer as its input's mask. */
  mask?: boolean;
  /** Add this many inputs `initial_state_<k>` of shape (batch, units) (recurrent layers). */
  initialStates?: number;
  /** The Keras version whose numerics the layer follows (default Keras 3). */
  kerasVersion?: string;
  /** What masked recurrent steps output, overriding the version's rule. */
  maskedOutput?: MaskedOutput;
}

/**
 * An ONNX model of one layer call: inputs `x` (and `mask`, `initial_state_<k>` when asked), outputs
 * `output_0`, `output_1`, ... (a recurrent layer with `return_state`: the output, then the states).
 * For checking a layer's mapping against a runtime, or for using one layer alone.
 */
export function exportLayerOnnx(layer: Layer, options: OnnxLayerExportOptions): OnnxExport {
  const version = options.kerasVersion ?? DEFAULT_KERAS_VERSION;
  const ex = new Exporter(null, options, version, options.maskedOutput);
  const io = ex.layerCall(layer, options);
  const { proto, inputs, outputs } = ex.proto(layer.name, `Keras layer "${layer.name}" (${layer.className}), exported by kerasts`, io, version);
  return { bytes: toBinary(ModelProtoSchema, proto), inputNames: inputs, outputNames: outputs, warnings: ex.warnings, opset: ONNX_OPSET };
}

/** The `.onnx` bytes of a kerasts model (see {@link exportOnnxWithInfo}). */
export function exportOnnx(model: Model, options: OnnxExportOptions = {}): Uint8Array {
  return exportOnnxWithInfo(model, options).bytes;
}

/**
 * The `.onnx` bytes of a hand-built graph (a custom graph made with {@link GraphBuilder}: its inputs,
 * outputs, nodes and initializers), opset 17.
 */
export function graphToOnnx(graph: GraphBuilder, name = 'graph'): Uint8Array {
  const proto = create(ModelProtoSchema, {
    irVersion: BigInt(ONNX_IR_VERSION),
    opsetImport: [create(OperatorSetIdProtoSchema, { domain: '', version: BigInt(ONNX_OPSET) })],
    producerName: 'kerasts',
    producerVersion: '0.1.0',
    graph: graph.toGraph(name),
  });
  return toBinary(ModelProtoSchema, proto);
}

/** The ONNX model as a protobuf message (for inspection or further editing). */
export function toOnnxModel(model: Model, options: OnnxExportOptions = {}): ModelProto {
  return new Exporter(model, options).run().proto;
}

/**
 * Functional-model configs (Keras `Model` / `Functional`) of every era, in and out
 * (KERAS-FORMAT §6.6, §12 trap 7):
 * - Keras 1: `inbound_nodes` refs `[layer, node, tensor]`, `Merge` layers with a `mode`;
 * - Keras 2 / tf.keras: `[[[layer, node, tensor, kwargs], ...], ...]`, class `Model` (tf.keras ≥ 2.4:
 *   `Functional`), `input_layers` / `output_layers` always lists;
 * - Keras 3: nodes `{"args": [__keras_tensor__ ...], "kwargs": {...}}`, a single input or output
 *   written as a flat `["inp", 0, 0]`.
 */
import { Functional, type FunctionalConfig, type FunctionalLayerSpec, type NodeSpec, type TensorRef } from '@kerasts/model';
import { cloneJson, DEFAULT_KERAS_VERSION, isJsonObject, isSupportedNumpyOperation, kerasMajor, kerasMajorMinor, type JsonObject, type JsonValue } from '@kerasts/layers';
import { ConfigError, UnsupportedError } from '@kerasts/tensor';
import { imageDataFormatOf, isKeras1Config, normalizeLayer, readShape } from './normalize.js';
import type { ModelConfig } from '@kerasts/model';
import type { ParseOptions, ParsedModelConfig, SourceDialect } from './read.js';
import { kerasModuleOf, layerConfig, type Dialect } from './write.js';
import { isNestedModelEntry, nestedModelEntry, parseNestedModel } from './nested.js';

/** Keras model classes that hold a functional graph. */
export const FUNCTIONAL_CLASS_NAMES: ReadonlySet<string> = new Set(['Model', 'Functional']);

/** Layer classes that are called on a list of tensors. */
const MERGE_CLASSES = new Set(['Concatenate', 'Add', 'Subtract', 'Multiply', 'Average', 'Maximum', 'Minimum', 'Dot']);

/** Keras 1 `Merge(mode=...)` → the Keras 2 merge layer computing the same. */
const KERAS1_MERGE_MODES: Record<string, string> = { sum: 'Add', mul: 'Multiply', ave: 'Average', max: 'Maximum', concat: 'Concatenate' };

function at(where: string, path: string): string {
  return where ? `${where}: ${path}` : path;
}

/* ------------------------------------------------------------------------------------------------
 * Reading
 * ---------------------------------------------------------------------------------------------- */

function isKerasTensor(v: JsonValue | undefined): v is JsonObject {
  return isJsonObject(v) && v.class_name === '__keras_tensor__';
}

/** Keras 3 may serialize tuples as `{"class_name": "__tuple__", "config": {"value": [...]}}`. */
function untuple(v: JsonValue | undefined): JsonValue | undefined {
  if (isJsonObject(v) && v.class_name === '__tuple__' && isJsonObject(v.config)) return v.config.value;
  return v;
}

/** Is this a Keras 1/2 `[name, node, tensor(, kwargs)]` leaf? */
function isLegacyRef(v: JsonValue | undefined): v is JsonValue[] {
  return Array.isArray(v) && v.length >= 3 && v.length <= 4 && typeof v[0] === 'string' && typeof v[1] === 'number';
}

function readIndex(v: JsonValue | undefined, what: string, path: string): number {
  if (typeof v !== 'number' || !Number.isInteger(v) || v < 0) throw new ConfigError(`${what} must be a non-negative integer, found ${JSON.stringify(v)}`, path);
  return v;
}

/** One `[name, node, tensor]` reference (input_layers / output_layers entries, Keras 1/2 refs). */
function readRef(v: JsonValue | undefined, path: string): TensorRef {
  if (!Array.isArray(v) || v.length < 3 || typeof v[0] !== 'string') {
    throw new ConfigError(`expected a tensor reference [layer_name, node_index, tensor_index], found ${JSON.stringify(v)}`, path);
  }
  return { layer: v[0], nodeIndex: readIndex(v[1], 'node_index', path), tensorIndex: readIndex(v[2], 'tensor_index', path) };
}

/** A Keras 3 `__keras_tensor__` object as a reference. */
function readKerasTensor(v: JsonObject, path: string): TensorRef {
  const cfg = isJsonObject(v.config) ? v.config : {};
  const ref = readRef(cfg.keras_history, `${path}.config.keras_history`);
  const shape = readShape(cfg.shape, `${path}.config.shape`);
  return shape ? { ...ref, shape } : ref;
}

/**
 * `input_layers` / `output_layers` in any structure: a flat ref (Keras 3 single tensor), a list of
 * refs (Keras 1/2, tf.keras, Keras 3 lists; tf.keras may nest), or a dict (Keras 3; values in order).
 */
function readEndpoints(v: JsonValue | undefined, path: string): TensorRef[] {
  if (v === undefined || v === null) throw new ConfigError('missing; a functional config lists its inputs and outputs', path);
  if (isLegacyRef(v) && typeof v[2] === 'number') return [readRef(v, path)];
  if (Array.isArray(v)) return v.flatMap((e, i) => readEndpoints(e, `${path}[${i}]`));
  if (isJsonObject(v)) return Object.entries(v).flatMap(([k, e]) => readEndpoints(e, `${path}.${k}`));
  throw new ConfigError(`expected a tensor reference or a list of them, found ${JSON.stringify(v)}`, path);
}

/** Tensor references inside a value: Keras 3 `__keras_tensor__` objects or Keras 2 `[name, node, tensor]` lists. */
function tensorRefsIn(v: JsonValue | undefined, path: string, legacy: boolean): TensorRef[] {
  const u = untuple(v);
  if (u === undefined || u === null) return [];
  if (!legacy && isKerasTensor(u)) return [readKerasTensor(u, path)];
  if (legacy && isLegacyRef(u) && typeof u[2] === 'number') return [readRef(u, path)];
  if (Array.isArray(u)) return u.flatMap((e, i) => tensorRefsIn(e, `${path}[${i}]`, legacy));
  if (isJsonObject(u) && !isKerasTensor(u)) return Object.entries(u).flatMap(([k, e]) => tensorRefsIn(e as JsonValue, `${path}.${k}`, legacy));
  return [];
}

/** A call read from `inbound_nodes`: its canonical form, and the tensors it was given as `mask`. */
interface ReadNode {
  spec: NodeSpec;
  /** Tensors passed as the `mask` argument (Keras 3 records the masks it propagates; kerasts recomputes them). */
  masks: TensorRef[];
}

/**
 * Tensor keyword arguments of a call: `initial_state` (an RNN's states, which become extra inputs of
 * the node, as Keras 2 records them) and `mask`; any other tensor argument is refused.
 */
function tensorKwargs(kwargs: JsonObject, layer: string, path: string, legacy: boolean, inputs: TensorRef[], masks: TensorRef[]): JsonObject {
  const out: JsonObject = {};
  for (const [k, v] of Object.entries(kwargs)) {
    const refs = tensorRefsIn(v, `${path}.${k}`, legacy);
    if (refs.length === 0) {
      out[k] = cloneJson(v);
      continue;
    }
    if (k === 'initial_state') inputs.push(...refs);
    else if (k === 'mask') masks.push(...refs);
    else throw new UnsupportedError(`unsupported: layer "${layer}" is called with a tensor as keyword argument "${k}"; kerasts supports tensors as initial_state and mask only`, `${path}.${k}`);
  }
  return out;
}

/** One entry of a layer's `inbound_nodes`, in any era's form. */
function readNode(node: JsonValue, layer: string, path: string): ReadNode {
  const masks: TensorRef[] = [];
  if (isJsonObject(node)) {
    if (!('args' in node)) throw new ConfigError(`a Keras 3 node of layer "${layer}" must be {"args": [...], "kwargs": {...}}`, path);
    const args = untuple(node.args);
    if (!Array.isArray(args) || args.length === 0) throw new ConfigError(`"args" of a call of layer "${layer}" must be a non-empty list`, `${path}.args`);
    if (args.length > 1) {
      throw new UnsupportedError(`unsupported: layer "${layer}" is called with ${args.length} positional arguments; kerasts supports one tensor or one list of tensors`, `${path}.args`);
    }
    const first = untuple(args[0]);
    let inputs: TensorRef[];
    if (isKerasTensor(first)) inputs = [readKerasTensor(first, `${path}.args[0]`)];
    else if (Array.isArray(first) && first.length > 0 && first.every((t) => isKerasTensor(untuple(t)))) {
      inputs = first.map((t, i) => readKerasTensor(untuple(t) as JsonObject, `${path}.args[0][${i}]`));
    } else {
      throw new UnsupportedError(`unsupported: the first argument of a call of layer "${layer}" is not a tensor or a list of tensors (${JSON.stringify(first)})`, `${path}.args[0]`);
    }
    const kwargs = node.kwargs === undefined || node.kwargs === null ? {} : node.kwargs;
    if (!isJsonObject(kwargs)) throw new ConfigError(`"kwargs" of a call of layer "${layer}" must be an object`, `${path}.kwargs`);
    const rest = tensorKwargs(kwargs, layer, `${path}.kwargs`, false, inputs, masks);
    return { spec: { inputs, kwargs: rest }, masks };
  }
  if (!Array.isArray(node)) throw new ConfigError(`a node of layer "${layer}" must be a list of tensor references or a Keras 3 {"args", "kwargs"} object, found ${JSON.stringify(node)}`, path);
  // Keras 1/2, tf.keras: a list of refs, which tf.keras may nest to mirror the call's structure.
  // An RNN's initial states are extra refs after the data (Keras 2) or refs in its kwargs (tf.keras).
  const inputs: TensorRef[] = [];
  const extra: TensorRef[] = [];
  let kwargs: JsonObject = {};
  const walk = (v: JsonValue, p: string): void => {
    if (isLegacyRef(v)) {
      if (v[0] === '_CONSTANT_VALUE') throw new UnsupportedError(`unsupported: layer "${layer}" is called on a constant value, not a tensor`, p);
      inputs.push(readRef(v, p));
      const kw = v[3];
      if (kw !== undefined && kw !== null) {
        if (!isJsonObject(kw)) throw new ConfigError(`the 4th element of a tensor reference must be a kwargs object, found ${JSON.stringify(kw)}`, `${p}[3]`);
        kwargs = tensorKwargs(kw, layer, `${p}[3]`, true, extra, masks);
      }
      return;
    }
    if (Array.isArray(v)) v.forEach((e, i) => walk(e, `${p}[${i}]`));
    else if (isJsonObject(v)) Object.entries(v).forEach(([k, e]) => walk(e, `${p}.${k}`));
    else throw new ConfigError(`expected a tensor reference [layer_name, node_index, tensor_index, kwargs], found ${JSON.stringify(v)}`, p);
  };
  walk(node, path);
  if (inputs.length === 0) throw new ConfigError(`a node of layer "${layer}" has no input tensors`, path);
  return { spec: { inputs: [...inputs, ...extra], kwargs }, masks };
}

/**
 * Keras 3 records operations (`keras.ops`, e.g. the NotEqual and Any that compute masks) as graph
 * entries. Its legacy `.h5` model_config drops their `module`; a numpy operation is still recognisable
 * there by its call: several positional arguments (`x + 3.0` is `Add(x, 3.0)`), where the merge layer
 * of the same name takes one list, or a class no layer has (`TrueDivide`, `Negative`).
 */
function isOperationEntry(e: JsonObject): boolean {
  if (typeof e.module === 'string') return e.module.startsWith('keras.src.ops') || e.module.startsWith('keras.ops');
  return isModulelessNumpyOperation(e);
}

function isModulelessNumpyOperation(e: JsonObject): boolean {
  const cls = String(e.class_name);
  if (e.module !== undefined || !isSupportedNumpyOperation(cls)) return false;
  const node = Array.isArray(e.inbound_nodes) ? e.inbound_nodes[0] : undefined;
  if (!isJsonObject(node) || !Array.isArray(node.args)) return false;
  return node.args.length >= 2 || !['Add', 'Subtract', 'Multiply'].includes(cls);
}

/**
 * A `keras.ops` numpy operation entry kerasts computes (`x + 3.0`, `x * y`, `-x`; see
 * `NumpyOperation`) as the layer spec that computes it, or null for any other operation (those that
 * Keras records to compute masks are skipped; any other used on data is refused by the caller).
 */
function numpyOperationSpec(e: JsonObject, path: string): FunctionalLayerSpec | null {
  const module = String(e.module);
  const cls = String(e.class_name);
  if (!(isModulelessNumpyOperation(e) || /^keras(\.src)?\.ops\.numpy$/.test(module)) || !isSupportedNumpyOperation(cls)) return null;
  const c = isJsonObject(e.config) ? e.config : {};
  const name = typeof e.name === 'string' ? e.name : typeof c.name === 'string' ? c.name : null;
  if (name === null) throw new ConfigError('an operation entry needs a "name"', `${path}.name`);
  const nodes = Array.isArray(e.inbound_nodes) ? e.inbound_nodes : [];
  const inboundNodes = nodes.map((n, k) => {
    const p = `${path}.inbound_nodes[${k}]`;
    if (!isJsonObject(n) || !Array.isArray(n.args)) throw new ConfigError(`a call of operation "${name}" must be {"args": [...], "kwargs": {...}}`, p);
    if (isJsonObject(n.kwargs) && Object.keys(n.kwargs).length > 0) {
      throw new UnsupportedError(`unsupported: operation "${name}" (${cls}) is called with keyword arguments ${JSON.stringify(Object.keys(n.kwargs))}`, `${p}.kwargs`);
    }
    const inputs: TensorRef[] = [];
    const operands = n.args.map((a, j) => {
      const v = untuple(a);
      if (isKerasTensor(v)) {
        inputs.push(readKerasTensor(v, `${p}.args[${j}]`));
        return null;
      }
      if (typeof v === 'number' && Number.isFinite(v)) return v;
      throw new UnsupportedError(`unsupported: argument ${j} of operation "${name}" (${cls}) is neither a tensor nor a number (${JSON.stringify(v)})`, `${p}.args[${j}]`);
    });
    return { inputs, kwargs: {}, operands };
  });
  if (inboundNodes.length !== 1) throw new UnsupportedError(`unsupported: operation "${name}" (${cls}) is called ${inboundNodes.length} times; Keras records one call per operation`, `${path}.inbound_nodes`);
  return {
    className: 'NumpyOperation',
    config: { name, operation: cls, operands: inboundNodes[0]!.operands },
    name,
    inboundNodes: inboundNodes.map(({ inputs, kwargs }) => ({ inputs, kwargs })),
  };
}

function looksKeras3(root: JsonObject, layers: JsonObject[]): boolean {
  if (typeof root.module === 'string') return true;
  return layers.some((l) => {
    if (typeof l.module === 'string' || l.build_config !== undefined) return true;
    if (Array.isArray(l.inbound_nodes) && l.inbound_nodes.some(isJsonObject)) return true;
    const c = isJsonObject(l.config) ? l.config : {};
    return c.batch_shape !== undefined || (isJsonObject(c.dtype) && c.dtype.class_name === 'DTypePolicy');
  });
}

function looksKeras1(layers: JsonObject[]): boolean {
  const shortRef = (v: JsonValue): boolean => (isLegacyRef(v) ? v.length === 3 : Array.isArray(v) ? v.some(shortRef) : false);
  return layers.some((l) => l.class_name === 'Merge' || (isJsonObject(l.config) && isKeras1Config(l.config, typeof l.class_name === 'string' ? l.class_name : undefined)) || (Array.isArray(l.inbound_nodes) && l.inbound_nodes.some(shortRef)));
}

/** Keras 1's `Merge` layer as the Keras 2 merge layer with the same function. */
function keras1Merge(entry: JsonObject, name: string, path: string): JsonObject {
  const cfg = isJsonObject(entry.config) ? entry.config : {};
  const mode = cfg.mode;
  const cls = typeof mode === 'string' && Object.hasOwn(KERAS1_MERGE_MODES, mode) ? KERAS1_MERGE_MODES[mode] : undefined;
  if (!cls) {
    throw new UnsupportedError(
      `unsupported: Keras 1 Merge layer "${name}" with mode ${JSON.stringify(mode)} (kerasts supports the modes ${Object.keys(KERAS1_MERGE_MODES).join(', ')})`,
      `${path}.config.mode`,
    );
  }
  const config: JsonObject = { name, trainable: typeof cfg.trainable === 'boolean' ? cfg.trainable : true };
  if (cls === 'Concatenate') config.axis = typeof cfg.concat_axis === 'number' ? cfg.concat_axis : -1;
  return { class_name: cls, config, name, inbound_nodes: entry.inbound_nodes ?? [] };
}

/**
 * How many calls of a nested model the Keras 1/2 and tf.keras node indices count before its first call
 * in this model: the model's own "built-in" node (its Input to its output). Keras 1–2.3 count it for
 * every nested model (K2.3.1 `Network.get_config`: `kept_nodes = 1` for a `Network` layer; K2.0.8
 * `Container`); tf.keras only when `_should_skip_first_node` (TFK2.15 `functional.py`): a Functional, or a
 * Sequential whose first layer is an InputLayer. Keras 3 counts only calls (its `{"args"}` nodes).
 */
function legacyNodeOffset(model: ModelConfig, kerasVersion: string): number {
  if (model.className === 'Functional') return 1;
  const [major, minor] = kerasMajorMinor(kerasVersion);
  const tfKeras = /-tf$/.test(kerasVersion) || major >= 3 || (major === 2 && minor >= 4);
  return !tfKeras || model.layers[0]?.className === 'InputLayer' ? 1 : 0;
}

/** Turn legacy node indices of nested models into call indices (see {@link legacyNodeOffset}). */
function shiftNestedNodeIndices(layers: FunctionalLayerSpec[], endpoints: TensorRef[], kerasVersion: string, where: string): void {
  const offsets = new Map<string, number>();
  for (const l of layers) if (l.model) offsets.set(l.name, legacyNodeOffset(l.model, kerasVersion));
  if (offsets.size === 0) return;
  const shift = (r: TensorRef): void => {
    const k = offsets.get(r.layer);
    if (!k) return;
    if (r.nodeIndex < k) {
      throw new ConfigError(`refers to node ${r.nodeIndex} of nested model "${r.layer}", its own Input-to-output node; Keras ${kerasVersion} numbers a nested model's calls from ${k}`, where);
    }
    r.nodeIndex -= k;
  };
  for (const l of layers) for (const n of l.inboundNodes) n.inputs.forEach(shift);
  endpoints.forEach(shift);
}

/**
 * Parse a functional config (class `Model` or `Functional`) of any era into the canonical
 * {@link FunctionalConfig}. The schema has already been checked by `parseModelConfig`.
 *
 * @throws {ConfigError} for malformed graphs, with the JSON path.
 * @throws {UnsupportedError} for nested models, constant or keyword tensor arguments, Keras 1 merge modes without an equivalent.
 */
export function parseFunctionalConfig(raw: JsonObject, options: ParseOptions = {}): ParsedModelConfig {
  const where = options.source ?? '';
  const className = String(raw.class_name);
  const cfg = raw.config;
  if (!isJsonObject(cfg)) throw new ConfigError(`a "${className}" config must be an object with "layers", "input_layers" and "output_layers"`, at(where, 'config'));
  if (!Array.isArray(cfg.layers)) throw new ConfigError('missing "layers" list', at(where, 'config.layers'));
  const entries = cfg.layers.map((e, i) => {
    if (!isJsonObject(e)) throw new ConfigError(`a layer entry must be an object, found ${JSON.stringify(e)}`, at(where, `config.layers[${i}]`));
    return e;
  });
  const stated = options.kerasVersion ?? (typeof raw.keras_version === 'string' ? raw.keras_version : null);
  const dialect: SourceDialect = looksKeras3(raw, entries) ? 'keras-3' : looksKeras1(entries) ? 'keras-1' : 'keras-2';
  const kerasVersion = stated ?? { 'keras-1': '1', 'keras-2.0': '2', 'keras-2': '2', 'keras-3': DEFAULT_KERAS_VERSION }[dialect];
  const backend = options.backend ?? (typeof raw.backend === 'string' ? raw.backend : null);

  const imageFormat = imageDataFormatOf(entries);
  // Keras 3's operation entries: allowed only where they compute masks (kerasts computes masks itself).
  const operations = new Map<string, string>();
  for (const e of entries) {
    if (!isOperationEntry(e)) continue;
    const c = isJsonObject(e.config) ? e.config : {};
    const name = typeof e.name === 'string' ? e.name : typeof c.name === 'string' ? c.name : null;
    if (name !== null) operations.set(name, String(e.class_name));
  }
  const opUses: { op: string; path: string; as: 'data' | 'mask' }[] = [];
  const computed = new Set<string>();
  const layers: FunctionalLayerSpec[] = entries.flatMap((e, i) => {
    if (isOperationEntry(e)) {
      const op = numpyOperationSpec(e, at(where, `config.layers[${i}]`));
      if (op) computed.add(op.name);
      return op ? [op] : [];
    }
    const path = `config.layers[${i}]`;
    const c = isJsonObject(e.config) ? e.config : {};
    const name = typeof e.name === 'string' ? e.name : typeof c.name === 'string' ? c.name : null;
    if (name === null) throw new ConfigError('a functional layer entry needs a "name"', at(where, `${path}.name`));
    const entry = e.class_name === 'Merge' ? keras1Merge(e, name, path) : e;
    const spec = isNestedModelEntry(e) ? parseNestedModel(e, kerasVersion, backend, options, path) : normalizeLayer(entry, kerasVersion, at(where, path), false, imageFormat);
    spec.config.name = name;
    const nodesRaw = entry.inbound_nodes ?? [];
    if (!Array.isArray(nodesRaw)) throw new ConfigError(`"inbound_nodes" of layer "${name}" must be a list`, at(where, `${path}.inbound_nodes`));
    const inboundNodes = nodesRaw.map((n, k) => {
      const p = at(where, `${path}.inbound_nodes[${k}]`);
      const r = readNode(n, name, p);
      for (const t of r.spec.inputs) if (operations.has(t.layer)) opUses.push({ op: t.layer, path: p, as: 'data' });
      for (const t of r.masks) {
        if (!operations.has(t.layer)) {
          throw new UnsupportedError(`unsupported: layer "${name}" is given the output of layer "${t.layer}" as its mask; kerasts computes masks from Embedding(mask_zero) and Masking only`, p);
        }
      }
      return r.spec;
    });
    return [{ className: spec.className, config: spec.config, ...(spec.model ? { model: spec.model } : {}), name, inboundNodes }];
  });
  const endpointsRaw = [cfg.input_layers, cfg.output_layers];
  const inputLayers = readEndpoints(endpointsRaw[0], at(where, 'config.input_layers'));
  const outputLayers = readEndpoints(endpointsRaw[1], at(where, 'config.output_layers'));
  // Keras 1/2 and tf.keras list-form nodes number a nested model's calls after its built-in node
  const listNodes = entries.some((l) => Array.isArray(l.inbound_nodes) && l.inbound_nodes.some((n) => Array.isArray(n)));
  if (listNodes) shiftNestedNodeIndices(layers, [...inputLayers, ...outputLayers], kerasVersion, at(where, 'config'));
  for (const r of outputLayers) if (operations.has(r.layer) && !computed.has(r.layer)) opUses.push({ op: r.layer, path: at(where, 'config.output_layers'), as: 'data' });
  const dataUse = opUses.find((u) => u.as === 'data' && !computed.has(u.op));
  if (dataUse) {
    throw new UnsupportedError(
      `unsupported: the graph uses the operation "${operations.get(dataUse.op)}" ("${dataUse.op}", keras.ops) on data; kerasts supports layers, and operations only where Keras 3 records them to compute masks`,
      dataUse.path,
    );
  }
  const config: FunctionalConfig = {
    className: 'Functional',
    name: typeof cfg.name === 'string' ? cfg.name : null,
    layers,
    inputLayers,
    outputLayers,
    kerasVersion,
    backend,
  };
  return { config, dialect, versionStated: stated !== null };
}

/* ------------------------------------------------------------------------------------------------
 * Writing
 * ---------------------------------------------------------------------------------------------- */

function legacyRef(r: TensorRef, withKwargs: boolean, offsets: ReadonlyMap<string, number> = new Map()): JsonValue[] {
  const node = r.nodeIndex + (offsets.get(r.layer) ?? 0);
  return withKwargs ? [r.layer, node, r.tensorIndex, {}] : [r.layer, node, r.tensorIndex];
}

function kerasTensor(r: TensorRef): JsonObject {
  return { class_name: '__keras_tensor__', config: { shape: r.shape ? [...r.shape] : null, dtype: 'float32', keras_history: [r.layer, r.nodeIndex, r.tensorIndex] } };
}

/** A NumpyOperation node as the entry Keras 3 writes for a `keras.ops` numpy operation. */
function numpyOperationEntry(l: FunctionalLayerSpec): JsonObject {
  const operation = String(l.config.operation);
  const operands = Array.isArray(l.config.operands) ? l.config.operands : [];
  return {
    module: 'keras.src.ops.numpy',
    class_name: operation,
    config: { name: l.name },
    registered_name: operation,
    name: l.name,
    inbound_nodes: l.inboundNodes.map((n) => {
      let k = 0;
      return { args: operands.map((o) => (o === null ? kerasTensor(n.inputs[k++]!) : o)), kwargs: {} };
    }),
  };
}

function inputLayerConfig(spec: FunctionalLayerSpec, dialect: Dialect): JsonObject {
  const c = spec.config;
  const shape = cloneJson(c.batch_input_shape ?? null);
  const dtype = typeof c.dtype === 'string' ? c.dtype : 'float32';
  const sparse = typeof c.sparse === 'boolean' ? c.sparse : false;
  return dialect === 'keras-3' ? { batch_shape: shape, dtype, sparse, name: spec.name } : { batch_input_shape: shape, dtype, sparse, name: spec.name };
}

/**
 * The Keras JSON object of a functional config in a dialect:
 * - `keras-2`: `{"module": "keras", "class_name": "Model", ...}` with Keras 2 list-form nodes; class
 *   `Model` (not `Functional`) because Keras 2.x, every tf.keras and Keras 3 (`model_from_json` and
 *   `.h5` loading) all resolve it, while `Functional` is unknown before tf.keras 2.4 and Keras 3's
 *   `model_from_json` cannot locate `keras.Functional`;
 * - `keras-2.0`: what Keras 2.0.8 wrote: class `Model`, refs with a kwargs 4th element;
 * - `keras-3`: Keras 3's native form (`keras.src.models.functional` / `Functional`, `__keras_tensor__`
 *   nodes, a flat ref for a single input or output).
 * The legacy dialects write `{}` as call kwargs (Keras 2.0 layers reject unknown ones); `keras-3`
 * keeps the kwargs Keras 3 recorded.
 */
export function functionalToJsonObject(config: FunctionalConfig, dialect: Dialect, includeVersion: boolean): JsonObject {
  let cfg = config;
  const unknownShapes = [...cfg.inputLayers, ...cfg.outputLayers, ...cfg.layers.flatMap((l) => l.inboundNodes.flatMap((n) => n.inputs))].some((r) => !r.shape);
  if (dialect === 'keras-3' && unknownShapes) {
    // Keras 3 records every tensor's shape; build the graph once to learn them.
    cfg = { ...Functional.fromConfig(config).toConfig(), kerasVersion: config.kerasVersion, backend: config.backend };
  }
  const name = cfg.name ?? (dialect === 'keras-2.0' ? 'model_1' : 'functional');
  const backend = cfg.backend ?? 'tensorflow';
  if (dialect === 'keras-3') {
    const layers = cfg.layers.map((l) => (l.className === 'NumpyOperation' ? numpyOperationEntry(l) : {
      ...(l.model ? nestedModelEntry(l, dialect) : {}),
      module: l.model ? (l.model.className === 'Functional' ? 'keras.src.models.functional' : 'keras') : kerasModuleOf(l.className).module,
      class_name: l.className,
      config: l.model ? nestedModelEntry(l, dialect).config! : l.className === 'InputLayer' ? inputLayerConfig(l, dialect) : layerConfig(l, dialect, null),
      registered_name: l.model ? (l.model.className === 'Functional' ? 'Functional' : null) : kerasModuleOf(l.className).registered_name,
      name: l.name,
      inbound_nodes: l.inboundNodes.map((n) => {
        if (MERGE_CLASSES.has(l.className)) return { args: [n.inputs.map(kerasTensor)], kwargs: cloneJson(n.kwargs) };
        // A call with several tensors that is not a merge: an RNN with initial states (Keras 3's `initial_state` argument).
        const kwargs = cloneJson(n.kwargs);
        if (n.inputs.length > 1) kwargs.initial_state = n.inputs.slice(1).map(kerasTensor);
        return { args: [kerasTensor(n.inputs[0]!)], kwargs };
      }),
    }));
    const endpoint = (refs: TensorRef[]): JsonValue => (refs.length === 1 ? legacyRef(refs[0]!, false) : refs.map((r) => legacyRef(r, false)));
    return {
      module: 'keras.src.models.functional',
      class_name: 'Functional',
      config: { name, trainable: true, layers, input_layers: endpoint(cfg.inputLayers), output_layers: endpoint(cfg.outputLayers) },
      registered_name: 'Functional',
    };
  }
  const op = cfg.layers.find((l) => l.className === 'NumpyOperation');
  if (op) {
    throw new UnsupportedError(
      `the ${dialect} dialect cannot hold operation "${op.name}" (${String(op.config.operation)}): Keras 2 graphs have no keras.ops nodes; write the keras-3 dialect (.keras, or JSON/.h5 with dialect 'keras-3')`,
      op.name,
    );
  }
  // Nested models' calls are numbered after their built-in node as the dialect's Keras did
  // (legacyNodeOffset): Keras 2.0 for every nested model, tf.keras for a Functional (a nested Sequential
  // is written without its InputLayer, which tf.keras and Keras 3's legacy loader both number from 0;
  // Keras 3 numbers a nested Functional from 0 too and cannot read tf.keras' numbering: graphNotes says so).
  const offsets = new Map(cfg.layers.filter((l) => l.model).map((l) => [l.name, dialect === 'keras-2.0' || l.model!.className === 'Functional' ? 1 : 0]));
  const layers = cfg.layers.map((l) => ({
    name: l.name,
    ...(l.model ? nestedModelEntry(l, dialect, true) : { class_name: l.className, config: l.className === 'InputLayer' ? inputLayerConfig(l, dialect) : layerConfig(l, dialect, null) }),
    inbound_nodes: l.inboundNodes.map((n) => n.inputs.map((r) => legacyRef(r, true, offsets))),
  }));
  const body: JsonObject = {
    name,
    layers,
    input_layers: cfg.inputLayers.map((r) => legacyRef(r, false, offsets)),
    output_layers: cfg.outputLayers.map((r) => legacyRef(r, false, offsets)),
  };
  if (dialect === 'keras-2.0') {
    const out: JsonObject = { class_name: 'Model', config: body };
    if (includeVersion) Object.assign(out, { keras_version: kerasMajor(cfg.kerasVersion) <= 2 ? cfg.kerasVersion : '2.0.8', backend });
    return out;
  }
  const out: JsonObject = { module: 'keras', class_name: 'Model', config: body };
  if (includeVersion) Object.assign(out, { keras_version: cfg.kerasVersion, backend });
  return out;
}

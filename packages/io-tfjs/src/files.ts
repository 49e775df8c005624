/**
 * Loading and saving TensorFlow.js layers models: a `model.json` and its weight shards, from a path
 * or URL (shards resolved next to it), from memory, or from a map of file names (a browser's file
 * input); written to a directory or returned as files.
 */
import { parseModelConfig, parseJsonText, configToJsonObject, stringifyKerasJson, type NumericsPolicy } from '@kerasts/io-json';
import { readSourceBytes, writePathBytes } from '@kerasts/io-hdf5';
import { hardSigmoidFor, isJsonObject, isPlaceholderWeights, isTfjsVersion, withoutInitialization, type JsonObject, type JsonValue, type Layer, type LayerWeight } from '@kerasts/layers';
import { modelFromConfig, type Functional, type Model, type Sequential } from '@kerasts/model';
import { ConfigError, FormatError, getLimits, LimitError, ShapeMismatchError, Tensor, UnsupportedError, checkDeclaredShape } from '@kerasts/tensor';
import { activationsIn, kerasConfigFromTfjs, kerasTrainingConfigFromTfjs, TFJS_LAYERS_VERSION, tfjsTopologyFromKeras, tfjsTrainingConfigFromKeras } from './topology.js';
import type { TfjsModelJson, TfjsWeightsGroup } from './types.js';
import { decodeGroup, DEFAULT_SHARD_BYTES, encodeFloat32, entryBytes, splitShards, type DecodedWeight } from './weights.js';

/** Bytes of one file: a `Uint8Array`, an `ArrayBuffer` or a `Blob`/`File`. */
export type TfjsFileBytes = Uint8Array | ArrayBuffer | Blob;

/** A model.json and its shards held in memory. */
export interface TfjsInMemoryModel {
  /** The model.json: parsed, as text, or as bytes. */
  modelJson: TfjsModelJson | string | Uint8Array | ArrayBuffer;
  /**
   * The shards: by the names the manifest's `paths` give (a Map or a record), or a list in manifest
   * order (every group's paths, group after group). Optional for a model without weights.
   */
  shards?: ReadonlyMap<string, TfjsFileBytes> | Readonly<Record<string, TfjsFileBytes>> | readonly TfjsFileBytes[];
}

/**
 * Where a tfjs model comes from:
 * - a path (Node) or URL of the `model.json` (string or `URL`): shards are read next to it, as tfjs'
 *   `loadLayersModel` fetches them;
 * - {@link TfjsInMemoryModel}: the model.json and shards in memory;
 * - a Map of file name → bytes/`File` (e.g. the files of a browser's `<input type=file multiple>`):
 *   the model.json is the entry named `model.json` (or the only `.json`), shards are looked up by
 *   their manifest paths relative to it (or by base name, as a file input has no folders).
 */
export type TfjsSource = string | URL | TfjsInMemoryModel | ReadonlyMap<string, TfjsFileBytes>;

/** Options of {@link loadTfjsModel}. */
export interface LoadTfjsModelOptions {
  /** Compile from the model.json's `trainingConfig` (default true). tfjs optimizer state is not restored. */
  compile?: boolean;
  /**
   * Every model weight must match a manifest weight and every manifest weight a model weight
   * (default true, as tfjs' `loadLayersModel({strict})`).
   */
  strict?: boolean;
  /** The model.json's name for messages. */
  fileName?: string;
  /** Receives warnings (default `console.warn`). */
  warn?: (message: string) => void;
}

/** What was learned while loading a tfjs model. */
export interface LoadedTfjsInfo {
  /** `keras_version` as the model.json states it (`tfjs-layers 4.22.0`, or the Keras a converted model came from). */
  statedKerasVersion: string | null;
  /** The Keras version whose numerics the loaded model follows (tfjs computes as Keras 2.1). */
  kerasVersion: string;
  generatedBy: string | null;
  convertedBy: string | null;
  /** The Keras training config the model was compiled from, or null. */
  trainingConfig: JsonObject | null;
  /** Names of optimizer weights in the manifest (`group: "optimizer"`), which are not restored. */
  optimizerWeights: string[];
  /** Weights assigned, as `[manifest name, layer name]`. */
  assigned: [string, string][];
  warnings: string[];
}

const enc = new TextEncoder();

async function bytesOf(b: TfjsFileBytes): Promise<Uint8Array> {
  if (b instanceof Uint8Array) return b;
  if (b instanceof ArrayBuffer) return new Uint8Array(b);
  return new Uint8Array(await b.arrayBuffer());
}

/**
 * A manifest path as safe relative segments: no absolute paths, URL schemes, drive letters,
 * backslashes or `..` (a model.json must not name files outside its folder).
 */
export function safeShardPath(path: string, where: string): string {
  if (typeof path !== 'string' || path.length === 0) throw new FormatError(`a shard path must be a non-empty string, found ${JSON.stringify(path)}`, where);
  if (path.includes('\0') || path.includes('\\') || path.startsWith('/') || /^[a-zA-Z][a-zA-Z0-9+.-]*:/.test(path)) {
    throw new FormatError(`shard path "${path}" is not a relative path inside the model's folder`, where);
  }
  const segs = path.split('/').filter((s) => s !== '' && s !== '.');
  if (segs.some((s) => s === '..')) throw new FormatError(`shard path "${path}" leaves the model's folder (..)`, where);
  if (segs.length === 0) throw new FormatError(`shard path "${path}" names no file`, where);
  return segs.join('/');
}

function asModelJson(raw: JsonValue, where: string): TfjsModelJson {
  if (!isJsonObject(raw)) throw new FormatError('a TensorFlow.js model.json must hold a JSON object', where);
  if (typeof raw.format === 'string' && raw.format !== 'layers-model') {
    throw new UnsupportedError(`this model.json has format "${raw.format}": kerasts reads TensorFlow.js layers models ("layers-model"), not ${raw.format === 'graph-model' ? 'graph models (TensorFlow SavedModel/GraphDef conversions)' : 'this format'}`, where);
  }
  if (!isJsonObject(raw.modelTopology)) throw new FormatError('not a TensorFlow.js layers model: model.json has no modelTopology object', where);
  const manifest = raw.weightsManifest ?? [];
  if (!Array.isArray(manifest)) throw new FormatError('weightsManifest must be a list of groups', where);
  manifest.forEach((g, i) => {
    const at = `weightsManifest[${i}]`;
    if (!isJsonObject(g) || !Array.isArray(g.paths) || !Array.isArray(g.weights)) throw new FormatError(`${at} must be an object with "paths" and "weights" lists`, where);
    g.paths.forEach((p, j) => {
      if (typeof p !== 'string') throw new FormatError(`${at}.paths[${j}] must be a string`, where);
    });
    g.weights.forEach((w, j) => {
      const wa = `${at}.weights[${j}]`;
      if (!isJsonObject(w) || typeof w.name !== 'string' || !Array.isArray(w.shape) || typeof w.dtype !== 'string') throw new FormatError(`${wa} must be an object with "name", "shape" and "dtype"`, where);
      if (w.quantization !== undefined && !isJsonObject(w.quantization)) throw new FormatError(`${wa}.quantization must be an object`, where);
    });
  });
  return { ...(raw as unknown as TfjsModelJson), weightsManifest: manifest as unknown as TfjsWeightsGroup[] };
}

function parseModelJsonBytes(bytes: Uint8Array, where: string): TfjsModelJson {
  let text: string;
  try {
    text = new TextDecoder('utf-8', { fatal: true }).decode(bytes);
  } catch {
    throw new FormatError('a TensorFlow.js model.json must be UTF-8 text', where);
  }
  return asModelJson(parseJsonText(text, where), where);
}

/** Reads a manifest path (already made safe) to bytes. */
type ShardReader = (path: string, groupIndex: number, pathIndex: number) => Promise<Uint8Array>;

function dirOf(p: string): string {
  const i = Math.max(p.lastIndexOf('/'), p.lastIndexOf('\\'));
  return i >= 0 ? p.slice(0, i + 1) : '';
}

function baseName(p: string): string {
  return p.slice(Math.max(p.lastIndexOf('/'), p.lastIndexOf('\\')) + 1);
}

async function openSource(source: TfjsSource, options: LoadTfjsModelOptions): Promise<{ json: TfjsModelJson; where: string; read: ShardReader }> {
  if (typeof source === 'string' || source instanceof URL) {
    const { bytes, fileName } = await readSourceBytes(source, options.fileName);
    const where = fileName;
    const json = parseModelJsonBytes(bytes, where);
    const href = source instanceof URL ? source.href : source;
    const isUrl = source instanceof URL || /^(https?|file):\/\//i.test(href);
    const read: ShardReader = async (path) => {
      const target = isUrl ? new URL(path, href) : `${dirOf(href)}${path}`;
      return (await readSourceBytes(target, `${dirOf(where)}${path}`)).bytes;
    };
    return { json, where, read };
  }
  if (source instanceof Map) {
    const files = source as ReadonlyMap<string, TfjsFileBytes>;
    const names = [...files.keys()];
    const jsonKey = names.find((n) => baseName(n) === 'model.json') ?? (names.filter((n) => n.toLowerCase().endsWith('.json')).length === 1 ? names.find((n) => n.toLowerCase().endsWith('.json')) : undefined);
    if (jsonKey === undefined) throw new FormatError(`no model.json among the files (${names.join(', ') || 'none'})`, options.fileName ?? '');
    const where = options.fileName ?? jsonKey;
    const json = parseModelJsonBytes(await bytesOf(files.get(jsonKey)!), where);
    const dir = dirOf(jsonKey);
    const read: ShardReader = async (path) => {
      let b = files.get(`${dir}${path}`) ?? files.get(path);
      if (b === undefined) {
        const same = names.filter((n) => baseName(n) === baseName(path));
        if (same.length === 1) b = files.get(same[0]!);
      }
      if (b === undefined) throw new FormatError(`shard "${path}" named by the weights manifest is not among the files (${names.join(', ')})`, where);
      return bytesOf(b);
    };
    return { json, where, read };
  }
  if (typeof source === 'object' && source !== null && 'modelJson' in source) {
    const mem = source as TfjsInMemoryModel;
    const where = options.fileName ?? 'model.json';
    const mj = mem.modelJson;
    const json = mj instanceof Uint8Array || mj instanceof ArrayBuffer ? parseModelJsonBytes(mj instanceof Uint8Array ? mj : new Uint8Array(mj), where) : typeof mj === 'string' ? parseModelJsonBytes(enc.encode(mj), where) : asModelJson(structuredClone(mj) as unknown as JsonValue, where);
    const shards = mem.shards ?? [];
    const read: ShardReader = async (path, gi, pi) => {
      if (Array.isArray(shards)) {
        const flat = json.weightsManifest.slice(0, gi).reduce((n, g) => n + g.paths.length, 0) + pi;
        const b = (shards as readonly TfjsFileBytes[])[flat];
        if (b === undefined) throw new FormatError(`shard "${path}" (number ${flat + 1} in manifest order) was not given: ${shards.length} shard(s) passed`, where);
        return bytesOf(b);
      }
      const m = shards instanceof Map ? (shards as ReadonlyMap<string, TfjsFileBytes>) : new Map(Object.entries(shards as Record<string, TfjsFileBytes>));
      const b = m.get(path) ?? m.get(`./${path}`) ?? m.get(baseName(path));
      if (b === undefined) throw new FormatError(`shard "${path}" named by the weights manifest was not given (given: ${[...m.keys()].join(', ') || 'none'})`, where);
      return bytesOf(b);
    };
    return { json, where, read };
  }
  throw new ConfigError('a TensorFlow.js model source is a model.json path or URL, {modelJson, shards}, or a Map of file names to bytes', options.fileName ?? '');
}

/** Read and decode every weights group of a model.json. */
async function readWeights(json: TfjsModelJson, where: string, read: ShardReader, warnings: string[]): Promise<DecodedWeight[]> {
  // the declared total first, before any shard is read
  const limits = getLimits();
  let declared = 0;
  json.weightsManifest.forEach((g, gi) =>
    g.weights.forEach((w, j) => {
      const at = `${where}: weightsManifest[${gi}].weights[${j}] ("${w.name}")`;
      declared += entryBytes(w, checkDeclaredShape(w.shape, `weight "${w.name}"`, at), at);
    }),
  );
  if (declared > limits.maxBytes) throw new LimitError('the weights manifest declares too many bytes', where, 'maxBytes', declared, limits.maxBytes, 'bytes');
  const out: DecodedWeight[] = [];
  for (const [gi, g] of json.weightsManifest.entries()) {
    const paths = g.paths.map((p, pi) => safeShardPath(p, `${where}: weightsManifest[${gi}].paths[${pi}]`));
    const shards: Uint8Array[] = [];
    for (const [pi, p] of paths.entries()) shards.push(await read(p, gi, pi));
    const { weights, extraBytes } = decodeGroup({ ...g, paths }, gi, shards, where);
    if (extraBytes > 0) warnings.push(`${where}: the shards of weightsManifest[${gi}] (${paths.join(', ')}) hold ${extraBytes} bytes beyond its weights (ignored, as tfjs does)`);
    out.push(...weights);
  }
  return out;
}

/** Weight names tfjs (Keras 2) gives differently from Keras 3, by layer class: Keras 3's → tfjs'. */
const TFJS_WEIGHT_NAMES: Readonly<Record<string, Readonly<Record<string, string>>>> = {
  DepthwiseConv2D: { kernel: 'depthwise_kernel' },
};

/** A layer's weight names as tfjs writes them below the layer (`kernel`, `forward_lstm/kernel`, ...). */
function tfjsWeightNames(layer: Layer): string[] {
  const renames = TFJS_WEIGHT_NAMES[layer.className];
  const stored = layer.storedWeightNames();
  return renames ? stored.map((n) => (Object.hasOwn(renames, n) ? renames[n]! : n)) : stored;
}

/**
 * tfjs' SeparableConv2D leaves `depth_multiplier` out of the config it writes (tfjs 4.22 cannot reload
 * such a file itself); the manifest's depthwise kernel shape says what it was.
 */
function restoreDepthMultipliers(config: JsonObject, json: TfjsModelJson): void {
  const layers = isJsonObject(config.config) && Array.isArray(config.config.layers) ? config.config.layers : [];
  for (const l of layers) {
    if (!isJsonObject(l) || l.class_name !== 'SeparableConv2D' || !isJsonObject(l.config) || l.config.depth_multiplier !== undefined) continue;
    const name = `${String(l.config.name)}/depthwise_kernel`;
    const w = json.weightsManifest.flatMap((g) => g.weights).find((e) => e.name === name);
    if (w && w.shape.length === 4) l.config.depth_multiplier = w.shape[3]!;
  }
}

/** The manifest weight for a layer weight: tfjs' own name, else a unique one with the same last part under the layer (tensorflowjs_converter's names for Keras `.h5` models: `lstm/lstm_cell/kernel`). */
function findWeight(layer: Layer, stored: string, byName: ReadonlyMap<string, DecodedWeight>, used: ReadonlySet<string>): DecodedWeight | undefined {
  const exact = byName.get(`${layer.name}/${stored}`);
  if (exact) return exact;
  const last = stored.split('/').pop()!;
  const side = /(^|\/)(forward|backward)_/.exec(stored)?.[2];
  const cands = [...byName.values()].filter((w) => {
    if (used.has(w.name) || !w.name.startsWith(`${layer.name}/`)) return false;
    const parts = w.name.split('/');
    if (parts[parts.length - 1]!.replace(/:\d+$/, '') !== last) return false;
    return side === undefined ? !/(^|\/)(forward|backward)_/.test(w.name.slice(layer.name.length)) : w.name.slice(layer.name.length).includes(`/${side}_`);
  });
  return cands.length === 1 ? cands[0] : undefined;
}

/**
 * tfjs' `tf.loadLayersModel` in kerasts: the model from `modelTopology` (Sequential or functional),
 * its weights from the shards by tfjs' weight names (`dense_Dense1/kernel`; for a Bidirectional
 * `bidirectional/forward_lstm/kernel`), compiled from `trainingConfig` when there is one. The model
 * computes as tfjs does (tfjs-layers is a port of Keras 2.1: hard_sigmoid is clip(0.2x+0.5), LSTM's
 * recurrent activation defaults to it): its `kerasVersion` is the stated `tfjs-layers x.y.z`.
 *
 * @throws {FormatError} for a damaged model.json, a shard path leaving the folder, a missing or
 * truncated shard (naming the shard and weight), a weight the model lacks or a missing weight (strict).
 * @throws {ShapeMismatchError} when a weight's shape differs from the layer's.
 * @throws {UnsupportedError} for graph models and layers kerasts does not implement.
 */
export async function loadTfjsModelWithInfo(source: TfjsSource, options: LoadTfjsModelOptions = {}): Promise<{ model: Sequential | Functional; info: LoadedTfjsInfo }> {
  const { json, where, read } = await openSource(source, options);
  const warnings: string[] = [];
  const parts = kerasConfigFromTfjs(json.modelTopology);
  restoreDepthMultipliers(parts.modelConfig, json);
  // tfjs computes every model it loads as tfjs-layers does, whichever Keras wrote a converted file
  const kerasVersion = parts.kerasVersion !== null && isTfjsVersion(parts.kerasVersion) ? parts.kerasVersion : `tfjs-layers ${TFJS_LAYERS_VERSION}`;
  const { config } = parseModelConfig(parts.modelConfig, { kerasVersion, backend: parts.backend ?? 'tensor_flow.js', source: `${where}: modelTopology` });
  const model = withoutInitialization(() => modelFromConfig(config, { source: where }));
  if (!model.built) model.build();
  const decoded = await readWeights(json, where, read, warnings);
  const optimizerWeights = decoded.filter((w) => w.group === 'optimizer').map((w) => w.name);
  const byName = new Map(decoded.filter((w) => w.group !== 'optimizer').map((w) => [w.name, w]));
  const used = new Set<string>();
  const missing: string[] = [];
  const assigned: [string, string][] = [];
  const pending: [LayerWeight, DecodedWeight][] = [];
  for (const layer of model.layers) {
    const stored = tfjsWeightNames(layer);
    layer.weights.forEach((w, i) => {
      const d = findWeight(layer, stored[i]!, byName, used);
      if (!d) {
        missing.push(`${layer.name}/${stored[i]!}`);
        return;
      }
      if (d.shape.length !== w.shape.length || d.shape.some((n, k) => n !== w.shape[k])) {
        throw new ShapeMismatchError(`weight "${d.name}" has shape [${d.shape.join(', ')}], but layer "${layer.name}" needs [${w.shape.join(', ')}] for ${stored[i]!}`, [...w.shape], d.shape, where);
      }
      used.add(d.name);
      assigned.push([d.name, layer.name]);
      pending.push([w, d]);
    });
  }
  const unused = [...byName.keys()].filter((n) => !used.has(n));
  const strict = options.strict !== false;
  if (strict && missing.length) throw new FormatError(`the weights manifest has no weight for ${missing.map((n) => `"${n}"`).join(', ')} (names there: ${[...byName.keys()].join(', ') || 'none'})`, where);
  if (strict && unused.length) throw new FormatError(`the weights manifest has weights no layer of the model owns: ${unused.map((n) => `"${n}"`).join(', ')}`, where);
  if (missing.length) warnings.push(`${where}: no weights for ${missing.join(', ')} (kept at zero)`);
  if (unused.length) warnings.push(`${where}: weights not used: ${unused.join(', ')}`);
  for (const [w, d] of pending) w.value = new Tensor(d.values, [...w.shape]);
  for (const layer of model.layers) {
    for (const w of layer.weights) if (isPlaceholderWeights(w.value.data)) w.value = new Tensor(new Float32Array(w.value.size), [...w.shape]);
  }
  let trainingConfig: JsonObject | null = null;
  const rawTc = isJsonObject(json.trainingConfig) ? json.trainingConfig : parts.trainingConfig;
  if (rawTc && options.compile !== false) {
    trainingConfig = kerasTrainingConfigFromTfjs(rawTc);
    if (!trainingConfig) warnings.push(`${where}: not compiled: the trainingConfig's optimizer has no Keras counterpart`);
    else {
      try {
        model.compileFromTrainingConfig(trainingConfig);
      } catch (e) {
        warnings.push(`${where}: not compiled: its trainingConfig could not be used (${(e as Error).message})`);
        trainingConfig = null;
      }
    }
  }
  if (optimizerWeights.length) warnings.push(`${where}: the ${optimizerWeights.length} optimizer weights (group "optimizer") are not restored: training continues from a fresh optimizer state`);
  for (const w of warnings) (options.warn ?? console.warn)(`kerasts: ${w}`);
  return {
    model,
    info: { statedKerasVersion: parts.kerasVersion, kerasVersion, generatedBy: json.generatedBy ?? null, convertedBy: json.convertedBy ?? null, trainingConfig, optimizerWeights, assigned, warnings },
  };
}

/** {@link loadTfjsModelWithInfo}, returning the model only. */
export async function loadTfjsModel(source: TfjsSource, options: LoadTfjsModelOptions = {}): Promise<Sequential | Functional> {
  return (await loadTfjsModelWithInfo(source, options)).model;
}

/** Whether parsed JSON is a TensorFlow.js model.json (an object with `modelTopology` and `weightsManifest`). */
export function isTfjsModelJson(value: unknown): boolean {
  return isJsonObject(value as JsonValue) && isJsonObject((value as JsonObject).modelTopology) && Array.isArray((value as JsonObject).weightsManifest);
}

/** Options of {@link saveTfjsModel}. */
export interface SaveTfjsOptions {
  /** Largest shard in bytes (default 4 MiB, as tensorflowjs_converter). */
  shardBytes?: number;
  /** Store the training config of a compiled model (default true). Optimizer state is not written. */
  includeOptimizer?: boolean;
  /**
   * What to do when tfjs would compute another function than this model: a Keras 3 model's
   * hard_sigmoid (tfjs computes clip(0.2x+0.5)). Default `error`.
   */
  numerics?: NumericsPolicy;
  /** Replace existing files (paths only). */
  overwrite?: boolean;
  /** The model.json's file name inside the directory (default `model.json`). */
  modelJsonName?: string;
  /** Receives warnings (default `console.warn`). */
  warn?: (message: string) => void;
}

/** A saved tfjs model: the model.json object and the files, by name (model.json first). */
export interface TfjsModelFiles {
  modelJson: TfjsModelJson;
  files: Map<string, Uint8Array>;
}

/**
 * The model.json and shards of a model, as tfjs' `model.save` with tensorflowjs_converter's shard
 * names (`group1-shard1of1.bin`, split every `shardBytes`). Weights are named as tfjs names them
 * (`<layer>/<weight>`), so `tf.loadLayersModel` finds them.
 *
 * @throws {UnsupportedError} for a layer, activation or option tfjs does not implement, and (with
 * `numerics: 'error'`) for a Keras 3 model using hard_sigmoid.
 */
export function modelToTfjsFiles(model: Model, options: SaveTfjsOptions = {}): TfjsModelFiles {
  if (!model.built) model.build();
  const shardBytes = options.shardBytes ?? DEFAULT_SHARD_BYTES;
  if (!Number.isSafeInteger(shardBytes) || shardBytes < 4) throw new ConfigError(`shardBytes must be an integer of at least 4, got ${String(shardBytes)}`, 'shardBytes');
  const warn = options.warn ?? ((m: string) => console.warn(m));
  const kerasJson = configToJsonObject(model.toConfig(), { dialect: 'keras-2', includeVersion: false, numerics: 'ignore' });
  const topology = tfjsTopologyFromKeras(kerasJson, { kerasVersion: isTfjsVersion(model.kerasVersion) ? model.kerasVersion : `tfjs-layers ${TFJS_LAYERS_VERSION}`, source: model.name });
  if (hardSigmoidFor(model.kerasVersion) === 'keras3' && options.numerics !== 'ignore') {
    const users = [...new Set(activationsIn(topology).filter((a) => a.activation === 'hard_sigmoid').map((a) => `"${a.layer}"`))];
    if (users.length) {
      const note = `layer(s) ${users.join(', ')} use hard_sigmoid; this model (Keras ${model.kerasVersion}) computes clip(x/6+0.5), but TensorFlow.js computes clip(0.2x+0.5) for that name, so tfjs would predict different numbers.`;
      if ((options.numerics ?? 'error') === 'error') {
        throw new UnsupportedError(`${note} Convert the weights first (rescaleHardSigmoidForKeras2(model, 'tfjs-layers ${TFJS_LAYERS_VERSION}') from @kerasts/transfer, which kerasts convert --to tfjs applies), or pass numerics: 'warn' to write it anyway.`, model.name);
      }
      warn(`kerasts: ${note}`);
    }
  }
  const weights: { name: string; shape: number[]; dtype: 'float32' }[] = [];
  const values: Float32Array[] = [];
  for (const layer of model.layers) {
    const stored = tfjsWeightNames(layer);
    layer.weights.forEach((w, i) => {
      weights.push({ name: `${layer.name}/${stored[i]!}`, shape: [...w.shape], dtype: 'float32' });
      values.push(w.value.data);
    });
  }
  const shards = splitShards(encodeFloat32(values), shardBytes);
  const modelJson: TfjsModelJson = {
    modelTopology: topology,
    format: 'layers-model',
    generatedBy: isTfjsVersion(model.kerasVersion) ? `TensorFlow.js ${model.kerasVersion.replace(/^tfjs-layers\s*/, 'tfjs-layers v')}` : `keras v${model.kerasVersion}`,
    convertedBy: 'kerasts',
    weightsManifest: [{ paths: weights.length ? shards.map((s) => s.name) : [], weights }],
  };
  if (options.includeOptimizer !== false && model.isCompiled) {
    const tc = model.getTrainingConfig();
    if (tc) {
      const { config, reason } = tfjsTrainingConfigFromKeras(tc);
      if (config) modelJson.trainingConfig = config;
      else warn(`kerasts: the model.json has no trainingConfig: ${reason}`);
    }
  }
  const files = new Map<string, Uint8Array>();
  files.set(options.modelJsonName ?? 'model.json', enc.encode(stringifyKerasJson(modelJson as unknown as JsonObject)));
  if (weights.length) for (const s of shards) files.set(s.name, s.bytes);
  return { modelJson, files };
}

/**
 * tfjs' `model.save('file://dir')` (with tensorflowjs_converter's shard names): writes
 * `dir/model.json` and `dir/group1-shard1of1.bin` (more shards for models over `shardBytes`), each
 * atomically; an existing file is replaced only with `overwrite`. With `dir` null nothing is written.
 * A `dir` ending in `.json` names the model.json itself.
 */
export async function saveTfjsModel(model: Model, dir: string | null, options: SaveTfjsOptions = {}): Promise<TfjsModelFiles> {
  let folder = dir;
  let name = options.modelJsonName;
  if (dir !== null && dir.toLowerCase().endsWith('.json')) {
    folder = dirOf(dir);
    name = baseName(dir);
  }
  const out = modelToTfjsFiles(model, { ...options, ...(name ? { modelJsonName: name } : {}) });
  if (folder !== null) {
    const prefix = folder === '' || /[/\\]$/.test(folder) ? folder : `${folder}/`;
    if (prefix !== '') {
      // A specifier bundlers do not follow: browser bundles must not contain node:* modules (in a
      // browser the import fails, and writePathBytes then says to pass null for the bytes).
      const fsModule = 'node:fs/promises';
      const { mkdir } = await (import(/* @vite-ignore */ fsModule) as Promise<typeof import('node:fs/promises')>).catch(() => ({ mkdir: null }));
      if (mkdir) await mkdir(prefix, { recursive: true });
    }
    // shards first: a model.json never names shards that are not there yet
    const entries = [...out.files.entries()].reverse();
    for (const [n, b] of entries) await writePathBytes(`${prefix}${n}`, b, options.overwrite ?? false);
  }
  return out;
}

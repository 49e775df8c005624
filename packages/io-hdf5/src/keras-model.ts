/**
 * Models and weights ⇄ Keras HDF5 bytes: the road from a file to a compiled-or-not `Sequential` and
 * back (DESIGN.md, "How data flows"). Runs anywhere; path handling is in `files.ts`.
 */
import { configToJsonObject, DEFAULT_DIALECT, nestedGraphNotes, parseJsonText, parseModelConfig, stringifyKerasJson, type Dialect, type NumericsPolicy } from '@kerasts/io-json';
import { isPlaceholderWeights, kerasMajor, withoutInitialization, type JsonObject, type JsonValue } from '@kerasts/layers';
import { modelFromConfig, type Functional, type Model, type Sequential, type WeightTable } from '@kerasts/model';
import { FormatError, Tensor, withLimits, type Limits } from '@kerasts/tensor';
import { applyWeights, type TransferReport } from '@kerasts/transfer';
import { readKerasH5 } from './read.js';
import type { H5Weight, KerasH5Contents } from './types.js';
import { writeKerasH5 } from './write.js';
import { keras20OptimizerLayout, restoreOptimizerState, storedOptimizerLayout } from './optimizer-state.js';

/** Options for writing a model or weights file. */
export interface SaveOptions {
  /**
   * `keras-2` (default): a file Keras 3.15.1 `load_model` accepts and tf.keras 2.x reads;
   * `keras-2.0`: what Keras 2.0.8 wrote (the tutorial's era); `keras-3`: Keras 3's legacy `.h5` flavour.
   * Unset, a functional model that calls a nested functional model is written `keras-3` (with a
   * warning): Keras 3 cannot read the Keras 2 numbering of such calls.
   */
  dialect?: Dialect;
  /** See `@kerasts/io-json` `NumericsPolicy` (default `error`: refuse a file that would compute differently). */
  numerics?: NumericsPolicy;
  /** Receives warnings (default `console.warn`). */
  warn?: (message: string) => void;
  /** Replace an existing file (paths only). */
  overwrite?: boolean;
  /** Store the training config and optimizer state of a compiled model (default true, as Keras). */
  includeOptimizer?: boolean;
}

/** Options for loading a model. */
export interface LoadModelOptions {
  /** Compile from the file's training config and restore the optimizer state (default true). */
  compile?: boolean;
  /** File name for messages (set automatically for paths). */
  fileName?: string;
  /** Receives warnings (default `console.warn`). */
  warn?: (message: string) => void;
  /**
   * The backend that wrote the file when the file does not say (Keras 1 files record none): `'theano'`
   * flips convolution kernels back as Theano computed them. A backend the file records wins.
   */
  backend?: string;
  /**
   * Resource limits for this load (defaults: `getLimits()` of `@kerasts/tensor`; README "Loading
   * untrusted files"): `maxBytes` and `maxMetadataBytes` bound the HDF5 read, `maxParameters` the
   * model built from the file's `model_config`, `maxDepth` its nesting. Raise them for a file you trust.
   */
  limits?: Partial<Limits>;
}

/** Options for loading weights into a model. */
export interface LoadWeightsOptions {
  byName?: boolean;
  skipMismatch?: boolean;
  fileName?: string;
  /** As {@link LoadModelOptions.backend}. */
  backend?: string;
  /** Resource limits of the HDF5 read, as {@link LoadModelOptions.limits}. */
  limits?: Partial<Limits>;
}

const DEFAULT_BACKEND = 'tensorflow';

function toFloat32(w: H5Weight, where: string): Float32Array {
  const d = w.data;
  if (d instanceof Float32Array) return d;
  if (d instanceof BigInt64Array || d instanceof BigUint64Array) return Float32Array.from(d, (v) => Number(v));
  if (w.dtype === 'float16') throw new FormatError(`float16 weights are not supported yet`, where);
  return Float32Array.from(d as ArrayLike<number>);
}

/** The weights stored in a Keras file as a format-neutral table. */
export function weightTableFromContents(contents: KerasH5Contents, fileName = ''): WeightTable {
  const g = contents.weights;
  return {
    kerasVersion: g.kerasVersion ?? (contents.kind === 'model' ? contents.rootAttrs.kerasVersion : null),
    backend: g.backend ?? contents.rootAttrs.backend,
    layers: g.layers.map((l) => ({
      layerName: l.name,
      weights: l.weights.map((w) => ({ name: w.name, value: new Tensor(toFloat32(w, `${fileName}:${w.hdf5Path}`), w.shape) })),
    })),
  };
}

/** Read the weights of a Keras `.h5` (weights-only or full model) as a table. */
export async function readWeightTable(bytes: Uint8Array, options: { fileName?: string; limits?: Partial<Limits> } = {}): Promise<WeightTable> {
  const contents = await readKerasH5(bytes, options);
  return weightTableFromContents(contents, options.fileName);
}

/** Weight names as Keras 2 wrote them with the TensorFlow backend (`lstm_1/kernel:0`). */
function storedWeightName(layer: string, weight: string): string {
  return `${layer}/${weight}:0`;
}

/** The HDF5 contents for a model (full file, or weights only). */
export function contentsFromModel(model: Model, kind: 'model' | 'weights', options: SaveOptions = {}): KerasH5Contents {
  if (!model.built) model.build();
  const config = model.toConfig();
  let dialect = options.dialect ?? DEFAULT_DIALECT;
  if (options.dialect === undefined && nestedGraphNotes(config, dialect).length > 0) {
    dialect = 'keras-3';
    (options.warn ?? console.warn)(`kerasts: model "${model.name}" calls a nested functional model, which Keras 3 reads only in the keras-3 dialect: writing keras-3 (pass dialect: 'keras-2' for tf.keras)`);
  }
  const json = configToJsonObject(config, {
    dialect,
    includeVersion: false,
    ...(options.numerics ? { numerics: options.numerics } : {}),
    ...(options.warn ? { warn: options.warn } : {}),
  });
  const kerasVersion = dialect === 'keras-2.0' ? (kerasMajor(model.kerasVersion) <= 2 ? model.kerasVersion : '2.0.8') : model.kerasVersion;
  const backend = model.backend ?? DEFAULT_BACKEND;
  const layers = model.layers.map((l) => {
    // Wrappers name their inner layers' weights (`bidirectional/forward_lstm/kernel:0`).
    const names = l.storedWeightNames().map((n) => storedWeightName(l.name, n));
    return {
      name: l.name,
      weightNames: names,
      // legacy order: a nested model's trainable weights all come first (Keras' `_legacy_weights`)
      weights: l.legacyWeights().map((w, i) => ({ name: names[i]!, shape: [...w.shape], dtype: 'float32' as const, data: new Float32Array(w.value.data), hdf5Path: names[i]! })),
    };
  });
  const training = kind === 'model' && options.includeOptimizer !== false ? trainingState(model, dialect, options.warn ?? console.warn) : null;
  return {
    kind,
    rootAttrs: {
      kerasVersion,
      backend,
      modelConfig: kind === 'model' ? stringifyKerasJson(json) : null,
      trainingConfig: training ? stringifyKerasJson(training.config) : null,
    },
    weights: {
      layerNames: model.layers.map((l) => l.name),
      kerasVersion,
      backend,
      layers,
      ...(dialect === 'keras-2.0' ? {} : { topLevelWeights: [] }),
    },
    optimizerWeights: training?.optimizer ?? null,
    extraRootGroups: [],
  };
}

/** Keras 3's optimizer config keys that Keras 2.0.8 did not know. */
const KERAS3_ONLY_OPTIMIZER_KEYS = ['name', 'weight_decay', 'global_clipnorm', 'use_ema', 'ema_momentum', 'ema_overwrite_frequency', 'loss_scale_factor', 'gradient_accumulation_steps', 'amsgrad', 'centered'];

/** The training config and optimizer state of a compiled model, in a dialect's layout. */
/**
 * Loss and metric aliases spelled out: Keras 3.15.1's legacy loader cannot deserialize `"mse"`
 * (KERAS-FORMAT §4.1) but every Keras reads the full function names.
 */
const FULL_NAMES: Record<string, string> = {
  mse: 'mean_squared_error', MSE: 'mean_squared_error',
  mae: 'mean_absolute_error', MAE: 'mean_absolute_error',
  mape: 'mean_absolute_percentage_error', MAPE: 'mean_absolute_percentage_error',
  msle: 'mean_squared_logarithmic_error', MSLE: 'mean_squared_logarithmic_error',
  kld: 'kl_divergence', KLD: 'kl_divergence', kullback_leibler_divergence: 'kl_divergence',
};

function spellOut(v: JsonValue | undefined): JsonValue {
  if (typeof v === 'string') return Object.hasOwn(FULL_NAMES, v) ? FULL_NAMES[v]! : v;
  if (Array.isArray(v)) return v.map((e) => spellOut(e));
  if (v && typeof v === 'object') return Object.fromEntries(Object.entries(v).map(([k, e]) => [k, spellOut(e)]));
  return v ?? null;
}

function trainingState(model: Model, dialect: Dialect, warn: (m: string) => void): { config: JsonObject; optimizer: KerasH5Contents['optimizerWeights'] } | null {
  if (!model.isCompiled) return null;
  const raw = model.getTrainingConfig();
  if (!raw) return null;
  const tc: JsonObject = { ...raw, loss: spellOut(raw.loss), metrics: spellOut(raw.metrics), weighted_metrics: spellOut(raw.weighted_metrics) };
  if (dialect === 'keras-2.0') {
    const opt = tc.optimizer_config as JsonObject;
    const cfg = { ...(opt.config as JsonObject) };
    if ('learning_rate' in cfg) {
      cfg.lr = cfg.learning_rate!;
      delete cfg.learning_rate;
    }
    for (const k of KERAS3_ONLY_OPTIMIZER_KEYS) delete cfg[k];
    for (const k of ['clipnorm', 'clipvalue']) if (cfg[k] === null) delete cfg[k];
    cfg.decay = 0.0;
    const config: JsonObject = { optimizer_config: { class_name: opt.class_name!, config: cfg }, loss: tc.loss ?? null, metrics: tc.metrics ?? null, sample_weight_mode: null, loss_weights: tc.loss_weights ?? null };
    const layout = keras20OptimizerLayout(model);
    if (!layout) warn(`kerasts: the ${String(opt.class_name)} optimizer state has no Keras 2.0.8 layout; the file holds the training config without optimizer state`);
    return { config, optimizer: layout ? toH5Optimizer(layout.names, layout.values, 'int64') : null };
  }
  const vars = model.getOptimizerVariables();
  return { config: tc, optimizer: toH5Optimizer(vars.map((v) => v.name), vars.map((v) => v.value), 'int64') };
}

function toH5Optimizer(names: string[], values: Tensor[], counterType: 'int64'): NonNullable<KerasH5Contents['optimizerWeights']> {
  return {
    weightNames: names,
    weights: values.map((v, i) => {
      const counter = i === 0 && names[0]!.includes('iteration');
      return counter
        ? { name: names[i]!, shape: [...v.shape], dtype: counterType, data: BigInt64Array.from([BigInt(Math.round(v.data[0]!))]), hdf5Path: names[i]! }
        : { name: names[i]!, shape: [...v.shape], dtype: 'float32' as const, data: new Float32Array(v.data), hdf5Path: names[i]! };
    }),
  };
}

/** A full Keras `.h5` (architecture + weights) as bytes. */
export async function modelToH5Bytes(model: Model, options: SaveOptions = {}): Promise<Uint8Array> {
  return writeKerasH5(contentsFromModel(model, 'model', options), stringEncodingFor(options));
}

/** Keras 2.0.8 with h5py 2 wrote scalar strings as vlen ASCII and name lists as fixed-length ASCII. */
function stringEncodingFor(options: SaveOptions): { stringEncoding: 'fixed-ascii' | 'keras2-h5py2' } {
  return { stringEncoding: options.dialect === 'keras-2.0' ? 'keras2-h5py2' : 'fixed-ascii' };
}

/** A Keras weights-only `.h5` (what `save_weights('x.h5')` wrote) as bytes. */
export async function weightsToH5Bytes(model: Model, options: SaveOptions = {}): Promise<Uint8Array> {
  return writeKerasH5(contentsFromModel(model, 'weights', options), stringEncodingFor(options));
}

/** What was learned while loading a model file. */
export interface LoadedModelInfo {
  kerasVersion: string | null;
  backend: string | null;
  /** The parsed `training_config`, or null. */
  trainingConfig: JsonObject | null;
  /** Whether the file holds optimizer state. */
  hasOptimizerState: boolean;
  /** Whether the optimizer state was restored into the compiled model. */
  optimizerRestored: boolean;
  /** Warnings raised while compiling or restoring (also sent to `options.warn`). */
  warnings: string[];
  report: TransferReport;
}

/**
 * Build a model from Keras `.h5` contents: config → layers → weights (topological, like `load_model`).
 * A `Sequential`, or a `Functional` for `Model` / `Functional` configs (whose `layer_names` include
 * the input layers, with no weights; topological loading skips weightless layers on both sides).
 */
export function modelFromContents(contents: KerasH5Contents, options: LoadModelOptions = {}): { model: Sequential | Functional; info: LoadedModelInfo } {
  // the caller's limits for everything built here (nesting of model_config, weights per model)
  return withLimits(options.limits, () => modelFromContentsWithin(contents, options));
}

function modelFromContentsWithin(contents: KerasH5Contents, options: LoadModelOptions): { model: Sequential | Functional; info: LoadedModelInfo } {
  const file = options.fileName ?? '';
  if (contents.kind !== 'model' || !contents.rootAttrs.modelConfig) {
    throw new FormatError(
      'this is a weights-only Keras file (no model_config): load it with loadWeights(model, file) into a model built from its architecture (kerasts predict --arch arch.json)',
      file,
    );
  }
  const raw = parseJsonText(contents.rootAttrs.modelConfig, `${file}:/ (attribute model_config)`);
  const kerasVersion = contents.rootAttrs.kerasVersion ?? contents.weights.kerasVersion ?? null;
  const { config } = parseModelConfig(raw, { kerasVersion: kerasVersion ?? '1', backend: contents.rootAttrs.backend, source: `${file}:/ (attribute model_config)` });
  // Every weight comes from the file (a count mismatch is an error), so skip drawing initial values.
  const model = withoutInitialization(() => modelFromConfig(config, { source: file }));
  const table = weightTableFromContents(contents, file);
  if (!model.built && table.layers.some((l) => l.weights.length > 0)) {
    throw new FormatError(`the model in this file was saved before it was built (no input shape), so its weights cannot be placed`, file);
  }
  const report = model.built
    ? applyWeights(model, table, { source: `${file}:/model_weights`, adoptArrays: true, ...(options.backend ? { backend: options.backend } : {}) })
    : { mode: 'topological' as const, source: file, matchedLayers: [], loaded: [], skipped: [], unmatchedStored: [], untouched: [], conversions: [], warnings: [] };
  // A weight the file did not fill (none, after the count checks, unless the model has weights the
  // file does not describe) still views the shared placeholder: give it its own zeros.
  for (const layer of model.layers) {
    for (const w of layer.weights) {
      if (isPlaceholderWeights(w.value.data)) w.value = new Tensor(new Float32Array(w.value.size), w.shape);
    }
  }
  let trainingConfig: JsonObject | null = null;
  if (contents.rootAttrs.trainingConfig) {
    const tc = parseJsonText(contents.rootAttrs.trainingConfig, `${file}:/ (attribute training_config)`);
    if (tc && typeof tc === 'object' && !Array.isArray(tc)) trainingConfig = tc;
  }
  const hasOptimizerState = contents.optimizerWeights !== null && contents.optimizerWeights.weights.length > 0;
  const warnings: string[] = [];
  let optimizerRestored = false;
  if (trainingConfig && options.compile !== false) {
    // Like Keras' load_model: compile from the training config, then restore the optimizer state; a
    // state that does not fit is a warning and a fresh optimizer, never a silent wrong resume.
    try {
      model.compileFromTrainingConfig(trainingConfig);
    } catch (e) {
      warnings.push(`${file}: the model was not compiled: its training_config could not be used (${(e as Error).message})`);
    }
    if (model.isCompiled && hasOptimizerState && model.built) {
      const stored = contents.optimizerWeights!.weights.map((w) => new Tensor(toFloat32(w, `${file}:${w.hdf5Path}`), w.shape));
      const optCfg = trainingConfig.optimizer_config;
      const layout = storedOptimizerLayout(kerasVersion, optCfg && typeof optCfg === 'object' && !Array.isArray(optCfg) ? optCfg : null, contents.optimizerWeights!.weightNames);
      const r = restoreOptimizerState(model, stored, kerasVersion, layout);
      if (r.restored) optimizerRestored = true;
      else warnings.push(`${file}:/optimizer_weights: ${r.message}`);
    }
  }
  for (const w of warnings) (options.warn ?? console.warn)(`kerasts: ${w}`);
  return {
    model,
    info: { kerasVersion, backend: contents.rootAttrs.backend, trainingConfig, hasOptimizerState, optimizerRestored, warnings, report },
  };
}

/** Load a full Keras `.h5` from bytes. */
export async function modelFromH5Bytes(bytes: Uint8Array, options: LoadModelOptions = {}): Promise<Sequential | Functional> {
  const contents = await readKerasH5(bytes, { ...(options.fileName ? { fileName: options.fileName } : {}), ...(options.limits ? { limits: options.limits } : {}) });
  return modelFromContents(contents, options).model;
}

/** Put the weights of a Keras `.h5` (weights-only or full model) into a model, returning what matched. */
export async function loadWeightsFromBytes(model: Model, bytes: Uint8Array, options: LoadWeightsOptions = {}): Promise<TransferReport> {
  const table = await readWeightTable(bytes, { ...(options.fileName ? { fileName: options.fileName } : {}), ...(options.limits ? { limits: options.limits } : {}) });
  return applyWeights(model, table, { byName: options.byName ?? false, skipMismatch: options.skipMismatch ?? false, source: options.fileName ?? '', adoptArrays: true, ...(options.backend ? { backend: options.backend } : {}) });
}

/** {@link loadWeightsFromBytes} for contents already read (e.g. piecewise from disk). @internal */
export function loadWeightsFromContents(model: Model, contents: KerasH5Contents, options: LoadWeightsOptions = {}): TransferReport {
  const table = weightTableFromContents(contents, options.fileName);
  return applyWeights(model, table, { byName: options.byName ?? false, skipMismatch: options.skipMismatch ?? false, source: options.fileName ?? '', adoptArrays: true, ...(options.backend ? { backend: options.backend } : {}) });
}

/**
 * The Keras topology inside a model.json, between tfjs' conventions and Keras'.
 *
 * tfjs-layers (a port of Keras 2.1) writes Keras 2 JSON with its own habits: options it left unset
 * as `null` (`mask_zero`, `unit_forget_bias`, `implementation`), its `VarianceScaling` `normal`
 * meaning a truncated normal, `LeCunNormal` for Keras' `LecunNormal`, optimizer keys in camelCase in
 * `trainingConfig`; tensorflowjs_converter nests the Keras `.h5` config under `model_config`. It
 * reads Keras 2 JSON back (converting snake_case to camelCase itself) for the layers, activations
 * and initializers it implements, and refuses the rest when loading.
 */
import { isJsonObject, type JsonObject, type JsonValue } from '@kerasts/layers';
import { UnsupportedError } from '@kerasts/tensor';

/** The Keras layer classes tfjs-layers 4.x deserializes (its serialization registry). */
export const TFJS_LAYER_CLASSES: ReadonlySet<string> = new Set([
  'InputLayer', 'Activation', 'Add', 'AlphaDropout', 'Average', 'AveragePooling1D', 'AveragePooling2D', 'AveragePooling3D',
  'BatchNormalization', 'Bidirectional', 'CategoryEncoding', 'CenterCrop', 'Concatenate', 'Conv1D', 'Conv2D', 'Conv2DTranspose',
  'Conv3D', 'Conv3DTranspose', 'ConvLSTM2D', 'Cropping2D', 'Dense', 'DepthwiseConv2D', 'Dot', 'Dropout', 'ELU', 'EinsumDense',
  'Embedding', 'Flatten', 'GRU', 'GaussianDropout', 'GaussianNoise', 'GlobalAveragePooling1D', 'GlobalAveragePooling2D',
  'GlobalMaxPooling1D', 'GlobalMaxPooling2D', 'LSTM', 'LayerNormalization', 'LeakyReLU', 'Masking', 'MaxPooling1D', 'MaxPooling2D',
  'MaxPooling3D', 'Maximum', 'Minimum', 'Multiply', 'PReLU', 'Permute', 'ReLU', 'RepeatVector', 'Rescaling', 'Reshape',
  'Resizing', 'SeparableConv2D', 'SimpleRNN', 'Softmax', 'SpatialDropout1D', 'ThresholdedReLU', 'TimeDistributed', 'UpSampling2D',
  'ZeroPadding2D',
]);

/**
 * Layers tfjs-layers 4.22 reads but computes differently from Keras: its Resizing samples with
 * `alignCorners` (Keras: half-pixel centres), its CenterCrop crops with `cropAndResize` and upsizes
 * without cropping to the aspect ratio first.
 */
const TFJS_RESAMPLING: Readonly<Record<string, string>> = {
  Resizing: "TensorFlow.js' Resizing resizes with align_corners, not Keras' half-pixel centres",
  CenterCrop: "TensorFlow.js' CenterCrop resizes smaller images without Keras' crop to the aspect ratio and samples with cropAndResize",
};

/** Classes tfjs-layers reads but computes otherwise than Keras (refused both ways; see {@link TFJS_LAYER_CLASSES}). */
export const TFJS_COMPUTES_OTHERWISE: ReadonlySet<string> = new Set(Object.keys(TFJS_RESAMPLING));

/** Activation names tfjs-layers knows, as Keras spells them. */
export const TFJS_ACTIVATIONS: ReadonlySet<string> = new Set([
  'elu', 'hard_sigmoid', 'linear', 'relu', 'relu6', 'selu', 'sigmoid', 'softmax', 'log_softmax', 'softplus', 'softsign', 'tanh', 'swish', 'mish', 'gelu',
]);

/** Initializer class names that tfjs spells differently (tfjs → Keras). */
const INITIALIZER_FROM_TFJS: Record<string, string> = { LeCunNormal: 'LecunNormal', LeCunUniform: 'LecunUniform' };
const INITIALIZER_TO_TFJS: Record<string, string> = { LecunNormal: 'LeCunNormal', LecunUniform: 'LeCunUniform' };

/** Config keys tfjs writes as null meaning "unset", with the value tfjs then uses (undefined: drop the key). */
const TFJS_NULL_MEANS: Record<string, JsonValue | undefined> = { mask_zero: false, unit_forget_bias: false, implementation: undefined };

/** Every layer entry of a model config (a model's layers, a wrapper's `layer`), depth first. */
function forEachLayerEntry(entry: JsonObject, fn: (entry: JsonObject, config: JsonObject) => void): void {
  const config = entry.config;
  if (!isJsonObject(config)) return;
  fn(entry, config);
  if (Array.isArray(config.layers)) for (const l of config.layers) if (isJsonObject(l)) forEachLayerEntry(l, fn);
  for (const k of ['layer', 'backward_layer']) {
    const inner = config[k];
    if (isJsonObject(inner)) forEachLayerEntry(inner, fn);
  }
}

function mapObjects(config: JsonObject, fn: (key: string, obj: JsonObject) => void): void {
  for (const [k, v] of Object.entries(config)) {
    if (/(initializer|regularizer|constraint)$/.test(k) && isJsonObject(v) && typeof v.class_name === 'string') fn(k, v);
  }
}

/** The parts of a tfjs `modelTopology`: the model config, and what tensorflowjs_converter nests beside it. */
export interface TfjsTopologyParts {
  /** The Keras model config (`{class_name, config}`), tfjs conventions rewritten to Keras'. */
  modelConfig: JsonObject;
  /** `keras_version` as stated (`tfjs-layers 4.22.0`, or the Keras that wrote a converted `.h5`). */
  kerasVersion: string | null;
  backend: string | null;
  /** A converted `.h5`'s `training_config`, if nested in the topology. */
  trainingConfig: JsonObject | null;
}

/**
 * A model.json's `modelTopology` as a Keras config kerasts reads (see the module comment for what
 * changes); the input is not modified.
 */
export function kerasConfigFromTfjs(topology: JsonObject): TfjsTopologyParts {
  const nested = isJsonObject(topology.model_config) ? topology.model_config : null;
  const modelConfig = structuredClone(nested ?? topology) as JsonObject;
  const kerasVersion = typeof topology.keras_version === 'string' ? topology.keras_version : typeof modelConfig.keras_version === 'string' ? modelConfig.keras_version : null;
  const backend = typeof topology.backend === 'string' ? topology.backend : null;
  delete modelConfig.keras_version;
  delete modelConfig.backend;
  const byTfjs = typeof kerasVersion === 'string' && /^tfjs-layers\b/.test(kerasVersion.trim());
  forEachLayerEntry(modelConfig, (entry, config) => {
    // tfjs-layers resamples differently from Keras (see TFJS_RESAMPLING); kerasts computes Keras' function only.
    const resampling = TFJS_RESAMPLING[String(entry.class_name)];
    if (byTfjs && resampling) throw new UnsupportedError(`${layerLabel(entry, config)}: ${resampling}; kerasts computes Keras' function, so it cannot predict what TensorFlow.js predicts for this model`, String(config.name ?? ''));
    for (const [k, v] of Object.entries(TFJS_NULL_MEANS)) {
      if (k in config && config[k] === null) {
        if (v === undefined) delete config[k];
        else config[k] = v;
      }
    }
    mapObjects(config, (key, obj) => {
      if (!key.endsWith('initializer')) return;
      const cls = obj.class_name as string;
      if (Object.hasOwn(INITIALIZER_FROM_TFJS, cls)) obj.class_name = INITIALIZER_FROM_TFJS[cls]!;
      // tfjs' VarianceScaling draws a truncated normal for "normal" (as Keras 2.0 did)
      if (cls === 'VarianceScaling' && isJsonObject(obj.config) && obj.config.distribution === 'normal') obj.config.distribution = 'truncated_normal';
    });
  });
  const tc = isJsonObject(topology.training_config) ? topology.training_config : null;
  return { modelConfig, kerasVersion, backend, trainingConfig: tc };
}

/** Options of {@link tfjsTopologyFromKeras}. */
export interface TfjsTopologyOptions {
  /** `keras_version` to state (default `tfjs-layers 4.22.0`). */
  kerasVersion?: string;
  /** Name of the model, for messages. */
  source?: string;
}

function layerLabel(entry: JsonObject, config: JsonObject): string {
  return `layer "${String(config.name ?? '?')}" (${String(entry.class_name)})`;
}

/**
 * A Keras config (the `keras-2` dialect kerasts writes) as tfjs-layers reads it: `Functional` named
 * `Model`, no `module` keys, tfjs' initializer and regularizer classes, Keras 3's `silu` as `swish`.
 *
 * @throws {UnsupportedError} naming the layer for a class, activation or option tfjs does not
 * implement (tfjs' GRU computes `reset_after=False` only), because tfjs would refuse the file.
 */
export function tfjsTopologyFromKeras(kerasJson: JsonObject, options: TfjsTopologyOptions = {}): JsonObject {
  const out = structuredClone(kerasJson) as JsonObject;
  const where = options.source ?? '';
  delete out.module;
  if (out.class_name === 'Functional') out.class_name = 'Model';
  // a Sequential built without a declared input (model.build(shape)) states its shape only as
  // build_input_shape, which tfjs ignores: declare it with an InputLayer, as tfjs itself writes one
  const cfg = isJsonObject(out.config) ? out.config : null;
  if (out.class_name === 'Sequential' && cfg && Array.isArray(cfg.build_input_shape) && Array.isArray(cfg.layers)) {
    const first = cfg.layers[0];
    const declared = isJsonObject(first) && (first.class_name === 'InputLayer' || (isJsonObject(first.config) && first.config.batch_input_shape !== undefined));
    if (!declared) {
      const name = isJsonObject(first) && isJsonObject(first.config) ? `${String(first.config.name)}_input` : 'input';
      cfg.layers.unshift({ class_name: 'InputLayer', config: { batch_input_shape: cfg.build_input_shape, dtype: 'float32', sparse: false, name } });
    }
    delete cfg.build_input_shape;
  }
  const problems: string[] = [];
  forEachLayerEntry(out, (entry, config) => {
    if (entry === out) return;
    delete entry.module;
    const cls = String(entry.class_name);
    const label = layerLabel(entry, config);
    if (cls === 'Sequential' || cls === 'Functional' || cls === 'Model') {
      problems.push(`${label}: a nested model; kerasts does not write nested models to TensorFlow.js (save as .keras or .h5)`);
      return;
    }
    if (!TFJS_LAYER_CLASSES.has(cls)) {
      problems.push(`${label}: TensorFlow.js has no ${cls} layer`);
      return;
    }
    const resampling = TFJS_RESAMPLING[cls];
    if (resampling) problems.push(`${label}: ${resampling}`);
    for (const k of ['activation', 'recurrent_activation']) {
      let a = config[k];
      if (a === 'silu') a = config[k] = 'swish';
      if (typeof a === 'string' && !TFJS_ACTIVATIONS.has(a)) problems.push(`${label}: TensorFlow.js has no "${a}" activation (${k})`);
    }
    if (cls === 'ReLU' && ((config.negative_slope ?? 0) !== 0 || (config.threshold ?? 0) !== 0)) problems.push(`${label}: TensorFlow.js' ReLU has max_value only (negative_slope and threshold would be dropped)`);
    if (cls === 'ELU' && (config.alpha ?? 1) !== 1) problems.push(`${label}: TensorFlow.js' ELU refuses alpha other than 1`);
    if (cls === 'Softmax' && config.axis !== undefined && config.axis !== -1 && !(Array.isArray(config.axis) && config.axis.length === 1 && config.axis[0] === -1)) {
      problems.push(`${label}: TensorFlow.js' Softmax layer normalizes the last axis only (axis ${JSON.stringify(config.axis)}; write axis -1)`);
    }
    if (cls === 'GRU' && config.reset_after === true) problems.push(`${label}: TensorFlow.js' GRU computes reset_after=False only (Keras 3's default is True; build the GRU with resetAfter: false)`);
    mapObjects(config, (key, obj) => {
      const c = String(obj.class_name);
      if (key.endsWith('initializer')) {
        if (Object.hasOwn(INITIALIZER_TO_TFJS, c)) obj.class_name = INITIALIZER_TO_TFJS[c]!;
        if (c === 'VarianceScaling' && isJsonObject(obj.config) && obj.config.distribution === 'untruncated_normal') obj.config.distribution = 'normal';
      } else if (key.endsWith('regularizer') && (c === 'L1' || c === 'L2')) {
        const cfg = isJsonObject(obj.config) ? obj.config : {};
        obj.class_name = 'L1L2';
        obj.config = { l1: c === 'L1' ? (cfg.l1 ?? 0) : 0, l2: c === 'L2' ? (cfg.l2 ?? 0) : 0 };
      }
    });
  });
  if (problems.length) throw new UnsupportedError(`TensorFlow.js cannot load this model: ${problems.join('; ')}`, where);
  out.keras_version = options.kerasVersion ?? `tfjs-layers ${TFJS_LAYERS_VERSION}`;
  out.backend = 'tensor_flow.js';
  return out;
}

/** The tfjs-layers release whose format kerasts writes and is tested against. */
export const TFJS_LAYERS_VERSION = '4.22.0';

/** Every activation name a model.json's layers use (wrapped layers included). */
export function activationsIn(topology: JsonObject): { layer: string; activation: string }[] {
  const out: { layer: string; activation: string }[] = [];
  forEachLayerEntry(topology, (_e, config) => {
    for (const k of ['activation', 'recurrent_activation']) if (typeof config[k] === 'string') out.push({ layer: String(config.name ?? '?'), activation: config[k] as string });
  });
  return out;
}

/** The shortest decimal that is the same float32 (kerasts holds hyperparameters as float32: 0.019999999552965164 is 0.02). */
function shortestFloat32(v: number): number {
  const f = Math.fround(v);
  for (let p = 1; p <= 9; p++) {
    const d = Number(v.toPrecision(p));
    if (Math.fround(d) === f) return d;
  }
  return v;
}

/** Loss aliases spelled out: tfjs knows the full names (`meanSquaredError` once camel-cased), not all aliases. */
const LOSS_NAMES: Record<string, string> = {
  mse: 'mean_squared_error', MSE: 'mean_squared_error', mae: 'mean_absolute_error', MAE: 'mean_absolute_error',
  mape: 'mean_absolute_percentage_error', MAPE: 'mean_absolute_percentage_error', msle: 'mean_squared_logarithmic_error', MSLE: 'mean_squared_logarithmic_error',
  kld: 'kullback_leibler_divergence', KLD: 'kullback_leibler_divergence', kl_divergence: 'kullback_leibler_divergence',
};

function spellOut(v: JsonValue): JsonValue {
  if (typeof v === 'string') return Object.hasOwn(LOSS_NAMES, v) ? LOSS_NAMES[v]! : v;
  if (Array.isArray(v)) return v.map(spellOut);
  if (isJsonObject(v)) return Object.fromEntries(Object.entries(v).map(([k, e]) => [k, spellOut(e)]));
  return v;
}

/** tfjs optimizer classes and config keys ↔ Keras'. */
const OPTIMIZER_FROM_TFJS: Record<string, string> = { Adam: 'Adam', SGD: 'SGD', Momentum: 'SGD', RMSProp: 'RMSprop', Adagrad: 'Adagrad', Adadelta: 'Adadelta', Adamax: 'Adamax' };
const KEY_FROM_TFJS: Record<string, string> = { learningRate: 'learning_rate', beta1: 'beta_1', beta2: 'beta_2', useNesterov: 'nesterov', initialAccumulatorValue: 'initial_accumulator_value' };

/**
 * A tfjs `trainingConfig` as a Keras `training_config` (`compileFromTrainingConfig` reads it):
 * optimizer classes (`RMSProp` → `RMSprop`, `Momentum` → `SGD` with momentum) and camelCase keys.
 * Returns null when the optimizer has no Keras counterpart.
 */
export function kerasTrainingConfigFromTfjs(tc: JsonObject): JsonObject | null {
  const opt = isJsonObject(tc.optimizer_config) ? tc.optimizer_config : null;
  if (!opt || typeof opt.class_name !== 'string' || !Object.hasOwn(OPTIMIZER_FROM_TFJS, opt.class_name)) return null;
  const cfg: JsonObject = {};
  for (const [k, v] of Object.entries(isJsonObject(opt.config) ? opt.config : {})) {
    if (opt.class_name === 'Adamax' && k === 'decay') continue; // tfjs' per-step lr decay: Keras 3 has none
    cfg[Object.hasOwn(KEY_FROM_TFJS, k) ? KEY_FROM_TFJS[k]! : k] = v;
  }
  return { ...tc, optimizer_config: { class_name: OPTIMIZER_FROM_TFJS[opt.class_name]!, config: cfg } };
}

/**
 * A Keras `training_config` (kerasts' `getTrainingConfig`) as tfjs' `trainingConfig`, or null (with
 * the reason) when tfjs has no such optimizer or would train differently.
 */
export function tfjsTrainingConfigFromKeras(tc: JsonObject): { config: JsonObject | null; reason: string } {
  const opt = isJsonObject(tc.optimizer_config) ? tc.optimizer_config : null;
  const cls = opt && typeof opt.class_name === 'string' ? opt.class_name.replace(/^Custom>/, '') : '?';
  const c = opt && isJsonObject(opt.config) ? opt.config : {};
  const num = (k: string, d: number): number => (typeof c[k] === 'number' ? (c[k] as number) : d);
  const lr = num('learning_rate', num('lr', 0.001));
  let config: JsonObject;
  let name: string;
  switch (cls) {
    case 'Adam':
      if (c.amsgrad === true) return { config: null, reason: 'tfjs has no AMSGrad' };
      [name, config] = ['Adam', { learningRate: lr, beta1: num('beta_1', 0.9), beta2: num('beta_2', 0.999), epsilon: num('epsilon', 1e-7) }];
      break;
    case 'SGD':
      [name, config] = num('momentum', 0) > 0 ? ['Momentum', { learningRate: lr, momentum: num('momentum', 0), useNesterov: c.nesterov === true }] : ['SGD', { learningRate: lr }];
      break;
    case 'RMSprop':
      [name, config] = ['RMSProp', { learningRate: lr, decay: num('rho', 0.9), momentum: num('momentum', 0), epsilon: num('epsilon', 1e-7), centered: c.centered === true }];
      break;
    case 'Adagrad':
      [name, config] = ['Adagrad', { learningRate: lr, initialAccumulatorValue: num('initial_accumulator_value', 0.1) }];
      break;
    case 'Adadelta':
      [name, config] = ['Adadelta', { learningRate: lr, rho: num('rho', 0.95), epsilon: num('epsilon', 1e-7) }];
      break;
    case 'Adamax':
      [name, config] = ['Adamax', { learningRate: lr, beta1: num('beta_1', 0.9), beta2: num('beta_2', 0.999), epsilon: num('epsilon', 1e-7), decay: 0 }];
      break;
    default:
      return { config: null, reason: `tfjs has no ${cls} optimizer` };
  }
  for (const [k, v] of Object.entries(config)) if (typeof v === 'number') config[k] = shortestFloat32(v);
  const out: JsonObject = { loss: spellOut(tc.loss ?? null), metrics: tc.metrics ?? null, optimizer_config: { class_name: name, config } };
  if (tc.loss_weights !== undefined && tc.loss_weights !== null) out.loss_weights = tc.loss_weights;
  return { config: out, reason: '' };
}

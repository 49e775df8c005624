/**
 * The `.keras` archive (keras/src/saving/saving_lib.py): a ZIP holding
 *
 * - `metadata.json`: `{"keras_version": "3.15.1", "date_saved": "2026-11-26@10:39:08"}`;
 * - `config.json`: the model in Keras 3's serialization (`module`, `class_name`, `config`,
 *   `registered_name`, `build_config`, and `compile_config` for a compiled model);
 * - `model.weights.h5`: the native weights layout (weights.ts), with the optimizer for a compiled model;
 * - `assets/...`: files some layers save (text vectorization vocabularies, ...); kerasts' layers have none.
 *
 * Keras writes every entry stored (uncompressed) and so does kerasts.
 */
import { configToJsonObject, parseJsonText, parseModelConfig, stringifyKerasJson, type NumericsPolicy } from '@kerasts/io-json';
import type { H5TreeGroup } from '@kerasts/io-hdf5';
import { DEFAULT_KERAS_VERSION, isJsonObject, isPlaceholderWeights, kerasMajor, withoutInitialization, type JsonObject, type JsonValue } from '@kerasts/layers';
import { modelFromConfig, type Functional, type Model, type Sequential } from '@kerasts/model';
import { ConfigError, FormatError, Tensor, UnsupportedError, withLimits, type Limits } from '@kerasts/tensor';
import type { TransferReport } from '@kerasts/transfer';
import { compileConfigFromTrainingConfig, trainingConfigFromCompileConfig } from './compile-config.js';
import { checkSafeConfig } from './safety.js';
import { applyNativeWeights, nativeWeightsTree, readNativeWeights, storedOptimizerValues } from './weights.js';
import { writeH5Tree } from '@kerasts/io-hdf5';
import { writeZip, ZipArchive, type ZipLimits } from './zip.js';

/**
 * Limits of a `.keras` read: the ZIP's (`maxEntries`, and `maxBytes` for the inflated bytes the
 * archive declares, default 2 GiB) and those of `@kerasts/tensor` for what is inside (`maxBytes` for
 * the arrays of `model.weights.h5`, default 1 GiB; `maxMetadataBytes`; `maxParameters` for the model
 * built from `config.json`; `maxDepth` for its nesting). README "Loading untrusted files".
 */
export type KerasLimits = ZipLimits & Partial<Limits>;

/** The ZIP part of {@link KerasLimits}. */
export function zipLimitsOf(limits: KerasLimits | undefined): ZipLimits {
  return { ...(limits?.maxBytes !== undefined ? { maxBytes: limits.maxBytes } : {}), ...(limits?.maxEntries !== undefined ? { maxEntries: limits.maxEntries } : {}) };
}

/** The `@kerasts/tensor` part of {@link KerasLimits}. */
export function tensorLimitsOf(limits: KerasLimits | undefined): Partial<Limits> {
  const out: Partial<Limits> = {};
  for (const k of ['maxBytes', 'maxParameters', 'maxMetadataBytes', 'maxDepth'] as const) if (limits?.[k] !== undefined) out[k] = limits[k];
  return out;
}

/** Entry names inside a `.keras` archive. */
export const KERAS_ENTRIES = { config: 'config.json', metadata: 'metadata.json', weights: 'model.weights.h5', weightsNpz: 'model.weights.npz', assets: 'assets/' } as const;

/** What a `.keras` archive holds, read and checked but not yet built into a model. */
export interface KerasArchiveContents {
  /** `metadata.json` (null when absent: Keras does not need it either). */
  metadata: { keras_version?: string; date_saved?: string; [key: string]: JsonValue | undefined } | null;
  /** `config.json`, parsed. */
  config: JsonObject;
  /** `model.weights.h5` as an HDF5 tree. */
  weights: H5TreeGroup;
  /** Names of the files under `assets/`. */
  assets: string[];
  /** All entry names, in archive order. */
  entries: string[];
}

/** Options for reading archives. */
export interface ReadKerasOptions {
  /** The archive's name for messages. */
  fileName?: string;
  /**
   * Limits on the ZIP (declared inflated bytes, entry count; checked before inflating) and on what
   * is inside (the arrays of `model.weights.h5`, the model's weights, the config's nesting).
   */
  limits?: KerasLimits;
}

/**
 * Read and check a `.keras` archive: safe ZIP reading (zip.ts), `config.json` parsed and checked as
 * Keras' `safe_mode` would (no Lambda, no unknown custom objects), `model.weights.h5` read.
 *
 * @throws {FormatError} for a damaged archive or a missing `config.json` / `model.weights.h5`.
 * @throws {UnsupportedError} for what safe mode refuses and for `.npz` weights.
 */
export async function readKerasArchive(bytes: Uint8Array, options: ReadKerasOptions = {}): Promise<KerasArchiveContents> {
  const file = options.fileName ?? '';
  const zip = ZipArchive.open(bytes, { ...(options.fileName ? { fileName: options.fileName } : {}), limits: zipLimitsOf(options.limits) });
  const limits = tensorLimitsOf(options.limits);
  const names = zip.entries.map((e) => e.name);
  if (!zip.has(KERAS_ENTRIES.config)) {
    throw new FormatError(`not a Keras .keras archive: it has no ${KERAS_ENTRIES.config} (entries: ${names.join(', ') || 'none'})`, file);
  }
  const configText = zip.readText(KERAS_ENTRIES.config);
  const config = withLimits(limits, () => parseJsonText(configText, `${file ? `${file}, ` : ''}entry ${KERAS_ENTRIES.config}`));
  if (!isJsonObject(config)) throw new ConfigError('config.json must hold a JSON object', `${file ? `${file}, ` : ''}entry ${KERAS_ENTRIES.config}`);
  checkSafeConfig(config, file);
  let metadata: KerasArchiveContents['metadata'] = null;
  if (zip.has(KERAS_ENTRIES.metadata)) {
    const m = parseJsonText(zip.readText(KERAS_ENTRIES.metadata), `${file ? `${file}, ` : ''}entry ${KERAS_ENTRIES.metadata}`);
    if (isJsonObject(m)) metadata = m as KerasArchiveContents['metadata'];
  }
  if (!zip.has(KERAS_ENTRIES.weights)) {
    if (zip.has(KERAS_ENTRIES.weightsNpz)) throw new UnsupportedError(`this archive stores its weights as ${KERAS_ENTRIES.weightsNpz} (Keras' weights_format="npz"), which kerasts does not read yet`, file);
    throw new FormatError(`not a complete Keras .keras archive: it has no ${KERAS_ENTRIES.weights} (entries: ${names.join(', ')})`, file);
  }
  const weights = await readNativeWeights(zip.read(KERAS_ENTRIES.weights), file ? `${file}, entry ${KERAS_ENTRIES.weights}` : `entry ${KERAS_ENTRIES.weights}`, limits);
  return { metadata, config, weights, assets: names.filter((n) => n.startsWith(KERAS_ENTRIES.assets) && !n.endsWith('/')), entries: names };
}

/** Options of {@link modelFromKerasArchive}. */
export interface LoadKerasModelOptions extends ReadKerasOptions {
  /** Compile from `compile_config` and restore the optimizer variables (default true, as `load_model`). */
  compile?: boolean;
  /** Receives warnings (default `console.warn`). */
  warn?: (message: string) => void;
}

/** What was learned while loading a `.keras` archive. */
export interface LoadedKerasInfo {
  kerasVersion: string;
  /** The archive's `compile_config`, or null. */
  compileConfig: JsonObject | null;
  /** Whether the archive holds optimizer variables (`optimizer/vars`). */
  hasOptimizerState: boolean;
  /** Whether they were restored into the compiled model. */
  optimizerRestored: boolean;
  warnings: string[];
  report: TransferReport;
  assets: string[];
}

/**
 * Build a model from a read archive, as Keras' `load_model` does: the architecture from
 * `config.json`, the weights by Keras 3's paths (a count or shape mismatch is an error), then, when
 * `compile` is not false and the archive has a `compile_config`, compile and restore the optimizer
 * variables (a state that does not fit is a warning and a fresh optimizer, as in Keras).
 */
export function modelFromKerasArchive(contents: KerasArchiveContents, options: LoadKerasModelOptions = {}): { model: Sequential | Functional; info: LoadedKerasInfo } {
  const file = options.fileName ?? '';
  const stated = contents.metadata?.keras_version;
  const kerasVersion = typeof stated === 'string' && stated.length > 0 ? stated : DEFAULT_KERAS_VERSION;
  const { compile_config: cc, ...arch } = contents.config;
  const source = `${file ? `${file}, ` : ''}entry ${KERAS_ENTRIES.config}`;
  const limits = tensorLimitsOf(options.limits);
  const { config } = parseModelConfig(arch, { kerasVersion, source, limits });
  const model = withLimits(limits, () => withoutInitialization(() => modelFromConfig(config, { source: file })));
  const report = applyNativeWeights(model, contents.weights, { source: file ? `${file}, entry ${KERAS_ENTRIES.weights}` : KERAS_ENTRIES.weights });
  for (const layer of model.layers) {
    for (const w of layer.weights) {
      if (isPlaceholderWeights(w.value.data)) w.value = new Tensor(new Float32Array(w.value.size), w.shape);
    }
  }
  const warnings: string[] = [];
  // An uncompiled model's archive has `compile_config: {}` (Keras compiles only from a non-empty one).
  const compileConfig = isJsonObject(cc) && Object.keys(cc).length > 0 ? cc : null;
  const stored = storedOptimizerValues(contents.weights, file);
  let optimizerRestored = false;
  if (compileConfig && options.compile !== false) {
    try {
      model.compileFromTrainingConfig(trainingConfigFromCompileConfig(compileConfig, `${source}: compile_config`));
    } catch (e) {
      warnings.push(`${file}: the model was not compiled: its compile_config could not be used (${(e as Error).message})`);
    }
    if (model.isCompiled && stored.length > 0) {
      optimizerRestored = restoreOptimizer(model, stored, file, warnings);
    }
  }
  for (const w of warnings) (options.warn ?? console.warn)(`kerasts: ${w}`);
  return { model, info: { kerasVersion, compileConfig, hasOptimizerState: stored.length > 0, optimizerRestored, warnings, report, assets: contents.assets } };
}

/** Restore `optimizer/vars` into a compiled model; a mismatch is a warning (Keras: "Skipping variable loading for optimizer"). */
export function restoreOptimizer(model: Model, stored: readonly Tensor[], file: string, warnings: string[]): boolean {
  try {
    model.setOptimizerWeights(stored, 'keras3');
    return true;
  } catch (e) {
    let expected = '?';
    try {
      expected = String(model.getOptimizerVariables('keras3').length);
    } catch {
      /* the count is only for the message */
    }
    warnings.push(`${file}: optimizer variables not restored (the optimizer has ${expected} variables, the file ${stored.length}: ${(e as Error).message}); training continues from a fresh optimizer state`);
    return false;
  }
}

/** Options for writing a `.keras` archive. */
export interface SaveKerasOptions {
  /** Store `compile_config` and the optimizer variables of a compiled model (default true, as Keras). */
  includeOptimizer?: boolean;
  /** What to do when Keras 3 would compute another function than this model (see @kerasts/io-json; default `error`). */
  numerics?: NumericsPolicy;
  /** Receives warnings (default `console.warn`). */
  warn?: (message: string) => void;
  /** `date_saved` of `metadata.json` (default now, formatted as Keras does). */
  dateSaved?: Date;
  /** Replace an existing file (paths only). */
  overwrite?: boolean;
}

function kerasDate(d: Date): string {
  const p = (n: number) => String(n).padStart(2, '0');
  return `${d.getFullYear()}-${p(d.getMonth() + 1)}-${p(d.getDate())}@${p(d.getHours())}:${p(d.getMinutes())}:${p(d.getSeconds())}`;
}

/** The `config.json` object Keras 3 writes for a model (architecture, `build_config`, `compile_config`). */
export function kerasConfigJson(model: Model, options: SaveKerasOptions = {}): JsonObject {
  if (!model.built) model.build();
  const json = configToJsonObject(model.toConfig(), {
    dialect: 'keras-3',
    includeVersion: false,
    ...(options.numerics ? { numerics: options.numerics } : {}),
    ...(options.warn ? { warn: options.warn } : {}),
  });
  if (options.includeOptimizer !== false && model.isCompiled) {
    const tc = model.getTrainingConfig();
    if (tc) json.compile_config = compileConfigFromTrainingConfig(tc);
  }
  return json;
}

/**
 * Keras' `model.save('x.keras')` as bytes. The archive states keras_version 3.x: a model loaded from
 * a Keras 2 file whose hard_sigmoid Keras 3 would compute differently is refused (`numerics`), unless
 * its weights were converted first (`rescaleHardSigmoidForKeras3` in @kerasts/transfer, which
 * `kerasts convert` applies).
 */
export async function modelToKerasBytes(model: Model, options: SaveKerasOptions = {}): Promise<Uint8Array> {
  const config = kerasConfigJson(model, options);
  const version = kerasMajor(model.kerasVersion) >= 3 ? model.kerasVersion : DEFAULT_KERAS_VERSION;
  const metadata = JSON.stringify({ keras_version: version, date_saved: kerasDate(options.dateSaved ?? new Date()) }).replace(/":/g, '": ').replace(/,"/g, ', "');
  const weights = await writeH5Tree(nativeWeightsTree(model, { includeOptimizer: options.includeOptimizer !== false }));
  const enc = new TextEncoder();
  return writeZip([
    { name: KERAS_ENTRIES.metadata, data: enc.encode(metadata) },
    { name: KERAS_ENTRIES.config, data: enc.encode(stringifyKerasJson(config)) },
    { name: KERAS_ENTRIES.weights, data: weights },
  ]);
}

/** Load a `.keras` archive from bytes: the model (and what was learned). */
export async function modelFromKerasBytes(bytes: Uint8Array, options: LoadKerasModelOptions = {}): Promise<{ model: Sequential | Functional; info: LoadedKerasInfo }> {
  const contents = await readKerasArchive(bytes, options);
  return modelFromKerasArchive(contents, options);
}

/** Is this a `.keras` archive's weights, read from the archive's bytes? (For `loadWeights` from a `.keras`.) */
export async function weightsOfKerasArchive(bytes: Uint8Array, options: ReadKerasOptions = {}): Promise<H5TreeGroup> {
  return (await readKerasArchive(bytes, options)).weights;
}

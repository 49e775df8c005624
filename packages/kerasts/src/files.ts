/**
 * One way in: `loadModel`, `loadWeights`, `saveModel`, `saveWeights` for every Keras file format.
 * Reading detects the format by content (detect.ts) and hands the bytes to the package that owns it;
 * a file of the wrong kind for the call is a FormatError that says what the file is. Writing picks
 * the format from the output name (`.keras`, `.h5`, `.weights.h5`, `.json`, `.yaml`, and the
 * write-only `.onnx`) or `format`.
 */
import { inspectH5RootFromPath, loadWeightsFromContents, modelFromContents, modelToH5Bytes, readKerasH5, readKerasH5FromPath, readSourceBytes, loadWeightsFromBytes, weightsToH5Bytes, writePathBytes, type FileSource, type KerasH5Contents, type SaveOptions as H5SaveOptions } from '@kerasts/io-hdf5';
import { loadKerasWeights, modelFromKerasBytes, modelToKerasBytes, nativeWeightsToBytes, tensorLimitsOf, type KerasLimits } from '@kerasts/io-keras';
import { modelFromJSON, toJSON, type Dialect, type NumericsPolicy } from '@kerasts/io-json';
import { loadTfjsModelWithInfo, saveTfjsModel, type SaveTfjsOptions, type TfjsInMemoryModel } from '@kerasts/io-tfjs';
import { exportOnnxWithInfo, type OnnxExportOptions } from '@kerasts/io-onnx';
import { modelFromYAML, toYAML } from '@kerasts/io-yaml';
import type { JsonObject } from '@kerasts/layers';
import type { Functional, Model, Sequential } from '@kerasts/model';
import { ConfigError, FormatError, type Limits } from '@kerasts/tensor';
import type { TransferReport } from '@kerasts/transfer';
import { detectFormat, detectH5Layout, type DetectedFormat, type FileFormat } from './detect.js';

/**
 * A legacy `.h5` named by a path (Node): its layout from the root's names and, for the legacy Keras
 * layouts, its contents — both read piecewise from disk, so a multi-GB file is never held whole
 * (as io-hdf5's own loadModel(path) does). Null for anything else (bytes, URLs, Keras 3 native
 * `.weights.h5`, non-HDF5 files), which is then read whole and detected by content.
 */
async function legacyH5FromPath(source: FileSource, fileName: string | undefined, limits: Partial<Limits>): Promise<{ d: DetectedFormat; contents: KerasH5Contents; fileName: string } | null> {
  if (typeof source !== 'string') return null;
  const name = fileName ?? source;
  const root = await inspectH5RootFromPath(source, { fileName: name, limits });
  if (root === null) return null;
  const d = detectH5Layout(root);
  if (d.format !== 'h5-model' && d.format !== 'h5-weights') return null;
  const contents = await readKerasH5FromPath(source, { fileName: name, limits });
  return contents === null ? null : { d, contents, fileName: name };
}

export type { FileSource } from '@kerasts/io-hdf5';

/** Options of {@link loadModel}. */
export interface LoadModelOptions {
  /** Compile from the file's training/compile config and restore the optimizer state (default true). */
  compile?: boolean;
  /** The file's name for messages (set from paths, `File`s and URLs automatically). */
  fileName?: string;
  /** Receives warnings (default `console.warn`). */
  warn?: (message: string) => void;
  /**
   * Resource limits (README "Loading untrusted files"): `maxBytes`, `maxParameters`,
   * `maxMetadataBytes`, `maxDepth` of `@kerasts/tensor` for every format, and `maxEntries` (with
   * `maxBytes` for the declared inflated bytes) for `.keras` archives. Raise them for a file you trust.
   */
  limits?: KerasLimits;
  /**
   * The weight shards of a TensorFlow.js model.json given as bytes (a path or URL source finds them
   * next to it): by manifest path, or a list in manifest order.
   */
  tfjsShards?: TfjsInMemoryModel['shards'];
}

/** A loaded model with what kerasts learned on the way. */
export interface LoadedModel {
  model: Sequential | Functional;
  /** The format the file was detected as. */
  format: FileFormat;
  /** The weights report (files with weights), or null (architecture only). */
  report: TransferReport | null;
  /** Whether a compiled file's optimizer state was restored. */
  optimizerRestored: boolean;
  /** The training config (`.h5`, tfjs `model.json`) or compile config (`.keras`) of a compiled file, or null. */
  trainingConfig: JsonObject | null;
  warnings: string[];
}

const WEIGHTS_ONLY_HINT = 'it holds weights but no architecture; build or load the architecture, then loadWeights(model, file) (CLI: --arch arch.json)';

function wrongKind(d: DetectedFormat, fileName: string, wanted: string, hint: string): FormatError {
  return new FormatError(`this is ${d.description}, not ${wanted}${hint ? `: ${hint}` : ''}`, fileName);
}

/**
 * Keras' `load_model` for every format: a `.keras` archive, a legacy `.h5` full model of any Keras
 * era, an architecture `.json`/`.yaml` (fresh weights), or a TensorFlow.js `model.json` (its shards
 * read next to a path or URL, or given as `tfjsShards`). The format comes from the content, so a
 * misnamed file still loads, and a file of another kind says what it is.
 *
 * @throws {FormatError} for weights-only files, data files and anything that is not a Keras model.
 */
export async function loadModelWithInfo(source: FileSource, options: LoadModelOptions = {}): Promise<LoadedModel> {
  const warnTo = options.warn ?? ((m: string) => console.warn(m));
  const tensorLimits = tensorLimitsOf(options.limits);
  const onDisk = await legacyH5FromPath(source, options.fileName, tensorLimits);
  if (onDisk !== null) {
    if (onDisk.d.format !== 'h5-model') throw wrongKind(onDisk.d, onDisk.fileName, 'a model', WEIGHTS_ONLY_HINT);
    const { model, info } = modelFromContents(onDisk.contents, { fileName: onDisk.fileName, ...(options.compile !== undefined ? { compile: options.compile } : {}), warn: warnTo, limits: tensorLimits });
    return { model, format: 'h5-model', report: info.report, optimizerRestored: info.optimizerRestored, trainingConfig: info.trainingConfig, warnings: info.warnings };
  }
  const { bytes, fileName } = await readSourceBytes(source, options.fileName);
  const d = await detectFormat(bytes, fileName);
  const warn = options.warn ?? ((m: string) => console.warn(m));
  switch (d.format) {
    case 'keras': {
      const { model, info } = await modelFromKerasBytes(bytes, { fileName, ...(options.compile !== undefined ? { compile: options.compile } : {}), warn, ...(options.limits ? { limits: options.limits } : {}) });
      return { model, format: d.format, report: info.report, optimizerRestored: info.optimizerRestored, trainingConfig: info.compileConfig, warnings: info.warnings };
    }
    case 'h5-model': {
      const contents = await readKerasH5(bytes, { fileName, limits: tensorLimits });
      const { model, info } = modelFromContents(contents, { fileName, ...(options.compile !== undefined ? { compile: options.compile } : {}), warn, limits: tensorLimits });
      return { model, format: d.format, report: info.report, optimizerRestored: info.optimizerRestored, trainingConfig: info.trainingConfig, warnings: info.warnings };
    }
    case 'json':
      return { model: modelFromJSON(new TextDecoder().decode(bytes), { source: fileName, limits: tensorLimits }), format: d.format, report: null, optimizerRestored: false, trainingConfig: null, warnings: [] };
    case 'yaml':
      return { model: modelFromYAML(new TextDecoder().decode(bytes), { source: fileName, limits: tensorLimits }), format: d.format, report: null, optimizerRestored: false, trainingConfig: null, warnings: [] };
    case 'tfjs-json': {
      const byLocation = typeof source === 'string' || source instanceof URL;
      const tfjsSource = byLocation ? source : { modelJson: bytes, ...(options.tfjsShards ? { shards: options.tfjsShards } : {}) };
      const { model, info } = await loadTfjsModelWithInfo(tfjsSource, { fileName, warn, ...(options.compile !== undefined ? { compile: options.compile } : {}) }).catch((e: unknown) => {
        if (!byLocation && !options.tfjsShards && e instanceof FormatError && /not given/.test(e.message)) {
          throw new FormatError(`${e.message}: a model.json given as bytes needs its shards (the tfjsShards option), or pass its path or URL so they are read next to it`, fileName);
        }
        throw e;
      });
      return { model, format: d.format, report: null, optimizerRestored: false, trainingConfig: info.trainingConfig, warnings: info.warnings };
    }
    case 'h5-weights':
    case 'weights-h5':
      throw wrongKind(d, fileName, 'a model', WEIGHTS_ONLY_HINT);
    default:
      throw wrongKind(
        d,
        fileName,
        'a Keras model',
        `kerasts loads .keras archives, .h5 models, architecture .json/.yaml files and TensorFlow.js model.json files${fileName.toLowerCase().endsWith('.onnx') ? ' (it writes ONNX models but does not read them)' : ''}`,
      );
  }
}

/** {@link loadModelWithInfo}, returning the model only. */
export async function loadModel(source: FileSource, options: LoadModelOptions = {}): Promise<Sequential | Functional> {
  return (await loadModelWithInfo(source, options)).model;
}

/** Options of {@link loadWeights}. */
export interface LoadWeightsOptions {
  /**
   * Match layers by name (Keras' `by_name=True`, for legacy `.h5`). For Keras 3 files Keras matches
   * by path only; kerasts also matches them by the layer names the file records.
   */
  byName?: boolean;
  /** Skip weights that do not fit, with warnings in the report, instead of failing. */
  skipMismatch?: boolean;
  fileName?: string;
  /** Resource limits, as {@link LoadModelOptions.limits}. */
  limits?: KerasLimits;
  /** Receives warnings (default `console.warn`). */
  warn?: (message: string) => void;
}

/**
 * Keras' `load_weights` for every format that holds weights: a Keras 3 `.weights.h5` or `.keras`
 * archive (by Keras 3's variable paths), a legacy `.h5` weights or full-model file (topologically,
 * or by name). Returns what matched.
 *
 * @throws {FormatError} for files without weights (architectures, data), naming what they are.
 */
export async function loadWeights(model: Model, source: FileSource, options: LoadWeightsOptions = {}): Promise<TransferReport> {
  const common = { ...(options.byName !== undefined ? { byName: options.byName } : {}), ...(options.skipMismatch !== undefined ? { skipMismatch: options.skipMismatch } : {}) };
  const tensorLimits = tensorLimitsOf(options.limits);
  const onDisk = await legacyH5FromPath(source, options.fileName, tensorLimits);
  if (onDisk !== null) return loadWeightsFromContents(model, onDisk.contents, { ...common, fileName: onDisk.fileName });
  const { bytes, fileName } = await readSourceBytes(source, options.fileName);
  const d = await detectFormat(bytes, fileName);
  switch (d.format) {
    case 'keras':
    case 'weights-h5':
      return loadKerasWeights(model, bytes, { ...common, fileName, ...(options.limits ? { limits: options.limits } : {}), ...(options.warn ? { warn: options.warn } : {}) });
    case 'h5-model':
    case 'h5-weights':
      return loadWeightsFromBytes(model, bytes, { ...common, fileName, limits: tensorLimits });
    case 'json':
    case 'yaml':
      throw wrongKind(d, fileName, 'a weights file', 'an architecture holds no weights (load it with loadModel)');
    case 'tfjs-json':
      throw wrongKind(d, fileName, 'a Keras weights file', 'load it with loadModel, which reads its shards');
    default:
      throw wrongKind(d, fileName, 'a Keras weights file', 'kerasts reads weights from .weights.h5, .keras and .h5 files');
  }
}

/**
 * Formats a model can be saved in (`onnx` is write-only: an ONNX model for ONNX Runtime and other
 * runtimes; `tfjs` is a TensorFlow.js model.json + weight shards, chosen with the `format` option only,
 * since a `.json` name means a Keras architecture).
 */
export type ModelFormat = 'keras' | 'h5' | 'json' | 'yaml' | 'onnx' | 'tfjs';
/** Formats weights can be saved in. */
export type WeightsFormat = 'weights-h5' | 'h5';

/** The format a file name asks for, or null when the name says nothing kerasts writes (`tfjs` is never asked by a name). */
export function formatForPath(path: string): Exclude<ModelFormat, 'tfjs'> | 'weights-h5' | null {
  const p = path.toLowerCase();
  if (p.endsWith('.keras')) return 'keras';
  if (p.endsWith('.onnx')) return 'onnx';
  if (p.endsWith('.weights.h5')) return 'weights-h5';
  if (p.endsWith('.h5') || p.endsWith('.hdf5')) return 'h5';
  if (p.endsWith('.json')) return 'json';
  if (p.endsWith('.yaml') || p.endsWith('.yml')) return 'yaml';
  return null;
}

/** Options of {@link saveModel}. */
export interface SaveModelOptions {
  /** The format; by default the one the path's name asks for. */
  format?: ModelFormat;
  /** Dialect of `.h5`, `.json` and `.yaml` (see @kerasts/io-json; `.keras` is always Keras 3). */
  dialect?: Dialect;
  /** What to do when the target Keras would compute another function (default `error`). */
  numerics?: NumericsPolicy;
  /** Store the optimizer state of a compiled model (default true; `.keras` and `.h5`). */
  includeOptimizer?: boolean;
  overwrite?: boolean;
  warn?: (message: string) => void;
  /** Options of the ONNX export (`.onnx`; see @kerasts/io-onnx). */
  onnx?: OnnxExportOptions;
  /** Options of the TensorFlow.js files (`format: 'tfjs'`; see @kerasts/io-tfjs), e.g. `shardBytes`. */
  tfjs?: Pick<SaveTfjsOptions, 'shardBytes'>;
}

/**
 * Keras' `model.save` in the format the path names: `.keras` (Keras 3 archive, the default format of
 * Keras 3), `.h5` (legacy HDF5), or the architecture alone as `.json` / `.yaml`; or an ONNX model
 * (`.onnx`, opset 17, the model's Keras numerics kept) for ONNX Runtime. With `path` null the
 * bytes are only returned (then give `format`). A `.weights.h5` name is refused: use saveWeights.
 *
 * `{ format: 'tfjs' }` writes a TensorFlow.js layers model: `path` is the model.json to write (or
 * a folder, which gets `model.json`), its shards `group1-shard1of1.bin`, ... beside it; the
 * model.json's bytes are returned. Only the option selects it: a `.json` name alone is a Keras
 * architecture, as `model.to_json()` files have always been named. With `path` null use
 * `modelToTfjsFiles`, which returns every file.
 */
export async function saveModel(model: Model, path: string | null, options: SaveModelOptions = {}): Promise<Uint8Array> {
  const asked = options.format ?? (path !== null ? formatForPath(path) : null);
  if (asked === 'weights-h5') throw new ConfigError('a .weights.h5 file holds weights only (Keras 3 insists on the suffix): use saveWeights, or name the model .keras or .h5', path ?? '');
  if (asked === null) {
    throw new ConfigError(`cannot tell which format to write from the name${path ? ` "${path}"` : ''}: use .keras, .h5, .json, .yaml or .onnx, or pass format (format: 'tfjs' for TensorFlow.js)`, path ?? '');
  }
  const common = { ...(options.numerics ? { numerics: options.numerics } : {}), ...(options.warn ? { warn: options.warn } : {}) };
  if (asked === 'tfjs') {
    if (path === null) throw new ConfigError('a TensorFlow.js model is several files (model.json and weight shards): give a path, or use modelToTfjsFiles(model) for all of them in memory');
    const out = await saveTfjsModel(model, path, { ...common, ...options.tfjs, ...(options.includeOptimizer !== undefined ? { includeOptimizer: options.includeOptimizer } : {}), ...(options.overwrite !== undefined ? { overwrite: options.overwrite } : {}) });
    return [...out.files.values()][0]!;
  }
  let bytes: Uint8Array;
  if (asked === 'onnx') {
    const warn = options.warn ?? options.onnx?.warn;
    bytes = exportOnnxWithInfo(model, { ...options.onnx, ...(warn ? { warn } : {}) }).bytes;
  } else if (asked === 'keras') bytes = await modelToKerasBytes(model, { ...common, ...(options.includeOptimizer !== undefined ? { includeOptimizer: options.includeOptimizer } : {}) });
  else if (asked === 'h5') {
    const o: H5SaveOptions = { ...common, ...(options.dialect ? { dialect: options.dialect } : {}), ...(options.includeOptimizer !== undefined ? { includeOptimizer: options.includeOptimizer } : {}) };
    bytes = await modelToH5Bytes(model, o);
  } else {
    const text = asked === 'yaml' ? toYAML(model, { ...common, ...(options.dialect ? { dialect: options.dialect } : {}) }) : `${toJSON(model, { ...common, ...(options.dialect ? { dialect: options.dialect } : {}) })}\n`;
    bytes = new TextEncoder().encode(text);
  }
  if (path !== null) await writePathBytes(path, bytes, options.overwrite ?? false);
  return bytes;
}

/** Options of {@link saveWeights}. */
export interface SaveWeightsOptions {
  /** `weights-h5` (Keras 3's native layout, for names ending `.weights.h5`) or `h5` (legacy layout). */
  format?: WeightsFormat;
  /** Dialect of a legacy `.h5`. */
  dialect?: Dialect;
  /** Include a compiled model's optimizer variables in a `.weights.h5` (default true, as Keras 3). */
  includeOptimizer?: boolean;
  overwrite?: boolean;
}

/**
 * Keras' `save_weights`: a name ending `.weights.h5` gets Keras 3's native layout (what Keras 3's
 * `save_weights` writes and `load_weights` reads), any other `.h5` the legacy layout every Keras reads.
 */
export async function saveWeights(model: Model, path: string | null, options: SaveWeightsOptions = {}): Promise<Uint8Array> {
  const named = path !== null ? formatForPath(path) : null;
  const format: WeightsFormat | null = options.format ?? (named === 'weights-h5' ? 'weights-h5' : named === 'h5' ? 'h5' : null);
  if (format === null) throw new ConfigError(`weights are written as .weights.h5 (Keras 3) or .h5 (legacy); cannot tell from${path ? ` "${path}"` : ' no name'}`, path ?? '');
  let bytes: Uint8Array;
  if (format === 'weights-h5') {
    bytes = await nativeWeightsToBytes(model, { includeOptimizer: options.includeOptimizer ?? true });
  } else bytes = await weightsToH5Bytes(model, options.dialect ? { dialect: options.dialect } : {});
  if (path !== null) await writePathBytes(path, bytes, options.overwrite ?? false);
  return bytes;
}

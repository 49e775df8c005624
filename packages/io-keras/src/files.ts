/**
 * The user-facing calls: `.keras` models and `.weights.h5` weights from a path (Node), bytes, a
 * `File`/`Blob`, a `Response` or a URL (reading through @kerasts/io-hdf5's sources), written to a path
 * atomically or returned as bytes.
 */
import { findHdf5Signature, readSourceBytes, writePathBytes, type FileSource } from '@kerasts/io-hdf5';
import type { Functional, Model, Sequential } from '@kerasts/model';
import { FormatError } from '@kerasts/tensor';
import type { TransferReport } from '@kerasts/transfer';
import { modelFromKerasBytes, modelToKerasBytes, readKerasArchive, restoreOptimizer, tensorLimitsOf, type KerasLimits, type LoadKerasModelOptions, type LoadedKerasInfo, type SaveKerasOptions } from './archive.js';
import { applyNativeWeights, nativeWeightsToBytes, readNativeWeights, storedOptimizerValues, type ApplyNativeOptions } from './weights.js';
import { isZipSignature } from './zip.js';

export type { FileSource } from '@kerasts/io-hdf5';

/**
 * Keras' `model.save('x.keras')`: writes the archive to `path` (aside, then renamed; an existing file
 * is replaced only with `overwrite: true`) or, with `path` null, only returns its bytes.
 */
export async function saveKerasModel(model: Model, path: string | null, options: SaveKerasOptions = {}): Promise<Uint8Array> {
  const bytes = await modelToKerasBytes(model, options);
  if (path !== null) await writePathBytes(path, bytes, options.overwrite ?? false);
  return bytes;
}

/** Keras' `keras.models.load_model('x.keras')`: the model, compiled with its optimizer state when the archive has one. */
export async function loadKerasModel(source: FileSource, options: LoadKerasModelOptions = {}): Promise<Sequential | Functional> {
  return (await loadKerasModelWithInfo(source, options)).model;
}

/** {@link loadKerasModel}, also returning what was learned (weights report, optimizer restore, warnings). */
export async function loadKerasModelWithInfo(source: FileSource, options: LoadKerasModelOptions = {}): Promise<{ model: Sequential | Functional; info: LoadedKerasInfo }> {
  const { bytes, fileName } = await readSourceBytes(source, options.fileName);
  return modelFromKerasBytes(bytes, { ...options, fileName });
}

/** Options of {@link saveKerasWeights}. */
export interface SaveKerasWeightsOptions {
  /** Store a compiled model's optimizer variables too (default true: Keras' `save_weights` does). */
  includeOptimizer?: boolean;
  overwrite?: boolean;
}

/** Keras' `model.save_weights('x.weights.h5')` (Keras 3's native layout). */
export async function saveKerasWeights(model: Model, path: string | null, options: SaveKerasWeightsOptions = {}): Promise<Uint8Array> {
  const bytes = await nativeWeightsToBytes(model, { includeOptimizer: options.includeOptimizer ?? true });
  if (path !== null) await writePathBytes(path, bytes, options.overwrite ?? false);
  return bytes;
}

/** Options of {@link loadKerasWeights}. */
export interface LoadKerasWeightsOptions extends Omit<ApplyNativeOptions, 'source'> {
  fileName?: string;
  /** Limits of the read, as {@link ReadKerasOptions.limits}. */
  limits?: KerasLimits;
  /** Receives warnings (default `console.warn`). */
  warn?: (message: string) => void;
}

/**
 * Keras' `model.load_weights('x.weights.h5')` (or from a `.keras` archive, as Keras allows): the
 * variables by Keras 3's paths, or by the layer names the file records with `byName`; a compiled
 * model also gets the stored optimizer variables when they fit (else a warning in the report).
 */
export async function loadKerasWeights(model: Model, source: FileSource, options: LoadKerasWeightsOptions = {}): Promise<TransferReport> {
  const { bytes, fileName } = await readSourceBytes(source, options.fileName);
  let tree;
  if (isZipSignature(bytes)) tree = (await readKerasArchive(bytes, { fileName, ...(options.limits ? { limits: options.limits } : {}) })).weights;
  else if (findHdf5Signature(bytes) >= 0) tree = await readNativeWeights(bytes, fileName, tensorLimitsOf(options.limits));
  else throw new FormatError('not a Keras 3 weights file: neither HDF5 (.weights.h5) nor a ZIP (.keras)', fileName);
  const report = applyNativeWeights(model, tree, { ...options, source: fileName });
  if (model.isCompiled) {
    const stored = storedOptimizerValues(tree, fileName);
    if (stored.length > 0) {
      const warnings: string[] = [];
      if (!restoreOptimizer(model, stored, fileName, warnings)) {
        report.warnings.push(...warnings);
        for (const w of warnings) (options.warn ?? console.warn)(`kerasts: ${w}`);
      }
    }
  }
  return report;
}

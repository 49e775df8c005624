/**
 * The user-facing calls (`saveModel`, `loadModel`, `saveWeights`, `loadWeights`) that take a path in
 * Node or bytes anywhere. Node's file system is imported only when a path is given, so this module
 * stays usable in browsers.
 */
import type { Model } from '@kerasts/model';
import type { Functional, Sequential } from '@kerasts/model';
import type { TransferReport } from '@kerasts/transfer';
import {
  loadWeightsFromBytes,
  loadWeightsFromContents,
  modelFromContents,
  modelToH5Bytes,
  weightsToH5Bytes,
  type LoadModelOptions,
  type LoadWeightsOptions,
  type SaveOptions,
} from './keras-model.js';
import { readKerasH5 } from './read.js';

/** A path (Node) or the file's bytes (anywhere). */
export type FileSource = string | Uint8Array;

async function bytesOf(source: FileSource): Promise<{ bytes: Uint8Array; fileName: string }> {
  if (typeof source !== 'string') return { bytes: source, fileName: '<bytes>' };
  const { readFileBytes } = await import('./node.js');
  return { bytes: await readFileBytes(source), fileName: source };
}

async function writeOut(path: string, bytes: Uint8Array, overwrite: boolean): Promise<void> {
  const { writeFileAtomic } = await import('./node.js');
  await writeFileAtomic(path, bytes, { overwrite });
}

/**
 * Keras' `model.save('x.h5')`: architecture, weights (and, with training, the training config and
 * optimizer state) in one HDF5 file. Writes aside then renames; refuses to replace an existing file
 * unless `overwrite: true`. Returns the bytes written.
 */
export async function saveModel(model: Model, path: string | null, options: SaveOptions = {}): Promise<Uint8Array> {
  const bytes = await modelToH5Bytes(model, options);
  if (path !== null) await writeOut(path, bytes, options.overwrite ?? false);
  return bytes;
}

/** Keras' `load_model('x.h5')`: a model of any Keras era (a `Sequential` or a `Functional`), from a path or bytes. */
export async function loadModel(source: FileSource, options: LoadModelOptions = {}): Promise<Sequential | Functional> {
  let contents;
  let name: string;
  if (typeof source === 'string') {
    // From disk piecewise: HDF5 reads each dataset straight into WebAssembly memory.
    const { readKerasH5File } = await import('./node.js');
    name = options.fileName ?? source;
    contents = await readKerasH5File(source, { fileName: name });
  } else {
    const { bytes, fileName } = await bytesOf(source);
    name = options.fileName ?? fileName;
    contents = await readKerasH5(bytes, { fileName: name });
  }
  return modelFromContents(contents, { ...options, fileName: name }).model;
}

/** Keras' `save_weights('x.h5')` (the legacy layout every Keras reads). Returns the bytes written. */
export async function saveWeights(model: Model, path: string | null, options: SaveOptions = {}): Promise<Uint8Array> {
  const bytes = await weightsToH5Bytes(model, options);
  if (path !== null) await writeOut(path, bytes, options.overwrite ?? false);
  return bytes;
}

/**
 * Keras' `load_weights('x.h5'[, by_name, skip_mismatch])`: from a weights-only or full-model file,
 * returning a report of what matched.
 */
export async function loadWeights(model: Model, source: FileSource, options: LoadWeightsOptions = {}): Promise<TransferReport> {
  if (typeof source === 'string') {
    // From disk piecewise, as loadModel.
    const { readKerasH5File } = await import('./node.js');
    const fileName = options.fileName ?? source;
    const contents = await readKerasH5File(source, { fileName });
    return loadWeightsFromContents(model, contents, { ...options, fileName });
  }
  const { bytes, fileName } = await bytesOf(source);
  return loadWeightsFromBytes(model, bytes, { ...options, fileName: options.fileName ?? fileName });
}

/**
 * The save function for `ModelCheckpoint` (from `@kerasts/model`): writes `.h5` full models (or
 * weights with `saveWeightsOnly`), replacing the previous checkpoint atomically.
 *
 * ```ts
 * new ModelCheckpoint({ filepath: 'ckpt-{epoch}.h5', save: saveCheckpointH5 })
 * ```
 */
export async function saveCheckpointH5(model: Model, path: string, options: { weightsOnly: boolean }): Promise<void> {
  if (options.weightsOnly) await saveWeights(model, path, { overwrite: true });
  else await saveModel(model, path, { overwrite: true });
}

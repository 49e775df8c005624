/**
 * The user-facing calls (`saveModel`, `loadModel`, `saveWeights`, `loadWeights`) that take a path in
 * Node, and bytes, a `File`, a `Blob`, a `Response` or a URL anywhere. How a string is read is the
 * platform's business (`#platform`: a path in Node, a URL in browsers), so no Node module reaches a
 * browser bundle.
 */
import type { Model } from '@kerasts/model';
import type { Limits } from '@kerasts/tensor';
import type { Functional, Sequential } from '@kerasts/model';
import type { TransferReport } from '@kerasts/transfer';
import { readPathContents, writePathBytes } from '#platform';
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
import { readSourceBytes, type FileSource } from './source.js';
import type { KerasH5Contents } from './types.js';

export type { FileSource } from './source.js';

async function writeOut(path: string, bytes: Uint8Array, overwrite: boolean): Promise<void> {
  await writePathBytes(path, bytes, overwrite);
}

/** The contents of a source: read piecewise from disk for a Node path, from whole bytes otherwise. */
async function contentsOf(source: FileSource, fileName: string | undefined, limits: Partial<Limits> | undefined): Promise<{ contents: KerasH5Contents; name: string }> {
  const lim = limits ? { limits } : {};
  if (typeof source === 'string') {
    const name = fileName ?? source;
    // From disk piecewise: HDF5 reads each dataset straight into WebAssembly memory.
    const contents = await readPathContents(source, { fileName: name, ...lim });
    if (contents !== null) return { contents, name };
  }
  const { bytes, fileName: name } = await readSourceBytes(source, fileName);
  return { contents: await readKerasH5(bytes, { fileName: name, ...lim }), name };
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

/**
 * Keras' `load_model('x.h5')`: a model of any Keras era (a `Sequential` or a `Functional`), from a
 * path (Node), the bytes, a `File`/`Blob`, a `Response` or a URL (fetched; in a browser a string is a
 * URL, as in tfjs).
 * @throws FileAccessError when the source cannot be read (in a browser, a file path says to pass the bytes).
 */
export async function loadModel(source: FileSource, options: LoadModelOptions = {}): Promise<Sequential | Functional> {
  const { contents, name } = await contentsOf(source, options.fileName, options.limits);
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
  if (source instanceof Uint8Array) return loadWeightsFromBytes(model, source, { ...options, fileName: options.fileName ?? '<bytes>' });
  const { contents, name } = await contentsOf(source, options.fileName, options.limits);
  return loadWeightsFromContents(model, contents, { ...options, fileName: name });
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

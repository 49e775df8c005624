/**
 * kerasts — Keras models in TypeScript, in one import (as `@tensorflow/tfjs` gathers tfjs): every
 * `@kerasts/*` package re-exported, plus one way in and out for files:
 *
 * - `loadModel(source)` / `loadWeights(model, source)` detect the format by content (`.keras`
 *   archive, legacy `.h5` model or weights, Keras 3 `.weights.h5`, architecture `.json`/`.yaml`)
 *   and refuse a file of the wrong kind by saying what it is (`detectFormat`);
 * - `saveModel(model, path)` / `saveWeights(model, path)` write the format the name asks for
 *   (`.keras`, `.h5`, `.weights.h5`, `.json`, `.yaml`; `.onnx` is written, never read), or the
 *   `format` option: `{ format: 'tfjs' }` writes a TensorFlow.js `model.json` + shards.
 * - TensorFlow.js layers models: `loadModel('dir/model.json')` recognises a model.json by content
 *   and reads its shards next to it.
 *
 * Data files (`.npy`, `.npz`, CSV) come from `@kerasts/io-npy`, re-exported too.
 *
 * This package only re-exports and dispatches: each `@kerasts/io-*` package works on its own.
 * Names the format packages share (`loadModel`, `saveModel`, `loadWeights`, `saveWeights`,
 * `LoadModelOptions`, ...) are the dispatching ones here; import a format package directly for its
 * own.
 */
export * from '@kerasts/tensor';
export * from '@kerasts/layers';
// Both tensor (the activation function type) and layers (the layer) name these; the layer wins here.
export { Activation, type ActivationOptions } from '@kerasts/layers';
export * from '@kerasts/model';
export * from '@kerasts/transfer';
export * from '@kerasts/io-json';
export * from '@kerasts/io-yaml';
export * from '@kerasts/io-hdf5';
export * from '@kerasts/io-keras';
export * from '@kerasts/io-tfjs';
export * from '@kerasts/io-onnx';
export * from '@kerasts/io-npy';
// io-npy's DataFormat (a data file's format) and layers' (channels_last/first) share a name: the layer option wins here.
export type { DataFormat } from '@kerasts/layers';
export { detectFormat, type DetectedFormat, type FileFormat } from './detect.js';
export {
  loadModel,
  loadModelWithInfo,
  loadWeights,
  saveModel,
  saveWeights,
  formatForPath,
  type FileSource,
  type LoadModelOptions,
  type LoadedModel,
  type LoadWeightsOptions,
  type SaveModelOptions,
  type SaveWeightsOptions,
  type ModelFormat,
  type WeightsFormat,
} from './files.js';

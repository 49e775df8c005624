/**
 * @kerasts/io-hdf5: Keras legacy HDF5 (`.h5`) files of every era ⇄ a plain, format-faithful
 * structure ({@link KerasH5Contents}). Works on bytes (`Uint8Array`) and runs in browsers and Node;
 * file-system helpers are in `@kerasts/io-hdf5/node`.
 *
 * This layer knows nothing about models or layers: it reads and writes exactly what Keras stores.
 */
export type {
  H5Data,
  H5DType,
  H5LayerGroup,
  H5OptimizerWeights,
  H5RootAttrs,
  H5Weight,
  H5WeightGroup,
  KerasH5Contents,
  ReadKerasH5Options,
  WriteKerasH5Options,
} from './types.js';
export { readKerasH5, readH5NameList, findHdf5Signature } from './read.js';
export { writeKerasH5, MAX_FIXED_SCALAR_BYTES } from './write.js';
export { HDF5_OBJECT_HEADER_LIMIT, arraySplitSizes, planChunks } from './chunking.js';
export type { ChunkPlan } from './chunking.js';

// Models and weights <-> Keras .h5 (paths in Node, bytes anywhere).
export {
  modelToH5Bytes,
  weightsToH5Bytes,
  modelFromH5Bytes,
  loadWeightsFromBytes,
  loadWeightsFromContents,
  readWeightTable,
  weightTableFromContents,
  contentsFromModel,
  modelFromContents,
  type SaveOptions,
  type LoadModelOptions,
  type LoadWeightsOptions,
  type LoadedModelInfo,
} from './keras-model.js';
export { saveModel, loadModel, saveWeights, loadWeights, saveCheckpointH5, type FileSource } from './files.js';
export { readSourceBytes, type SourceBytes } from './source.js';
export { fetchBytes, responseBytes } from './fetch.js';

// Any HDF5 file as a plain tree (for layouts other than the legacy one, e.g. Keras 3 .weights.h5).
export { readH5Tree, writeH5Tree, inspectH5Root, type H5RootSummary, type H5TreeGroup, type H5TreeDataset, type H5TreeNode, type H5TreeAttr, type ReadH5TreeOptions, type WriteH5TreeOptions } from './tree.js';
export { writePathBytes } from '#platform';
/**
 * For a string source in Node: the HDF5 file's root names / its Keras contents, read piecewise from
 * disk (the file is never held whole). Null where a string is not a local file (browsers, URLs) or,
 * for the root, the file is not HDF5.
 */
export { inspectPathRoot as inspectH5RootFromPath, readPathContents as readKerasH5FromPath } from '#platform';
// Diagnostics: how many times the h5wasm engine has been (re)started (0 for the first instance).
export { engineGeneration, MAX_HDF5_ERRORS } from './engine.js';

/**
 * @kerasts/io-keras — Keras 3's own files, read and written:
 *
 * - `.keras` archives (`saveKerasModel` / `loadKerasModel`): a ZIP of `metadata.json`, `config.json`
 *   (Keras 3 serialization with `module`, `registered_name`, `build_config`, `compile_config`),
 *   `model.weights.h5` and `assets/`; a compiled model comes back compiled with its optimizer state;
 * - native `.weights.h5` files (`saveKerasWeights` / `loadKerasWeights`), laid out as Keras 3's
 *   `saving_lib` does (`layers/<key>/.../vars/<i>`, `optimizer/vars/<i>`), each layer described by
 *   its `keras3VariableTree()`; loading returns a `TransferReport` like @kerasts/transfer;
 * - safety as Keras' `safe_mode`: Lambda layers and unknown custom objects refused by name; zip
 *   bombs, path traversal, duplicated entries and truncated archives give typed errors (`ZipArchive`).
 *
 * Runs anywhere: paths in Node; bytes, `File`, `Blob`, `Response` or URLs everywhere.
 */
export { saveKerasModel, loadKerasModel, loadKerasModelWithInfo, saveKerasWeights, loadKerasWeights, type SaveKerasWeightsOptions, type LoadKerasWeightsOptions, type FileSource } from './files.js';
export {
  readKerasArchive,
  modelFromKerasArchive,
  modelFromKerasBytes,
  modelToKerasBytes,
  kerasConfigJson,
  KERAS_ENTRIES,
  type KerasArchiveContents,
  type KerasLimits,
  tensorLimitsOf,
  zipLimitsOf,
  type ReadKerasOptions,
  type LoadKerasModelOptions,
  type LoadedKerasInfo,
  type SaveKerasOptions,
} from './archive.js';
export { applyNativeWeights, nativeWeightTable, nativeWeightsTree, nativeWeightsToBytes, readNativeWeights, isNativeWeightsTree, storedOptimizerValues, varsAt, type ApplyNativeOptions, type NativeTreeOptions } from './weights.js';
export { modelLayout, uniqueKeys, layoutNodes, type LayerLayout, type LayoutNode } from './layout.js';
export { compileConfigFromTrainingConfig, trainingConfigFromCompileConfig } from './compile-config.js';
export { checkSafeConfig } from './safety.js';
export { ZipArchive, writeZip, isZipSignature, unsafeNameProblem, crc32, DEFAULT_ZIP_MAX_BYTES, DEFAULT_ZIP_MAX_ENTRIES, type ZipEntry, type ZipLimits, type ZipInput, type OpenZipOptions } from './zip.js';

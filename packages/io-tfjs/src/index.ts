/**
 * @kerasts/io-tfjs — TensorFlow.js layers models (`model.json` + weight shards), read and written,
 * so that tfjs users can move their models to Keras and back through kerasts:
 *
 * - `loadTfjsModel(source)`: the `model.json` tfjs' `model.save` or tensorflowjs_converter writes
 *   (format `layers-model`; Sequential and functional), its `.bin` shards concatenated per weights
 *   group and decoded as tfjs does (float32, int32, bool; uint8/uint16 affine and float16
 *   quantization), weights matched to layers by tfjs' names (`dense_Dense1/kernel`); compiled from
 *   `trainingConfig`. The model computes as tfjs does (tfjs-layers follows Keras 2.1: hard_sigmoid is
 *   clip(0.2x+0.5)). Sources: a path or URL of the model.json (shards next to it), the files in
 *   memory, or a Map of file names (a browser's file input); shard paths never leave the folder and
 *   shard sizes are checked against the manifest (typed errors name the shard and weight).
 * - `saveTfjsModel(model, dir)`: `model.json` + `group1-shard1of1.bin` (4 MiB shards, as
 *   tensorflowjs_converter), the training config of a compiled model, refusing what tfjs cannot load.
 */
export { loadTfjsModel, loadTfjsModelWithInfo, saveTfjsModel, modelToTfjsFiles, isTfjsModelJson, safeShardPath, type TfjsSource, type TfjsInMemoryModel, type TfjsFileBytes, type LoadTfjsModelOptions, type LoadedTfjsInfo, type SaveTfjsOptions, type TfjsModelFiles } from './files.js';
export { kerasConfigFromTfjs, tfjsTopologyFromKeras, kerasTrainingConfigFromTfjs, tfjsTrainingConfigFromKeras, TFJS_LAYER_CLASSES, TFJS_COMPUTES_OTHERWISE, TFJS_ACTIVATIONS, TFJS_LAYERS_VERSION, type TfjsTopologyParts, type TfjsTopologyOptions } from './topology.js';
export { decodeGroup, float16ToFloat32, splitShards, DEFAULT_SHARD_BYTES, type DecodedWeight } from './weights.js';
export type { TfjsModelJson, TfjsWeightsGroup, TfjsWeightEntry, TfjsQuantization, TfjsDtype } from './types.js';

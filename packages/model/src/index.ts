/**
 * @kerasts/model — Keras models: `Sequential` and `Functional` (graphs of layer calls), on one `Model` base,
 * `summary`, `predict`, `getWeights` / `setWeights`, and the format-neutral `ModelConfig` and
 * `WeightTable` that every file format maps to.
 */
export { sliceRows, concatRows, type PredictOptions, type InputLike, type ModelInputs } from './model.js';
export { Model, type ModelConstructor } from './keras-model.js';
export { orderedData, isNamedRecord, type NamedData, type NamedDataSpec, type ModelData } from './named-data.js';
export { Sequential, type SequentialOptions } from './sequential.js';
export { ModelLayer, isModelLayer } from './nested.js';
export { formatSummary, terminalColumns, type SummaryRow, type SummaryData, type SummaryOptions, type SummaryStyle } from './summary.js';
export type { ModelConfig, LayerSpec, WeightTable, LayerWeights, WeightEntry } from './types.js';
export { Functional, modelFromConfig, type FunctionalOptions, type FromConfigOptions } from './functional.js';
export type { SequentialConfig, FunctionalConfig, FunctionalLayerSpec, NodeSpec, TensorRef } from './types.js';
export * from './training/index.js';

/**
 * @kerasts/layers — Keras layers in TypeScript, in folders by Keras 3's families (`core/`,
 * `activations/`, `regularization/`, `rnn/`, `merging/`, ...; each family's `index.ts` lists what it
 * offers), on one engine (`engine/`: the `Layer` base with masks and training tapes, symbolic graphs,
 * config reading, Keras-style constructor arguments). Also every Keras initializer (seeded); Keras
 * names and weight order; `getConfig` / `fromConfig` in Keras' snake_case form; and a registry from
 * `class_name` to class, open to custom layers through `registerLayer`. Knows nothing of files.
 */
export type { JsonValue, JsonObject, SerializedObject } from './engine/json.js';
export { isJsonObject, cloneJson, showValue } from './engine/json.js';
export { type Shape, formatShape, shapesCompatible } from './engine/shape.js';
export { DEFAULT_KERAS_VERSION, isTfjsVersion, kerasMajor, kerasMajorMinor, hardSigmoidFor, kerasEraFor, maskedOutputFor, type KerasEra } from './engine/version.js';
export { type NamingConvention, setNamingConvention, getNamingConvention, clearSession, uniqueName, toSnakeCase } from './engine/naming.js';
export {
  type Initializer,
  type InitializerSpec,
  getInitializer,
  initializerClassName,
  INITIALIZER_NAMES,
  setRandomSeed,
  withoutInitialization,
  isPlaceholderWeights,
  computeFans,
} from './initializers.js';
export {
  Layer,
  INFERENCE,
  BASE_CONFIG_KEYS,
  identityTape,
  applyStateUpdates,
  type CallContext,
  type TrainCallContext,
  type LayerOptions,
  type LayerWeight,
  type LayerTape,
  type StateUpdate,
  type LayerGradients,
  type Mask,
  type MultiTape,
  type Keras3VariableTree,
  type Keras3TrackableChild,
} from './engine/layer.js';
export { ConfigReader } from './engine/config-reader.js';
export { readDataFormat, type DataFormat } from './engine/data-format.js';
export { ActivationSlot, type KeptConfig } from './engine/activation-slot.js';
export { layerArgs, checkOptions, closestOption, BASE_OPTION_KEYS, type LayerArgsSpec, type OptionKeys } from './engine/options.js';
export { registerLayer, deserializeLayer, isLayerRegistered, registeredLayers, type LayerFactory } from './registry.js';
export {
  SymbolicTensor,
  applyLayer,
  callNode,
  runNode,
  trainNode,
  buildForShapes,
  inputTensorOf,
  nodesOf,
  takesList,
  type LayerNode,
  type LayerCallOptions,
  type NodeResult,
  type NodeTape,
} from './engine/graph.js';
export { isRecurrent, type RecurrentLayer, type RecurrentLayerLike, type RecurrentCallOptions, type RecurrentTape } from './engine/recurrent.js';

export * from './core/index.js';
export * from './activations/index.js';
export * from './regularization/index.js';
export * from './rnn/index.js';
export * from './merging/index.js';
export * from './reshaping/index.js';
export * from './convolutional/index.js';
export * from './pooling/index.js';
export * from './normalization/index.js';
export * from './preprocessing/index.js';
export * from './operations/index.js';
export * from './applications/index.js';

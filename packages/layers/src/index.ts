/**
 * @kerasts/layers — Keras layers in TypeScript: `Layer`, `InputLayer`, `Dense`, `LSTM`, `Dropout`,
 * `Activation`; every Keras initializer (seeded); Keras names and weight order; `getConfig` /
 * `fromConfig` in Keras' snake_case form; and a registry from `class_name` to class, open to custom
 * layers through `registerLayer`. Knows nothing of files.
 */
export type { JsonValue, JsonObject, SerializedObject } from './json.js';
export { isJsonObject, cloneJson } from './json.js';
export { type Shape, formatShape, shapesCompatible } from './shape.js';
export { DEFAULT_KERAS_VERSION, kerasMajor, kerasMajorMinor, hardSigmoidFor } from './version.js';
export { type NamingConvention, setNamingConvention, getNamingConvention, clearSession, uniqueName, toSnakeCase } from './naming.js';
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
  ConfigReader,
  INFERENCE,
  BASE_CONFIG_KEYS,
  type CallContext,
  type LayerOptions,
  type LayerWeight,
  type Keras3VariableTree,
  type Keras3TrackableChild,
} from './layer.js';
export {
  Dense,
  Activation,
  Dropout,
  InputLayer,
  ActivationSlot,
  type DenseOptions,
  type ActivationOptions,
  type DropoutOptions,
  type InputLayerOptions,
  type KeptConfig,
} from './core.js';
export { LSTM, type LstmOptions } from './lstm.js';
export { registerLayer, deserializeLayer, isLayerRegistered, registeredLayers, type LayerFactory } from './registry.js';
export { Merge, Concatenate, Add, Subtract, Multiply, Average, Maximum, Minimum, type ConcatenateOptions } from './merge.js';
export { SymbolicTensor, applyLayer, callNode, buildForShapes, inputTensorOf, nodesOf, takesList, type LayerNode } from './graph.js';
export { Input, type InputOptions } from './input.js';

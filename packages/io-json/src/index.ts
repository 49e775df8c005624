/**
 * @kerasts/io-json — Keras architecture JSON of every era, in and out. Reads Keras 1, 2.0.x (list
 * form), 2.2+ (dict form), tf.keras 2.x and Keras 3 configs, Sequential and functional (`Model` /
 * `Functional`), validates them against a JSON Schema
 * (`architectureSchema`, ajv) with errors that name the JSON path, and writes the `keras-2.0`,
 * `keras-2` (default) and `keras-3` dialects.
 */
export { toJSON, modelToJsonObject, modelFromJSON, parseJsonText, stringifyKerasJson, KERAS_FLOAT_KEYS, type ToJsonOptions, type ModelFromJsonOptions } from './json.js';
export { parseModelConfig, type ParseOptions, type ParsedModelConfig, type SourceDialect } from './read.js';
export {
  configToJsonObject,
  numericsNotes,
  graphNotes,
  nestedGraphNotes,
  DIALECTS,
  DEFAULT_DIALECT,
  type Dialect,
  type WriteOptions,
  type NumericsPolicy,
} from './write.js';
export { architectureSchema, validateArchitecture, formatIssue, ArchitectureValidationError, type ConfigIssue } from './schema.js';
export { normalizeLayer, normalizeObject } from './normalize.js';
export { parseFunctionalConfig, functionalToJsonObject, FUNCTIONAL_CLASS_NAMES } from './functional.js';
export { kerasEra } from './era.js';

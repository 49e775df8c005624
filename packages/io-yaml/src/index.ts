/**
 * @kerasts/io-yaml — Keras architecture YAML: `toYAML` writes what Keras 2.x's `model.to_yaml()`
 * wrote (PyYAML's `yaml.dump`: sorted keys, `!!python/tuple` shapes), and `modelFromYAML` reads it back
 * with js-yaml, accepting `!!python/tuple` and refusing every other Python tag (nothing is executed).
 */
import { KERAS_FLOAT_KEYS, modelToJsonObject, parseModelConfig, type ParseOptions, type WriteOptions } from '@kerasts/io-json';
import type { JsonValue } from '@kerasts/layers';
import { modelFromConfig, type Functional, type Model, type Sequential } from '@kerasts/model';
import { dumpPyYaml, loadKerasYaml, type YamlValue } from './pyyaml.js';
import { withLimits } from '@kerasts/tensor';

export { dumpPyYaml, loadKerasYaml, type YamlValue, type PyYamlDumpOptions } from './pyyaml.js';

/** Keys whose values Keras held as Python tuples (so `to_yaml` tagged them `!!python/tuple`). */
export const TUPLE_KEYS: ReadonlySet<string> = new Set(['batch_input_shape', 'build_input_shape', 'batch_shape']);

/** Options of {@link toYAML}. */
export interface ToYamlOptions extends WriteOptions {
  /**
   * PyYAML's output style: `pyyaml-5.1` (block style, PyYAML ≥ 5.1, the default since 2019) or
   * `pyyaml-legacy` (flow style for scalar-only collections, what Keras 2.0.8 users saw in 2017).
   */
  style?: 'pyyaml-5.1' | 'pyyaml-legacy';
}

/** Keras' `model.to_yaml()`: the architecture as YAML, in a dialect (default `keras-2`). */
export function toYAML(model: Model, options: ToYamlOptions = {}): string {
  const obj = modelToJsonObject(model, options) as YamlValue;
  return dumpPyYaml(obj, { style: options.style ?? 'pyyaml-5.1', tupleKeys: TUPLE_KEYS, floatKeys: KERAS_FLOAT_KEYS });
}

/** Keras' `model_from_yaml`: build a model (fresh weights) from architecture YAML of any era (a `Sequential` or a `Functional`). */
export function modelFromYAML(yaml: string, options: ParseOptions = {}): Sequential | Functional {
  // the caller's limits (options.limits) for parsing, checking and building
  return withLimits(options.limits, () => {
    const raw = loadKerasYaml(yaml, options.source ? { fileName: options.source } : {}) as JsonValue;
    const { config } = parseModelConfig(raw, options);
    return modelFromConfig(config, options.source ? { source: options.source } : {});
  });
}

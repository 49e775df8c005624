/**
 * Nested models (a `Sequential` or `Functional` used as a layer of another model) in architecture
 * JSON of every era. The nested entry is the model's own serialization — `{"class_name":
 * "Sequential", "config": [...] | {...}}` (Keras 2.0 list form, Keras 2.2+ / tf.keras / Keras 3 dict
 * form, Keras 3 with `module`), `{"class_name": "Model" | "Functional", "config": {...}}` — plus, inside a
 * functional model, the entry's `name` and `inbound_nodes`. Keras' `layers.deserialize` builds it like
 * any layer (K2.0.8 `keras/layers/__init__.py` puts `Sequential` and `Model` among the layer classes;
 * K3.15.1 `serialization_lib`), so each is read here with the reader of a whole model.
 */
import { isJsonObject, type JsonObject } from '@kerasts/layers';
import type { LayerSpec } from '@kerasts/model';
import { ConfigError } from '@kerasts/tensor';
import { parseModelConfig, type ParseOptions } from './read.js';
import { configToJsonObject, type Dialect } from './write.js';

/** Class names of Keras models that may appear as layers. */
export const NESTED_MODEL_CLASSES: ReadonlySet<string> = new Set(['Sequential', 'Model', 'Functional']);

/** Whether a layer entry is a nested model. */
export function isNestedModelEntry(e: JsonObject): boolean {
  return typeof e.class_name === 'string' && NESTED_MODEL_CLASSES.has(e.class_name);
}

/**
 * A nested model entry as the canonical layer spec: `className` `Sequential` or `Functional`, `config`
 * `{name, trainable}`, `model` the inner canonical config (read in the outer file's Keras version).
 *
 * @param path the entry's JSON path (`config.layers[1]`), for errors inside it.
 */
export function parseNestedModel(e: JsonObject, kerasVersion: string, backend: string | null, options: ParseOptions, path: string): LayerSpec {
  const where = options.source ? `${options.source}: ${path}` : path;
  if (e.config === undefined || e.config === null) throw new ConfigError(`nested model entry "${String(e.class_name)}" has no "config"`, where);
  const root: JsonObject = { class_name: e.class_name!, config: e.config };
  if (typeof e.module === 'string') root.module = e.module;
  const parsed = parseModelConfig(root, { ...options, kerasVersion, backend, source: where });
  const cfg = isJsonObject(e.config) ? e.config : {};
  const name = typeof cfg.name === 'string' ? cfg.name : typeof e.name === 'string' ? e.name : parsed.config.name;
  const model = { ...parsed.config, name: name ?? null };
  const config: JsonObject = { trainable: typeof cfg.trainable === 'boolean' ? cfg.trainable : true };
  if (name !== null && name !== undefined) config.name = name;
  return { className: model.className, config: { name: config.name ?? null, trainable: config.trainable! }, model };
}

/**
 * The entry of a nested model in a dialect (without the `name` / `inbound_nodes` a functional outer
 * model adds): the inner model serialized as a whole model is, with the entry's `trainable` (Keras 3
 * records it in the model's config; the Keras 2 dialects keep it only on the inner layers).
 */
export function nestedModelEntry(spec: LayerSpec, dialect: Dialect, inGraph = false): JsonObject {
  let inner = spec.model!;
  const name = typeof spec.config.name === 'string' ? spec.config.name : inner.name;
  if (dialect === 'keras-2' && inGraph && inner.className === 'Sequential') {
    // Inside a functional graph, tf.keras numbers a Sequential's calls after a built-in node only when
    // it has an InputLayer, Keras 3's legacy loader never: without one (built when called) both agree.
    const layers = inner.layers.filter((l) => l.className !== 'InputLayer').map((l, i) => {
      if (i > 0 || l.config.batch_input_shape === undefined) return l;
      const { batch_input_shape: _drop, ...config } = l.config;
      return { ...l, config };
    });
    inner = { ...inner, layers, buildInputShape: null };
  }
  const out = configToJsonObject({ ...inner, name }, { dialect, includeVersion: false, numerics: 'ignore' });
  if (dialect === 'keras-3' && isJsonObject(out.config)) out.config.trainable = spec.config.trainable !== false;
  // tf.keras and Keras 3 both read a single input or output written flat (tf.keras' convert_inner_node_data),
  // and only then hand the outer graph one tensor, not a list of one (K3.15.1 functional_from_config)
  if (dialect === 'keras-2' && inner.className === 'Functional' && isJsonObject(out.config)) {
    for (const k of ['input_layers', 'output_layers']) {
      const v = out.config[k];
      if (Array.isArray(v) && v.length === 1 && Array.isArray(v[0])) out.config[k] = v[0];
    }
  }
  return out;
}

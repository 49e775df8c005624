import { DEFAULT_KERAS_VERSION, isJsonObject, type JsonObject, type JsonValue } from '@kerasts/layers';
import type { LayerSpec, ModelConfig } from '@kerasts/model';
import { ConfigError, UnsupportedError, checkDepth, resolveLimits, type Limits } from '@kerasts/tensor';
import { FUNCTIONAL_CLASS_NAMES, parseFunctionalConfig } from './functional.js';
import { imageDataFormatOf, isKeras1Config, normalizeLayer, readShape } from './normalize.js';
import { ArchitectureValidationError, validateArchitecture } from './schema.js';
import { isNestedModelEntry, parseNestedModel } from './nested.js';

/** The families of Keras architecture JSON kerasts reads. */
export type SourceDialect = 'keras-1' | 'keras-2.0' | 'keras-2' | 'keras-3';

/** Options of {@link parseModelConfig}. */
export interface ParseOptions {
  /** Keras version that wrote the config when known from elsewhere (an HDF5 file's `keras_version`). */
  kerasVersion?: string | null;
  /** Backend known from elsewhere. */
  backend?: string | null;
  /** Name of the file or source, for error messages. */
  source?: string;
  /**
   * Resource limits for reading and building (defaults: `getLimits()` of `@kerasts/tensor`; README
   * "Loading untrusted files"): `maxDepth` bounds the nesting, `maxParameters` the weights of the
   * model. Raise them for a configuration you trust.
   */
  limits?: Partial<Limits>;
}

/** A canonical config plus what was learned about where it came from. */
export interface ParsedModelConfig {
  config: ModelConfig;
  dialect: SourceDialect;
  /** Whether the Keras version was stated (true) or inferred from the config's shape (false). */
  versionStated: boolean;
}

function looksKeras3(root: JsonObject, layers: JsonObject[]): boolean {
  if (typeof root.module === 'string') return true;
  return layers.some((l) => {
    if (typeof l.module === 'string' || l.build_config !== undefined) return true;
    const c = isJsonObject(l.config) ? l.config : {};
    return c.batch_shape !== undefined || (isJsonObject(c.dtype) && c.dtype.class_name === 'DTypePolicy');
  });
}

/**
 * Parse an architecture config object of any era into the canonical {@link ModelConfig}, after
 * validating it against the JSON Schema. Throws `ArchitectureValidationError` (a `ConfigError`) listing
 * every problem with its JSON path, and `UnsupportedError` for model classes kerasts cannot build yet.
 * Functional configs (`Model`, `Functional`) of every era are read by `parseFunctionalConfig`.
 */
export function parseModelConfig(raw: JsonValue, options: ParseOptions = {}): ParsedModelConfig {
  const where = options.source ?? '';
  // before anything recursive walks it: a 100,000-deep config is a LimitError, not a stack overflow
  checkDepth(raw, where, resolveLimits(options.limits));
  if (!isJsonObject(raw)) throw new ConfigError(`an architecture config must be a JSON object with "class_name" and "config", found ${Array.isArray(raw) ? 'an array' : typeof raw}`, where);
  const issues = validateArchitecture(raw);
  if (issues.length) throw new ArchitectureValidationError(issues, where);
  const className = raw.class_name as string;
  if (FUNCTIONAL_CLASS_NAMES.has(className)) return parseFunctionalConfig(raw, options);
  if (className !== 'Sequential') {
    throw new UnsupportedError(`unsupported: model class "${className}" (kerasts builds "Sequential" and functional ("Model", "Functional") models)`, where);
  }
  const cfg = raw.config!;
  const listForm = Array.isArray(cfg);
  const entries = (listForm ? cfg : ((cfg as JsonObject).layers as JsonValue[])) as JsonObject[];
  const stated = options.kerasVersion ?? (typeof raw.keras_version === 'string' ? raw.keras_version : null);
  let dialect: SourceDialect;
  const anyKeras1 = entries.some((e) => isJsonObject(e.config) && isKeras1Config(e.config, typeof e.class_name === 'string' ? e.class_name : undefined));
  if (anyKeras1) dialect = 'keras-1';
  else if (listForm) dialect = 'keras-2.0';
  else if (looksKeras3(raw, entries)) dialect = 'keras-3';
  else dialect = 'keras-2';
  const kerasVersion = stated ?? { 'keras-1': '1', 'keras-2.0': '2', 'keras-2': '2', 'keras-3': DEFAULT_KERAS_VERSION }[dialect];
  const backend = options.backend ?? (typeof raw.backend === 'string' ? raw.backend : null);

  const layers: LayerSpec[] = [];
  const imageFormat = imageDataFormatOf(entries);
  entries.forEach((e, i) => {
    const path = listForm ? `config[${i}]` : `config.layers[${i}]`;
    if (isNestedModelEntry(e)) {
      layers.push(parseNestedModel(e, kerasVersion, backend, options, path));
      return;
    }
    const firstReal = layers.filter((l) => l.className !== 'InputLayer').length === 0;
    layers.push(normalizeLayer(e, kerasVersion, path, firstReal, imageFormat));
  });
  const dict = listForm ? {} : (cfg as JsonObject);
  const config: ModelConfig = {
    className: 'Sequential',
    name: typeof dict.name === 'string' ? dict.name : null,
    layers,
    buildInputShape: readShape(dict.build_input_shape, 'config.build_input_shape'),
    kerasVersion,
    backend,
  };
  return { config, dialect, versionStated: stated !== null };
}

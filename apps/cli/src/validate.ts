/**
 * `kerasts validate`: every problem of an architecture file at once — schema errors and every layer
 * class kerasts does not know — and only when there are none, whether the model builds.
 */
import {
  deserializeLayer,
  FUNCTIONAL_CLASS_NAMES,
  isJsonObject,
  isLayerRegistered,
  modelFromConfig,
  parseModelConfig,
  validateArchitecture,
  type ConfigIssue,
  type Functional,
  type JsonValue,
  type Sequential,
} from 'kerasts';

/** A layer entry of a raw config (any era), with its JSON path. */
interface RawLayer {
  path: string;
  className: string;
  name: string | null;
}

/** Every layer entry of a Sequential (list or dict form) or functional config, nested models walked into. */
function rawLayers(raw: JsonValue, base = 'config'): RawLayer[] {
  if (!isJsonObject(raw)) return [];
  const cfg = raw.config;
  const list = Array.isArray(cfg) ? cfg : isJsonObject(cfg) && Array.isArray(cfg.layers) ? cfg.layers : [];
  const prefix = Array.isArray(cfg) ? base : `${base}.layers`;
  return list.flatMap((e, i): RawLayer[] => {
    if (!isJsonObject(e) || typeof e.class_name !== 'string') return [];
    const c = isJsonObject(e.config) ? e.config : {};
    const name = typeof c.name === 'string' ? c.name : typeof e.name === 'string' ? e.name : null;
    const path = `${prefix}[${i}]`;
    if (e.class_name === 'Sequential' || FUNCTIONAL_CLASS_NAMES.has(e.class_name)) return [{ path, className: e.class_name, name }, ...rawLayers(e, `${path}.config`)];
    return [{ path, className: e.class_name, name }];
  });
}

/** The result of validating an architecture. */
export type Validation =
  | { valid: true; model: Sequential | Functional; parsed: ReturnType<typeof parseModelConfig> }
  | { valid: false; issues: ConfigIssue[] };

/** Schema problems, unknown layer classes (all of them), then — when there are none — building the model. */
export function validateAll(raw: JsonValue, source: string): Validation {
  const issues = [...validateArchitecture(raw)];
  for (const l of rawLayers(raw)) {
    const label = `${l.className}${l.name ? ` "${l.name}"` : ''}`;
    if (l.className === 'Sequential' || FUNCTIONAL_CLASS_NAMES.has(l.className)) {
      issues.push({ path: l.path, layer: label, message: `unsupported: a nested model (${l.className}) inside a model`, found: undefined });
    } else if (l.className !== 'Merge' && !isLayerRegistered(l.className)) {
      // Keras 1's Merge is read as the merge layer it computes; every other class must be registered.
      issues.push({ path: l.path, layer: label, message: `unsupported layer class "${l.className}" (see kerasts supported; a custom layer needs registerLayer("${l.className}", factory))`, found: undefined });
    }
  }
  if (issues.length) return { valid: false, issues };
  let parsed: ReturnType<typeof parseModelConfig>;
  try {
    parsed = parseModelConfig(raw, { source });
  } catch (e) {
    return { valid: false, issues: issuesOf(e, source) };
  }
  // Each layer on its own first, so that every layer whose config kerasts cannot use is listed.
  parsed.config.layers.forEach((spec, i) => {
    try {
      deserializeLayer(spec.className, spec.config, `layers[${i}]`);
    } catch (e) {
      const name = typeof spec.config.name === 'string' ? ` "${spec.config.name}"` : '';
      issues.push(
        ...issuesOf(e, source).map((x) => {
          // Layer errors name their layer in `where` ("layers[0]: layer "lstm_1" (LSTM)"); say it once.
          const named = /^(.*): layer ".*" \([^()]*\)$/.exec(x.path);
          return { ...x, path: named ? named[1]! : x.path || `layers[${i}]`, layer: x.layer ?? `${spec.className}${name}` };
        }),
      );
    }
  });
  if (issues.length) return { valid: false, issues };
  try {
    return { valid: true, model: modelFromConfig(parsed.config, { source }), parsed };
  } catch (e) {
    return { valid: false, issues: issuesOf(e, source) };
  }
}

/** An error as issues: its own list (schema errors), or one issue at its `where`. */
function issuesOf(e: unknown, source: string): ConfigIssue[] {
  const err = e as Error & { where?: string; issues?: ConfigIssue[] };
  if (Array.isArray(err.issues)) return err.issues;
  const where = typeof err.where === 'string' ? err.where : '';
  const message = where && err.message.startsWith(`${where}: `) ? err.message.slice(where.length + 2) : err.message;
  const path = where.startsWith(`${source}: `) ? where.slice(source.length + 2) : where === source ? '' : where;
  return [{ path, layer: null, message, found: undefined }];
}

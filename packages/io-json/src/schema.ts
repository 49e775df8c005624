import type { ErrorObject, ValidateFunction } from 'ajv';
import { validate as generatedValidate } from './architecture-validator.generated.js';
import { showValue, type JsonObject, type JsonValue } from '@kerasts/layers';
import { ConfigError } from '@kerasts/tensor';

export { architectureSchema } from './architecture-schema.js';

/** One problem found in a config: where, what was found, what was expected. */
export interface ConfigIssue {
  /** JSON path in dotted form, e.g. `config.layers[1].config.units`. */
  path: string;
  /** The layer the path is in, e.g. `Dense "dense_1"`, when known. */
  layer: string | null;
  /** What is wrong and what is expected. */
  message: string;
  /** The value found there (undefined when missing). */
  found: JsonValue | undefined;
}

/** A config failed the architecture schema; `issues` lists every problem. */
export class ArchitectureValidationError extends ConfigError {
  override name = 'ArchitectureValidationError';
  readonly issues: readonly ConfigIssue[];
  constructor(issues: readonly ConfigIssue[], where = '') {
    super(`invalid Keras architecture config (${issues.length} problem${issues.length === 1 ? '' : 's'}):\n` + issues.map((i) => `  - ${formatIssue(i)}`).join('\n'), where);
    this.issues = issues;
  }
}

/** One line describing an issue. */
export function formatIssue(i: ConfigIssue): string {
  const found = i.found === undefined ? '' : `; found ${showValue(i.found)}`;
  return `${i.path || '(root)'}${i.layer ? ` (${i.layer})` : ''}: ${i.message}${found}`;
}

/**
 * The validator, compiled from the schema ahead of time by ajv's standalone code generator
 * (scripts/build-validator.mjs; a test checks that it is up to date): compiling the schema at run time
 * took about 100 ms on the first model read, and every CLI call paid it.
 */
const validator = generatedValidate as unknown as ValidateFunction;

function getValidator(): ValidateFunction {
  return validator;
}

function pointerToPath(pointer: string): string {
  return pointer
    .split('/')
    .slice(1)
    .map((p) => p.replace(/~1/g, '/').replace(/~0/g, '~'))
    .reduce((acc, p) => (/^\d+$/.test(p) ? `${acc}[${p}]` : acc ? `${acc}.${p}` : p), '');
}

function valueAt(root: JsonValue, pointer: string): JsonValue | undefined {
  let cur: JsonValue | undefined = root;
  for (const raw of pointer.split('/').slice(1)) {
    const p = raw.replace(/~1/g, '/').replace(/~0/g, '~');
    if (Array.isArray(cur)) cur = cur[Number(p)];
    else if (cur && typeof cur === 'object') cur = (cur as JsonObject)[p];
    else return undefined;
  }
  return cur;
}

function layerAt(root: JsonValue, pointer: string): string | null {
  const m = /^(\/config(?:\/layers)?\/\d+)/.exec(pointer);
  if (!m) return null;
  const entry = valueAt(root, m[1]!);
  if (!entry || typeof entry !== 'object' || Array.isArray(entry)) return null;
  const cfg = (entry as JsonObject).config;
  const name = cfg && typeof cfg === 'object' && !Array.isArray(cfg) ? (cfg as JsonObject).name : undefined;
  const cls = (entry as JsonObject).class_name;
  return `${typeof cls === 'string' ? cls : 'layer'}${typeof name === 'string' ? ` "${name}"` : ''}`;
}

function describe(e: ErrorObject): string {
  const p = e.params as Record<string, unknown>;
  switch (e.keyword) {
    case 'required':
      return `missing required key "${String(p.missingProperty)}"; add it`;
    case 'type':
      return `expected ${String(p.type).replace(',', ' or ')}`;
    case 'minimum':
      return `expected a value >= ${String(p.limit)}`;
    case 'maximum':
      return `expected a value <= ${String(p.limit)}`;
    case 'minLength':
      return 'expected a non-empty string';
    case 'enum':
      return `expected one of ${JSON.stringify(p.allowedValues)}`;
    case 'anyOf':
      return 'expected one of the allowed forms (see the schema)';
    default:
      return e.message ?? e.keyword;
  }
}

/** Check a parsed config against {@link architectureSchema}; returns every issue (empty when valid). */
export function validateArchitecture(config: JsonValue): ConfigIssue[] {
  const validate = getValidator();
  if (validate(config)) return [];
  const errors = (validate.errors ?? []).filter((e) => e.keyword !== 'if' && e.keyword !== 'else' && e.keyword !== 'then');
  // anyOf reports every branch; keep the anyOf summary only when no more specific error sits at that path.
  const specific = new Set(errors.filter((e) => e.keyword !== 'anyOf').map((e) => e.instancePath));
  const issues: ConfigIssue[] = [];
  const seen = new Set<string>();
  for (const e of errors) {
    if (e.keyword === 'anyOf' && specific.has(e.instancePath)) {
      // A required-key anyOf (units | output_dim) is more useful than "expected integer" noise.
      if (!e.schemaPath.includes('required')) continue;
    }
    if (e.keyword === 'required' && errors.some((o) => o.keyword === 'anyOf' && o.instancePath === e.instancePath)) {
      const alts = errors.filter((o) => o.keyword === 'required' && o.instancePath === e.instancePath).map((o) => `"${String((o.params as Record<string, unknown>).missingProperty)}"`);
      const msg = alts.length > 1 ? `missing required key: one of ${alts.join(' or ')}; add it` : describe(e);
      const key = `${e.instancePath}|${msg}`;
      if (seen.has(key)) continue;
      seen.add(key);
      issues.push({ path: pointerToPath(e.instancePath), layer: layerAt(config, e.instancePath), message: msg, found: undefined });
      continue;
    }
    const msg = describe(e);
    const key = `${e.instancePath}|${msg}`;
    if (seen.has(key)) continue;
    seen.add(key);
    issues.push({
      path: pointerToPath(e.instancePath),
      layer: layerAt(config, e.instancePath),
      message: msg,
      found: e.keyword === 'required' ? undefined : valueAt(config, e.instancePath),
    });
  }
  // Drop generic anyOf lines for a path that already has a precise message.
  return issues.filter((i) => !(i.message.startsWith('expected one of the allowed forms') && issues.some((o) => o !== i && o.path.startsWith(i.path) && !o.message.startsWith('expected one of the allowed forms'))));
}

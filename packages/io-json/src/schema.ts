import Ajv2020Module from 'ajv/dist/2020.js';
import type { ErrorObject, ValidateFunction } from 'ajv';
import type { JsonObject, JsonValue } from '@kerasts/layers';
import { ConfigError } from '@kerasts/tensor';

/**
 * JSON Schema (draft 2020-12) of a Keras architecture config, in every dialect kerasts reads: Keras 1
 * and 2.0 list form, 2.2+ dict form, tf.keras 2.x and Keras 3 (module form), Sequential and functional
 * (`Model` / `Functional`: `inbound_nodes`, `input_layers`, `output_layers`). It checks structure and
 * the options of the layers kerasts knows; other layer classes pass the schema and are refused later
 * by the layer registry, by name.
 */
export const architectureSchema = {
  $schema: 'https://json-schema.org/draft/2020-12/schema',
  $id: 'https://kerasts.dev/schemas/keras-architecture.schema.json',
  title: 'Keras model architecture (model_config / to_json), any Keras era',
  type: 'object',
  required: ['class_name', 'config'],
  properties: {
    class_name: { type: 'string', minLength: 1 },
    module: { type: ['string', 'null'] },
    registered_name: { type: ['string', 'null'] },
    keras_version: { type: 'string' },
    backend: { type: 'string' },
    config: {
      type: ['array', 'object'],
      if: { type: 'array' },
      then: { items: { $ref: '#/$defs/layer' } },
      else: { $ref: '#/$defs/modelConfig' },
    },
    build_config: { type: ['object', 'null'] },
    compile_config: { type: ['object', 'null'] },
  },
  // Functional models (Keras 1/2 "Model", tf.keras/Keras 3 "Functional") list their inputs and outputs.
  if: { required: ['class_name'], properties: { class_name: { enum: ['Model', 'Functional'] } } },
  then: { properties: { config: { type: 'object', required: ['layers', 'input_layers', 'output_layers'] } } },
  $defs: {
    shape: {
      type: 'array',
      items: { anyOf: [{ type: 'integer', minimum: 0 }, { type: 'null' }] },
    },
    shapeOrNull: { anyOf: [{ $ref: '#/$defs/shape' }, { type: 'null' }] },
    name: { type: 'string', minLength: 1 },
    activation: {
      anyOf: [{ type: 'string', minLength: 1 }, { type: 'null' }, { $ref: '#/$defs/serialized' }],
    },
    serialized: {
      type: 'object',
      required: ['class_name'],
      properties: { class_name: { type: 'string', minLength: 1 }, config: { type: ['object', 'null'] } },
    },
    objectOrNull: {
      anyOf: [{ type: 'null' }, { type: 'string' }, { type: 'object' }],
    },
    initializer: { anyOf: [{ type: 'string', minLength: 1 }, { $ref: '#/$defs/serialized' }, { type: 'null' }] },
    rate: { type: 'number', minimum: 0, maximum: 1 },
    modelConfig: {
      type: 'object',
      required: ['layers'],
      properties: {
        name: { type: ['string', 'null'] },
        layers: { type: 'array', items: { $ref: '#/$defs/layer' } },
        build_input_shape: { $ref: '#/$defs/shapeOrNull' },
        trainable: { type: 'boolean' },
        input_layers: { $ref: '#/$defs/tensorRefs' },
        output_layers: { $ref: '#/$defs/tensorRefs' },
      },
    },
    // A functional model's input or output: [layer_name, node_index, tensor_index].
    tensorRef: {
      type: 'array',
      minItems: 3,
      maxItems: 3,
      prefixItems: [{ type: 'string', minLength: 1 }, { type: 'integer', minimum: 0 }, { type: 'integer', minimum: 0 }],
    },
    // Keras 3 writes one tensor flat, a list as a list, a dict as a dict; tf.keras may nest lists.
    tensorRefs: {
      anyOf: [
        { $ref: '#/$defs/tensorRef' },
        { type: 'array', items: { $ref: '#/$defs/tensorRefs' } },
        { type: 'object', additionalProperties: { $ref: '#/$defs/tensorRefs' } },
      ],
    },
    // One call of a layer: Keras 1/2 a list of [name, node, tensor(, kwargs)]; Keras 3 {"args", "kwargs"}.
    inboundNode: {
      anyOf: [
        { type: 'array' },
        { type: 'object', required: ['args'], properties: { args: { type: 'array' }, kwargs: { type: ['object', 'null'] } } },
      ],
    },
    layer: {
      type: 'object',
      required: ['class_name', 'config'],
      properties: {
        class_name: { type: 'string', minLength: 1 },
        config: { type: 'object' },
        module: { type: ['string', 'null'] },
        registered_name: { type: ['string', 'null'] },
        name: { type: 'string', minLength: 1 },
        inbound_nodes: { type: 'array', items: { $ref: '#/$defs/inboundNode' } },
        build_config: { type: ['object', 'null'] },
      },
      allOf: [
        { if: { properties: { class_name: { const: 'Dense' } } }, then: { properties: { config: { $ref: '#/$defs/denseConfig' } } } },
        { if: { properties: { class_name: { const: 'LSTM' } } }, then: { properties: { config: { $ref: '#/$defs/lstmConfig' } } } },
        { if: { properties: { class_name: { const: 'Dropout' } } }, then: { properties: { config: { $ref: '#/$defs/dropoutConfig' } } } },
        { if: { properties: { class_name: { const: 'Activation' } } }, then: { properties: { config: { $ref: '#/$defs/activationConfig' } } } },
        { if: { properties: { class_name: { const: 'InputLayer' } } }, then: { properties: { config: { $ref: '#/$defs/inputLayerConfig' } } } },
        { if: { properties: { class_name: { const: 'Concatenate' } } }, then: { properties: { config: { $ref: '#/$defs/concatenateConfig' } } } },
        {
          if: { properties: { class_name: { enum: ['Add', 'Subtract', 'Multiply', 'Average', 'Maximum', 'Minimum'] } } },
          then: { properties: { config: { $ref: '#/$defs/baseLayerConfig' } } },
        },
      ],
    },
    baseLayerConfig: {
      type: 'object',
      properties: {
        name: { $ref: '#/$defs/name' },
        trainable: { type: 'boolean' },
        batch_input_shape: { $ref: '#/$defs/shapeOrNull' },
        batch_shape: { $ref: '#/$defs/shapeOrNull' },
        input_shape: { $ref: '#/$defs/shapeOrNull' },
        dtype: { anyOf: [{ type: 'string' }, { type: 'null' }, { $ref: '#/$defs/serialized' }] },
      },
    },
    denseConfig: {
      allOf: [{ $ref: '#/$defs/baseLayerConfig' }],
      anyOf: [{ required: ['units'] }, { required: ['output_dim'] }],
      properties: {
        units: { type: 'integer', minimum: 1 },
        output_dim: { type: 'integer', minimum: 1 },
        activation: { $ref: '#/$defs/activation' },
        use_bias: { type: 'boolean' },
        bias: { type: 'boolean' },
        kernel_initializer: { $ref: '#/$defs/initializer' },
        bias_initializer: { $ref: '#/$defs/initializer' },
        init: { $ref: '#/$defs/initializer' },
        kernel_regularizer: { $ref: '#/$defs/objectOrNull' },
        bias_regularizer: { $ref: '#/$defs/objectOrNull' },
        activity_regularizer: { $ref: '#/$defs/objectOrNull' },
        kernel_constraint: { $ref: '#/$defs/objectOrNull' },
        bias_constraint: { $ref: '#/$defs/objectOrNull' },
        input_dim: { anyOf: [{ type: 'integer', minimum: 1 }, { type: 'null' }] },
      },
    },
    lstmConfig: {
      allOf: [{ $ref: '#/$defs/baseLayerConfig' }],
      anyOf: [{ required: ['units'] }, { required: ['output_dim'] }],
      properties: {
        units: { type: 'integer', minimum: 1 },
        output_dim: { type: 'integer', minimum: 1 },
        activation: { $ref: '#/$defs/activation' },
        recurrent_activation: { $ref: '#/$defs/activation' },
        inner_activation: { $ref: '#/$defs/activation' },
        use_bias: { type: 'boolean' },
        kernel_initializer: { $ref: '#/$defs/initializer' },
        recurrent_initializer: { $ref: '#/$defs/initializer' },
        bias_initializer: { $ref: '#/$defs/initializer' },
        unit_forget_bias: { type: 'boolean' },
        dropout: { $ref: '#/$defs/rate' },
        recurrent_dropout: { $ref: '#/$defs/rate' },
        dropout_W: { $ref: '#/$defs/rate' },
        dropout_U: { $ref: '#/$defs/rate' },
        return_sequences: { type: 'boolean' },
        return_state: { type: 'boolean' },
        go_backwards: { type: 'boolean' },
        stateful: { type: 'boolean' },
        unroll: { type: 'boolean' },
        time_major: { type: 'boolean' },
        implementation: { type: 'integer', minimum: 0, maximum: 2 },
        consume_less: { enum: ['cpu', 'mem', 'gpu'] },
        input_dim: { anyOf: [{ type: 'integer', minimum: 1 }, { type: 'null' }] },
        input_length: { anyOf: [{ type: 'integer', minimum: 1 }, { type: 'null' }] },
      },
    },
    dropoutConfig: {
      allOf: [{ $ref: '#/$defs/baseLayerConfig' }],
      anyOf: [{ required: ['rate'] }, { required: ['p'] }],
      properties: {
        rate: { $ref: '#/$defs/rate' },
        p: { $ref: '#/$defs/rate' },
        noise_shape: { $ref: '#/$defs/shapeOrNull' },
        seed: { anyOf: [{ type: 'integer' }, { type: 'null' }] },
      },
    },
    activationConfig: {
      allOf: [{ $ref: '#/$defs/baseLayerConfig' }],
      required: ['activation'],
      properties: { activation: { $ref: '#/$defs/activation' } },
    },
    concatenateConfig: {
      allOf: [{ $ref: '#/$defs/baseLayerConfig' }],
      properties: { axis: { anyOf: [{ type: 'integer' }, { type: 'array', items: { type: 'integer' }, minItems: 1, maxItems: 1 }] } },
    },
    inputLayerConfig: {
      allOf: [{ $ref: '#/$defs/baseLayerConfig' }],
      anyOf: [{ required: ['batch_input_shape'] }, { required: ['batch_shape'] }, { required: ['input_shape'] }],
      properties: { sparse: { type: 'boolean' }, ragged: { type: 'boolean' } },
    },
  },
} as const;

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
  readonly issues: readonly ConfigIssue[];
  constructor(issues: readonly ConfigIssue[], where = '') {
    super(`invalid Keras architecture config (${issues.length} problem${issues.length === 1 ? '' : 's'}):\n` + issues.map((i) => `  - ${formatIssue(i)}`).join('\n'), where);
    this.issues = issues;
  }
}

/** One line describing an issue. */
export function formatIssue(i: ConfigIssue): string {
  const found = i.found === undefined ? '' : `; found ${JSON.stringify(i.found)}`;
  return `${i.path || '(root)'}${i.layer ? ` (${i.layer})` : ''}: ${i.message}${found}`;
}

// ajv is CommonJS; under NodeNext its default export arrives as the module object.
type AjvCtor = typeof Ajv2020Module.default;
const Ajv2020 = ((Ajv2020Module as unknown as { default?: AjvCtor }).default ?? (Ajv2020Module as unknown as AjvCtor)) as AjvCtor;
let validator: ValidateFunction | null = null;

function getValidator(): ValidateFunction {
  if (!validator) {
    const ajv = new Ajv2020({ allErrors: true, strict: false });
    validator = ajv.compile(architectureSchema as unknown as object);
  }
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

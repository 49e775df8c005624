// The schema and the per-class fragments only (no runtime dependencies), so that
// scripts/build-validator.mjs can compile it from dist.
import { LAYER_FORMATS } from './layers/index.js';

/**
 * `if class_name is X then config matches X's fragment` for every known class. Classes that share one
 * fragment object (Keras' aliases: `Convolution2D` / `Conv2D`, ...) share one rule, which keeps the
 * compiled validator small.
 */
function layerRules(): Record<string, unknown>[] {
  const rules: { names: string[]; schema: object | undefined }[] = [];
  const bySchema = new Map<object, { names: string[] }>();
  for (const [className, format] of LAYER_FORMATS) {
    const shared = format.schema ? bySchema.get(format.schema) : undefined;
    if (shared) {
      shared.names.push(className);
      continue;
    }
    const r = { names: [className], schema: format.schema };
    rules.push(r);
    if (format.schema) bySchema.set(format.schema, r);
  }
  return rules.map(({ names, schema }) => ({
    if: { properties: { class_name: names.length === 1 ? { const: names[0] } : { enum: names } } },
    then: { properties: { config: { allOf: [{ $ref: '#/$defs/baseLayerConfig' }], ...(schema ?? {}) } } },
  }));
}

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
        // a nested Sequential of Keras 1 / 2.0 has a list config; every other entry an object
        config: { type: ['object', 'array'] },
        module: { type: ['string', 'null'] },
        registered_name: { type: ['string', 'null'] },
        name: { type: 'string', minLength: 1 },
        inbound_nodes: { type: 'array', items: { $ref: '#/$defs/inboundNode' } },
        build_config: { type: ['object', 'null'] },
      },
      // One rule per layer class io-json knows (src/layers/<family>.ts); other classes pass here and
      // are refused later by the layer registry, by name.
      allOf: [
        { if: { properties: { class_name: { not: { const: 'Sequential' } } } }, then: { properties: { config: { type: 'object' } } } },
        // a nested model is checked again, as a whole model, when it is read (io-json nested.ts)
        ...layerRules(),
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
  },
} as const;

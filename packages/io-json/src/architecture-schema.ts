// The schema alone (no imports), so that scripts/build-validator.mjs can compile it from dist.
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

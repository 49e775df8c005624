/**
 * Keras' convolution layers in every era: Conv1D/2D/3D, SeparableConv1D/2D, DepthwiseConv1D/2D,
 * Conv1D/2D/3DTranspose and their aliases (Keras 1 `Convolution2D` with `nb_filter`, `nb_row`,
 * `nb_col`, `border_mode`, `subsample`, `dim_ordering`; `AtrousConvolution*`; `Deconvolution2D`; ...).
 * Written key sets follow Keras 2.0.8 (`keras-2.0`), Keras 2.3.1 / tf.keras (`keras-2`) and Keras 3.
 */
import type { JsonObject, JsonValue } from '@kerasts/layers';
import type { Dialect, EraInfo, LayerFormat, SchemaFragment } from './format.js';

const TUPLE = { anyOf: [{ type: 'integer', minimum: 1 }, { type: 'array', items: { type: 'integer', minimum: 1 }, minItems: 1, maxItems: 3 }] };
const TUPLE0 = { anyOf: [{ type: 'integer', minimum: 0 }, { type: 'array', items: { type: 'integer', minimum: 0 }, minItems: 1, maxItems: 3 }, { type: 'null' }] };
const INIT = { $ref: '#/$defs/initializer' };
const FORMAT = { enum: ['channels_last', 'channels_first', null] };
const PADDING = { type: 'string', minLength: 1 };

/**
 * Schema of every convolution config: the Keras 2/3 arguments' types (Keras 1 names are renamed by
 * `normalize` and the result checked by the layer, so they are only listed as accepted).
 */
function convSchema(extra: Record<string, unknown> = {}, required: readonly (readonly string[])[] = []): SchemaFragment {
  return {
    ...(required.length ? { anyOf: required.map((r) => ({ required: [...r] })) } : {}),
    properties: {
      filters: { type: 'integer', minimum: 1 },
      kernel_size: TUPLE,
      strides: TUPLE,
      padding: PADDING,
      data_format: FORMAT,
      dilation_rate: TUPLE,
      groups: { type: 'integer', minimum: 1 },
      activation: { $ref: '#/$defs/activation' },
      use_bias: { type: 'boolean' },
      kernel_initializer: INIT,
      bias_initializer: INIT,
      ...extra,
    },
  };
}

const DEPTHWISE_PROPS = {
  depth_multiplier: { type: 'integer', minimum: 1 },
  depthwise_initializer: INIT,
  pointwise_initializer: INIT,
};

/** Inserts `key: value` into `out` right after `after` (or at the end), keeping Keras' key order. */
function insertAfter(out: JsonObject, after: string, key: string, value: JsonValue): void {
  if (!(after in out)) {
    out[key] = value;
    return;
  }
  const entries = Object.entries(out);
  for (const k of Object.keys(out)) delete out[k];
  for (const [k, v] of entries) {
    out[k] = v;
    if (k === after) out[key] = value;
  }
}

const isOne = (v: JsonValue | undefined): boolean => v === undefined || v === null || v === 1 || (Array.isArray(v) && v.every((d) => d === 1));

/** Keras 1 `dim_ordering` → Keras 2 `data_format` (K2.0.8 legacy/interfaces.py). */
function dataFormatFrom(cfg: JsonObject): void {
  if ('dim_ordering' in cfg) {
    const d = cfg.dim_ordering;
    if (cfg.data_format === undefined) cfg.data_format = d === 'th' ? 'channels_first' : 'channels_last';
    delete cfg.dim_ordering;
  }
}

function renameKey(cfg: JsonObject, from: string, to: string): void {
  if (from in cfg) {
    if (cfg[to] === undefined) cfg[to] = cfg[from]!;
    delete cfg[from];
  }
}

/** `border_mode` → `padding` (Theano's `full` is kept, and refused by the layer with a ConfigError). */
function paddingFrom(cfg: JsonObject): void {
  renameKey(cfg, 'border_mode', 'padding');
  if (typeof cfg.padding === 'string') cfg.padding = cfg.padding.toLowerCase();
}

/** The Keras 1 → Keras 2 renames of a convolution of `rank` spatial axes (K2.0.8 legacy/interfaces.py). */
function keras1Conv(cfg: JsonObject, era: EraInfo, rank: number): void {
  renameKey(cfg, 'nb_filter', 'filters');
  if (rank === 1) {
    renameKey(cfg, 'filter_length', 'kernel_size');
    renameKey(cfg, 'subsample_length', 'strides');
  } else if (rank === 2) {
    if (cfg.kernel_size === undefined && cfg.nb_row !== undefined && cfg.nb_col !== undefined) cfg.kernel_size = [cfg.nb_row, cfg.nb_col];
    delete cfg.nb_row;
    delete cfg.nb_col;
  } else {
    if (cfg.kernel_size === undefined && cfg.kernel_dim1 !== undefined) cfg.kernel_size = [cfg.kernel_dim1, cfg.kernel_dim2 ?? null, cfg.kernel_dim3 ?? null];
    delete cfg.kernel_dim1;
    delete cfg.kernel_dim2;
    delete cfg.kernel_dim3;
  }
  renameKey(cfg, 'subsample', 'strides');
  renameKey(cfg, 'atrous_rate', 'dilation_rate');
  paddingFrom(cfg);
  dataFormatFrom(cfg);
  if (rank === 1 && era.isFirst && cfg.batch_input_shape === undefined && typeof cfg.input_dim === 'number') {
    // Keras 1: input_dim (and input_length) on a first Convolution1D mean (steps, channels).
    cfg.batch_input_shape = [null, cfg.input_length ?? null, cfg.input_dim];
  }
  if (rank === 1) {
    delete cfg.input_dim;
    delete cfg.input_length;
  }
}

/** Era fixes shared by every convolution class. */
function convNormalize(rank: number, kind: 'conv' | 'separable' | 'depthwise' | 'transpose') {
  return (cfg: JsonObject, era: EraInfo): void => {
    keras1Conv(cfg, era, rank);
    if (kind === 'separable' || kind === 'depthwise') {
      // Keras 1 `init` (renamed kernel_initializer) initialised both kernels.
      if (cfg.kernel_initializer !== undefined) {
        cfg.depthwise_initializer ??= cfg.kernel_initializer;
        if (kind === 'separable') cfg.pointwise_initializer ??= cfg.kernel_initializer;
        delete cfg.kernel_initializer;
      }
      renameKey(cfg, 'kernel_regularizer', 'depthwise_regularizer');
      renameKey(cfg, 'kernel_constraint', 'depthwise_constraint');
    }
    if (kind === 'transpose') delete cfg.output_shape; // Keras 1 Deconvolution2D; Keras 2 drops it
    if (kind !== 'conv') delete cfg.groups;
    if (kind === 'conv' && (cfg.groups === null || cfg.groups === undefined)) delete cfg.groups;
    delete cfg.rank;
    // Keras 3 LoRA settings of a saved model: not part of the computed function when unset.
    if (cfg.lora_rank === null || cfg.lora_rank === undefined) {
      delete cfg.lora_rank;
      delete cfg.lora_alpha;
    }
  };
}

/** Written only when it says something the old Keras did not assume. */
function writeConv(rank: number, kind: 'conv' | 'separable' | 'depthwise' | 'transpose') {
  return (out: JsonObject, src: JsonObject, dialect: Dialect): void => {
    if (dialect === 'keras-3') return;
    if (kind === 'conv' && !isOne(src.groups)) insertAfter(out, 'dilation_rate', 'groups', src.groups!);
    if (dialect === 'keras-2.0') {
      // Keras 2.0.8's Conv1D has no data_format and its Conv2DTranspose no dilation_rate / output_padding.
      if (rank === 1 && kind === 'conv' && src.data_format === 'channels_first') insertAfter(out, 'padding', 'data_format', src.data_format);
      if (kind === 'transpose' && !isOne(src.dilation_rate)) insertAfter(out, 'data_format', 'dilation_rate', src.dilation_rate!);
      if (kind === 'transpose' && src.output_padding !== null && src.output_padding !== undefined) out.output_padding = src.output_padding;
    }
  };
}

const tail = ['activation', 'use_bias', 'kernel_initializer', 'bias_initializer', 'kernel_regularizer', 'bias_regularizer', 'activity_regularizer', 'kernel_constraint', 'bias_constraint'];
const CONV_20 = ['filters', 'kernel_size', 'strides', 'padding', 'data_format', 'dilation_rate', ...tail];
const CONV1D_20 = ['filters', 'kernel_size', 'strides', 'padding', 'dilation_rate', ...tail];
const CONV_3 = ['filters', 'kernel_size', 'strides', 'padding', 'data_format', 'dilation_rate', 'groups', ...tail];
const TRANSPOSE_20 = ['filters', 'kernel_size', 'strides', 'padding', 'data_format', ...tail];
const TRANSPOSE_2 = [...CONV_20, 'output_padding'];
const TRANSPOSE_3 = ['filters', 'kernel_size', 'strides', 'padding', 'output_padding', 'data_format', 'dilation_rate', ...tail];
const SEP_TAIL = ['depth_multiplier', 'depthwise_initializer', 'pointwise_initializer', 'depthwise_regularizer', 'pointwise_regularizer', 'depthwise_constraint', 'pointwise_constraint'];
const SEP_2 = ['filters', 'kernel_size', 'strides', 'padding', 'data_format', 'dilation_rate', 'activation', 'use_bias', 'bias_initializer', 'bias_regularizer', 'activity_regularizer', 'bias_constraint', ...SEP_TAIL];
const SEP_3 = [
  'depth_multiplier', 'filters', 'kernel_size', 'strides', 'padding', 'data_format', 'dilation_rate', 'activation', 'use_bias', 'depthwise_initializer',
  'pointwise_initializer', 'bias_initializer', 'depthwise_regularizer', 'pointwise_regularizer', 'bias_regularizer', 'activity_regularizer',
  'depthwise_constraint', 'pointwise_constraint', 'bias_constraint',
];
const DW_2 = ['kernel_size', 'strides', 'padding', 'data_format', 'dilation_rate', 'activation', 'use_bias', 'bias_initializer', 'bias_regularizer', 'activity_regularizer', 'bias_constraint', 'depth_multiplier', 'depthwise_initializer', 'depthwise_regularizer', 'depthwise_constraint'];
const DW_3 = [
  'depth_multiplier', 'kernel_size', 'strides', 'padding', 'data_format', 'dilation_rate', 'activation', 'use_bias', 'depthwise_initializer', 'bias_initializer',
  'depthwise_regularizer', 'bias_regularizer', 'activity_regularizer', 'depthwise_constraint', 'bias_constraint',
];

const FILTERS = [['filters'], ['nb_filter']] as const;
// One schema object per kind, shared by every class and alias (one rule in the compiled validator).
const CONV_SCHEMA = convSchema({ output_padding: TUPLE0, ...DEPTHWISE_PROPS }, FILTERS);
const DEPTHWISE_SCHEMA = convSchema(DEPTHWISE_PROPS);

function conv(rank: number): LayerFormat {
  return {
    keys: { 'keras-2.0': rank === 1 ? CONV1D_20 : CONV_20, 'keras-2': CONV_20, 'keras-3': CONV_3 },
    schema: CONV_SCHEMA,
    normalize: convNormalize(rank, 'conv'),
    write: writeConv(rank, 'conv'),
  };
}

function transpose(rank: number): LayerFormat {
  return {
    keys: { 'keras-2.0': rank === 1 ? TRANSPOSE_2 : TRANSPOSE_20, 'keras-2': rank === 3 ? TRANSPOSE_2.filter((k) => k !== 'dilation_rate') : TRANSPOSE_2, 'keras-3': TRANSPOSE_3 },
    defaults: () => ({ output_padding: null }),
    schema: CONV_SCHEMA,
    normalize: convNormalize(rank, 'transpose'),
    dialectNote: dilationIgnored(`Conv${rank}DTranspose`),
    write: (out, src, dialect) => {
      writeConv(rank, 'transpose')(out, src, dialect);
      if (dialect === 'keras-2' && rank === 3 && !isOne(src.dilation_rate)) insertAfter(out, 'data_format', 'dilation_rate', src.dilation_rate!);
    },
  };
}

/** Keras 2.0.8 accepts a dilation rate on these layers but does not pass it to the backend. */
function dilationIgnored(cls: string) {
  return (cfg: JsonObject, dialect: Dialect): string | null =>
    dialect === 'keras-2.0' && !isOne(cfg.dilation_rate) ? `Keras 2.0.8's ${cls} takes dilation_rate ${JSON.stringify(cfg.dilation_rate)} but computes without it, so it would predict other numbers` : null;
}

const separable = (rank: number): LayerFormat => ({
  keys: { 'keras-2.0': SEP_2, 'keras-2': SEP_2, 'keras-3': SEP_3 },
  schema: CONV_SCHEMA,
  normalize: convNormalize(rank, 'separable'),
  dialectNote: dilationIgnored(`SeparableConv${rank}D`),
});

const depthwise = (rank: number): LayerFormat => ({
  keys: { 'keras-2.0': DW_2, 'keras-2': DW_2, 'keras-3': DW_3 },
  schema: DEPTHWISE_SCHEMA,
  normalize: convNormalize(rank, 'depthwise'),
});

export const convolutionalFormats: Readonly<Record<string, LayerFormat>> = {
  Conv1D: conv(1),
  Convolution1D: conv(1),
  AtrousConvolution1D: conv(1),
  AtrousConv1D: conv(1),
  Conv2D: conv(2),
  Convolution2D: conv(2),
  AtrousConvolution2D: conv(2),
  AtrousConv2D: conv(2),
  Conv3D: conv(3),
  Convolution3D: conv(3),
  SeparableConv1D: separable(1),
  SeparableConvolution1D: separable(1),
  SeparableConv2D: separable(2),
  SeparableConvolution2D: separable(2),
  DepthwiseConv1D: depthwise(1),
  DepthwiseConv2D: depthwise(2),
  Conv1DTranspose: transpose(1),
  Convolution1DTranspose: transpose(1),
  Conv2DTranspose: transpose(2),
  Convolution2DTranspose: transpose(2),
  Deconvolution2D: transpose(2),
  Deconv2D: transpose(2),
  Conv3DTranspose: transpose(3),
  Convolution3DTranspose: transpose(3),
  Deconvolution3D: transpose(3),
  Deconv3D: transpose(3),
};

/**
 * What io-json knows of one Keras layer class across eras: the config keys each written dialect
 * holds, the JSON Schema of its config, and the era fixes applied when reading. One file per Keras
 * family (`core.ts`, `rnn.ts`, ...) holds these records; `index.ts` joins them. Kept free of runtime
 * imports so that scripts/build-validator.mjs can load the schema from dist.
 */
import type { JsonObject } from '@kerasts/layers';

/** Dialects kerasts writes (see write.ts). */
export type Dialect = 'keras-2' | 'keras-2.0' | 'keras-3';

/** Where a config comes from, for era fixes. */
export interface EraInfo {
  /** Keras major and minor version of the file (e.g. 2, 0). */
  major: number;
  minor: number;
  /** Whether this layer's config uses Keras 1 argument names. */
  keras1: boolean;
  /** Whether this is the first layer of a Sequential (Keras 1 declares the input shape there). */
  isFirst: boolean;
  /** Normalizes a nested layer entry `{class_name, config}` of the same era (wrappers' `layer`). */
  nested: (entry: JsonObject, path: string) => { className: string; config: JsonObject };
  /** Where the config is, for messages. */
  path: string;
  /**
   * The model's image data format where its layers say it (Keras 1 convolutions write
   * `dim_ordering`; Keras 1's padding/upsampling/cropping layers do not, and used the same one).
   */
  imageDataFormat?: 'channels_first' | 'channels_last';
}

/** How a nested layer config is written (wrappers' `layer`, `backward_layer`): the entry in the dialect's form. */
export type NestedWriter = (spec: { className: string; config: JsonObject }) => JsonObject;

/** A JSON Schema fragment (plain data). */
export type SchemaFragment = Readonly<Record<string, unknown>>;

/** io-json's knowledge of one layer class. */
export interface LayerFormat {
  /** Config keys written in each dialect, in the order that Keras writes them (base keys excluded). */
  keys: Readonly<Record<Dialect, readonly string[]>>;
  /** Values written for keys the canonical config lacks (e.g. Keras 3's `seed: null`), per dialect. */
  defaults?: (dialect: Dialect) => Readonly<Record<string, unknown>>;
  /** JSON Schema of the config beyond the base layer keys (`properties`, `required`, `anyOf`, ...). */
  schema?: SchemaFragment;
  /** Era fixes on a canonical config being read (Keras 1 names already renamed); mutates `cfg`. */
  normalize?: (cfg: JsonObject, era: EraInfo) => void;
  /**
   * Why Keras of `dialect`'s era would compute something else from this (canonical) config, or null
   * when the dialect expresses it faithfully (e.g. Keras 2.0.8's Flatten has no `data_format`).
   * `kerasVersion` is the version of the Keras whose numerics the model follows.
   */
  dialectNote?: (cfg: JsonObject, dialect: Dialect, kerasVersion?: string) => string | null;
  /**
   * Keys whose values are nested layer entries `{class_name, config}` (wrappers): written in the
   * dialect's own entry form through {@link write}'s `nested` writer.
   */
  nestedKeys?: readonly string[];
  /** Base keys a dialect must not write for this class (Keras 3's SpatialDropout refuses `trainable`). */
  omitBaseKeys?: readonly string[];
  /** Last changes to a written config (after keys and defaults); mutates `out`. `src` is the canonical config. */
  write?: (out: JsonObject, src: JsonObject, dialect: Dialect, nested: NestedWriter) => void;
  /** `input_dim` is the layer's own argument (Embedding's vocabulary), not Keras 1's input shape shortcut. */
  ownsInputDim?: boolean;
  /**
   * The Python module Keras 3 imports the class from, when not `keras.layers` (written as the entry's
   * `module`, with the class name as `registered_name`, as Keras writes it).
   */
  module?: string;
}

/** The same key list in every dialect. */
export function sameKeys(keys: readonly string[]): Record<Dialect, readonly string[]> {
  return { 'keras-2.0': keys, 'keras-2': keys, 'keras-3': keys };
}

/** Schema of `data_format` (image-like layers), with Keras 1's `dim_ordering` spellings. */
export const DATA_FORMAT_SCHEMA: SchemaFragment = { anyOf: [{ enum: ['channels_last', 'channels_first', 'th', 'tf', 'default'] }, { type: 'null' }] };

/**
 * Keras 3 reads configs without `module` (what the `keras-2` and `keras-2.0` dialects write, as tf.keras
 * does) through its legacy loader, which keeps an `axis` only when it is an int or a one-entry list:
 * any other list is dropped and the layer gets its default axis (K3.15.1
 * `legacy/saving/saving_utils.py model_from_config`). A note for layers whose axis list would be lost.
 */
export function axisListNote(cfg: JsonObject, dialect: Dialect): string | null {
  if (dialect === 'keras-3' || !Array.isArray(cfg.axis) || cfg.axis.length === 1) return null;
  return `axis ${JSON.stringify(cfg.axis)} is lost when Keras 3 reads this dialect (its legacy loader keeps only an int or a one-entry list and falls back to the default axis); write the keras-3 dialect`;
}

import type { Limits } from '@kerasts/tensor';
/**
 * The plain, format-faithful structure this package maps Keras legacy HDF5 files to and from.
 *
 * Nothing here knows about models or layers as objects: it is exactly what a Keras loader reads
 * from (or a Keras saver writes to) the file, with every string attribute decoded and every dataset
 * read into a typed array. See KERAS-FORMAT.md §2 and §3.1 for the layout.
 */

/**
 * Element type of a weight dataset, named like numpy dtypes.
 *
 * Keras weights are `float32`; optimizer iteration counters are `int64` (TensorFlow backends) or
 * `int32` (JAX). `float16` datasets (mixed precision) are read, widened exactly to `Float32Array`,
 * but cannot be written (h5wasm cannot create 2-byte floats).
 */
export type H5DType =
  | 'float16'
  | 'float32'
  | 'float64'
  | 'int8'
  | 'int16'
  | 'int32'
  | 'int64'
  | 'uint8'
  | 'uint16'
  | 'uint32'
  | 'uint64';

/** The typed array holding a dataset's values (row-major / C order, like numpy). */
export type H5Data =
  | Float32Array
  | Float64Array
  | Int8Array
  | Int16Array
  | Int32Array
  | BigInt64Array
  | Uint8Array
  | Uint16Array
  | Uint32Array
  | BigUint64Array;

/** One weight (one HDF5 dataset), e.g. `lstm_1/kernel:0`. */
export interface H5Weight {
  /**
   * The weight's name exactly as listed in the owning group's `weight_names` attribute,
   * e.g. `dense_1/kernel:0` (Keras 2), `lstm/lstm_cell/kernel:0` (tf.keras),
   * `sequential/dense/kernel` (Keras 3), `lstm_1_W_i:0` (Keras 1). A `/` means nested HDF5 groups.
   */
  name: string;
  /** Dataset shape; `[]` for a scalar (SCALAR dataspace, e.g. an optimizer iteration counter). */
  shape: number[];
  /** Element type of the dataset as stored in the file (see {@link H5DType}). */
  dtype: H5DType;
  /**
   * The values, row-major, `product(shape)` elements. The array type follows `dtype`:
   * float32 → Float32Array, float64 → Float64Array, int32 → Int32Array, int64 → BigInt64Array, ...;
   * float16 → Float32Array (widened exactly).
   */
  data: H5Data;
  /**
   * Absolute HDF5 path the dataset was read from, e.g. `/model_weights/dense_1/dense_1/kernel:0`.
   * Filled in by {@link readKerasH5} for error messages; ignored by {@link writeKerasH5}, which
   * always stores a weight at `<owning group>/<name>` exactly as Keras does.
   */
  hdf5Path: string;
}

/** One per-layer group (`/model_weights/<layer>` or `/<layer>` in a weights file). */
export interface H5LayerGroup {
  /** The layer name, as listed in `layer_names` (and the group's name). */
  name: string;
  /**
   * The group's `weight_names` attribute (or its chunked `weight_names0..N` form), in stored order.
   * Empty for weightless layers (Keras stores that as an empty float64 array).
   */
  weightNames: string[];
  /** The datasets, in `weightNames` order (Keras matches weights by this position, never by name). */
  weights: H5Weight[];
}

/**
 * The group holding the layer weights: `/model_weights` in a full-model file, the root `/` in a
 * weights-only file (`save_weights`).
 */
export interface H5WeightGroup {
  /** `layer_names` (or chunked `layer_names0..N`), in stored order (model order, weightless layers included). */
  layerNames: string[];
  /**
   * `keras_version` attribute of THIS group, or null when absent. Keras 2/tf.keras loaders treat a
   * missing value as Keras 1 and run the Keras 1→2 weight conversions; Keras 1 files never have it
   * here (only at the root).
   */
  kerasVersion: string | null;
  /** `backend` attribute of THIS group (`tensorflow`, `theano`, `cntk`, `jax`, ...), or null when absent. */
  backend: string | null;
  /** The per-layer groups, in `layerNames` order. */
  layers: H5LayerGroup[];
  /**
   * The `top_level_model_weights` group (tf.keras ≥ 2.7 and Keras 3; normally no weights), or
   * undefined when the file has none. When writing, the group is created iff this is defined.
   */
  topLevelWeights?: H5Weight[];
}

/** Optimizer state from `/optimizer_weights` (restored by position, so order and count matter). */
export interface H5OptimizerWeights {
  /** The `weight_names` attribute (or chunked form) of `/optimizer_weights`, in stored order. */
  weightNames: string[];
  /** The datasets, in `weightNames` order; iteration counters are int64 or int32 scalars. */
  weights: H5Weight[];
}

/** String attributes of the file root. */
export interface H5RootAttrs {
  /** Root `keras_version`, e.g. `"1.2.2"`, `"2.2.4-tf"`, `"3.15.1"`; null when absent. */
  kerasVersion: string | null;
  /** Root `backend` (absent in Keras 1 files → null). */
  backend: string | null;
  /** Root `model_config`: the architecture JSON text, decoded but not parsed; null in weights files. */
  modelConfig: string | null;
  /** Root `training_config` JSON text; null when the model was not compiled or saved without optimizer. */
  trainingConfig: string | null;
}

/** Everything a Keras loader uses from a legacy `.h5` file. */
export interface KerasH5Contents {
  /**
   * `'model'`: a `model.save()` file (root has `model_config`; weights in `/model_weights`).
   * `'weights'`: a `save_weights()` file (root has `layer_names`/`layer_names0`; weights at the root).
   * A file without `model_config` whose root has no `layer_names` but a `/model_weights` group is
   * read like Keras' `load_weights` does (descend into `/model_weights`) and reported as `'model'`
   * with `modelConfig: null`.
   */
  kind: 'model' | 'weights';
  /** Root string attributes (for `'weights'`, keras_version/backend equal `weights.kerasVersion/backend`). */
  rootAttrs: H5RootAttrs;
  /** The layer weights (`/model_weights` or the root). */
  weights: H5WeightGroup;
  /** `/optimizer_weights`, or null when absent (always null for `'weights'`). */
  optimizerWeights: H5OptimizerWeights | null;
  /**
   * Names of root members that are not part of the Keras layout and were ignored (e.g. medaka's
   * `medaka_label_decoding`), in HDF5 (alphabetical) order. Ignored by {@link writeKerasH5}.
   */
  extraRootGroups: string[];
}

/** Options of {@link readKerasH5}. */
export interface ReadKerasH5Options {
  /** Name (or path) of the file the bytes came from, used in error messages. */
  fileName?: string;
  /**
   * Which HDF5 reader to use.
   * - `'auto'` (default): the built-in TypeScript reader for the plain files Keras writes (h5py's
   *   defaults: no WebAssembly start-up, weights read straight into their arrays), h5wasm for
   *   anything else and for every file that is not sound.
   * - `'h5wasm'`: always h5wasm (the whole HDF5 format).
   * - `'builtin'`: only the built-in reader; a file it does not handle throws an `UnsupportedError`.
   */
  reader?: 'auto' | 'h5wasm' | 'builtin';
  /**
   * Resource limits for this read (defaults: `getLimits()` of `@kerasts/tensor`, see the README's
   * "Loading untrusted files"): `maxBytes` bounds the total size of the arrays the file declares
   * (checked before anything is allocated), `maxMetadataBytes` the memory the HDF5 engine may use for
   * the file's structure. A file over a limit is refused with a `LimitError` naming the option.
   */
  limits?: Partial<Limits>;
  /**
   * `false` reads the structure only: every weight has its name, shape and dtype but an empty `data`
   * array (what `kerasts inspect` needs; no weight values are read or allocated). Default `true`.
   */
  weightValues?: boolean;
}

/** Options of {@link writeKerasH5}. */
export interface WriteKerasH5Options {
  /**
   * How string attributes are stored.
   * - `'fixed-ascii'` (default): fixed-length ASCII strings everywhere (scalars and name lists).
   *   Readable by every Keras with h5py 2 and 3 (KERAS-FORMAT.md §2.2 "Safest choice").
   * - `'vlen'`: like Keras 3 / tf.keras with h5py 3: variable-length strings (always the ASCII
   *   character set; Keras 3 marks root keras_version/backend UTF-8, which no loader looks at);
   *   chunked lists stay fixed-length, as in Keras. Old Keras (≤ 2.3) with h5py 2 reads this too,
   *   but Keras ≤ 2.3 with h5py 3 fails on it (h5py 3 returns vlen strings as `str`).
   *
   * In both modes a scalar longer than 60000 bytes (a huge model_config) is stored variable-length.
   */
  stringEncoding?: 'fixed-ascii' | 'vlen' | 'keras2-h5py2';
}

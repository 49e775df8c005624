/**
 * The TensorFlow.js layers-model file format (tfjs-core `io/types.ts`): a `model.json` holding the
 * Keras topology and a weights manifest, plus binary weight shards the manifest names.
 */
import type { JsonObject } from '@kerasts/layers';

/** Data types a weights manifest entry can declare (tfjs `DataType`). */
export type TfjsDtype = 'float32' | 'int32' | 'bool' | 'string' | 'complex64';

/** How a weight was quantized by tensorflowjs_converter (`--quantize_uint8`, `_uint16`, `_float16`). */
export interface TfjsQuantization {
  /** The stored type: `uint8` and `uint16` are affine (`value = q * scale + min`), `float16` is IEEE half. */
  dtype: 'uint8' | 'uint16' | 'float16';
  /** Affine quantization step (uint8/uint16). */
  scale?: number;
  /** Affine quantization offset (uint8/uint16). */
  min?: number;
  /** The weight's type before quantization. */
  original_dtype?: TfjsDtype;
}

/** One weight in a manifest group (tfjs `WeightsManifestEntry`). */
export interface TfjsWeightEntry {
  /** The weight's name as tfjs writes it: `<layer>/<weight>` (`dense_Dense1/kernel`, `bidirectional/forward_lstm/kernel`). */
  name: string;
  shape: number[];
  dtype: TfjsDtype;
  /** `optimizer` for optimizer state saved with `includeOptimizer`; absent for model weights. */
  group?: string;
  quantization?: TfjsQuantization;
}

/**
 * One weights group (tfjs `WeightsManifestGroupConfig`): the shard files, concatenated in order,
 * hold the group's weights back to back in manifest order, little-endian.
 */
export interface TfjsWeightsGroup {
  /** Shard file names, relative to the model.json (`group1-shard1of2.bin`, `./model.weights.bin`). */
  paths: string[];
  weights: TfjsWeightEntry[];
}

/** A TensorFlow.js `model.json` (tfjs `ModelJSON`) of format `layers-model`. */
export interface TfjsModelJson {
  /** The Keras model config as tfjs writes it (`{class_name, config, keras_version, backend}`). */
  modelTopology: JsonObject;
  weightsManifest: TfjsWeightsGroup[];
  /** `layers-model` for Keras layers models (`graph-model` is TensorFlow's graph format, which kerasts does not read). */
  format?: string;
  generatedBy?: string | null;
  convertedBy?: string | null;
  /** The training config of a compiled model (tfjs spells optimizer keys in camelCase: `learningRate`, `beta1`). */
  trainingConfig?: JsonObject;
  userDefinedMetadata?: JsonObject;
}

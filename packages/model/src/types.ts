import type { JsonObject, Shape } from '@kerasts/layers';
import type { Tensor } from '@kerasts/tensor';

/** One layer of a canonical model config: Keras class name and canonical (snake_case) config. */
export interface LayerSpec {
  className: string;
  config: JsonObject;
}

/**
 * The format-neutral description of a model's architecture that every `io-*` package maps to and
 * from. It carries the Keras version whose numerics the model follows (see `hardSigmoidFor`).
 */
export interface ModelConfig {
  /** `Sequential` today; `Functional` later. */
  className: 'Sequential';
  /** The model's name, or null to get an automatic one. */
  name: string | null;
  /** Layers in order; an `InputLayer` may come first. */
  layers: LayerSpec[];
  /** Input shape given to `build()` when no layer declares one. */
  buildInputShape: Shape | null;
  /** Keras version of the era the model comes from (e.g. `"2.0.8"`, `"3.15.1"`). */
  kerasVersion: string;
  /** Backend recorded by the writer (`tensorflow`, `theano`, `jax`, ...), or null. */
  backend: string | null;
}

/** One named weight value. */
export interface WeightEntry {
  /** The weight's name as stored (e.g. `lstm_1/kernel:0`) or as the layer calls it (`kernel`). */
  name: string;
  value: Tensor;
}

/** Weights of one layer, in Keras' `layer.weights` order. */
export interface LayerWeights {
  layerName: string;
  /** Keras class of the layer when known (used for per-class conversions). */
  className?: string;
  weights: WeightEntry[];
}

/**
 * The format-neutral table of a model's weights, layer by layer in model order; files map to it and
 * `transfer` assigns it to models (by topology or by name).
 */
export interface WeightTable {
  layers: LayerWeights[];
  /** Keras version that wrote the weights, or null if unknown. */
  kerasVersion: string | null;
  /** Backend that wrote the weights, or null if unknown. */
  backend: string | null;
}

import type { JsonObject, Shape } from '@kerasts/layers';
import type { Tensor } from '@kerasts/tensor';

/** One layer of a canonical model config: Keras class name and canonical (snake_case) config. */
export interface LayerSpec {
  className: string;
  config: JsonObject;
  /**
   * A nested model (Keras: a `Sequential` or `Functional` used as a layer): its canonical config;
   * `className` is then `Sequential` or `Functional` and `config` holds `name` and `trainable`.
   */
  model?: ModelConfig;
}

/**
 * The format-neutral description of a `Sequential` model's architecture that every `io-*` package
 * maps to and from. It carries the Keras version whose numerics the model follows (see `hardSigmoidFor`).
 */
export interface SequentialConfig {
  /** The model class. */
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

/**
 * One tensor in a functional model: output `tensorIndex` of call number `nodeIndex` of layer
 * `layer` (Keras' `[layer_name, node_index, tensor_index]`; node indices count only the calls that
 * belong to the model).
 */
export interface TensorRef {
  layer: string;
  nodeIndex: number;
  tensorIndex: number;
  /** The tensor's shape with batch dimension, when known (Keras 3 configs record it). */
  shape?: Shape;
}

/** One call of a layer in a functional model (one entry of Keras' `inbound_nodes`). */
export interface NodeSpec {
  /** The tensors the layer was called on, in order (several for merge layers). */
  inputs: TensorRef[];
  /** Non-tensor call arguments recorded by Keras 3 (e.g. `{"training": false}`); `{}` when none. */
  kwargs: JsonObject;
}

/** One layer of a functional config: class, canonical config, name and the calls made to it. */
export interface FunctionalLayerSpec extends LayerSpec {
  /** The layer's name, which tensor references use. */
  name: string;
  /** The calls of this layer in the model, in order (none for an `InputLayer`). */
  inboundNodes: NodeSpec[];
}

/**
 * The format-neutral description of a functional model (Keras `Model` / `Functional`): a graph of
 * layer calls with named inputs and outputs. Layers come in Keras' `model.layers` order, input
 * layers included.
 */
export interface FunctionalConfig {
  /** The model class. */
  className: 'Functional';
  /** The model's name, or null to get an automatic one. */
  name: string | null;
  /** Layers with the calls made to them. */
  layers: FunctionalLayerSpec[];
  /** The model's inputs, in order (Keras' `input_layers`). */
  inputLayers: TensorRef[];
  /** The model's outputs, in order (Keras' `output_layers`). */
  outputLayers: TensorRef[];
  /** Never set: present so that code reading either kind of config can test it. */
  buildInputShape?: never;
  /** Keras version of the era the model comes from. */
  kerasVersion: string;
  /** Backend recorded by the writer, or null. */
  backend: string | null;
}

/**
 * The format-neutral description of a model's architecture that every `io-*` package maps to and
 * from: a {@link SequentialConfig} or a {@link FunctionalConfig} (tell them apart by `className`).
 */
export type ModelConfig = SequentialConfig | FunctionalConfig;

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

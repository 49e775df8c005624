import { ShapeMismatchError, Tensor, UnsupportedError, checkDeclaredShape, markWeightsChanged, releasePackedWeights, type HardSigmoidVariant, type Random } from '@kerasts/tensor';
import type { JsonObject } from './json.js';
import { uniqueName, toSnakeCase } from './naming.js';
import { formatShape, type Shape } from './shape.js';
import { applyLayer, type LayerCallOptions, type SymbolicTensor } from './graph.js';
import type { KerasEra } from './version.js';

/**
 * A mask over the leading axes of a tensor, as Keras propagates it (`_keras_mask`): a float32 tensor
 * of 0 (masked) and 1 (kept), usually of shape (batch, timesteps).
 */
export type Mask = Tensor;

/** Builds a layer from its canonical Keras config (what the registry holds per `class_name`). */
export type LayerFactory = (config: JsonObject) => Layer;

/** How a layer is being run. */
export interface CallContext {
  /** Training mode (dropout active); inference when false. */
  training: boolean;
  /** Which hard_sigmoid the model's Keras version computes. */
  hardSigmoid: HardSigmoidVariant;
  /** Which Keras' mask rules apply (merge layers, Bidirectional, RNNs with initial states); default Keras 3. */
  era?: KerasEra;
  /**
   * What recurrent layers output at masked timesteps in the model's Keras era (the state is carried
   * over in all of them): `'state'` the carried state (Keras 3, Keras ≤ 2.2; the default) or
   * `'previous'` the previous output, zeros before the first unmasked step (tf.keras 2, Keras 2.3).
   * They differ only before the first unmasked step of a sequence that starts from a non-zero state.
   */
  maskedOutput?: 'state' | 'previous';
}

/** The default context: inference with Keras 3 numerics. */
export const INFERENCE: CallContext = Object.freeze({ training: false, hardSigmoid: 'keras3', era: 'keras3' });

/** How a layer is run by {@link Layer.forwardTrain} (a training step or an evaluation that needs gradients). */
export interface TrainCallContext extends CallContext {
  /** Whether the backward pass must return ∂L/∂input (false for the first layer that is trained). */
  needInputGrad: boolean;
  /** Random numbers for dropout masks; null disables dropout (as in inference). */
  random: Random | null;
  /**
   * Whether stateful layers keep the state this pass ends with (default true). Keras 3 on JAX reads
   * the kept state but never updates it inside `fit`/`evaluate`; the trainer passes false to match.
   */
  keepStates?: boolean;
}

/** What a layer's backward pass returns. */
export interface LayerGradients {
  /** ∂L/∂input, same shape as the input; null when the forward pass was told it is not needed. */
  dInput: Tensor | null;
  /** ∂L/∂w for each of the layer's trainable weights (none when the layer is frozen). */
  weightGrads: ReadonlyMap<LayerWeight, Tensor>;
}

/**
 * A new value for one of a layer's non-trainable weights, computed by a training-mode forward pass
 * (BatchNormalization's moving mean and variance). The trainer assigns it after the optimizer step
 * of that batch, as Keras 3's JAX trainer assigns the `non_trainable_variables` that
 * `stateless_call` returns; a forward pass never changes weights itself.
 */
export interface StateUpdate {
  readonly weight: LayerWeight;
  readonly value: Tensor;
}

/**
 * A layer's training-mode forward pass, holding what its backward pass needs (layer-level backward:
 * each layer differentiates its own forward computation; there is no op-level autograd).
 */
export interface LayerTape {
  /** The layer's output. */
  readonly output: Tensor;
  /** Back-propagates ∂L/∂output (same shape as {@link output}); call at most once. */
  backward(dOutput: Tensor): LayerGradients;
  /** Non-trainable weights this pass updates (see {@link StateUpdate}); none when absent. */
  readonly stateUpdates?: readonly StateUpdate[];
  /**
   * Called by a graph after the backward pass, only when nothing keeps {@link output} (it is no model
   * output and no other output shares its data): the layer may give its buffers back to tensor's buffer
   * pool (`recycleFloat32`) for the next step. The tape is not used afterwards.
   */
  release?(): void;
}

/** Assigns state updates in order (a later update of the same weight wins). */
export function applyStateUpdates(updates: readonly StateUpdate[] | undefined): void {
  for (const u of updates ?? []) {
    if (u.value.size !== u.weight.value.size) {
      throw new ShapeMismatchError(`state update of weight "${u.weight.name}" does not fit`, u.weight.shape, u.value.shape, u.weight.name);
    }
    u.weight.value = new Tensor(u.value.data, u.weight.shape);
  }
}

/**
 * The training-mode forward pass of one call that takes several tensors or returns several (merge
 * layers; RNNs with initial or returned states; Bidirectional). `backward` gets one gradient per
 * output (null for an output nothing depends on) and returns one per input (null when not needed).
 */
export interface MultiTape {
  readonly outputs: readonly Tensor[];
  backward(dOutputs: readonly (Tensor | null)[]): { dInputs: (Tensor | null)[]; weightGrads: ReadonlyMap<LayerWeight, Tensor> };
  /** Non-trainable weights this pass updates (see {@link StateUpdate}); none when absent. */
  readonly stateUpdates?: readonly StateUpdate[];
  /** See {@link LayerTape.release}: nothing keeps the outputs any more. */
  release?(): void;
}

/** A tape for layers that pass their input through unchanged (InputLayer, Dropout at rate 0). */
export function identityTape(input: Tensor, needInputGrad: boolean): LayerTape {
  return { output: input, backward: (d) => ({ dInput: needInputGrad ? d : null, weightGrads: new Map() }) };
}

/**
 * One weight of a layer, with its Keras name (`kernel`, `recurrent_kernel`, `bias`, ...).
 *
 * Kernels may keep packed copies of weight matrices between calls (`@kerasts/tensor`'s pack cache),
 * checked against a version counter per `Float32Array`. Assigning `value` (what `setWeights`, the file
 * loaders and transfer do) bumps it; code that changes `value.data` in place (optimizers,
 * constraints) must call `markWeightsChanged(weight.value.data)` afterwards.
 */
export interface LayerWeight {
  readonly name: string;
  readonly shape: readonly number[];
  /** The values. Assigning a tensor marks its data as changed (see above). */
  value: Tensor;
  readonly trainable: boolean;
}

/** The {@link LayerWeight} layers create: assigning `value` bumps the weight version of its data. */
class Weight implements LayerWeight {
  readonly name: string;
  readonly shape: readonly number[];
  readonly trainable: boolean;
  #value: Tensor;

  constructor(name: string, shape: readonly number[], value: Tensor, trainable: boolean) {
    this.name = name;
    this.shape = shape;
    this.#value = value;
    this.trainable = trainable;
  }

  get value(): Tensor {
    return this.#value;
  }

  set value(t: Tensor) {
    const old = this.#value.data;
    this.#value = t;
    // the same array may come back with new values: packed copies of it are stale either way
    markWeightsChanged(t.data);
    // the replaced array's packed copies are freed now, not when it is collected
    if (old !== t.data) releasePackedWeights(old);
  }
}

/**
 * A layer's variables as Keras 3 saves them (`.keras` archives, `.weights.h5`): what
 * `keras/src/saving/saving_lib.py` writes for one trackable. A node at path `p` stores its own
 * variables as datasets `p/vars/0`, `p/vars/1`, ... (the `vars` group carries the object's `name`)
 * and each child trackable under `p/<key>/...` (e.g. an RNN's `cell`, Bidirectional's
 * `forward_layer` / `backward_layer`, TimeDistributed's `layer`). See {@link Layer.keras3VariableTree}.
 */
export interface Keras3VariableTree {
  /** The `name` attribute Keras writes on this node's `vars` group (`lstm`, `lstm_cell`, ...). Metadata only. */
  readonly name: string;
  /**
   * Own variables in Keras 3's `save_own_variables` order: trainable then non-trainable, each in
   * creation order (`_trainable_variables + _non_trainable_variables`). These are the layer's live
   * weight objects: a loader assigns their `value` after checking shapes.
   */
  readonly variables: readonly LayerWeight[];
  /** Child trackables, each stored under `<this path>/<key>`; `key` is Keras' attribute name and may hold `/` (`layers/dense` for a list). */
  readonly children: readonly Keras3TrackableChild[];
}

/** One child trackable of a {@link Keras3VariableTree} node. */
export interface Keras3TrackableChild {
  /** Attribute path relative to the parent (`cell`, `forward_layer`, `layer`, ...). */
  readonly key: string;
  readonly tree: Keras3VariableTree;
}

/** Options every layer takes (Keras' base-layer arguments, in camelCase). */
export interface LayerOptions {
  /** Layer name; an automatic one (`dense`, `dense_1`, ...) when omitted. */
  name?: string;
  /** Whether fitting updates the weights. */
  trainable?: boolean;
  /** Input shape without the batch dimension, e.g. `[1, 8]` (first layer of a Sequential). */
  inputShape?: Shape;
  /** Input shape with the batch dimension, e.g. `[null, 1, 8]`. */
  batchInputShape?: Shape;
  /** Fixed batch size, used with `inputShape`. */
  batchSize?: number;
  /** Keras 1/2 shortcut: `inputDim: 8` means `inputShape: [8]`. */
  inputDim?: number;
  /** Weight dtype name; kerasts computes in float32 whatever it says, and keeps it for saving. */
  dtype?: string;
}

/** Keys of the base config that every layer writes. */
export const BASE_CONFIG_KEYS = ['name', 'trainable', 'batch_input_shape', 'batch_shape', 'dtype', 'input_shape', 'batch_size', 'input_dim'] as const;

/**
 * A Keras layer: weights with Keras names in Keras order, built from an input shape, called on
 * tensors, and serialized to the config Keras writes (snake_case keys).
 */
export abstract class Layer {
  /** The Keras class name, e.g. `Dense`. */
  abstract readonly className: string;
  /** The layer's name, unique within a model. */
  name: string;
  /** Whether fitting updates the trainable weights of this layer. */
  trainable: boolean;
  /** Declared batch input shape (first layer of a Sequential), or null. */
  batchInputShape: Shape | null;
  /** Declared dtype name (kept for saving). */
  dtype: string;
  /** Whether {@link build} has run. */
  built = false;
  /** Input shape this layer was built for. */
  inputShape: Shape | null = null;
  protected readonly weightList: LayerWeight[] = [];

  constructor(options: LayerOptions, defaultPrefix: string) {
    this.name = options.name ?? uniqueName(defaultPrefix);
    this.trainable = options.trainable ?? true;
    this.dtype = options.dtype ?? 'float32';
    this.batchInputShape = resolveBatchInputShape(options);
  }

  /** Create the weights for an input shape (with batch dimension). Idempotent for the same shape. */
  build(inputShape: Shape): void {
    if (this.built) {
      if (this.inputShape && !sameShape(this.inputShape.slice(1), inputShape.slice(1))) {
        throw new ShapeMismatchError(`layer "${this.name}" (${this.className}) was built for another input`, this.inputShape, inputShape, this.name);
      }
      return;
    }
    this.buildWeights(inputShape);
    this.inputShape = [...inputShape];
    this.built = true;
  }

  /** Create weights for the input shape; layers without weights do nothing. */
  protected buildWeights(_inputShape: Shape): void {}

  /** Output shape for an input shape (both with batch dimension). */
  abstract computeOutputShape(inputShape: Shape): Shape;

  /**
   * Forward pass on a batch. `mask` is the incoming mask when the layer before produced one (see
   * {@link computeMask}); layers that do not use masks ignore it.
   */
  abstract call(input: Tensor, ctx: CallContext, mask?: Mask | null): Tensor;

  /**
   * Whether the layer accepts a masked input and passes the mask on unchanged (Keras'
   * `supports_masking`: Dense, Activation, Dropout, ...). A layer that neither supports masking nor
   * overrides {@link computeMask} drops an incoming mask, as Keras 3 does (with a warning there).
   */
  readonly supportsMasking: boolean = false;

  /**
   * The mask of this layer's output (Keras' `compute_mask`), from its input and the input's mask.
   * The default passes the mask on when {@link supportsMasking}, else returns null. Embedding
   * (`mask_zero`) and Masking create masks; RNNs without `return_sequences` consume them.
   */
  computeMask(_input: Tensor, mask: Mask | null, _ctx?: CallContext): Mask | null {
    return this.supportsMasking ? mask : null;
  }

  /**
   * Training-mode forward pass that keeps what {@link LayerTape.backward} needs. Layers that can be
   * trained through (Dense, LSTM, Activation, Dropout, InputLayer) override it; the default throws.
   *
   * @throws {UnsupportedError} if the layer has no backward pass.
   */
  forwardTrain(_input: Tensor, _ctx: TrainCallContext, _mask?: Mask | null): LayerTape {
    throw new UnsupportedError(`layer "${this.name}" (${this.className}) has no backward pass, so a model containing it cannot be trained`, this.name);
  }

  /** Add a weight; used by subclasses in {@link buildWeights}. */
  protected addWeight(name: string, shape: readonly number[], values: Float32Array, trainable = true): LayerWeight {
    // (weights from initializers were checked before allocation, in Initializer.init)
    checkDeclaredShape(shape, `weight "${name}"`, `layer "${this.name}" (${this.className})`);
    const w: LayerWeight = new Weight(name, [...shape], new Tensor(values, shape), trainable);
    this.weightList.push(w);
    return w;
  }

  /** All weights: trainable first, then non-trainable (Keras' `layer.weights` order). */
  get weights(): readonly LayerWeight[] {
    return [...this.weightList.filter((w) => w.trainable), ...this.weightList.filter((w) => !w.trainable)];
  }

  /** Weights that fitting updates (none when the layer is frozen). */
  get trainableWeights(): readonly LayerWeight[] {
    return this.trainable ? this.weightList.filter((w) => w.trainable) : [];
  }

  /** Weights that fitting leaves alone. */
  get nonTrainableWeights(): readonly LayerWeight[] {
    return this.trainable ? this.weightList.filter((w) => !w.trainable) : this.weights;
  }

  /**
   * The weights in the order legacy HDF5 files store them for this layer (Keras' `_legacy_weights`:
   * `trainable_weights + non_trainable_weights`), which is {@link weights} for every layer but a
   * nested model, whose inner layers' trainable weights all come first.
   */
  legacyWeights(): readonly LayerWeight[] {
    return this.weights;
  }

  /**
   * Each weight's name below the layer as legacy HDF5 files store it (the dataset is
   * `<layer name>/<this name>:0`), in {@link legacyWeights} order: `kernel`, ...; wrappers prefix their inner
   * layers' names (`forward_lstm/kernel`).
   */
  storedWeightNames(): string[] {
    return this.weights.map((w) => w.name);
  }

  /**
   * Every weight with the layer that owns it (whose config holds its regularizer and constraint), in
   * {@link weights} order; wrappers report their inner layers.
   */
  weightOwners(): { weight: LayerWeight; layer: Layer }[] {
    return this.weights.map((weight) => ({ weight, layer: this as Layer }));
  }

  /** Weight values in Keras' `get_weights()` order. */
  getWeights(): Tensor[] {
    return this.weights.map((w) => w.value.clone());
  }

  /** Set weight values in Keras' `get_weights()` order; shapes must match exactly. */
  setWeights(values: readonly Tensor[]): void {
    const ws = this.weights;
    if (values.length !== ws.length) {
      throw new ShapeMismatchError(
        `layer "${this.name}" (${this.className}) expects ${ws.length} weight(s) [${ws.map((w) => w.name).join(', ')}], got ${values.length}`,
        [ws.length],
        [values.length],
        this.name,
      );
    }
    ws.forEach((w, i) => {
      const v = values[i]!;
      if (!sameShape(w.shape, v.shape)) {
        throw new ShapeMismatchError(`weight "${w.name}" of layer "${this.name}" (${this.className}) does not fit`, w.shape, v.shape, `${this.name}/${w.name}`);
      }
      w.value = new Tensor(new Float32Array(v.data), w.shape);
    });
  }

  /** Number of scalar parameters. */
  countParams(): number {
    return this.weightList.reduce((n, w) => n + w.value.size, 0);
  }

  /** The config Keras writes for this layer (snake_case keys, canonical form). */
  getConfig(): JsonObject {
    const cfg: JsonObject = { name: this.name, trainable: this.trainable };
    if (this.batchInputShape) {
      cfg.batch_input_shape = [...this.batchInputShape];
    }
    cfg.dtype = this.dtype;
    return cfg;
  }

  /**
   * This layer's variables as Keras 3 stores them in `.keras` / `.weights.h5` files (see
   * {@link Keras3VariableTree}). Default: the layer's own weights (trainable, then non-trainable) and
   * no children, which is right for a Keras layer that creates its variables itself (Dense, Conv,
   * Embedding, BatchNormalization, ...). Layers whose Keras 3 class keeps variables in sub-objects
   * override it: RNNs put them in `cell`, wrappers in their wrapped layers. Every weight of
   * {@link weights} must appear exactly once in the tree.
   */
  keras3VariableTree(): Keras3VariableTree {
    return { name: this.name, variables: this.weights, children: [] };
  }

  /**
   * The Keras 3 variable path of one of this layer's weights, below the model (`dense/kernel`,
   * `lstm/lstm_cell/kernel`, `bidirectional/forward_lstm/lstm_cell/kernel`), read from
   * {@link keras3VariableTree}: Keras 3 names optimizer slots after it.
   */
  variablePath(weight: LayerWeight): string {
    const find = (t: Keras3VariableTree, prefix: string): string | null => {
      const here = prefix ? `${prefix}/${t.name}` : t.name;
      if (t.variables.includes(weight)) return `${here}/${weight.name}`;
      for (const c of t.children) {
        const r = find(c.tree, here);
        if (r) return r;
      }
      return null;
    };
    return find(this.keras3VariableTree(), '') ?? `${this.name}/${weight.name}`;
  }

  /** Number of output tensors of a call (recurrent layers with `returnState`: 1 + states). */
  get outputCount(): number {
    return 1;
  }

  /**
   * Forget the kept state of a stateful layer (Keras' `reset_states`); layers without state do
   * nothing. Models call it on every layer.
   */
  resetStates(): void {}

  /** Keras' snake_case key for this layer's class (`LSTM` → `lstm`). */
  get classKey(): string {
    return toSnakeCase(this.className);
  }

  /** Check that an input shape has the expected rank; throws a ShapeMismatchError naming the layer. */
  protected expectRank(inputShape: Shape, rank: number | readonly number[], what: string): void {
    const ranks = typeof rank === 'number' ? [rank] : rank;
    if (!ranks.includes(inputShape.length)) {
      throw new ShapeMismatchError(
        `layer "${this.name}" (${this.className}) expects ${what}, got input of shape ${formatShape(inputShape)}`,
        ranks.length === 1 ? new Array<null>(ranks[0]!).fill(null) : [],
        inputShape,
        this.name,
      );
    }
  }

  /* ---------- functional graphs and multi-input layers ---------- */

  /**
   * Forward pass of a layer that takes a list of tensors (merge layers: `Concatenate`, `Add`, ...).
   * Single-input layers leave it undefined and are run through {@link call}.
   */
  callMulti?(inputs: readonly Tensor[], ctx: CallContext): Tensor;

  /**
   * Output shape for a list of input shapes (with batch dimension); defined together with
   * {@link callMulti}. Throws a `ShapeMismatchError` naming the layer when the shapes cannot be merged.
   */
  computeOutputShapeMulti?(inputShapes: readonly Shape[]): Shape;

  /** Training-mode forward pass of a merge layer (defined together with {@link callMulti}). */
  forwardTrainMulti?(inputs: readonly Tensor[], ctx: TrainCallContext): MultiTape;

  /** The output mask of a merge layer from its inputs' masks (Keras' `compute_mask` on lists). */
  computeMaskMulti?(inputs: readonly Tensor[], masks: readonly (Mask | null)[], ctx?: CallContext): Mask | null;

  /**
   * Inference through this layer and then `next` in one pass, when this layer knows how to (a
   * convolution followed by a max pooling computes the pooled values without storing its own full-size
   * output). Graphs call it, instead of `call` twice, only where this layer's output feeds `next` alone,
   * is no model output and the input has no mask. Returns `next.call(this.call(input))` exactly, or null
   * when this pair cannot be fused (the graph then calls both).
   */
  callFused?(next: Layer, input: Tensor, ctx: CallContext): Tensor | null;

  /**
   * Layers whose calls take extra tensors (initial states) or return several (states, a Bidirectional
   * without merge) implement these four instead of {@link call}-only behaviour: the outputs for the
   * inputs (`inputs[0]` is the data, the rest initial states), their shapes, their masks, and the
   * training tape. RNN layers reach graphs through `engine/recurrent.ts` instead.
   */
  callFull?(inputs: readonly Tensor[], ctx: CallContext, mask: Mask | null): Tensor[];
  /** See {@link callFull}: the output shapes for the input shapes. */
  computeOutputShapes?(inputShapes: readonly Shape[]): Shape[];
  /** See {@link callFull}: one mask per output. */
  computeOutputMasks?(inputs: readonly Tensor[], mask: Mask | null, ctx?: CallContext): (Mask | null)[];
  /** See {@link callFull}: the training tape (one gradient per output in, one per input out). */
  forwardTrainFull?(inputs: readonly Tensor[], ctx: TrainCallContext, mask: Mask | null): MultiTape;

  /**
   * Call the layer on symbolic tensors to build a functional graph, like Keras' `layer(x)` on
   * `keras.Input` tensors: builds the layer for the input shape and returns its output (the first
   * one for layers with several; see {@link applyAll}). Pass a list to merge layers. Calling a layer
   * again creates another node that shares the same weights.
   *
   * @example
   * const inp = Input({ shape: [1, 8] });
   * const out = new Dense({ units: 1 }).apply(new LSTM({ units: 4 }).apply(inp));
   * const model = new Functional({ inputs: inp, outputs: out });
   */
  apply(inputs: SymbolicTensor | readonly SymbolicTensor[], options: LayerCallOptions = {}): SymbolicTensor {
    return applyLayer(this, inputs, {}, options)[0]!;
  }

  /**
   * Like {@link apply}, returning every output of the call (an LSTM with `returnState`: `[output, h,
   * c]`). `options.initialState` passes other layers' states to an RNN (seq2seq decoders).
   */
  applyAll(inputs: SymbolicTensor | readonly SymbolicTensor[], options: LayerCallOptions = {}): SymbolicTensor[] {
    return applyLayer(this, inputs, {}, options);
  }
}

function sameShape(a: readonly (number | null)[], b: readonly (number | null)[]): boolean {
  return a.length === b.length && a.every((d, i) => d === null || b[i] === null || d === b[i]);
}

function resolveBatchInputShape(o: LayerOptions): Shape | null {
  if (o.batchInputShape) return [...o.batchInputShape];
  if (o.inputShape) return [o.batchSize ?? null, ...o.inputShape];
  if (o.inputDim !== undefined) return [o.batchSize ?? null, o.inputDim];
  return null;
}

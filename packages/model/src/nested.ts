/**
 * A model used as a layer of another model (Keras: a `Sequential` or `Functional` is itself a layer):
 * `Sequential([keras.Sequential([...]), Dense(3)])`, a pretrained base called on an `Input`, the same
 * base called twice (shared weights). Keras' `Model` *is* a `Layer`; here the model stays a `Model`
 * and this thin layer stands for it inside the outer graph, so that `layers` (which knows nothing of
 * models) keeps pointing down only: `layers` ← `model` (this file) ← `io-*`.
 *
 * What it does as Keras 3 does (keras/src/models/functional.py, sequential.py, layers/layer.py):
 * - weights: the inner layers' weights, in Keras' `model.weights` order (layer by layer); legacy HDF5
 *   files store them as `trainable_weights + non_trainable_weights` (`_legacy_weights`), see
 *   {@link ModelLayer.legacyWeights};
 * - `trainable` is the model's: setting it sets every inner layer's (Keras 3's recursive setter), so a
 *   frozen base's BatchNormalization runs in inference mode during training;
 * - masks: the incoming mask reaches the inner model's input, the inner output's mask comes out;
 * - `.keras` layout: `layers/<snake_case(class)>[_N]/layers/<inner key>/vars/...`, the model's own
 *   (empty) `vars` group named after it.
 */
import { Layer, toSnakeCase, type CallContext, type JsonObject, type Keras3VariableTree, type LayerTape, type LayerWeight, type Mask, type Shape, type TrainCallContext } from '@kerasts/layers';
import { ConfigError, KerastsError, ShapeMismatchError, UnsupportedError, withContext, type Tensor } from '@kerasts/tensor';
import type { Model } from './model.js';
import type { LayerSpec, ModelConfig } from './types.js';

/** Builds a model from a canonical config; set by functional.ts (which knows both model classes) to keep the module graph acyclic. */
let buildModel: ((config: ModelConfig, source: string) => Model) | null = null;

/** @internal Called once by functional.ts. */
export function setNestedModelBuilder(build: (config: ModelConfig, source: string) => Model): void {
  buildModel = build;
}

/**
 * @internal The layer for a nested model's spec (`spec.model`): the inner model built from its config,
 * with the entry's `trainable` applied as Keras' `from_config` does (a Functional's setter reaches its
 * layers; a Sequential's runs before it has any).
 */
export function nestedFromSpec(spec: LayerSpec, where: string): ModelLayer {
  if (!spec.model || !buildModel) throw new ConfigError(`layer spec "${String(spec.config.name)}" (${spec.className}) holds no model config`, where);
  const inner = buildModel(spec.model, where);
  if (typeof spec.config.name === 'string') inner.name = spec.config.name;
  if (spec.config.trainable === false) {
    if (spec.model.className === 'Functional') inner.trainable = false;
    else inner.setTrainableFlag(false);
  }
  try {
    return inner.asLayer();
  } catch (e) {
    // (several inputs or outputs) name the entry in the file, not only the model
    throw e instanceof KerastsError ? withContext(e, where) : e;
  }
}

/** Keras' `_get_unique_name` inside one container: `x`, `x_1`, `x_2`, ... per snake_case class name. */
function containerKeys(classNames: readonly string[]): string[] {
  const used = new Map<string, number>();
  return classNames.map((cls) => {
    const base = toSnakeCase(cls);
    const n = used.get(base);
    used.set(base, n === undefined ? 0 : n + 1);
    return n === undefined ? base : `${base}_${n + 1}`;
  });
}

/**
 * A Sequential or Functional model standing as one layer of an outer model. Make one with
 * `model.asLayer()` (the same object each time, so two calls share weights), or just pass the model
 * where a layer goes: `new Sequential([inner, new Dense(3)])`, `base.apply(x)`.
 * `outer.getLayer('block')` returns this layer; its {@link model} is the inner model.
 */
export class ModelLayer extends Layer {
  /** `Sequential` or `Functional`: the class Keras writes for the nested model. */
  readonly className: string;
  /** The inner model. */
  readonly model: Model;
  /** The masks of the last inference call, so {@link computeMask} need not run the model again. */
  private lastMasks: { input: Tensor; mask: Mask | null; out: Mask | null } | null = null;

  /** @internal Use `model.asLayer()`. */
  constructor(model: Model) {
    super({ name: model.name }, 'model');
    this.model = model;
    this.className = model.toConfig().className;
    if (model.inputNames.length > 1 || (model.built && (model.outputShapes?.length ?? 1) > 1)) {
      throw new UnsupportedError(
        `unsupported: model "${model.name}" has ${model.inputNames.length} input(s) and ${model.outputShapes?.length ?? '?'} output(s); kerasts nests models with one input and one output`,
        model.name,
      );
    }
    // `trainable` is the model's (see the file comment): an accessor over the field Layer declares.
    Object.defineProperty(this, 'trainable', {
      get: (): boolean => model.trainable,
      set: (v: boolean) => {
        model.trainable = v;
      },
      enumerable: true,
      configurable: true,
    });
    // the input shape a Sequential holding this layer first learns from it (Keras 2.0's list form has no InputLayer)
    this.batchInputShape = model.inputShapes?.[0] ?? null;
    if (model.built) {
      this.built = true;
      this.inputShape = model.inputShapes?.[0] ?? null;
    }
  }

  protected override buildWeights(inputShape: Shape): void {
    if (!this.model.built) this.model.build(inputShape);
    else this.model.build(inputShape); // checks the shape against the built one
  }

  computeOutputShape(inputShape: Shape): Shape {
    if (!this.model.built) this.model.build(inputShape);
    const out = this.model.outputShapes;
    if (!out || out.length !== 1) throw new UnsupportedError(`unsupported: nested model "${this.name}" must have one output`, this.name);
    return [inputShape[0] ?? null, ...out[0]!.slice(1)];
  }

  override readonly supportsMasking = true;

  call(input: Tensor, ctx: CallContext, mask?: Mask | null): Tensor {
    const r = this.model.callGraph([input], ctx, [mask ?? null]);
    this.lastMasks = { input, mask: mask ?? null, out: r.masks[0] ?? null };
    return r.outputs[0]!;
  }

  override computeMask(input: Tensor, mask: Mask | null, ctx?: CallContext): Mask | null {
    const last = this.lastMasks;
    this.lastMasks = null;
    if (last && last.input === input && last.mask === mask) return last.out;
    if (!ctx) return null;
    return this.model.callGraph([input], ctx, [mask]).masks[0] ?? null;
  }

  override forwardTrain(input: Tensor, ctx: TrainCallContext, mask?: Mask | null): LayerTape {
    const tape = this.model.trainGraphFor([input], {
      random: ctx.random,
      training: ctx.training,
      keepStates: ctx.keepStates ?? true,
      ctx,
      inputMasks: [mask ?? null],
      needInputGrad: ctx.needInputGrad,
    });
    if (tape.extraLoss !== 0) {
      throw new UnsupportedError(`unsupported: training through nested model "${this.name}", whose layers have activity regularizers`, this.name);
    }
    this.lastMasks = { input, mask: mask ?? null, out: tape.masks?.[0] ?? null };
    return {
      output: tape.outputs[0]!,
      ...(tape.stateUpdates ? { stateUpdates: tape.stateUpdates } : {}),
      backward: (dOutput) => {
        const weightGrads = tape.backward([dOutput]);
        return { dInput: ctx.needInputGrad ? (tape.inputGradients?.()[0] ?? null) : null, weightGrads };
      },
    };
  }

  /** The inner model's layers as Keras 3's saving walks them (no keras.ops nodes; a Sequential's without its InputLayer). */
  private savedLayers(): readonly Layer[] {
    return this.model.layers.filter((l) => l.className !== 'NumpyOperation');
  }

  /** Keras' `model.weights`: each inner layer's weights, layer by layer. */
  override get weights(): readonly LayerWeight[] {
    const seen = new Set<LayerWeight>();
    return this.model.layers.flatMap((l) => l.weights).filter((w) => (seen.has(w) ? false : (seen.add(w), true)));
  }

  override get trainableWeights(): readonly LayerWeight[] {
    return this.trainable ? this.model.trainableWeights : [];
  }

  override get nonTrainableWeights(): readonly LayerWeight[] {
    if (!this.trainable) return this.weights;
    const trainable = new Set(this.model.trainableWeights);
    return this.weights.filter((w) => !trainable.has(w));
  }

  /**
   * The weights in the order legacy HDF5 files keep them for this layer: Keras' `_legacy_weights`,
   * `trainable_weights + non_trainable_weights` (a frozen model: all of them, layer by layer).
   */
  override legacyWeights(): readonly LayerWeight[] {
    return [...this.trainableWeights, ...this.nonTrainableWeights];
  }

  /** Names for {@link legacyWeights}: each weight's path below this model (`dense/kernel`, `lstm/lstm_cell/kernel`). */
  override storedWeightNames(): string[] {
    return this.legacyWeights().map((w) => this.innerPath(w));
  }

  /** A weight's path below this model's layers (`dense/kernel`), as tf.keras names it. */
  private innerPath(w: LayerWeight): string {
    for (const l of this.model.layers) if (l.weights.includes(w)) return l.variablePath(w);
    return w.name;
  }

  override weightOwners(): { weight: LayerWeight; layer: Layer }[] {
    const seen = new Set<LayerWeight>();
    return this.model.layers.flatMap((l) => l.weightOwners()).filter((o) => (seen.has(o.weight) ? false : (seen.add(o.weight), true)));
  }

  override setWeights(values: readonly Tensor[]): void {
    const ws = this.weights;
    if (values.length !== ws.length) {
      throw new ShapeMismatchError(`nested model "${this.name}" expects ${ws.length} weight(s), got ${values.length}`, [ws.length], [values.length], this.name);
    }
    let i = 0;
    for (const l of this.model.layers) {
      const n = l.weights.length;
      l.setWeights(values.slice(i, i + n));
      i += n;
    }
  }

  override countParams(): number {
    return this.weights.reduce((n, w) => n + w.value.size, 0);
  }

  /** `{name, trainable}`: the inner architecture travels as the spec's `model` (see `LayerSpec`). */
  override getConfig(): JsonObject {
    return { name: this.name, trainable: this.trainable };
  }

  /** Keras 3's layout: the model's own `vars` (none) and its layers under `layers/<key>`. */
  override keras3VariableTree(): Keras3VariableTree {
    const layers = this.savedLayers();
    const keys = containerKeys(layers.map((l) => l.className));
    return { name: this.name, variables: [], children: layers.map((l, i) => ({ key: `layers/${keys[i]!}`, tree: l.keras3VariableTree() })) };
  }

  /** Keras 3 variable path of an inner weight, as the inner model names it (a Sequential prefixes its name, a Functional does not). */
  override variablePath(weight: LayerWeight): string {
    return this.model.variablePathOf(weight);
  }

  override resetStates(): void {
    for (const l of this.model.layers) l.resetStates();
  }
}

/** Whether a layer stands for a nested model. */
export function isModelLayer(layer: Layer): layer is ModelLayer {
  return layer instanceof ModelLayer;
}

/** @internal The error for a model given where a model cannot go (itself, a model inside itself). */
export function selfNestingError(model: Model, where: string): ConfigError {
  return new ConfigError(`model "${model.name}" cannot contain itself`, where);
}

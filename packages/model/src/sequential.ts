import { buildForShapes, checkOptions, deserializeLayer, InputLayer, Layer, runNode, trainNode, uniqueName, type CallContext, type JsonValue, type LayerWeight, type Mask, type NodeTape, type Shape } from '@kerasts/layers';
import { ConfigError, KerastsError, Tensor, recycleFloat32, withContext, withParameterBudget } from '@kerasts/tensor';
import { getRegularizer, type Regularizer } from './training/regularizers.js';
import type { GraphRunOptions, GraphTape } from './training/trainer.js';
import { Model } from './model.js';
import { runConv1DFold, sequentialConv1DFold } from './conv1d-folds.js';
import type { SummaryRow } from './summary.js';
import type { LayerSpec, ModelConfig } from './types.js';
import { ModelLayer, nestedFromSpec, selfNestingError } from './nested.js';

/** Options of {@link Sequential}. */
export interface SequentialOptions {
  /** Model name (default `sequential`, `sequential_1`, ...). */
  name?: string;
  /** The layers, in order (an `InputLayer` first declares the input shape); a model among them is nested (see `Model.asLayer`). */
  layers?: readonly (Layer | Model)[];
}

const SEQUENTIAL_KEYS: Readonly<Record<keyof SequentialOptions, true>> = { name: true, layers: true };

/** A linear stack of layers, as Keras' `Sequential`. */
export class Sequential extends Model {
  private readonly stack: Layer[] = [];
  /** Names of the layers in `stack` (a Set: `add` stays O(1), so building n layers is O(n)). */
  private readonly names = new Set<string>();
  private inputLayer: InputLayer | null = null;
  private builtShape: Shape | null = null;
  private outShapes: Shape[] | null = null;
  private layerOutputShapes: Shape[][] = [];
  /** Input shape passed to build() when no layer declared one (Keras' `build_input_shape`). */
  buildInputShape: Shape | null = null;

  /**
   * `new Sequential([layers], { name })` as Keras' `Sequential([...])`, or `new Sequential({ layers, name })`.
   *
   * @throws {ConfigError} for an unknown option, or an element that is not a layer instance.
   */
  constructor(layers?: readonly (Layer | Model)[], options?: Omit<SequentialOptions, 'layers'>);
  constructor(options?: SequentialOptions);
  constructor(first?: readonly (Layer | Model)[] | SequentialOptions, more?: Omit<SequentialOptions, 'layers'>) {
    const positional = Array.isArray(first);
    const options: SequentialOptions = positional ? { ...(more ?? {}), layers: first as readonly (Layer | Model)[] } : ((first ?? {}) as SequentialOptions);
    if (positional) checkOptions('Sequential', more, ['name']);
    else {
      if (more !== undefined) throw new ConfigError('new Sequential(...) takes (layers, options) or (options)', 'Sequential');
      checkOptions('Sequential', first, Object.keys(SEQUENTIAL_KEYS));
    }
    super(options.name ?? uniqueName('sequential'));
    if (options.layers !== undefined && !Array.isArray(options.layers)) throw new ConfigError(`Sequential layers must be a list of layers, found ${typeof options.layers}`, this.name);
    for (const l of options.layers ?? []) this.add(l);
  }

  get layers(): readonly Layer[] {
    return this.stack;
  }

  /** The explicit or implicit input layer, if the input shape is known. */
  get input(): InputLayer | null {
    return this.inputLayer;
  }

  /** Append a layer. An `InputLayer` first declares the input shape; a model is nested as one layer (Keras' `Sequential([inner, ...])`). */
  add(item: Layer | Model): void {
    if (item instanceof Model) {
      if (item === this) throw selfNestingError(this, this.name);
    }
    const layer = item instanceof Model ? item.asLayer() : item;
    if (!(layer instanceof Layer)) {
      const what = typeof layer === 'function' ? `the class ${(layer as { name?: string }).name ?? '?'} (call it with new: new ${(layer as { name?: string }).name ?? 'Layer'}(...))` : layer === null ? 'null' : typeof layer;
      throw new ConfigError(`Sequential "${this.name}" takes layer instances, found ${what}`, this.name);
    }
    if (layer instanceof InputLayer) {
      if (this.stack.length > 0 || this.inputLayer) throw new ConfigError(`an InputLayer can only come first in Sequential "${this.name}"`, layer.name);
      this.inputLayer = layer;
      return;
    }
    if (this.names.has(layer.name)) {
      throw new ConfigError(`all layers in a model need unique names; "${layer.name}" is already in "${this.name}"`, layer.name);
    }
    const prev = this.stack[this.stack.length - 1];
    if (prev && this.built && (this.layerOutputShapes[this.stack.length - 1]?.length ?? 1) > 1) {
      throw new ConfigError(`layer "${prev.name}" returns several tensors (returnState, or a Bidirectional without merge mode) and can only be the last layer of a Sequential`, prev.name);
    }
    if (typeof layer.callMulti === 'function') {
      throw new ConfigError(`layer "${layer.name}" (${layer.className}) merges several tensors and cannot be part of a Sequential; use a functional model`, layer.name);
    }
    this.stack.push(layer);
    this.names.add(layer.name);
    // Built already: build only the new layer on the last output shape (rebuilding every layer on
    // each add made n adds O(n²): 8,000 layers took 4.5 s).
    if (this.outShapes !== null && this.layerOutputShapes.length === this.stack.length - 1) {
      const cur = this.layerOutputShapes.length > 0 ? this.layerOutputShapes[this.layerOutputShapes.length - 1]![0]! : this.builtShape!;
      try {
        this.buildLayer(layer, cur);
        this.outShapes = this.layerOutputShapes[this.layerOutputShapes.length - 1]!;
      } catch (err) {
        this.invalidate();
        throw err;
      }
      return;
    }
    this.invalidate();
    if (this.declaredInputShape()) this.build();
  }

  /** Build one layer on `cur` and record its output shapes. */
  private buildLayer(l: Layer, cur: Shape): Shape[] {
    const outs = buildForShapes(l, [cur]);
    this.layerOutputShapes.push(outs);
    return outs;
  }

  /** Remove the last layer. */
  pop(): Layer {
    const l = this.stack.pop();
    if (!l) throw new ConfigError(`Sequential "${this.name}" has no layers to pop`, this.name);
    this.names.delete(l.name);
    this.invalidate();
    if (this.stack.length > 0 && this.declaredInputShape()) this.build();
    return l;
  }

  private invalidate(): void {
    this.outShapes = null;
    this.layerOutputShapes = [];
  }

  private declaredInputShape(): Shape | null {
    if (this.inputLayer?.batchInputShape) return this.inputLayer.batchInputShape;
    const first = this.stack[0];
    if (first?.batchInputShape) return first.batchInputShape;
    return this.builtShape ?? this.buildInputShape;
  }

  get inputShapes(): Shape[] | null {
    const s = this.declaredInputShape();
    return s ? [s] : null;
  }

  get outputShapes(): Shape[] | null {
    return this.outShapes;
  }

  get built(): boolean {
    return this.outShapes !== null;
  }

  build(inputShape?: Shape): void {
    const shape = inputShape ?? this.declaredInputShape();
    if (!shape) {
      throw new ConfigError(
        `Sequential "${this.name}" does not know its input shape: give the first layer an inputShape, add an InputLayer, or call build([null, ...])`,
        this.name,
      );
    }
    if (inputShape && !this.declaredInputShape()) this.buildInputShape = [...inputShape];
    if (!this.inputLayer) {
      // Implicit input layer, as Keras creates one; its name follows the Keras 3 convention.
      this.inputLayer = new InputLayer({ batchInputShape: shape, name: uniqueName('input_layer') });
    }
    this.builtShape = [...shape];
    let cur: Shape = shape;
    this.layerOutputShapes = [];
    this.stack.forEach((l, i) => {
      const outs = this.buildLayer(l, cur);
      if (outs.length > 1 && i < this.stack.length - 1) {
        throw new ConfigError(`layer "${l.name}" returns several tensors (returnState, or a Bidirectional without merge mode) and can only be the last layer of a Sequential`, l.name);
      }
      cur = outs[0]!;
    });
    this.outShapes = this.stack.length ? this.layerOutputShapes[this.layerOutputShapes.length - 1]! : [shape];
  }

  /** The layers in order, each on the previous output and its mask (Keras 3's `Sequential.call`). */
  protected runGraph(inputs: Tensor[], ctx: CallContext, inputMasks: readonly (Mask | null)[] = []): { outputs: Tensor[]; masks: (Mask | null)[] } {
    let outputs: Tensor[] = [inputs[0]!];
    let masks: (Mask | null)[] = [inputMasks[0] ?? null];
    const stack = this.stack;
    for (let i = 0; i < stack.length; i++) {
      const l = stack[i]!;
      const prev = outputs[0]!;
      // Embedding → Conv1D from kept token projections (conv1d-folds.ts); the Conv1D's output has no mask
      const j = l.className === 'Embedding' ? sequentialConv1DFold(stack, i) : -1;
      const folded = j >= 0 ? runConv1DFold(l, stack[j]!, prev, ctx) : null;
      // A layer that can compute itself and the next one in one pass (a convolution and its max
      // pooling) does, when no mask flows: the intermediate activation is no output of a Sequential.
      const next = stack[i + 1];
      const fused = folded === null && next !== undefined && masks[0] == null && typeof l.callFused === 'function' ? l.callFused(next, prev, ctx) : null;
      let r: { outputs: Tensor[]; masks: (Mask | null)[] };
      if (folded !== null) {
        r = { outputs: [folded], masks: [null] };
        i = j;
      } else if (fused !== null) {
        r = { outputs: [fused], masks: [null] };
        i++;
      } else {
        r = runNode(l, [prev], ctx, [masks[0] ?? null]);
      }
      outputs = r.outputs;
      masks = r.masks;
      // The previous activation is dead now unless the layer passed it on (Dropout, Reshape share it):
      // a large one the kernels took from their buffer pool (an Embedding's output) serves the next batch.
      if (prev !== inputs[0] && !outputs.some((o) => o.data.buffer === prev.data.buffer) && !masks.some((m) => m !== null && m.data.buffer === prev.data.buffer)) {
        recycleFloat32([prev.data]);
      }
    }
    return { outputs, masks };
  }

  /** The input layer's name (`[]` while the input shape is unknown and no InputLayer was given). */
  get inputNames(): string[] {
    return this.inputLayer ? [this.inputLayer.name] : [];
  }

  /** The last layer's name, once per output it gives (an RNN with returnState gives its states too). */
  get outputNames(): string[] {
    const last = this.stack[this.stack.length - 1];
    if (!last) return this.inputNames;
    return Array.from({ length: this.outShapes?.length ?? 1 }, () => last.name);
  }

  /** The activity regularizer of a layer (from its kept Keras config), or null. */
  private activityRegularizer(layer: Layer): Regularizer | null {
    const kept = (layer as unknown as { kept?: Record<string, JsonValue> }).kept;
    const cfg = kept?.activity_regularizer ?? null;
    return cfg === null ? null : getRegularizer(cfg, `${layer.name}.activity_regularizer`);
  }

  protected override needsGraphForEval(): boolean {
    return this.stack.some((l) => this.activityRegularizer(l) !== null);
  }

  protected override weightPath(layer: Layer, weight: LayerWeight): string {
    // Keras 3 variable paths below a Sequential start with its name (`sequential/lstm/lstm_cell/kernel`).
    return `${this.name}/${layer.variablePath(weight)}`;
  }

  /**
   * Training-mode forward pass: each layer's `forwardTrain`, then the backward pass through the layers
   * from the last down to the first one with trainable weights (layers before it are only run forward).
   */
  protected override trainGraph(inputs: Tensor[], options: GraphRunOptions): GraphTape {
    const { random, training, keepStates } = options;
    const n = this.stack.length;
    const ctx = options.ctx ? { ...options.ctx, training } : this.context(training);
    // a nested Sequential may owe its caller ∂L/∂input: then every layer passes its input gradient on
    const needIn = options.needInputGrad === true;
    const firstTrainable = needIn ? 0 : this.stack.findIndex((l) => l.trainableWeights.length > 0);
    let dInput: Tensor | null = null;
    const tapes: NodeTape[] = [];
    const activity: (Regularizer | null)[] = [];
    let extraLoss = 0;
    let outputs: Tensor[] = [inputs[0]!];
    let masks: (Mask | null)[] = [options.inputMasks?.[0] ?? null];
    for (let i = 0; i < n; i++) {
      const l = this.stack[i]!;
      const tape = trainNode(l, [outputs[0]!], { ...ctx, needInputGrad: needIn || (firstTrainable >= 0 && i > firstTrainable), random, keepStates }, [masks[0] ?? null]);
      tapes.push(tape);
      const reg = this.activityRegularizer(l);
      activity.push(reg);
      if (reg) {
        const out = tape.outputs[0]!;
        const batch = out.shape[0] ?? 1;
        extraLoss = Math.fround(extraLoss + (batch > 0 ? Math.fround(reg.penalty(out.data) / batch) : 0));
      }
      outputs = tape.outputs;
      masks = tape.masks;
    }
    return {
      outputs,
      masks,
      extraLoss,
      stateUpdates: tapes.flatMap((t) => t.stateUpdates ?? []),
      inputGradients: () => [dInput],
      backward: (dOutputs: (Tensor | null)[]): Map<LayerWeight, Tensor> => {
        const grads = new Map<LayerWeight, Tensor>();
        if (firstTrainable < 0) return grads;
        let d: (Tensor | null)[] = dOutputs;
        for (let i = n - 1; i >= firstTrainable; i--) {
          const reg = activity[i];
          if (reg) {
            const out = tapes[i]!.outputs[0]!;
            const dd = d[0] ? d[0].data.slice() : new Float32Array(out.size);
            reg.addGradient(out.data, dd, 1 / (out.shape[0] || 1));
            d = [new Tensor(dd, out.shape), ...d.slice(1)];
          }
          if (d.every((x) => x === null)) break;
          const res = tapes[i]!.backward(d);
          for (const [w, g] of res.weightGrads) grads.set(w, g);
          // ∂L/∂output of this layer is spent unless the layer passed it on (Flatten, Reshape share it) or
          // made a weight gradient of it: a pooled one (a convolution's or a pooling's input gradient)
          // serves the next step
          const dOut = d[0];
          if (dOut && i < n - 1) {
            const buf = dOut.data.buffer;
            const kept = res.dInputs.some((t) => t !== null && t.data.buffer === buf) || [...res.weightGrads.values()].some((g) => g.data.buffer === buf);
            if (!kept) recycleFloat32([dOut.data]);
          }
          if (i === firstTrainable) {
            if (needIn) dInput = res.dInputs[0] ?? null;
            break;
          }
          const dIn = res.dInputs[0] ?? null;
          if (!dIn) throw new KerastsError(`layer "${this.stack[i]!.name}" gave no input gradient`, this.stack[i]!.name);
          d = [dIn];
        }
        // Activations no one keeps any more (not the model's output, nor sharing its data) go back to
        // the buffer pool through their layers, for the next step.
        const finals = new Set(outputs.map((t) => t.data.buffer));
        for (let i = 0; i < n - 1; i++) {
          const tape = tapes[i]!;
          if (tape.release && !tape.outputs.some((t) => finals.has(t.data.buffer))) tape.release();
        }
        return grads;
      },
    };
  }

  /** Reset the state of every stateful layer. */
  resetStates(): void {
    for (const l of this.stack) (l as unknown as { resetStates?: () => void }).resetStates?.();
  }

  protected summaryRows(): SummaryRow[] {
    return this.stack.map((layer, i) => {
      const shapes = this.layerOutputShapes[i];
      return { layer, nodeOutputs: shapes ? [shapes.map((s) => [...s])] : [], connections: [], built: layer.built && shapes !== undefined };
    });
  }

  toConfig(): ModelConfig {
    const layers: LayerSpec[] = this.stack.map((l) => (l instanceof ModelLayer ? { className: l.className, config: l.getConfig(), model: l.model.toConfig() } : { className: l.className, config: l.getConfig() }));
    if (this.inputLayer) layers.unshift({ className: 'InputLayer', config: this.inputLayer.getConfig() });
    return {
      className: 'Sequential',
      name: this.name,
      layers,
      buildInputShape: this.buildInputShape,
      kerasVersion: this.kerasVersion,
      backend: this.backend,
    };
  }

  /** Build a Sequential from a canonical config (layers through the registry). */
  static fromConfig(config: ModelConfig, options: { source?: string } = {}): Sequential {
    if (config.className !== 'Sequential') {
      throw new ConfigError(`a ${config.className} config cannot build a Sequential; use modelFromConfig`, options.source ?? config.name ?? '');
    }
    // one parameter budget for the whole model (maxParameters), and errors that name the file
    return withParameterBudget(() => {
      const model = new Sequential(config.name ? { name: config.name } : {});
      model.kerasVersion = config.kerasVersion;
      model.backend = config.backend;
      config.layers.forEach((spec, i) => {
        const where = `${options.source ? `${options.source}: ` : ''}layers[${i}]`;
        const layer = spec.model ? nestedFromSpec(spec, where) : deserializeLayer(spec.className, spec.config, where);
        try {
          model.add(layer);
        } catch (err) {
          throw err instanceof KerastsError ? withContext(err, where) : err;
        }
      });
      if (config.buildInputShape && !model.built) {
        try {
          model.build(config.buildInputShape);
        } catch (err) {
          throw err instanceof KerastsError ? withContext(err, options.source ?? '') : err;
        }
      }
      return model;
    });
  }
}

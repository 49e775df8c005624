import { checkOptions, deserializeLayer, InputLayer, Layer, LSTM, uniqueName, type CallContext, type JsonValue, type LayerWeight, type Shape } from '@kerasts/layers';
import { ConfigError, KerastsError, Tensor, UnsupportedError } from '@kerasts/tensor';
import { getRegularizer, type Regularizer } from './training/regularizers.js';
import type { GraphRunOptions, GraphTape, LayerTapeOf } from './training/trainer.js';
import { Model } from './model.js';
import type { SummaryRow } from './summary.js';
import type { ModelConfig } from './types.js';

/** Options of {@link Sequential}. */
export interface SequentialOptions {
  /** Model name (default `sequential`, `sequential_1`, ...). */
  name?: string;
  /** The layers, in order (an `InputLayer` first declares the input shape). */
  layers?: readonly Layer[];
}

const SEQUENTIAL_KEYS: Readonly<Record<keyof SequentialOptions, true>> = { name: true, layers: true };

/** A linear stack of layers, as Keras' `Sequential`. */
export class Sequential extends Model {
  private readonly stack: Layer[] = [];
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
  constructor(layers?: readonly Layer[], options?: Omit<SequentialOptions, 'layers'>);
  constructor(options?: SequentialOptions);
  constructor(first?: readonly Layer[] | SequentialOptions, more?: Omit<SequentialOptions, 'layers'>) {
    const positional = Array.isArray(first);
    const options: SequentialOptions = positional ? { ...(more ?? {}), layers: first as readonly Layer[] } : ((first ?? {}) as SequentialOptions);
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

  /** Append a layer. An `InputLayer` first declares the input shape. */
  add(layer: Layer): void {
    if (!(layer instanceof Layer)) {
      const what = typeof layer === 'function' ? `the class ${(layer as { name?: string }).name ?? '?'} (call it with new: new ${(layer as { name?: string }).name ?? 'Layer'}(...))` : layer === null ? 'null' : typeof layer;
      throw new ConfigError(`Sequential "${this.name}" takes layer instances, found ${what}`, this.name);
    }
    if (layer instanceof InputLayer) {
      if (this.stack.length > 0 || this.inputLayer) throw new KerastsError(`an InputLayer can only come first in Sequential "${this.name}"`, layer.name);
      this.inputLayer = layer;
      return;
    }
    if (this.stack.some((l) => l.name === layer.name)) {
      throw new KerastsError(`all layers in a model need unique names; "${layer.name}" is already in "${this.name}"`, layer.name);
    }
    const prev = this.stack[this.stack.length - 1];
    if (prev instanceof LSTM && prev.returnState) {
      throw new KerastsError(`layer "${prev.name}" returns several tensors (returnState) and can only be the last layer of a Sequential`, prev.name);
    }
    this.stack.push(layer);
    this.invalidate();
    if (this.built || this.declaredInputShape()) this.build();
  }

  /** Remove the last layer. */
  pop(): Layer {
    const l = this.stack.pop();
    if (!l) throw new KerastsError(`Sequential "${this.name}" has no layers to pop`, this.name);
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

  /** The input layer's name (`[]` while the input shape is unknown and no InputLayer was given). */
  get inputNames(): string[] {
    return this.inputLayer ? [this.inputLayer.name] : [];
  }

  /** The last layer's name, once per output it gives. */
  get outputNames(): string[] {
    const last = this.stack[this.stack.length - 1];
    if (!last) return this.inputNames;
    return Array.from({ length: last instanceof LSTM && last.returnState ? 3 : 1 }, () => last.name);
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
      throw new KerastsError(
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
    for (const l of this.stack) {
      l.build(cur);
      const out = l.computeOutputShape(cur);
      if (l instanceof LSTM && l.returnState) {
        this.layerOutputShapes.push([out, [cur[0] ?? null, l.units], [cur[0] ?? null, l.units]]);
      } else {
        this.layerOutputShapes.push([out]);
      }
      cur = out;
    }
    this.outShapes = this.stack.length ? this.layerOutputShapes[this.layerOutputShapes.length - 1]! : [shape];
  }

  protected runGraph(inputs: Tensor[], ctx: CallContext): Tensor[] {
    let x = inputs[0]!;
    const n = this.stack.length;
    for (let i = 0; i < n; i++) {
      const l = this.stack[i]!;
      if (i === n - 1 && l instanceof LSTM && l.returnState) return l.callWithState(x, ctx);
      x = l.call(x, ctx);
    }
    return [x];
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
    // Keras 3 variable paths: an LSTM's weights belong to its cell.
    return layer instanceof LSTM ? `${this.name}/${layer.name}/lstm_cell/${weight.name}` : `${this.name}/${layer.name}/${weight.name}`;
  }

  /**
   * Training-mode forward pass: each layer's `forwardTrain`, then the backward pass through the layers
   * from the last down to the first one with trainable weights (layers before it are only run forward).
   */
  protected override trainGraph(inputs: Tensor[], options: GraphRunOptions): GraphTape {
    const { random, training, keepStates } = options;
    const n = this.stack.length;
    const last = this.stack[n - 1];
    if (last instanceof LSTM && last.returnState) {
      throw new UnsupportedError(`layer "${last.name}" returns its states (returnState); training a model with several outputs is not supported`, last.name);
    }
    const hardSigmoid = this.context(training).hardSigmoid;
    const firstTrainable = this.stack.findIndex((l) => l.trainableWeights.length > 0);
    const tapes: LayerTapeOf[] = [];
    const activity: (Regularizer | null)[] = [];
    let extraLoss = 0;
    let x = inputs[0]!;
    for (let i = 0; i < n; i++) {
      const l = this.stack[i]!;
      const tape = l.forwardTrain(x, { training, hardSigmoid, needInputGrad: firstTrainable >= 0 && i > firstTrainable, random, keepStates });
      tapes.push(tape);
      const reg = this.activityRegularizer(l);
      activity.push(reg);
      if (reg) {
        const batch = tape.output.shape[0] ?? 1;
        extraLoss = Math.fround(extraLoss + (batch > 0 ? Math.fround(reg.penalty(tape.output.data) / batch) : 0));
      }
      x = tape.output;
    }
    return {
      outputs: [x],
      extraLoss,
      stateUpdates: tapes.flatMap((t) => t.stateUpdates ?? []),
      backward: (dOutputs: Tensor[]): Map<LayerWeight, Tensor> => {
        const grads = new Map<LayerWeight, Tensor>();
        if (firstTrainable < 0) return grads;
        let d = dOutputs[0]!;
        for (let i = n - 1; i >= firstTrainable; i--) {
          const reg = activity[i];
          if (reg) {
            const out = tapes[i]!.output;
            const dd = d.data.slice();
            reg.addGradient(out.data, dd, 1 / (out.shape[0] || 1));
            d = new Tensor(dd, d.shape);
          }
          const res = tapes[i]!.backward(d);
          for (const [w, g] of res.weightGrads) grads.set(w, g);
          if (i === firstTrainable) break;
          if (!res.dInput) throw new KerastsError(`layer "${this.stack[i]!.name}" gave no input gradient`, this.stack[i]!.name);
          d = res.dInput;
        }
        return grads;
      },
    };
  }

  /** Reset the state of every stateful layer. */
  resetStates(): void {
    for (const l of this.stack) if (l instanceof LSTM) l.resetStates();
  }

  protected summaryRows(): SummaryRow[] {
    return this.stack.map((layer, i) => {
      const shapes = this.layerOutputShapes[i] ?? [];
      return { layer, outputShape: shapes.length === 1 ? shapes[0]! : shapes };
    });
  }

  toConfig(): ModelConfig {
    const layers = this.stack.map((l) => ({ className: l.className, config: l.getConfig() }));
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
      throw new KerastsError(`a ${config.className} config cannot build a Sequential; use modelFromConfig`, options.source ?? config.name ?? '');
    }
    const model = new Sequential(config.name ? { name: config.name } : {});
    model.kerasVersion = config.kerasVersion;
    model.backend = config.backend;
    config.layers.forEach((spec, i) => {
      const layer = deserializeLayer(spec.className, spec.config, `${options.source ? `${options.source}: ` : ''}layers[${i}]`);
      model.add(layer);
    });
    if (config.buildInputShape && !model.built) model.build(config.buildInputShape);
    return model;
  }
}

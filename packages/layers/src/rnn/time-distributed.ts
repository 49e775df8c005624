import { ConfigError, ShapeMismatchError, Tensor, UnsupportedError } from '@kerasts/tensor';
import { ConfigReader } from '../engine/config-reader.js';
import { cloneJson, isJsonObject, type JsonObject } from '../engine/json.js';
import { Layer, type CallContext, type Keras3VariableTree, type LayerOptions, type LayerTape, type LayerWeight, type Mask, type TrainCallContext } from '../engine/layer.js';
import { layerArgs } from '../engine/options.js';
import { isRecurrent } from '../engine/recurrent.js';
import { formatShape, type Shape } from '../engine/shape.js';
import { deserializeLayer } from '../registry.js';

/** Options of {@link TimeDistributed}. */
export interface TimeDistributedOptions extends LayerOptions {
  /** The layer applied to every timestep (it is used itself, not copied, as in Keras). */
  layer: Layer;
}

/**
 * Applies a layer to every timestep of a `(batch, time, ...)` input (Keras `TimeDistributed`): the
 * steps are folded into the batch, the layer runs once on `(batch·time, ...)`, and the result is
 * unfolded to `(batch, time, ...)`. The weights are the wrapped layer's. The input's mask passes on
 * unchanged (Keras 3).
 */
export class TimeDistributed extends Layer {
  readonly className: string = 'TimeDistributed';
  readonly layer: Layer;
  override readonly supportsMasking: boolean = true;

  /** `new TimeDistributed(layer, options?)` or `new TimeDistributed({ layer })`, as Keras' `TimeDistributed(layer)`. */
  constructor(layer: Layer, options?: Omit<TimeDistributedOptions, 'layer'>);
  constructor(options: TimeDistributedOptions);
  constructor(a: Layer | TimeDistributedOptions, more?: Omit<TimeDistributedOptions, 'layer'>) {
    const first = a instanceof Layer ? a : undefined;
    const options = first
      ? layerArgs<TimeDistributedOptions>('TimeDistributed', [more ?? {}], { keys: { layer: true }, required: [] })
      : layerArgs<TimeDistributedOptions>('TimeDistributed', [a], { keys: { layer: true }, required: ['layer'] });
    if (first && options.layer !== undefined) throw new ConfigError('TimeDistributed: "layer" is given both as argument and as option', 'TimeDistributed');
    const layer = first ?? options.layer;
    super(options, 'time_distributed');
    if (!(layer instanceof Layer)) throw new ConfigError(`TimeDistributed needs a layer, found ${String(layer)}`, this.name);
    if (typeof layer.callMulti === 'function') throw new UnsupportedError(`layer "${this.name}" (TimeDistributed) cannot wrap the merge layer "${layer.name}"`, this.name);
    if (isRecurrent(layer) && layer.returnState) throw new UnsupportedError(`layer "${this.name}" (TimeDistributed) cannot wrap "${layer.name}", which returns its states`, this.name);
    this.layer = layer;
    if (this.trainable === false) layer.trainable = false;
  }

  private innerShape(inputShape: Shape): Shape {
    if (inputShape.length < 3) {
      throw new ShapeMismatchError(`layer "${this.name}" (TimeDistributed) expects an input of rank 3 or more (batch, time, ...), got ${formatShape(inputShape)}`, [null, null, null], inputShape, this.name);
    }
    const b = inputShape[0];
    const t = inputShape[1];
    return [b === null || b === undefined || t === null || t === undefined ? null : b * t, ...inputShape.slice(2)];
  }

  protected override buildWeights(inputShape: Shape): void {
    this.layer.build([inputShape[0] ?? null, ...this.innerShape(inputShape).slice(1)]);
  }

  computeOutputShape(inputShape: Shape): Shape {
    const inner = this.layer.computeOutputShape([inputShape[0] ?? null, ...this.innerShape(inputShape).slice(1)]);
    return [inputShape[0] ?? null, inputShape[1] ?? null, ...inner.slice(1)];
  }

  override get weights(): readonly LayerWeight[] {
    return this.layer.weights;
  }

  override get trainableWeights(): readonly LayerWeight[] {
    return this.trainable ? this.layer.trainableWeights : [];
  }

  override get nonTrainableWeights(): readonly LayerWeight[] {
    return this.trainable ? this.layer.nonTrainableWeights : this.layer.weights;
  }

  override countParams(): number {
    return this.layer.countParams();
  }

  override storedWeightNames(): string[] {
    return this.layer.storedWeightNames();
  }

  override weightOwners(): { weight: LayerWeight; layer: Layer }[] {
    return this.layer.weightOwners();
  }

  /** Keras 3 keeps the variables in the wrapped `layer`; the wrapper has none. */
  override keras3VariableTree(): Keras3VariableTree {
    return { name: this.name, variables: [], children: [{ key: 'layer', tree: this.layer.keras3VariableTree() }] };
  }

  /** The input with time folded into the batch: `(batch·time, ...)` (a view, no copy). */
  private fold(input: Tensor): Tensor {
    if (input.rank < 3) throw new ShapeMismatchError(`layer "${this.name}" (TimeDistributed) expects an input of rank 3 or more (batch, time, ...)`, [null, null, null], input.shape, this.name);
    const [B, T] = input.shape as [number, number];
    return new Tensor(input.data, [B * T, ...input.shape.slice(2)]);
  }

  private unfold(y: Tensor, B: number, T: number): Tensor {
    return new Tensor(y.data, [B, T, ...y.shape.slice(1)]);
  }

  /** The wrapped layer's mask for the folded input: only a mask over more than (batch, time) carries over. */
  private innerMask(mask: Mask | null | undefined): Mask | null {
    if (!mask || mask.rank <= 2) return null;
    const [B, T] = mask.shape as [number, number];
    return new Tensor(mask.data, [B * T, ...mask.shape.slice(2)]);
  }

  call(input: Tensor, ctx: CallContext, mask?: Mask | null): Tensor {
    const [B, T] = input.shape as [number, number];
    return this.unfold(this.layer.call(this.fold(input), ctx, this.innerMask(mask)), B, T);
  }

  override forwardTrain(input: Tensor, ctx: TrainCallContext, mask?: Mask | null): LayerTape {
    const [B, T] = input.shape as [number, number];
    const tape = this.layer.forwardTrain(this.fold(input), ctx, this.innerMask(mask));
    const trainable = this.trainable;
    return {
      output: this.unfold(tape.output, B, T),
      // A wrapped layer's state updates (BatchNormalization's moving statistics) are its own.
      ...(tape.stateUpdates ? { stateUpdates: tape.stateUpdates } : {}),
      backward: (d: Tensor) => {
        const r = tape.backward(new Tensor(d.data, tape.output.shape));
        return { dInput: r.dInput ? new Tensor(r.dInput.data, input.shape) : null, weightGrads: trainable ? r.weightGrads : new Map() };
      },
    };
  }

  /** Reset the wrapped layer's states (a stateful RNN inside). */
  override resetStates(): void {
    (this.layer as unknown as { resetStates?: () => void }).resetStates?.();
  }

  override getConfig(): JsonObject {
    const inner = this.layer.getConfig();
    delete inner.batch_input_shape;
    return { ...super.getConfig(), layer: { class_name: this.layer.className, config: inner } };
  }

  /** Build from a canonical Keras config. */
  static fromConfig(config: JsonObject): TimeDistributed {
    const r = new ConfigReader(config, 'TimeDistributed');
    const inner = config.layer;
    if (!isJsonObject(inner) || typeof inner.class_name !== 'string' || !isJsonObject(inner.config)) {
      throw new ConfigError('config key "layer": expected {"class_name", "config"} of the wrapped layer', r.where);
    }
    const layer = deserializeLayer(inner.class_name, cloneJson(inner.config), `${r.where}.layer`);
    return new TimeDistributed({ ...r.baseOptions(), layer });
  }
}

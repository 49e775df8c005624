import { ConfigError, ShapeMismatchError, Tensor, UnsupportedError } from '@kerasts/tensor';
import { ConfigReader } from '../engine/config-reader.js';
import { cloneJson, isJsonObject, type JsonObject } from '../engine/json.js';
import {
  Layer,
  type CallContext,
  type Keras3VariableTree,
  type LayerOptions,
  type LayerTape,
  type LayerWeight,
  type Mask,
  type MultiTape,
  type TrainCallContext,
} from '../engine/layer.js';
import { layerArgs } from '../engine/options.js';
import { isRecurrent, type RecurrentLayer, type RecurrentTape } from '../engine/recurrent.js';
import type { Shape } from '../engine/shape.js';
import { deserializeLayer } from '../registry.js';

/** How Bidirectional combines the two directions (Keras' `merge_mode`); null returns both. */
export type MergeMode = 'concat' | 'sum' | 'mul' | 'ave' | null;

const MERGE_MODES: readonly MergeMode[] = ['concat', 'sum', 'mul', 'ave', null];

/** Options of {@link Bidirectional}. */
export interface BidirectionalOptions extends LayerOptions {
  /** The RNN to run in both directions (LSTM, GRU, SimpleRNN); the layer itself is not used, copies of its config are. */
  layer: Layer;
  /** Default `concat`; `null` returns the two directions as two outputs. */
  mergeMode?: MergeMode;
  /** A custom backward RNN (it must go the other way and agree on `stateful`, `returnSequences`, `returnState`). */
  backwardLayer?: Layer;
}

const BIDIRECTIONAL_KEYS = { layer: true, mergeMode: true, backwardLayer: true } as const;

function stripPrefix(name: string, prefix: string): string {
  return name.startsWith(prefix) ? name.slice(prefix.length) : name;
}

/** The config of a layer, for a copy: without an input shape (the wrapper declares that). */
function copyConfig(layer: Layer): JsonObject {
  const cfg = layer.getConfig();
  delete cfg.batch_input_shape;
  return cfg;
}

/** Reverse the time axis (axis 1) of a `(batch, time, ...)` tensor. */
function reverseTime(t: Tensor): Tensor {
  const [B, T] = t.shape as [number, number];
  const row = T === 0 || B === 0 ? 0 : t.size / (B * T);
  const out = new Float32Array(t.size);
  for (let b = 0; b < B; b++) {
    for (let s = 0; s < T; s++) out.set(t.data.subarray((b * T + s) * row, (b * T + s + 1) * row), (b * T + (T - 1 - s)) * row);
  }
  return new Tensor(out, t.shape);
}

/**
 * Runs an RNN forwards and a copy backwards over the same sequence and merges them (Keras
 * `Bidirectional`). The backward output is re-reversed in time when returning sequences, so step t of
 * both directions lines up. Weights: the forward layer's, then the backward layer's (Keras' order;
 * legacy files name them `forward_lstm/...`, `backward_lstm/...`). With `returnState` the outputs are
 * `[merged, ...forward states, ...backward states]` (`[forward, backward, ...]` without a merge mode);
 * initial states are split the same way (first half forward).
 */
export class Bidirectional extends Layer {
  readonly className: string = 'Bidirectional';
  readonly forwardLayer: RecurrentLayer;
  readonly backwardLayer: RecurrentLayer;
  readonly mergeMode: MergeMode;
  /** Whether a backward layer was given (Keras 3 always writes it; Keras 2 could not). */
  readonly customBackward: boolean;
  override readonly supportsMasking: boolean = true;

  /** `new Bidirectional(layer, options?)` or `new Bidirectional({ layer, mergeMode, ... })`, as Keras' `Bidirectional(layer, merge_mode="concat")`. */
  constructor(layer: Layer, options?: Omit<BidirectionalOptions, 'layer'>);
  constructor(options: BidirectionalOptions);
  constructor(a: Layer | BidirectionalOptions, more?: Omit<BidirectionalOptions, 'layer'>) {
    const first = a instanceof Layer ? a : undefined;
    const options = first
      ? layerArgs<BidirectionalOptions>('Bidirectional', [more ?? {}], { keys: BIDIRECTIONAL_KEYS, required: [] })
      : layerArgs<BidirectionalOptions>('Bidirectional', [a], { keys: BIDIRECTIONAL_KEYS, required: ['layer'] });
    const layer = first ?? options.layer;
    if (first && options.layer !== undefined) throw new ConfigError('Bidirectional: "layer" is given both as argument and as option', 'Bidirectional');
    super(options, 'bidirectional');
    if (!(layer instanceof Layer)) throw new ConfigError(`Bidirectional needs a layer (an RNN), found ${String(layer)}`, this.name);
    if (!isRecurrent(layer)) {
      throw new UnsupportedError(`layer "${this.name}" (Bidirectional) wraps "${layer.name}" (${layer.className}); kerasts runs Bidirectional over LSTM, GRU and SimpleRNN`, this.name);
    }
    const mode = options.mergeMode === undefined ? 'concat' : options.mergeMode;
    if (!MERGE_MODES.includes(mode)) throw new ConfigError(`layer "${this.name}" (Bidirectional): merge_mode must be one of concat, sum, mul, ave or null, found ${JSON.stringify(mode)}`, this.name);
    this.mergeMode = mode;
    const base = copyConfig(layer);
    this.forwardLayer = this.copy(layer.className, { ...base, name: `forward_${stripPrefix(layer.name, 'forward_')}` });
    const back = options.backwardLayer;
    this.customBackward = back !== undefined && back !== null;
    if (back) {
      if (!isRecurrent(back)) throw new UnsupportedError(`layer "${this.name}" (Bidirectional): backward layer "${back.name}" (${back.className}) is not an RNN`, this.name);
      this.backwardLayer = back;
    } else {
      this.backwardLayer = this.copy(layer.className, { ...base, go_backwards: !(base.go_backwards === true), name: `backward_${stripPrefix(layer.name, 'backward_')}` });
    }
    const f = this.forwardLayer;
    const b = this.backwardLayer;
    if (f.goBackwards === b.goBackwards) {
      throw new ConfigError(`layer "${this.name}" (Bidirectional): the forward and backward layers must have different go_backwards (both are ${f.goBackwards})`, this.name);
    }
    for (const k of ['stateful', 'returnSequences', 'returnState'] as const) {
      if (f[k] !== b[k]) throw new ConfigError(`layer "${this.name}" (Bidirectional): the forward and backward layers disagree on ${k} (${f[k]} vs ${b[k]})`, this.name);
    }
    if (f.stateCount !== b.stateCount) throw new ConfigError(`layer "${this.name}" (Bidirectional): the forward and backward layers carry different numbers of states`, this.name);
    if (this.trainable === false) {
      f.trainable = false;
      b.trainable = false;
    }
  }

  private copy(className: string, config: JsonObject): RecurrentLayer {
    const l = deserializeLayer(className, config, this.name);
    if (!isRecurrent(l)) throw new UnsupportedError(`layer "${this.name}" (Bidirectional): "${className}" is not an RNN`, this.name);
    return l;
  }

  /** Whether the wrapped RNNs return sequences. */
  get returnSequences(): boolean {
    return this.forwardLayer.returnSequences;
  }

  /** Whether the wrapped RNNs return their states. */
  get returnState(): boolean {
    return this.forwardLayer.returnState;
  }

  /** Whether the wrapped RNNs are stateful. */
  get stateful(): boolean {
    return this.forwardLayer.stateful;
  }

  /** Units of one direction. */
  get units(): number {
    return this.forwardLayer.units;
  }

  /** Number of outputs: 1 (2 without a merge mode), plus both directions' states with `returnState`. */
  override get outputCount(): number {
    return (this.mergeMode === null ? 2 : 1) + (this.returnState ? 2 * this.forwardLayer.stateCount : 0);
  }

  protected override buildWeights(inputShape: Shape): void {
    this.forwardLayer.build(inputShape);
    this.backwardLayer.build(inputShape);
  }

  override get weights(): readonly LayerWeight[] {
    return [...this.forwardLayer.weights, ...this.backwardLayer.weights];
  }

  override get trainableWeights(): readonly LayerWeight[] {
    return this.trainable ? [...this.forwardLayer.trainableWeights, ...this.backwardLayer.trainableWeights] : [];
  }

  override get nonTrainableWeights(): readonly LayerWeight[] {
    return this.trainable ? [...this.forwardLayer.nonTrainableWeights, ...this.backwardLayer.nonTrainableWeights] : this.weights;
  }

  override countParams(): number {
    return this.forwardLayer.countParams() + this.backwardLayer.countParams();
  }

  override storedWeightNames(): string[] {
    return [
      ...this.forwardLayer.storedWeightNames().map((n) => `${this.forwardLayer.name}/${n}`),
      ...this.backwardLayer.storedWeightNames().map((n) => `${this.backwardLayer.name}/${n}`),
    ];
  }

  override weightOwners(): { weight: LayerWeight; layer: Layer }[] {
    return [...this.forwardLayer.weightOwners(), ...this.backwardLayer.weightOwners()];
  }

  /** Keras 3 keeps the variables in `forward_layer` and `backward_layer`; the wrapper has none. */
  override keras3VariableTree(): Keras3VariableTree {
    return {
      name: this.name,
      variables: [],
      children: [
        { key: 'backward_layer', tree: this.backwardLayer.keras3VariableTree() },
        { key: 'forward_layer', tree: this.forwardLayer.keras3VariableTree() },
      ],
    };
  }

  /** Forget the kept states of both directions (stateful layers). */
  override resetStates(): void {
    for (const l of [this.forwardLayer, this.backwardLayer]) (l as unknown as { resetStates?: () => void }).resetStates?.();
  }

  computeOutputShape(inputShape: Shape): Shape {
    return this.computeOutputShapes([inputShape])[0]!;
  }

  override computeOutputShapes(inputShapes: readonly Shape[]): Shape[] {
    const shape = inputShapes[0]!;
    const stateInputs = inputShapes.length - 1;
    if (stateInputs > 0 && stateInputs !== 2 * this.forwardLayer.stateCount) {
      throw new ShapeMismatchError(
        `layer "${this.name}" (Bidirectional) takes ${2 * this.forwardLayer.stateCount} initial state tensors (forward then backward), got ${stateInputs}`,
        [2 * this.forwardLayer.stateCount],
        [stateInputs],
        this.name,
      );
    }
    const one = this.forwardLayer.computeOutputShape(shape);
    const outs: Shape[] = [];
    if (this.mergeMode === 'concat') {
      const last = one[one.length - 1];
      outs.push([...one.slice(0, -1), last === null || last === undefined ? null : 2 * last]);
    } else if (this.mergeMode === null) outs.push(one, one);
    else outs.push(one);
    if (this.returnState) {
      for (let i = 0; i < 2 * this.forwardLayer.stateCount; i++) outs.push([shape[0] ?? null, this.forwardLayer.units]);
    }
    return outs;
  }

  /** Masked steps output zeros when returning sequences in tf.keras and Keras 3 (Keras 1/2 repeat the previous output). */
  private zeroOutput(ctx: CallContext): boolean {
    const era = ctx.era ?? 'keras3';
    return this.returnSequences && (era === 'keras3' || era === 'tf.keras');
  }

  private splitStates(inputs: readonly Tensor[]): { x: Tensor; fwd: Tensor[]; bwd: Tensor[] } {
    const x = inputs[0]!;
    const states = inputs.slice(1);
    if (states.length > 0 && states.length !== 2 * this.forwardLayer.stateCount) {
      throw new ShapeMismatchError(`layer "${this.name}" (Bidirectional) takes ${2 * this.forwardLayer.stateCount} initial state tensors`, [2 * this.forwardLayer.stateCount], [states.length], this.name);
    }
    const half = states.length / 2;
    return { x, fwd: states.slice(0, half), bwd: states.slice(half) };
  }

  private merge(y: Tensor, yRev: Tensor): Tensor[] {
    const yr = this.returnSequences ? reverseTime(yRev) : yRev;
    const mode = this.mergeMode;
    if (mode === null) return [y, yr];
    if (mode === 'concat') {
      const u = y.shape[y.rank - 1]!;
      const rows = u === 0 ? 0 : y.size / u;
      const out = new Float32Array(rows * 2 * u);
      for (let r = 0; r < rows; r++) {
        out.set(y.data.subarray(r * u, (r + 1) * u), r * 2 * u);
        out.set(yr.data.subarray(r * u, (r + 1) * u), r * 2 * u + u);
      }
      return [new Tensor(out, [...y.shape.slice(0, -1), 2 * u])];
    }
    const out = new Float32Array(y.size);
    const a = y.data;
    const b = yr.data;
    if (mode === 'sum') for (let i = 0; i < out.length; i++) out[i] = a[i]! + b[i]!;
    else if (mode === 'mul') for (let i = 0; i < out.length; i++) out[i] = a[i]! * b[i]!;
    // Keras: (y + y_rev) / 2, each step rounded to float32.
    else for (let i = 0; i < out.length; i++) out[i] = Math.fround(a[i]! + b[i]!) / 2;
    return [new Tensor(out, y.shape)];
  }

  override callFull(inputs: readonly Tensor[], ctx: CallContext, mask: Mask | null): Tensor[] {
    const { x, fwd, bwd } = this.splitStates(inputs);
    const zero = this.zeroOutput(ctx);
    const f = this.forwardLayer.callRecurrent(x, ctx, { ...(fwd.length ? { initialState: fwd } : {}), mask, zeroOutputForMask: zero });
    const b = this.backwardLayer.callRecurrent(x, ctx, { ...(bwd.length ? { initialState: bwd } : {}), mask, zeroOutputForMask: zero });
    const merged = this.merge(f[0]!, b[0]!);
    return this.returnState ? [...merged, ...f.slice(1), ...b.slice(1)] : merged;
  }

  call(input: Tensor, ctx: CallContext, mask?: Mask | null): Tensor {
    return this.callFull([input], ctx, mask ?? null)[0]!;
  }

  /** Keras' `Bidirectional.compute_mask`: the input's mask for returned sequences (each output without a merge mode), none for states. */
  override computeOutputMasks(_inputs: readonly Tensor[], mask: Mask | null): (Mask | null)[] {
    const m = this.returnSequences ? mask : null;
    const outs: (Mask | null)[] = this.mergeMode === null ? [m, m] : [m];
    if (this.returnState) for (let i = 0; i < 2 * this.forwardLayer.stateCount; i++) outs.push(null);
    return outs;
  }

  override computeMask(input: Tensor, mask: Mask | null): Mask | null {
    return this.computeOutputMasks([input], mask)[0] ?? null;
  }

  override forwardTrainFull(inputs: readonly Tensor[], ctx: TrainCallContext, mask: Mask | null): MultiTape {
    const { x, fwd, bwd } = this.splitStates(inputs);
    const zero = this.zeroOutput(ctx);
    const fT: RecurrentTape = this.forwardLayer.forwardTrainRecurrent(x, ctx, { ...(fwd.length ? { initialState: fwd } : {}), mask, zeroOutputForMask: zero });
    const bT: RecurrentTape = this.backwardLayer.forwardTrainRecurrent(x, ctx, { ...(bwd.length ? { initialState: bwd } : {}), mask, zeroOutputForMask: zero });
    const y = fT.outputs[0]!;
    const yRev = bT.outputs[0]!;
    const merged = this.merge(y, yRev);
    const sc = this.forwardLayer.stateCount;
    const outputs = this.returnState ? [...merged, ...fT.outputs.slice(1, 1 + sc), ...bT.outputs.slice(1, 1 + sc)] : merged;
    return {
      outputs,
      backward: (d) => {
        const nOut = merged.length;
        let dY: Tensor | null = null;
        let dYr: Tensor | null = null; // in the backward layer's own (processing) time order
        const mode = this.mergeMode;
        if (mode === null) {
          dY = d[0] ?? null;
          dYr = d[1] ?? null;
        } else if (d[0]) {
          const g = d[0].data;
          if (mode === 'concat') {
            const u = y.shape[y.rank - 1]!;
            const rows = u === 0 ? 0 : y.size / u;
            const a = new Float32Array(y.size);
            const b = new Float32Array(y.size);
            for (let r = 0; r < rows; r++) {
              a.set(g.subarray(r * 2 * u, r * 2 * u + u), r * u);
              b.set(g.subarray(r * 2 * u + u, (r + 1) * 2 * u), r * u);
            }
            dY = new Tensor(a, y.shape);
            dYr = new Tensor(b, y.shape);
          } else if (mode === 'sum') {
            dY = d[0];
            dYr = d[0];
          } else if (mode === 'ave') {
            const h = Float32Array.from(g, (v) => v * 0.5);
            dY = new Tensor(h, y.shape);
            dYr = dY;
          } else {
            const yr = this.returnSequences ? reverseTime(yRev) : yRev;
            const a = new Float32Array(y.size);
            const b = new Float32Array(y.size);
            for (let i = 0; i < a.length; i++) {
              a[i] = g[i]! * yr.data[i]!;
              b[i] = g[i]! * y.data[i]!;
            }
            dY = new Tensor(a, y.shape);
            dYr = new Tensor(b, y.shape);
          }
        }
        if (dYr && this.returnSequences) dYr = reverseTime(dYr);
        const dStatesF = this.returnState ? Array.from({ length: sc }, (_, k) => d[nOut + k] ?? null) : [];
        const dStatesB = this.returnState ? Array.from({ length: sc }, (_, k) => d[nOut + sc + k] ?? null) : [];
        const rf = fT.backward(dY, dStatesF);
        const rb = bT.backward(dYr, dStatesB);
        let dx: Tensor | null = null;
        if (rf.dInput && rb.dInput) {
          // the forward direction's ∂input is fresh and ours: sum into it (no third input-sized array)
          const s = rf.dInput.data;
          const o = rb.dInput.data;
          for (let i = 0; i < s.length; i++) s[i] = s[i]! + o[i]!;
          dx = new Tensor(s, x.shape);
        } else dx = rf.dInput ?? rb.dInput;
        const weightGrads = new Map<LayerWeight, Tensor>([...rf.weightGrads, ...rb.weightGrads]);
        const dStates = [...(fwd.length ? rf.dInitialState.slice(0, fwd.length) : []), ...(bwd.length ? rb.dInitialState.slice(0, bwd.length) : [])];
        return { dInputs: [dx, ...dStates], weightGrads };
      },
    };
  }

  override forwardTrain(input: Tensor, ctx: TrainCallContext, mask?: Mask | null): LayerTape {
    const tape = this.forwardTrainFull([input], ctx, mask ?? null);
    return {
      output: tape.outputs[0]!,
      backward: (dOutput: Tensor) => {
        const r = tape.backward([dOutput]);
        return { dInput: r.dInputs[0] ?? null, weightGrads: r.weightGrads };
      },
    };
  }

  /** Keras 3's form: `layer` is the forward layer (`forward_lstm`), `backward_layer` always written. */
  override getConfig(): JsonObject {
    return {
      ...super.getConfig(),
      merge_mode: this.mergeMode,
      layer: { class_name: this.forwardLayer.className, config: copyConfig(this.forwardLayer) },
      backward_layer: { class_name: this.backwardLayer.className, config: copyConfig(this.backwardLayer) },
    };
  }

  /**
   * Build from a canonical Keras config: `layer` (Keras 2 names it `lstm_1`, Keras 3 `forward_lstm`;
   * the forward copy is `forward_` + the name without that prefix), an optional `backward_layer`.
   */
  static fromConfig(config: JsonObject): Bidirectional {
    const r = new ConfigReader(config, 'Bidirectional');
    const inner = config.layer;
    if (!isJsonObject(inner) || typeof inner.class_name !== 'string' || !isJsonObject(inner.config)) {
      throw new ConfigError('config key "layer": expected {"class_name", "config"} of the wrapped RNN', r.where);
    }
    const layer = deserializeLayer(inner.class_name, cloneJson(inner.config), `${r.where}.layer`);
    const bk = config.backward_layer;
    let backwardLayer: Layer | undefined;
    if (isJsonObject(bk) && typeof bk.class_name === 'string' && isJsonObject(bk.config)) {
      backwardLayer = deserializeLayer(bk.class_name, cloneJson(bk.config), `${r.where}.backward_layer`);
    }
    const mm = config.merge_mode;
    if (mm !== undefined && mm !== null && typeof mm !== 'string') throw new ConfigError(`config key "merge_mode": expected a string or null, found ${JSON.stringify(mm)}`, r.where);
    if (config.num_constants !== undefined && config.num_constants !== null) throw new UnsupportedError('unsupported: Bidirectional with constants (num_constants)', r.where);
    return new Bidirectional({
      ...r.baseOptions(),
      layer,
      mergeMode: mm === undefined ? 'concat' : (mm as MergeMode),
      ...(backwardLayer ? { backwardLayer } : {}),
    });
  }
}

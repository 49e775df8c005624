/**
 * The recurrent sequence driver, as Keras 3 separates `RNN` (keras/src/layers/rnn/rnn.py) from its
 * cells: the driver owns what every recurrent layer shares — direction (`go_backwards`), timestep
 * masks, initial and returned states, `stateful` + `resetStates()`, `return_sequences`,
 * `return_state`, dropout masks in training, the Keras 3 variable tree — and a cell
 * ({@link RNNCell}: LSTMCell, GRUCell, SimpleRNNCell) owns the weights and the math. Unlike Keras,
 * a kerasts cell runs a whole sequence at once (fused kernels in `@kerasts/tensor`), not one step.
 */
import { ConfigError, ShapeMismatchError, Tensor, UnsupportedError, type MaskedOutput, type Random } from '@kerasts/tensor';
import type { KeptConfig } from '../engine/activation-slot.js';
import type { ConfigReader } from '../engine/config-reader.js';
import type { JsonObject } from '../engine/json.js';
import {
  Layer,
  type CallContext,
  type Keras3VariableTree,
  type LayerGradients,
  type LayerOptions,
  type LayerTape,
  type LayerWeight,
  type Mask,
  type TrainCallContext,
} from '../engine/layer.js';
import type { RecurrentCallOptions, RecurrentLayerLike, RecurrentTape } from '../engine/recurrent.js';
import type { Shape } from '../engine/shape.js';

/** Options every recurrent layer takes (Keras' `RNN` arguments, camelCase). */
export interface RnnOptions extends LayerOptions {
  /** Output every step (`batch × timesteps × units`) rather than the last (`batch × units`). */
  returnSequences?: boolean;
  /** Also output the final states (`[output, ...states]`: LSTM h and c, GRU/SimpleRNN h). */
  returnState?: boolean;
  /** Process the sequence from the last step to the first (outputs in processing order). */
  goBackwards?: boolean;
  /** Start each batch from the states the previous one ended with (see {@link RNN.resetStates}). */
  stateful?: boolean;
  /** Keras' unrolled loop: the same numbers, except what masked steps output (see {@link RNN.maskedOutputRule}). */
  unroll?: boolean;
  /** Output zeros at masked steps (Keras sets it on the layers Bidirectional wraps when they return sequences). */
  zeroOutputForMask?: boolean;
}

/** The option names of {@link RnnOptions} (for constructors' unknown-option checks). */
export const RNN_OPTION_KEYS = {
  returnSequences: true,
  returnState: true,
  goBackwards: true,
  stateful: true,
  unroll: true,
  zeroOutputForMask: true,
} as const satisfies Record<Exclude<keyof RnnOptions, keyof LayerOptions>, true>;

/** Options of {@link RNN.run} and {@link RNN.runTrain}. */
export interface RnnRunOptions {
  /** Timestep mask, `batch × timesteps` (0 = masked; Keras' `mask`): a masked step carries the states over. */
  mask?: Mask | null;
  /**
   * Initial states (Keras' `initial_state`): one tensor per state ({@link RNN.stateCount}), each
   * `batch × units`. Absent: the kept states of a stateful layer, else zeros.
   */
  initialState?: readonly Tensor[] | null;
  /** Overrides {@link RNN.zeroOutputForMask} for this call (Bidirectional passes its `return_sequences`). */
  zeroOutputForMask?: boolean;
}

/** What {@link RNN.run} returns. */
export interface RnnRunResult {
  /** `batch × timesteps × units` with `returnSequences`, else `batch × units`. */
  output: Tensor;
  /** The final states, {@link RNN.stateCount} tensors of `batch × units` (LSTM: h, c; GRU, SimpleRNN: h). */
  states: Tensor[];
}

/** What {@link RnnTape.backward} returns. */
export interface RnnGradients extends LayerGradients {
  /** ∂L/∂initial state, one per state (zeros-started layers get them too), or null when not asked for. */
  dInitialState: Tensor[] | null;
}

/** A training-mode run of a recurrent layer (backpropagation through time in {@link backward}). */
export interface RnnTape extends RnnRunResult {
  /**
   * Back-propagates ∂L/∂output (same shape as {@link output}; null for none, e.g. only a returned
   * state is used) and optionally ∂L/∂ each final state (null entries for none). Call at most once.
   */
  backward(dOutput: Tensor | null, dStates?: readonly (Tensor | null)[]): RnnGradients;
}

/** Sizes and flags of one sequence run, as the driver gives them to a cell. */
export interface CellSequenceSpec {
  batch: number;
  timesteps: number;
  inputDim: number;
  returnSequences: boolean;
  goBackwards: boolean;
  /** One `batch × units` array per state, or null for zeros. */
  initialStates: readonly Float32Array[] | null;
  /** `batch × timesteps` (input order, 0 = masked), or null. */
  mask: Float32Array | null;
  /** What masked steps output. */
  maskedOutput: MaskedOutput;
}

/** What a cell's sequence run returns. */
export interface CellSequenceResult {
  output: Float32Array;
  /** Final states, one `batch × units` array per state. */
  states: Float32Array[];
}

/** Dropout masks of one training batch (one mask per sequence, reused at every step, as Keras does). */
export interface CellDropoutMasks {
  /** Multiplies the inputs: `batch × inputDim` (values 0 or 1/(1−rate)), or null. */
  input: Float32Array | null;
  /** Multiplies the state entering the recurrent product: `batch × units`, or null. */
  recurrent: Float32Array | null;
}

/** What a cell's training backward pass returns. */
export interface CellGradients {
  dx: Float32Array | null;
  /** ∂L/∂ each initial state. */
  dStates: Float32Array[];
  /** ∂L/∂ each of the cell's weights, in {@link RNNCell.weights} order. */
  weightGrads: Float32Array[];
}

/** A cell's training-mode sequence run. */
export interface CellSequenceTape extends CellSequenceResult {
  backward(dOutput: Float32Array | null, dStates: readonly (Float32Array | null)[], needInputGrad: boolean): CellGradients;
}

/**
 * A recurrent cell: the weights and the math of one RNN type (Keras' `LSTMCell`, `GRUCell`,
 * `SimpleRNNCell`). Its weights are created by the layer that drives it ({@link RNN}), so they are the
 * layer's weights; the cell runs whole sequences through the kernels of `@kerasts/tensor`.
 */
export abstract class RNNCell {
  /** Keras' class name of the cell (`LSTMCell`). */
  abstract readonly className: string;
  /** The cell's name as Keras 3 names it inside its layer (`lstm_cell`): the Keras 3 variable path. */
  abstract readonly name: string;
  /** Units (the size of every state and of the output). */
  abstract readonly units: number;
  /** Number of states (LSTM 2: h, c; GRU and SimpleRNN 1: h). */
  abstract readonly stateCount: number;
  /** Input dropout rate (Keras' `dropout`). */
  abstract readonly dropout: number;
  /** Recurrent dropout rate (Keras' `recurrent_dropout`). */
  abstract readonly recurrentDropout: number;
  /** The cell's weights in Keras order, filled by {@link build}. */
  readonly weights: LayerWeight[] = [];

  /**
   * Creates the weights for `inputDim` features through `add` (the driving layer's `addWeight`), in
   * Keras' order, with Keras' names and shapes.
   */
  abstract build(inputDim: number, add: (name: string, shape: readonly number[], values: Float32Array) => LayerWeight): void;

  /** Runs a whole sequence (`batch × timesteps × inputDim`, row-major). */
  abstract runSequence(x: Float32Array, spec: CellSequenceSpec, ctx: CallContext): CellSequenceResult;

  /** Runs a whole sequence in training mode, keeping what the backward pass needs. */
  abstract trainSequence(x: Float32Array, spec: CellSequenceSpec, ctx: CallContext, dropout: CellDropoutMasks | null): CellSequenceTape;

  /** The cell's own config keys (units, activations, initializers, ...), Keras' snake_case. */
  abstract getConfig(): JsonObject;

  /** Regularizer and constraint configs the trainer applies (`kernel_regularizer`, ...). */
  abstract readonly kept: Readonly<Record<string, KeptConfig>>;

  /** Dropout masks for one batch, drawn from `rng` as Keras does (rates 0 give null masks). */
  dropoutMasks(rng: Random, batch: number, inputDim: number): CellDropoutMasks | null {
    if (this.dropout <= 0 && this.recurrentDropout <= 0) return null;
    return {
      input: this.dropout > 0 ? dropoutMask(rng, batch * inputDim, this.dropout) : null,
      recurrent: this.recurrentDropout > 0 ? dropoutMask(rng, batch * this.units, this.recurrentDropout) : null,
    };
  }

  /** Where the cell's weights are: the layer's weight list holds the same objects. */
  protected weight(i: number): LayerWeight {
    const w = this.weights[i];
    if (!w) throw new ConfigError(`${this.className} "${this.name}" is not built`, this.name);
    return w;
  }
}

/** A dropout mask of `n` values: 0 with probability `rate`, else `1/(1 − rate)`. */
export function dropoutMask(rng: Random, n: number, rate: number): Float32Array {
  const keep = 1 - rate;
  const scale = rate >= 1 ? 0 : 1 / keep;
  const m = new Float32Array(n);
  for (let i = 0; i < n; i++) m[i] = rng.uniform() < keep ? scale : 0;
  return m;
}

/**
 * Keras' `RNN`: drives a {@link RNNCell} over sequences. `LSTM`, `GRU` and `SimpleRNN` are this driver
 * with their cell, as in Keras 3; every recurrent layer gets direction, masks, states, `stateful`
 * and the training tape from here.
 *
 * The driver API (used by Sequential/Functional, Bidirectional and seq2seq graphs):
 * - {@link run}`(input, ctx, { mask, initialState })` → `{ output, states }`;
 * - {@link runTrain} → a tape whose `backward(dOutput, dStates?)` gives ∂input, ∂initial state and
 *   the weight gradients;
 * - {@link stateCount}, {@link units}, {@link returnSequences}, {@link returnState},
 *   {@link goBackwards}, {@link stateful}, {@link resetStates}, {@link zeroOutputForMask} (settable,
 *   as Bidirectional sets it), {@link cell}.
 */
export class RNN extends Layer implements RecurrentLayerLike {
  readonly className: string = 'RNN';
  /** The cell: weights and math. */
  readonly cell: RNNCell;
  readonly returnSequences: boolean;
  readonly returnState: boolean;
  readonly goBackwards: boolean;
  readonly stateful: boolean;
  readonly unroll: boolean;
  /** Output zeros at masked steps (Keras' `zero_output_for_mask`; Bidirectional sets it to `returnSequences`). */
  zeroOutputForMask: boolean;
  override readonly supportsMasking: boolean = true;
  private activityRegularizer: KeptConfig;
  private kept_: Record<string, KeptConfig> | null = null;
  private state: { values: Float32Array[]; batch: number } | null = null;
  /**
   * Test hook: the dropout masks of the next training runs (instead of drawing them), e.g. masks
   * taken from Keras to reproduce a Keras training run with dropout. Internal.
   * @internal
   */
  dropoutMaskSource: ((batch: number, inputDim: number) => CellDropoutMasks) | null = null;

  constructor(options: RnnOptions & { activityRegularizer?: KeptConfig }, defaultPrefix: string, cell: RNNCell) {
    super(options, defaultPrefix);
    this.cell = cell;
    this.returnSequences = options.returnSequences ?? false;
    this.returnState = options.returnState ?? false;
    this.goBackwards = options.goBackwards ?? false;
    this.stateful = options.stateful ?? false;
    this.unroll = options.unroll ?? false;
    this.zeroOutputForMask = options.zeroOutputForMask ?? false;
    this.activityRegularizer = options.activityRegularizer ?? null;
  }

  /** Units of the cell (the size of the output and of every state). */
  get units(): number {
    return this.cell.units;
  }

  /** Number of states (LSTM 2: h, c; GRU and SimpleRNN 1: h); `returnState` outputs this many more tensors. */
  get stateCount(): number {
    return this.cell.stateCount;
  }

  /** Number of outputs: 1, or 1 + {@link stateCount} with `returnState`. */
  override get outputCount(): number {
    return this.returnState ? 1 + this.stateCount : 1;
  }

  /** Regularizer and constraint configs (the cell's, plus the layer's activity regularizer), for training. */
  get kept(): Record<string, KeptConfig> {
    if (this.kept_ === null) this.kept_ = { ...this.cell.kept, activity_regularizer: this.activityRegularizer };
    return this.kept_;
  }

  protected override buildWeights(inputShape: Shape): void {
    this.expectRank(inputShape, 3, 'a 3-D input (batch, timesteps, features)');
    const d = inputShape[2];
    if (d === null || d === undefined) {
      throw new ShapeMismatchError(`layer "${this.name}" (${this.className}) needs a known feature dimension`, [null, null, 1], inputShape, this.name);
    }
    this.cell.build(d, (name, shape, values) => this.addWeight(name, shape, values));
  }

  computeOutputShape(inputShape: Shape): Shape {
    const u = this.units;
    return this.returnSequences ? [inputShape[0] ?? null, inputShape[1] ?? null, u] : [inputShape[0] ?? null, u];
  }

  /** Shapes of every output (`[output, ...states]` with `returnState`). */
  outputShapesFor(inputShape: Shape): Shape[] {
    const out = this.computeOutputShape(inputShape);
    if (!this.returnState) return [out];
    return [out, ...Array.from({ length: this.stateCount }, () => [inputShape[0] ?? null, this.units] as Shape)];
  }

  /** The output mask: the input's with `returnSequences`, else none (Keras' `RNN.compute_mask`). */
  override computeMask(_input: Tensor, mask: Mask | null): Mask | null {
    return this.returnSequences ? mask : null;
  }

  /**
   * What masked steps output under a call context: zeros with `zeroOutputForMask` (except unrolled
   * Keras 3 loops, which ignore it), the previous output for unrolled loops, else the era's rule.
   */
  maskedOutputRule(ctx: CallContext, zeroOutputForMask = this.zeroOutputForMask): MaskedOutput {
    if (this.unroll) return 'previous';
    if (zeroOutputForMask) return 'zero';
    return ctx.maskedOutput ?? 'state';
  }

  call(input: Tensor, ctx: CallContext, mask?: Mask | null): Tensor {
    return this.run(input, ctx, { mask: mask ?? null }).output;
  }

  /** `[output, ...states]` (what Keras returns with `return_state`); used by graphs. */
  callWithState(input: Tensor, ctx: CallContext, initialState?: readonly Tensor[] | null, mask?: Mask | null): Tensor[] {
    const r = this.run(input, ctx, { initialState: initialState ?? null, mask: mask ?? null });
    return [r.output, ...r.states];
  }

  /**
   * Runs the layer on a batch (`batch × timesteps × features`). A stateful layer starts from its kept
   * states (unless `initialState` is given) and keeps the final ones.
   *
   * @throws {ShapeMismatchError} for an input, mask or state of the wrong shape, or a stateful layer
   *   called with another batch size than its kept state.
   */
  run(input: Tensor, ctx: CallContext, options: RnnRunOptions = {}): RnnRunResult {
    const { x, spec } = this.prepare(input, ctx, options);
    const r = this.cell.runSequence(x, spec, ctx);
    if (this.stateful) this.state = { values: r.states, batch: spec.batch };
    return this.result(r, spec);
  }

  /**
   * Training-mode run (backpropagation through time in the tape's `backward`). A stateful layer starts
   * from its kept states and keeps the new ones unless `ctx.keepStates` is false; as in Keras, no
   * gradient flows into kept states. With `ctx.random`, `dropout` / `recurrentDropout` draw one mask
   * per sequence (kerasts' random stream, not Keras').
   */
  runTrain(input: Tensor, ctx: TrainCallContext, options: RnnRunOptions = {}): RnnTape {
    const { x, spec } = this.prepare(input, ctx, options);
    const rng = ctx.training ? ctx.random : null;
    let dropout: CellDropoutMasks | null = null;
    if (ctx.training && this.dropoutMaskSource !== null) dropout = this.dropoutMaskSource(spec.batch, spec.inputDim);
    else if (rng) dropout = this.cell.dropoutMasks(rng, spec.batch, spec.inputDim);
    const tape = this.cell.trainSequence(x, spec, ctx, dropout);
    if (this.stateful && (ctx.keepStates ?? true)) this.state = { values: tape.states, batch: spec.batch };
    const { output, states } = this.result(tape, spec);
    const weights = this.cell.weights;
    const trainable = this.trainable;
    const u = this.units;
    const B = spec.batch;
    return {
      output,
      states,
      backward: (dOutput, dStates) => {
        if (dOutput !== null && dOutput.size !== output.size) {
          throw new ShapeMismatchError(`layer "${this.name}" (${this.className}): ∂output`, output.shape, dOutput.shape, this.name);
        }
        const ds = Array.from({ length: this.stateCount }, (_, i) => {
          const d = dStates?.[i] ?? null;
          if (d !== null && d.size !== B * u) throw new ShapeMismatchError(`layer "${this.name}" (${this.className}): ∂state ${i}`, [B, u], d.shape, this.name);
          return d === null ? null : d.data;
        });
        const g = tape.backward(dOutput === null ? null : dOutput.data, ds, ctx.needInputGrad);
        const weightGrads = new Map<LayerWeight, Tensor>();
        if (trainable) {
          weights.forEach((w, i) => {
            if (w.trainable) weightGrads.set(w, new Tensor(g.weightGrads[i]!, w.shape));
          });
        }
        return {
          dInput: g.dx ? new Tensor(g.dx, input.shape) : null,
          weightGrads,
          dInitialState: g.dStates.map((d) => new Tensor(d, [B, u])),
        };
      },
    };
  }

  /** The recurrent call of engine/recurrent.ts (graphs, Bidirectional, seq2seq): `[output, ...final states]`. */
  callRecurrent(input: Tensor, ctx: CallContext, options: RecurrentCallOptions = {}): Tensor[] {
    const r = this.run(input, ctx, options);
    return [r.output, ...r.states];
  }

  /** The recurrent training pass of engine/recurrent.ts: gradients for the final states in, for the initial states out. */
  forwardTrainRecurrent(input: Tensor, ctx: TrainCallContext, options: RecurrentCallOptions = {}): RecurrentTape {
    const tape = this.runTrain(input, ctx, options);
    return {
      outputs: [tape.output, ...tape.states],
      backward: (dOutput, dStates) => {
        const g = tape.backward(dOutput, dStates);
        return { dInput: g.dInput, dInitialState: g.dInitialState ?? [], weightGrads: g.weightGrads };
      },
    };
  }

  override forwardTrain(input: Tensor, ctx: TrainCallContext, mask?: Mask | null): LayerTape {
    const tape = this.runTrain(input, ctx, { mask: mask ?? null });
    return { output: tape.output, backward: (d: Tensor) => tape.backward(d) };
  }

  /** Checks the input, mask and states, and gathers what the cell needs. */
  private prepare(input: Tensor, ctx: CallContext, options: RnnRunOptions): { x: Float32Array; spec: CellSequenceSpec } {
    if (input.rank !== 3) {
      throw new ShapeMismatchError(`layer "${this.name}" (${this.className}) expects a 3-D input (batch, timesteps, features)`, [null, null, null], input.shape, this.name);
    }
    const [batch, timesteps, inputDim] = input.shape as [number, number, number];
    if (!this.built) this.build([null, timesteps, inputDim]);
    const expected = this.inputShape?.[2];
    if (expected !== null && expected !== undefined && expected !== inputDim) {
      throw new ShapeMismatchError(`layer "${this.name}" (${this.className}) input features`, [null, null, expected], input.shape, this.name);
    }
    const u = this.units;
    let initialStates: Float32Array[] | null = null;
    if (options.initialState) {
      const given = options.initialState;
      if (given.length !== this.stateCount) {
        throw new ShapeMismatchError(
          `layer "${this.name}" (${this.className}) takes ${this.stateCount} initial state(s), got ${given.length}`,
          [this.stateCount],
          [given.length],
          this.name,
        );
      }
      initialStates = given.map((t, i) => {
        if (t.size !== batch * u || t.shape[0] !== batch) {
          throw new ShapeMismatchError(`layer "${this.name}" (${this.className}): initial state ${i}`, [batch, u], t.shape, this.name);
        }
        return t.data;
      });
    } else if (this.stateful && this.state) {
      if (this.state.batch !== batch) {
        throw new ShapeMismatchError(`stateful layer "${this.name}" (${this.className}) keeps a state for another batch size; call resetStates()`, [this.state.batch], [batch], this.name);
      }
      initialStates = this.state.values;
    }
    let mask: Float32Array | null = null;
    if (options.mask) {
      const m = options.mask;
      if (m.size !== batch * timesteps || m.shape[0] !== batch) {
        throw new ShapeMismatchError(`layer "${this.name}" (${this.className}): the mask must be (batch, timesteps)`, [batch, timesteps], m.shape, this.name);
      }
      mask = m.data;
    }
    return {
      x: input.data,
      spec: {
        batch,
        timesteps,
        inputDim,
        returnSequences: this.returnSequences,
        goBackwards: this.goBackwards,
        initialStates,
        mask,
        maskedOutput: this.maskedOutputRule(ctx, options.zeroOutputForMask ?? this.zeroOutputForMask),
      },
    };
  }

  private result(r: CellSequenceResult, spec: CellSequenceSpec): RnnRunResult {
    const u = this.units;
    const output = new Tensor(r.output, this.returnSequences ? [spec.batch, spec.timesteps, u] : [spec.batch, u]);
    return { output, states: r.states.map((s) => new Tensor(s, [spec.batch, u])) };
  }

  /** Forget the kept states of a stateful layer (Keras' `reset_states`): the next batch starts from zeros. */
  override resetStates(): void {
    this.state = null;
  }

  /** The kept states of a stateful layer (copies), or null before the first batch and after {@link resetStates}. */
  get states(): Tensor[] | null {
    return this.state ? this.state.values.map((v) => new Tensor(v.slice(), [this.state!.batch, this.units])) : null;
  }

  /** Keras 3 keeps an RNN's variables in its `cell` (named after the cell, e.g. `lstm_cell`); the layer itself has none. */
  override keras3VariableTree(): Keras3VariableTree {
    return { name: this.name, variables: [], children: [{ key: 'cell', tree: { name: this.cell.name, variables: this.weights, children: [] } }] };
  }

  /** The config Keras writes: base keys, the RNN's flags, then the cell's keys. */
  override getConfig(): JsonObject {
    return {
      ...super.getConfig(),
      return_sequences: this.returnSequences,
      return_state: this.returnState,
      go_backwards: this.goBackwards,
      stateful: this.stateful,
      unroll: this.unroll,
      zero_output_for_mask: this.zeroOutputForMask,
      ...this.cell.getConfig(),
      activity_regularizer: this.activityRegularizer,
    };
  }
}

/** The RNN options of a config (shared by every recurrent layer's `fromConfig`). */
export function readRnnOptions(r: ConfigReader): RnnOptions & { activityRegularizer: KeptConfig } {
  if (r.bool('time_major', false)) {
    throw new UnsupportedError('time_major=true is not supported; transpose the input to (batch, time, features)', r.where);
  }
  return {
    ...r.baseOptions(),
    returnSequences: r.bool('return_sequences', false),
    returnState: r.bool('return_state', false),
    goBackwards: r.bool('go_backwards', false),
    stateful: r.bool('stateful', false),
    unroll: r.bool('unroll', false),
    zeroOutputForMask: r.bool('zero_output_for_mask', false),
    activityRegularizer: r.raw('activity_regularizer'),
  };
}

import { lstmBackward, lstmForward, lstmForwardTrain, ShapeMismatchError, Tensor, UnsupportedError, type LstmForwardOptions, type Random } from '@kerasts/tensor';
import { ActivationSlot, type KeptConfig } from '../engine/activation-slot.js';
import { getInitializer, type Initializer, type InitializerSpec } from '../initializers.js';
import type { JsonObject } from '../engine/json.js';
import { ConfigReader } from '../engine/config-reader.js';
import { Layer, type CallContext, type Keras3VariableTree, type LayerOptions, type LayerTape, type LayerWeight, type Mask, type TrainCallContext } from '../engine/layer.js';
import type { RecurrentCallOptions, RecurrentTape } from '../engine/recurrent.js';
import { layerArgs, type OptionKeys } from '../engine/options.js';
import type { Shape } from '../engine/shape.js';

/** Options of {@link LSTM}, mirroring Keras' arguments in camelCase. Defaults are Keras 3's. */
export interface LstmOptions extends LayerOptions {
  units: number;
  activation?: string;
  /** Default `sigmoid` (Keras ≥ 2.3); Keras ≤ 2.2 configs say `hard_sigmoid`. */
  recurrentActivation?: string;
  useBias?: boolean;
  kernelInitializer?: InitializerSpec;
  recurrentInitializer?: InitializerSpec;
  biasInitializer?: InitializerSpec;
  /** Start the forget-gate bias at 1 (affects initialization only). */
  unitForgetBias?: boolean;
  kernelRegularizer?: KeptConfig;
  recurrentRegularizer?: KeptConfig;
  biasRegularizer?: KeptConfig;
  activityRegularizer?: KeptConfig;
  kernelConstraint?: KeptConfig;
  recurrentConstraint?: KeptConfig;
  biasConstraint?: KeptConfig;
  dropout?: number;
  recurrentDropout?: number;
  returnSequences?: boolean;
  returnState?: boolean;
  goBackwards?: boolean;
  stateful?: boolean;
  unroll?: boolean;
  /** Keras' computation mode; changes no numbers, kept for saving. */
  implementation?: number;
  seed?: number | null;
}

const LSTM_KEYS: OptionKeys<LstmOptions> = {
  units: true, activation: true, recurrentActivation: true, useBias: true, kernelInitializer: true, recurrentInitializer: true,
  biasInitializer: true, unitForgetBias: true, kernelRegularizer: true, recurrentRegularizer: true, biasRegularizer: true,
  activityRegularizer: true, kernelConstraint: true, recurrentConstraint: true, biasConstraint: true, dropout: true,
  recurrentDropout: true, returnSequences: true, returnState: true, goBackwards: true, stateful: true, unroll: true,
  implementation: true, seed: true,
};

/**
 * Long short-term memory layer. Weights `kernel` (inputDim × 4u), `recurrent_kernel` (u × 4u) and
 * `bias` (4u), gate blocks in Keras' order i, f, c, o.
 */
export class LSTM extends Layer {
  readonly className: string = 'LSTM';
  readonly units: number;
  readonly activation: ActivationSlot;
  readonly recurrentActivation: ActivationSlot;
  readonly useBias: boolean;
  readonly kernelInitializer: Initializer;
  readonly recurrentInitializer: Initializer;
  readonly biasInitializer: Initializer;
  readonly unitForgetBias: boolean;
  readonly kept: Record<string, KeptConfig>;
  readonly dropout: number;
  readonly recurrentDropout: number;
  readonly returnSequences: boolean;
  readonly returnState: boolean;
  readonly goBackwards: boolean;
  readonly stateful: boolean;
  readonly unroll: boolean;
  readonly implementation: number;
  readonly seed: number | null;
  private state: { h: Float32Array; c: Float32Array; batch: number } | null = null;

  /** `new LSTM(units, options?)` or `new LSTM({ units, ... })`, as Keras' `LSTM(units, ...)`. */
  constructor(units: number, options?: Omit<LstmOptions, 'units'>);
  constructor(options: LstmOptions);
  constructor(unitsOrOptions: number | LstmOptions, more?: Omit<LstmOptions, 'units'>) {
    const options = layerArgs<LstmOptions>('LSTM', [unitsOrOptions, more], { positional: ['units'], keys: LSTM_KEYS });
    super(options, 'lstm');
    this.units = options.units;
    this.activation = new ActivationSlot(options.activation ?? 'tanh');
    this.recurrentActivation = new ActivationSlot(options.recurrentActivation ?? 'sigmoid');
    this.useBias = options.useBias ?? true;
    this.kernelInitializer = getInitializer(options.kernelInitializer ?? 'glorot_uniform', `${this.name}.kernel_initializer`);
    this.recurrentInitializer = getInitializer(options.recurrentInitializer ?? 'orthogonal', `${this.name}.recurrent_initializer`);
    this.biasInitializer = getInitializer(options.biasInitializer ?? 'zeros', `${this.name}.bias_initializer`);
    this.unitForgetBias = options.unitForgetBias ?? true;
    this.kept = {
      kernel_regularizer: options.kernelRegularizer ?? null,
      recurrent_regularizer: options.recurrentRegularizer ?? null,
      bias_regularizer: options.biasRegularizer ?? null,
      activity_regularizer: options.activityRegularizer ?? null,
      kernel_constraint: options.kernelConstraint ?? null,
      recurrent_constraint: options.recurrentConstraint ?? null,
      bias_constraint: options.biasConstraint ?? null,
    };
    this.dropout = options.dropout ?? 0;
    this.recurrentDropout = options.recurrentDropout ?? 0;
    this.returnSequences = options.returnSequences ?? false;
    this.returnState = options.returnState ?? false;
    this.goBackwards = options.goBackwards ?? false;
    this.stateful = options.stateful ?? false;
    this.unroll = options.unroll ?? false;
    this.implementation = options.implementation ?? 2;
    this.seed = options.seed ?? null;
  }

  protected override buildWeights(inputShape: Shape): void {
    this.expectRank(inputShape, 3, 'a 3-D input (batch, timesteps, features)');
    const d = inputShape[2];
    if (d === null || d === undefined) {
      throw new ShapeMismatchError(`layer "${this.name}" (LSTM) needs a known feature dimension`, [null, null, 1], inputShape, this.name);
    }
    const u = this.units;
    this.addWeight('kernel', [d, 4 * u], this.kernelInitializer.init([d, 4 * u]));
    this.addWeight('recurrent_kernel', [u, 4 * u], this.recurrentInitializer.init([u, 4 * u]));
    if (this.useBias) {
      let b: Float32Array;
      if (this.unitForgetBias) {
        b = new Float32Array(4 * u);
        b.set(this.biasInitializer.init([u]), 0);
        b.fill(1, u, 2 * u);
        b.set(this.biasInitializer.init([2 * u]), 2 * u);
      } else {
        b = this.biasInitializer.init([4 * u]);
      }
      this.addWeight('bias', [4 * u], b);
    }
  }

  computeOutputShape(inputShape: Shape): Shape {
    return this.returnSequences ? [inputShape[0] ?? null, inputShape[1] ?? null, this.units] : [inputShape[0] ?? null, this.units];
  }

  /** Number of outputs: 1, or 3 (output, h, c) with `returnState`. */
  get outputCount(): number {
    return this.returnState ? 3 : 1;
  }

  call(input: Tensor, ctx: CallContext, mask?: Mask | null): Tensor {
    return this.callRecurrent(input, ctx, { mask: mask ?? null })[0]!;
  }

  /** Two states: h and c. */
  get stateCount(): number {
    return 2;
  }

  /** The recurrent call (engine/recurrent.ts): `[output, h, c]` from optional initial states `[h0, c0]`. */
  callRecurrent(input: Tensor, ctx: CallContext, options: RecurrentCallOptions = {}): Tensor[] {
    this.refuseMask(options.mask);
    const s = options.initialState;
    return this.callWithState(input, ctx, s && s.length ? [s[0]!, s[1]!] : undefined);
  }

  /** The recurrent training pass (engine/recurrent.ts): gradients for the final states in, for the initial states out. */
  forwardTrainRecurrent(input: Tensor, ctx: TrainCallContext, options: RecurrentCallOptions = {}): RecurrentTape {
    this.refuseMask(options.mask);
    const s = options.initialState;
    return this.trainPass(input, ctx, s && s.length ? [s[0]!, s[1]!] : undefined);
  }

  private refuseMask(mask: Mask | null | undefined): void {
    if (mask) throw new UnsupportedError(`layer "${this.name}" (LSTM) was given a mask (from Embedding(mask_zero=True) or Masking); masked LSTMs are not supported yet`, this.name);
  }

  /**
   * Forward pass returning `[output, h, c]` (Keras' `return_state` outputs). `initialState` is
   * `[h0, c0]`, each (batch × units); stateful layers start from their kept state instead.
   */
  callWithState(input: Tensor, ctx: CallContext, initialState?: readonly [Tensor, Tensor]): Tensor[] {
    const { batch, timesteps, options } = this.kernelOptions(input, ctx, initialState);
    const u = this.units;
    const res = lstmForward(input.data, options);
    if (this.stateful) this.state = { h: res.h, c: res.c, batch };
    const out = new Tensor(res.output, this.returnSequences ? [batch, timesteps, u] : [batch, u]);
    return [out, new Tensor(res.h, [batch, u]), new Tensor(res.c, [batch, u])];
  }

  /**
   * Training-mode forward pass (backpropagation through time in {@link LayerTape.backward}). A stateful
   * layer starts from its kept state and keeps the new one; as in Keras, no gradient flows into the
   * kept state. With a random source, `dropout` / `recurrentDropout` draw one mask per sequence (kerasts'
   * random stream, not Keras').
   */
  override forwardTrain(input: Tensor, ctx: TrainCallContext, mask?: Mask | null): LayerTape {
    this.refuseMask(mask);
    const tape = this.trainPass(input, ctx);
    return {
      output: tape.outputs[0]!,
      backward: (dOutput: Tensor) => {
        const r = tape.backward(dOutput, []);
        return { dInput: r.dInput, weightGrads: r.weightGrads };
      },
    };
  }

  private trainPass(input: Tensor, ctx: TrainCallContext, initialState?: readonly [Tensor, Tensor]): RecurrentTape {
    const { batch, timesteps, inputDim, options } = this.kernelOptions(input, ctx, initialState);
    const u = this.units;
    const [kernel, recurrent, bias] = this.weightList;
    const rng = ctx.training ? ctx.random : null;
    const inputMask = rng && this.dropout > 0 ? dropoutMask(rng, batch * inputDim, this.dropout) : undefined;
    const recurrentMask = rng && this.recurrentDropout > 0 ? dropoutMask(rng, batch * u, this.recurrentDropout) : undefined;
    const res = lstmForwardTrain(input.data, {
      ...options,
      ...(inputMask ? { inputMask } : {}),
      ...(recurrentMask ? { recurrentMask } : {}),
    });
    if (this.stateful && (ctx.keepStates ?? true)) this.state = { h: res.h, c: res.c, batch };
    const trainable = this.trainable;
    const outShape = this.returnSequences ? [batch, timesteps, u] : [batch, u];
    return {
      outputs: [new Tensor(res.output, outShape), new Tensor(res.h, [batch, u]), new Tensor(res.c, [batch, u])],
      backward: (dOutput, dStates) => {
        const dh = dStates[0] ?? null;
        const dc = dStates[1] ?? null;
        const g = lstmBackward(res.tape, dOutput ? dOutput.data : new Float32Array(res.output.length), {
          needInputGrad: ctx.needInputGrad,
          ...(dh ? { dhFinal: dh.data } : {}),
          ...(dc ? { dcFinal: dc.data } : {}),
        });
        const weightGrads = new Map<LayerWeight, Tensor>();
        if (trainable) {
          weightGrads.set(kernel!, new Tensor(g.dKernel, kernel!.shape));
          weightGrads.set(recurrent!, new Tensor(g.dRecurrentKernel, recurrent!.shape));
          if (this.useBias && g.dBias) weightGrads.set(bias!, new Tensor(g.dBias, bias!.shape));
        }
        return {
          dInput: g.dx ? new Tensor(g.dx, input.shape) : null,
          dInitialState: initialState ? [new Tensor(g.dh0, [batch, u]), new Tensor(g.dc0, [batch, u])] : [null, null],
          weightGrads,
        };
      },
    };
  }

  /** Checks the input and the kept state, and gathers the kernel's options (shared by inference and training). */
  private kernelOptions(input: Tensor, ctx: CallContext, initialState?: readonly [Tensor, Tensor]): { batch: number; timesteps: number; inputDim: number; options: LstmForwardOptions } {
    if (input.rank !== 3) {
      throw new ShapeMismatchError(`layer "${this.name}" (LSTM) expects a 3-D input (batch, timesteps, features)`, [null, null, null], input.shape, this.name);
    }
    const [batch, timesteps, inputDim] = input.shape as [number, number, number];
    const [kernel, recurrent, bias] = this.weightList;
    if (kernel!.shape[0] !== inputDim) {
      throw new ShapeMismatchError(`layer "${this.name}" (LSTM) input features`, [null, null, kernel!.shape[0]!], input.shape, this.name);
    }
    let initialH: Float32Array | undefined;
    let initialC: Float32Array | undefined;
    if (initialState) {
      initialH = initialState[0].data;
      initialC = initialState[1].data;
    } else if (this.stateful && this.state) {
      if (this.state.batch !== batch) {
        throw new ShapeMismatchError(`stateful layer "${this.name}" (LSTM) keeps a state for another batch size; call resetStates()`, [this.state.batch], [batch], this.name);
      }
      initialH = this.state.h;
      initialC = this.state.c;
    }
    const options: LstmForwardOptions = {
      batch,
      timesteps,
      inputDim,
      units: this.units,
      kernel: kernel!.value.data,
      recurrentKernel: recurrent!.value.data,
      bias: this.useBias ? bias!.value.data : null,
      activation: this.activation.get(ctx.hardSigmoid),
      recurrentActivation: this.recurrentActivation.get(ctx.hardSigmoid),
      returnSequences: this.returnSequences,
      goBackwards: this.goBackwards,
      ...(initialH ? { initialH } : {}),
      ...(initialC ? { initialC } : {}),
    };
    return { batch, timesteps, inputDim, options };
  }

  /** Keras 3 keeps an LSTM's variables in its `cell` (an `LSTMCell` named `lstm_cell`); the layer itself has none. */
  override keras3VariableTree(): Keras3VariableTree {
    return { name: this.name, variables: [], children: [{ key: 'cell', tree: { name: 'lstm_cell', variables: this.weights, children: [] } }] };
  }

  /** Forget the kept state of a stateful layer (Keras' `reset_states`). */
  resetStates(): void {
    this.state = null;
  }

  override getConfig(): JsonObject {
    return {
      ...super.getConfig(),
      return_sequences: this.returnSequences,
      return_state: this.returnState,
      go_backwards: this.goBackwards,
      stateful: this.stateful,
      unroll: this.unroll,
      implementation: this.implementation,
      units: this.units,
      activation: this.activation.name,
      recurrent_activation: this.recurrentActivation.name,
      use_bias: this.useBias,
      kernel_initializer: this.kernelInitializer.serialize() as unknown as JsonObject,
      recurrent_initializer: this.recurrentInitializer.serialize() as unknown as JsonObject,
      bias_initializer: this.biasInitializer.serialize() as unknown as JsonObject,
      unit_forget_bias: this.unitForgetBias,
      ...this.kept,
      dropout: this.dropout,
      recurrent_dropout: this.recurrentDropout,
      seed: this.seed,
    };
  }

  /** Build from a canonical Keras config. */
  static fromConfig(config: JsonObject): LSTM {
    const r = new ConfigReader(config, 'LSTM');
    if (r.bool('time_major', false)) {
      throw new UnsupportedError('time_major=true is not supported; transpose the input to (batch, time, features)', r.where);
    }
    return new LSTM({
      ...r.baseOptions(),
      units: r.int('units', 0, 1),
      activation: r.activation('activation', 'tanh'),
      recurrentActivation: r.activation('recurrent_activation', 'sigmoid'),
      useBias: r.bool('use_bias', true),
      kernelInitializer: (config.kernel_initializer as InitializerSpec | undefined) ?? 'glorot_uniform',
      recurrentInitializer: (config.recurrent_initializer as InitializerSpec | undefined) ?? 'orthogonal',
      biasInitializer: (config.bias_initializer as InitializerSpec | undefined) ?? 'zeros',
      unitForgetBias: r.bool('unit_forget_bias', true),
      kernelRegularizer: r.raw('kernel_regularizer'),
      recurrentRegularizer: r.raw('recurrent_regularizer'),
      biasRegularizer: r.raw('bias_regularizer'),
      activityRegularizer: r.raw('activity_regularizer'),
      kernelConstraint: r.raw('kernel_constraint'),
      recurrentConstraint: r.raw('recurrent_constraint'),
      biasConstraint: r.raw('bias_constraint'),
      dropout: r.number('dropout', 0),
      recurrentDropout: r.number('recurrent_dropout', 0),
      returnSequences: r.bool('return_sequences', false),
      returnState: r.bool('return_state', false),
      goBackwards: r.bool('go_backwards', false),
      stateful: r.bool('stateful', false),
      unroll: r.bool('unroll', false),
      implementation: r.int('implementation', 2),
      seed: config.seed === undefined || config.seed === null ? null : r.int('seed', 0),
    });
  }
}

/** A dropout mask of `n` values: 0 with probability `rate`, else `1/(1 − rate)`. */
function dropoutMask(rng: Random, n: number, rate: number): Float32Array {
  const keep = 1 - rate;
  const scale = rate >= 1 ? 0 : 1 / keep;
  const m = new Float32Array(n);
  for (let i = 0; i < n; i++) m[i] = rng.uniform() < keep ? scale : 0;
  return m;
}

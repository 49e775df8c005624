import { lstmBackward, lstmForward, lstmForwardTrain, type LstmForwardOptions } from '@kerasts/tensor';
import { ActivationSlot, type KeptConfig } from '../engine/activation-slot.js';
import type { ConfigReader } from '../engine/config-reader.js';
import type { JsonObject } from '../engine/json.js';
import type { CallContext, LayerWeight } from '../engine/layer.js';
import { getInitializer, type Initializer, type InitializerSpec } from '../initializers.js';
import { RNNCell, type CellDropoutMasks, type CellSequenceResult, type CellSequenceSpec, type CellSequenceTape } from './rnn.js';

/** Options of {@link LSTMCell} (and the cell part of `LSTM`'s options). Defaults are Keras 3's. */
export interface LstmCellOptions {
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
  kernelConstraint?: KeptConfig;
  recurrentConstraint?: KeptConfig;
  biasConstraint?: KeptConfig;
  dropout?: number;
  recurrentDropout?: number;
  /** Keras' computation mode; changes no numbers, kept for saving. */
  implementation?: number;
  seed?: number | null;
}

/** The option names of {@link LstmCellOptions}. */
export const LSTM_CELL_KEYS = {
  units: true, activation: true, recurrentActivation: true, useBias: true, kernelInitializer: true, recurrentInitializer: true,
  biasInitializer: true, unitForgetBias: true, kernelRegularizer: true, recurrentRegularizer: true, biasRegularizer: true,
  kernelConstraint: true, recurrentConstraint: true, biasConstraint: true, dropout: true, recurrentDropout: true,
  implementation: true, seed: true,
} as const satisfies Record<keyof LstmCellOptions, true>;

/**
 * Keras' `LSTMCell`: weights `kernel` (inputDim × 4u), `recurrent_kernel` (u × 4u) and `bias` (4u),
 * gate blocks in Keras' order i, f, c, o; states h and c. Runs whole sequences through
 * `@kerasts/tensor`'s LSTM kernels.
 */
export class LSTMCell extends RNNCell {
  readonly className = 'LSTMCell';
  readonly name = 'lstm_cell';
  readonly stateCount = 2;
  readonly units: number;
  readonly activation: ActivationSlot;
  readonly recurrentActivation: ActivationSlot;
  readonly useBias: boolean;
  readonly kernelInitializer: Initializer;
  readonly recurrentInitializer: Initializer;
  readonly biasInitializer: Initializer;
  readonly unitForgetBias: boolean;
  readonly kept: Readonly<Record<string, KeptConfig>>;
  readonly dropout: number;
  readonly recurrentDropout: number;
  readonly implementation: number;
  readonly seed: number | null;

  /** `where` names the layer in error messages. */
  constructor(options: LstmCellOptions, where = 'lstm') {
    super();
    this.units = options.units;
    this.activation = new ActivationSlot(options.activation ?? 'tanh');
    this.recurrentActivation = new ActivationSlot(options.recurrentActivation ?? 'sigmoid');
    this.useBias = options.useBias ?? true;
    this.kernelInitializer = getInitializer(options.kernelInitializer ?? 'glorot_uniform', `${where}.kernel_initializer`);
    this.recurrentInitializer = getInitializer(options.recurrentInitializer ?? 'orthogonal', `${where}.recurrent_initializer`);
    this.biasInitializer = getInitializer(options.biasInitializer ?? 'zeros', `${where}.bias_initializer`);
    this.unitForgetBias = options.unitForgetBias ?? true;
    this.kept = {
      kernel_regularizer: options.kernelRegularizer ?? null,
      recurrent_regularizer: options.recurrentRegularizer ?? null,
      bias_regularizer: options.biasRegularizer ?? null,
      kernel_constraint: options.kernelConstraint ?? null,
      recurrent_constraint: options.recurrentConstraint ?? null,
      bias_constraint: options.biasConstraint ?? null,
    };
    this.dropout = options.dropout ?? 0;
    this.recurrentDropout = options.recurrentDropout ?? 0;
    this.implementation = options.implementation ?? 2;
    this.seed = options.seed ?? null;
  }

  build(d: number, add: (name: string, shape: readonly number[], values: Float32Array) => LayerWeight): void {
    const u = this.units;
    this.weights.length = 0;
    this.weights.push(add('kernel', [d, 4 * u], this.kernelInitializer.init([d, 4 * u])));
    this.weights.push(add('recurrent_kernel', [u, 4 * u], this.recurrentInitializer.init([u, 4 * u])));
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
      this.weights.push(add('bias', [4 * u], b));
    }
  }

  private options(spec: CellSequenceSpec, ctx: CallContext): LstmForwardOptions {
    const init = spec.initialStates;
    return {
      batch: spec.batch,
      timesteps: spec.timesteps,
      inputDim: spec.inputDim,
      units: this.units,
      kernel: this.weight(0).value.data,
      recurrentKernel: this.weight(1).value.data,
      bias: this.useBias ? this.weight(2).value.data : null,
      activation: this.activation.get(ctx.hardSigmoid),
      recurrentActivation: this.recurrentActivation.get(ctx.hardSigmoid),
      returnSequences: spec.returnSequences,
      goBackwards: spec.goBackwards,
      ...(init ? { initialH: init[0]!, initialC: init[1]! } : {}),
      ...(spec.mask ? { mask: spec.mask, maskedOutput: spec.maskedOutput } : {}),
    };
  }

  runSequence(x: Float32Array, spec: CellSequenceSpec, ctx: CallContext): CellSequenceResult {
    const r = lstmForward(x, { ...this.options(spec, ctx), cacheWeights: true }); // layer weights: packed panels may be kept
    return { output: r.output, states: [r.h, r.c] };
  }

  trainSequence(x: Float32Array, spec: CellSequenceSpec, ctx: CallContext, dropout: CellDropoutMasks | null): CellSequenceTape {
    const r = lstmForwardTrain(x, {
      ...this.options(spec, ctx),
      ...(dropout?.input ? { inputMask: dropout.input } : {}),
      ...(dropout?.recurrent ? { recurrentMask: dropout.recurrent } : {}),
    });
    const useBias = this.useBias;
    return {
      output: r.output,
      states: [r.h, r.c],
      backward: (dOutput, dStates, needInputGrad) => {
        const g = lstmBackward(r.tape, dOutput ?? new Float32Array(r.output.length), {
          needInputGrad,
          ...(dStates[0] ? { dhFinal: dStates[0] } : {}),
          ...(dStates[1] ? { dcFinal: dStates[1] } : {}),
        });
        return {
          dx: g.dx,
          dStates: [g.dh0, g.dc0],
          weightGrads: useBias && g.dBias ? [g.dKernel, g.dRecurrentKernel, g.dBias] : [g.dKernel, g.dRecurrentKernel],
        };
      },
    };
  }

  getConfig(): JsonObject {
    return {
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

  /** The cell options of a config (Keras' LSTM / LSTMCell keys). */
  static readOptions(r: ConfigReader, config: JsonObject): LstmCellOptions {
    return {
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
      kernelConstraint: r.raw('kernel_constraint'),
      recurrentConstraint: r.raw('recurrent_constraint'),
      biasConstraint: r.raw('bias_constraint'),
      dropout: r.number('dropout', 0),
      recurrentDropout: r.number('recurrent_dropout', 0),
      implementation: r.int('implementation', 2),
      seed: config.seed === undefined || config.seed === null ? null : r.int('seed', 0),
    };
  }
}

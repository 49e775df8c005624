import { gruBackward, gruForward, gruForwardTrain, releaseGruTape, type GruForwardOptions } from '@kerasts/tensor';
import { ActivationSlot, type KeptConfig } from '../engine/activation-slot.js';
import type { ConfigReader } from '../engine/config-reader.js';
import type { JsonObject } from '../engine/json.js';
import type { CallContext, LayerWeight } from '../engine/layer.js';
import { getInitializer, type Initializer, type InitializerSpec } from '../initializers.js';
import { RNNCell, type CellDropoutMasks, type CellSequenceResult, type CellSequenceSpec, type CellSequenceTape } from './rnn.js';

/** Options of {@link GRUCell} (and the cell part of `GRU`'s options). Defaults are Keras 3's. */
export interface GruCellOptions {
  units: number;
  activation?: string;
  /** Default `sigmoid` (Keras ≥ 2.3); Keras ≤ 2.2 configs say `hard_sigmoid`. */
  recurrentActivation?: string;
  useBias?: boolean;
  kernelInitializer?: InitializerSpec;
  recurrentInitializer?: InitializerSpec;
  biasInitializer?: InitializerSpec;
  kernelRegularizer?: KeptConfig;
  recurrentRegularizer?: KeptConfig;
  biasRegularizer?: KeptConfig;
  kernelConstraint?: KeptConfig;
  recurrentConstraint?: KeptConfig;
  biasConstraint?: KeptConfig;
  dropout?: number;
  recurrentDropout?: number;
  /**
   * Apply the reset gate after the recurrent product (default true: Keras 3, tf.keras 2 and CuDNNGRU;
   * bias `(2, 3u)`); false is Keras 1/2's GRU (bias `(3u)`).
   */
  resetAfter?: boolean;
  /** Keras' computation mode; changes no numbers, kept for saving. */
  implementation?: number;
  seed?: number | null;
}

/** The option names of {@link GruCellOptions}. */
export const GRU_CELL_KEYS = {
  units: true, activation: true, recurrentActivation: true, useBias: true, kernelInitializer: true, recurrentInitializer: true,
  biasInitializer: true, kernelRegularizer: true, recurrentRegularizer: true, biasRegularizer: true, kernelConstraint: true,
  recurrentConstraint: true, biasConstraint: true, dropout: true, recurrentDropout: true, resetAfter: true, implementation: true, seed: true,
} as const satisfies Record<keyof GruCellOptions, true>;

/**
 * Keras' `GRUCell`: weights `kernel` (inputDim × 3u), `recurrent_kernel` (u × 3u) and `bias` ((2, 3u)
 * with `resetAfter`, else (3u)), gate blocks z (update), r (reset), h (candidate); one state h.
 * `h = z ⊙ h + (1 − z) ⊙ hh`. Runs whole sequences through `@kerasts/tensor`'s GRU kernels.
 */
export class GRUCell extends RNNCell {
  readonly className = 'GRUCell';
  readonly name = 'gru_cell';
  readonly stateCount = 1;
  readonly units: number;
  readonly activation: ActivationSlot;
  readonly recurrentActivation: ActivationSlot;
  readonly useBias: boolean;
  readonly resetAfter: boolean;
  readonly kernelInitializer: Initializer;
  readonly recurrentInitializer: Initializer;
  readonly biasInitializer: Initializer;
  readonly kept: Readonly<Record<string, KeptConfig>>;
  readonly dropout: number;
  readonly recurrentDropout: number;
  readonly implementation: number;
  readonly seed: number | null;

  /** `where` names the layer in error messages. */
  constructor(options: GruCellOptions, where = 'gru') {
    super();
    this.units = options.units;
    this.activation = new ActivationSlot(options.activation ?? 'tanh');
    this.recurrentActivation = new ActivationSlot(options.recurrentActivation ?? 'sigmoid');
    this.useBias = options.useBias ?? true;
    this.resetAfter = options.resetAfter ?? true;
    this.kernelInitializer = getInitializer(options.kernelInitializer ?? 'glorot_uniform', `${where}.kernel_initializer`);
    this.recurrentInitializer = getInitializer(options.recurrentInitializer ?? 'orthogonal', `${where}.recurrent_initializer`);
    this.biasInitializer = getInitializer(options.biasInitializer ?? 'zeros', `${where}.bias_initializer`);
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
    this.weights.push(add('kernel', [d, 3 * u], this.kernelInitializer.init([d, 3 * u])));
    this.weights.push(add('recurrent_kernel', [u, 3 * u], this.recurrentInitializer.init([u, 3 * u])));
    if (this.useBias) {
      const shape = this.resetAfter ? [2, 3 * u] : [3 * u];
      this.weights.push(add('bias', shape, this.biasInitializer.init(shape)));
    }
  }

  private options(spec: CellSequenceSpec, ctx: CallContext): GruForwardOptions {
    const init = spec.initialStates;
    return {
      batch: spec.batch,
      timesteps: spec.timesteps,
      inputDim: spec.inputDim,
      units: this.units,
      kernel: this.weight(0).value.data,
      recurrentKernel: this.weight(1).value.data,
      bias: this.useBias ? this.weight(2).value.data : null,
      resetAfter: this.resetAfter,
      activation: this.activation.get(ctx.hardSigmoid),
      recurrentActivation: this.recurrentActivation.get(ctx.hardSigmoid),
      returnSequences: spec.returnSequences,
      goBackwards: spec.goBackwards,
      ...(init ? { initialH: init[0]! } : {}),
      ...(spec.mask ? { mask: spec.mask, maskedOutput: spec.maskedOutput } : {}),
    };
  }

  runSequence(x: Float32Array, spec: CellSequenceSpec, ctx: CallContext): CellSequenceResult {
    const r = gruForward(x, { ...this.options(spec, ctx), cacheWeights: true }); // layer weights: packed panels may be kept
    return { output: r.output, states: [r.h] };
  }

  trainSequence(x: Float32Array, spec: CellSequenceSpec, ctx: CallContext, dropout: CellDropoutMasks | null): CellSequenceTape {
    const r = gruForwardTrain(x, {
      ...this.options(spec, ctx),
      ...(dropout?.input ? { inputMask: dropout.input } : {}),
      ...(dropout?.recurrent ? { recurrentMask: dropout.recurrent } : {}),
    });
    const useBias = this.useBias;
    return {
      output: r.output,
      states: [r.h],
      backward: (dOutput, dStates, needInputGrad) => {
        const g = gruBackward(r.tape, dOutput ?? new Float32Array(r.output.length), { needInputGrad, ...(dStates[0] ? { dhFinal: dStates[0] } : {}) });
        // a training step runs each tape's backward once: its arrays serve the next step's tape
        releaseGruTape(r.tape);
        return {
          dx: g.dx,
          dStates: [g.dh0],
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
      ...this.kept,
      dropout: this.dropout,
      recurrent_dropout: this.recurrentDropout,
      reset_after: this.resetAfter,
      seed: this.seed,
    };
  }

  /** The cell options of a config (Keras' GRU / GRUCell keys). */
  static readOptions(r: ConfigReader, config: JsonObject): GruCellOptions {
    return {
      units: r.int('units', 0, 1),
      activation: r.activation('activation', 'tanh'),
      recurrentActivation: r.activation('recurrent_activation', 'sigmoid'),
      useBias: r.bool('use_bias', true),
      kernelInitializer: (config.kernel_initializer as InitializerSpec | undefined) ?? 'glorot_uniform',
      recurrentInitializer: (config.recurrent_initializer as InitializerSpec | undefined) ?? 'orthogonal',
      biasInitializer: (config.bias_initializer as InitializerSpec | undefined) ?? 'zeros',
      kernelRegularizer: r.raw('kernel_regularizer'),
      recurrentRegularizer: r.raw('recurrent_regularizer'),
      biasRegularizer: r.raw('bias_regularizer'),
      kernelConstraint: r.raw('kernel_constraint'),
      recurrentConstraint: r.raw('recurrent_constraint'),
      biasConstraint: r.raw('bias_constraint'),
      dropout: r.number('dropout', 0),
      recurrentDropout: r.number('recurrent_dropout', 0),
      resetAfter: r.bool('reset_after', true),
      implementation: r.int('implementation', 2),
      seed: config.seed === undefined || config.seed === null ? null : r.int('seed', 0),
    };
  }
}

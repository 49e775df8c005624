import { simpleRnnBackward, simpleRnnForward, simpleRnnForwardTrain, type SimpleRnnForwardOptions } from '@kerasts/tensor';
import { ActivationSlot, type KeptConfig } from '../engine/activation-slot.js';
import type { ConfigReader } from '../engine/config-reader.js';
import type { JsonObject } from '../engine/json.js';
import type { CallContext, LayerWeight } from '../engine/layer.js';
import { getInitializer, type Initializer, type InitializerSpec } from '../initializers.js';
import { RNNCell, type CellDropoutMasks, type CellSequenceResult, type CellSequenceSpec, type CellSequenceTape } from './rnn.js';

/** Options of {@link SimpleRNNCell} (and the cell part of `SimpleRNN`'s options). Defaults are Keras 3's. */
export interface SimpleRnnCellOptions {
  units: number;
  activation?: string;
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
  seed?: number | null;
}

/** The option names of {@link SimpleRnnCellOptions}. */
export const SIMPLE_RNN_CELL_KEYS = {
  units: true, activation: true, useBias: true, kernelInitializer: true, recurrentInitializer: true, biasInitializer: true,
  kernelRegularizer: true, recurrentRegularizer: true, biasRegularizer: true, kernelConstraint: true, recurrentConstraint: true,
  biasConstraint: true, dropout: true, recurrentDropout: true, seed: true,
} as const satisfies Record<keyof SimpleRnnCellOptions, true>;

/**
 * Keras' `SimpleRNNCell`: weights `kernel` (inputDim × u), `recurrent_kernel` (u × u), `bias` (u);
 * `h = act(x·W + b + h·U)`; one state h.
 */
export class SimpleRNNCell extends RNNCell {
  readonly className = 'SimpleRNNCell';
  readonly name = 'simple_rnn_cell';
  readonly stateCount = 1;
  readonly units: number;
  readonly activation: ActivationSlot;
  readonly useBias: boolean;
  readonly kernelInitializer: Initializer;
  readonly recurrentInitializer: Initializer;
  readonly biasInitializer: Initializer;
  readonly kept: Readonly<Record<string, KeptConfig>>;
  readonly dropout: number;
  readonly recurrentDropout: number;
  readonly seed: number | null;

  /** `where` names the layer in error messages. */
  constructor(options: SimpleRnnCellOptions, where = 'simple_rnn') {
    super();
    this.units = options.units;
    this.activation = new ActivationSlot(options.activation ?? 'tanh');
    this.useBias = options.useBias ?? true;
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
    this.seed = options.seed ?? null;
  }

  build(d: number, add: (name: string, shape: readonly number[], values: Float32Array) => LayerWeight): void {
    const u = this.units;
    this.weights.length = 0;
    this.weights.push(add('kernel', [d, u], this.kernelInitializer.init([d, u])));
    this.weights.push(add('recurrent_kernel', [u, u], this.recurrentInitializer.init([u, u])));
    if (this.useBias) this.weights.push(add('bias', [u], this.biasInitializer.init([u])));
  }

  private options(spec: CellSequenceSpec, ctx: CallContext): SimpleRnnForwardOptions {
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
      returnSequences: spec.returnSequences,
      goBackwards: spec.goBackwards,
      ...(init ? { initialH: init[0]! } : {}),
      ...(spec.mask ? { mask: spec.mask, maskedOutput: spec.maskedOutput } : {}),
    };
  }

  runSequence(x: Float32Array, spec: CellSequenceSpec, ctx: CallContext): CellSequenceResult {
    const r = simpleRnnForward(x, { ...this.options(spec, ctx), cacheWeights: true }); // layer weights: packed panels may be kept
    return { output: r.output, states: [r.h] };
  }

  trainSequence(x: Float32Array, spec: CellSequenceSpec, ctx: CallContext, dropout: CellDropoutMasks | null): CellSequenceTape {
    const r = simpleRnnForwardTrain(x, {
      ...this.options(spec, ctx),
      ...(dropout?.input ? { inputMask: dropout.input } : {}),
      ...(dropout?.recurrent ? { recurrentMask: dropout.recurrent } : {}),
    });
    const useBias = this.useBias;
    return {
      output: r.output,
      states: [r.h],
      backward: (dOutput, dStates, needInputGrad) => {
        const g = simpleRnnBackward(r.tape, dOutput ?? new Float32Array(r.output.length), { needInputGrad, ...(dStates[0] ? { dhFinal: dStates[0] } : {}) });
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
      units: this.units,
      activation: this.activation.name,
      use_bias: this.useBias,
      kernel_initializer: this.kernelInitializer.serialize() as unknown as JsonObject,
      recurrent_initializer: this.recurrentInitializer.serialize() as unknown as JsonObject,
      bias_initializer: this.biasInitializer.serialize() as unknown as JsonObject,
      ...this.kept,
      dropout: this.dropout,
      recurrent_dropout: this.recurrentDropout,
      seed: this.seed,
    };
  }

  /** The cell options of a config (Keras' SimpleRNN / SimpleRNNCell keys). */
  static readOptions(r: ConfigReader, config: JsonObject): SimpleRnnCellOptions {
    return {
      units: r.int('units', 0, 1),
      activation: r.activation('activation', 'tanh'),
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
      seed: config.seed === undefined || config.seed === null ? null : r.int('seed', 0),
    };
  }
}

/**
 * What graphs and wrappers need from a recurrent layer (LSTM, GRU, SimpleRNN): calls with initial
 * states and a mask, their final states, and training tapes that take gradients for those states and
 * return gradients for the initial ones (seq2seq encoders get gradients through the decoder's initial
 * state). Functional/Sequential models, `Bidirectional` and seq2seq reach RNN layers only through
 * this interface, recognised by shape ({@link isRecurrent}) so that the engine imports no layer class.
 */
import type { Tensor } from '@kerasts/tensor';
import type { CallContext, Layer, LayerWeight, Mask, TrainCallContext } from './layer.js';

/** Options of a recurrent call. */
export interface RecurrentCallOptions {
  /** The initial states (`[h, c]` for an LSTM, `[h]` for GRU/SimpleRNN), each `batch × units`; zeros when absent. */
  initialState?: readonly Tensor[];
  /** The input's mask over (batch, timesteps): masked steps keep the state (Keras' masking). */
  mask?: Mask | null;
  /** Overrides the layer's `zero_output_for_mask` (Bidirectional: `return_sequences` in tf.keras and Keras 3). */
  zeroOutputForMask?: boolean;
}

/** The training-mode forward pass of a recurrent call. */
export interface RecurrentTape {
  /** `[output, ...final states]` (the states whether or not the layer returns them). */
  readonly outputs: readonly Tensor[];
  /**
   * Backpropagation through time from ∂L/∂output (null: nothing depends on it) and ∂L/∂ each final
   * state (null entries for states nothing depends on). Returns ∂L/∂input (null when the forward pass
   * was told it is not needed), ∂L/∂ each initial state, and the weight gradients.
   */
  backward(
    dOutput: Tensor | null,
    dStates: readonly (Tensor | null)[],
  ): { dInput: Tensor | null; dInitialState: (Tensor | null)[]; weightGrads: ReadonlyMap<LayerWeight, Tensor> };
}

/** The members a recurrent layer offers (see the module comment). */
export interface RecurrentLayerLike {
  readonly units: number;
  readonly returnSequences: boolean;
  readonly returnState: boolean;
  readonly goBackwards: boolean;
  readonly stateful: boolean;
  /** How many state tensors the layer carries: 2 for an LSTM (h, c), 1 for GRU and SimpleRNN. */
  readonly stateCount: number;
  /** Inference: `[output, ...final states]`. */
  callRecurrent(input: Tensor, ctx: CallContext, options?: RecurrentCallOptions): Tensor[];
  /** Training: the tape of {@link callRecurrent}. */
  forwardTrainRecurrent(input: Tensor, ctx: TrainCallContext, options?: RecurrentCallOptions): RecurrentTape;
}

/** A layer that is recurrent. */
export type RecurrentLayer = Layer & RecurrentLayerLike;

/** Whether a layer offers {@link RecurrentLayerLike}. */
export function isRecurrent(layer: Layer): layer is RecurrentLayer {
  const l = layer as Layer & Partial<RecurrentLayerLike>;
  return typeof l.callRecurrent === 'function' && typeof l.forwardTrainRecurrent === 'function' && typeof l.units === 'number' && typeof l.stateCount === 'number';
}

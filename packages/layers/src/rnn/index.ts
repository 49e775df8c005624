/**
 * Keras' recurrent layers (`keras/src/layers/rnn/`): the sequence driver `RNN` and its cells, LSTM
 * (and Keras 2's CuDNNLSTM, loaded as an LSTM), and the wrappers Bidirectional and TimeDistributed.
 */
import type { LayerFactory } from '../engine/layer.js';
import { Bidirectional } from './bidirectional.js';
import { LSTM } from './lstm.js';
import { TimeDistributed } from './time-distributed.js';

export {
  RNN,
  RNNCell,
  RNN_OPTION_KEYS,
  dropoutMask,
  readRnnOptions,
  type RnnOptions,
  type RnnRunOptions,
  type RnnRunResult,
  type RnnTape,
  type RnnGradients,
  type CellSequenceSpec,
  type CellSequenceResult,
  type CellSequenceTape,
  type CellDropoutMasks,
  type CellGradients,
} from './rnn.js';
export { LSTMCell, LSTM_CELL_KEYS, type LstmCellOptions } from './lstm-cell.js';
export { LSTM, type LstmOptions } from './lstm.js';
export { Bidirectional, type BidirectionalOptions, type MergeMode } from './bidirectional.js';
export { TimeDistributed, type TimeDistributedOptions } from './time-distributed.js';

/** Class names and factories this family adds to the registry. */
export const rnnLayers: readonly (readonly [string, LayerFactory])[] = [
  ['LSTM', LSTM.fromConfig],
  // Keras 2's GPU-only CuDNNLSTM computes an LSTM with sigmoid gates and tanh; its weights are converted
  // on load (bias halves summed, kernels re-laid out; see @kerasts/transfer).
  ['CuDNNLSTM', (config) => LSTM.fromConfig({ ...config, activation: 'tanh', recurrent_activation: 'sigmoid', unit_forget_bias: config.unit_forget_bias ?? true })],
  ['Bidirectional', Bidirectional.fromConfig],
  ['TimeDistributed', TimeDistributed.fromConfig],
];

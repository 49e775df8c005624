/**
 * Keras' recurrent layers (`keras/src/layers/rnn/`): the sequence driver `RNN` and its cells; LSTM,
 * GRU, SimpleRNN (and Keras 2's CuDNNLSTM / CuDNNGRU, loaded as LSTM / GRU); the wrappers
 * Bidirectional and TimeDistributed.
 */
import type { LayerFactory } from '../engine/layer.js';
import { Bidirectional } from './bidirectional.js';
import { GRU } from './gru.js';
import { LSTM } from './lstm.js';
import { SimpleRNN } from './simple-rnn.js';
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
export { GRUCell, GRU_CELL_KEYS, type GruCellOptions } from './gru-cell.js';
export { GRU, type GruOptions } from './gru.js';
export { SimpleRNNCell, SIMPLE_RNN_CELL_KEYS, type SimpleRnnCellOptions } from './simple-rnn-cell.js';
export { SimpleRNN, type SimpleRnnOptions } from './simple-rnn.js';
export { Bidirectional, type BidirectionalOptions, type MergeMode } from './bidirectional.js';
export { TimeDistributed, type TimeDistributedOptions } from './time-distributed.js';

/** Class names and factories this family adds to the registry. */
export const rnnLayers: readonly (readonly [string, LayerFactory])[] = [
  ['LSTM', LSTM.fromConfig],
  // Keras 2's GPU-only CuDNNLSTM computes an LSTM with sigmoid gates and tanh; its weights are converted
  // on load (bias halves summed, kernels re-laid out; see @kerasts/transfer).
  ['CuDNNLSTM', (config) => LSTM.fromConfig({ ...config, activation: 'tanh', recurrent_activation: 'sigmoid', unit_forget_bias: config.unit_forget_bias ?? true })],
  ['GRU', GRU.fromConfig],
  // Keras 2's CuDNNGRU is a GRU with reset_after (cuDNN's variant), sigmoid gates and tanh; weights re-laid
  // out on load (see @kerasts/transfer).
  ['CuDNNGRU', (config) => GRU.fromConfig({ ...config, activation: 'tanh', recurrent_activation: 'sigmoid', reset_after: true })],
  ['SimpleRNN', SimpleRNN.fromConfig],
  ['Bidirectional', Bidirectional.fromConfig],
  ['TimeDistributed', TimeDistributed.fromConfig],
];

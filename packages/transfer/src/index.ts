/**
 * @kerasts/transfer — putting a `WeightTable` into a model: by topology or by layer name (Keras'
 * `by_name=True`), `skipMismatch`, layout conversions of old files (Keras 1 LSTM, CuDNNLSTM), and a
 * `TransferReport` of what matched; `freeze` / `unfreeze` for fine-tuning.
 */
export {
  applyWeights,
  freeze,
  unfreeze,
  formatTransferReport,
  type ApplyOptions,
  type TransferReport,
  type LoadedWeight,
  type SkippedWeight,
} from './apply.js';
export { convertForLayer, type Converted } from './convert.js';
export { rescaleHardSigmoidForKeras3, rescaleHardSigmoidForKeras2, type NumericsUpgrade } from './numerics.js';

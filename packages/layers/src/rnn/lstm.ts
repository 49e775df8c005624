import type { KeptConfig } from '../engine/activation-slot.js';
import { ConfigReader } from '../engine/config-reader.js';
import type { JsonObject } from '../engine/json.js';
import { layerArgs, type OptionKeys } from '../engine/options.js';
import { LSTM_CELL_KEYS, LSTMCell, type LstmCellOptions } from './lstm-cell.js';
import { readRnnOptions, RNN, RNN_OPTION_KEYS, type RnnOptions } from './rnn.js';

/** Options of {@link LSTM}, mirroring Keras' arguments in camelCase. Defaults are Keras 3's. */
export interface LstmOptions extends RnnOptions, LstmCellOptions {
  activityRegularizer?: KeptConfig;
}

const LSTM_KEYS: OptionKeys<LstmOptions> = { ...LSTM_CELL_KEYS, ...RNN_OPTION_KEYS, activityRegularizer: true };

/**
 * Long short-term memory layer: the recurrent driver ({@link RNN}) with an {@link LSTMCell}. Weights
 * `kernel` (inputDim × 4u), `recurrent_kernel` (u × 4u) and `bias` (4u), gate blocks in Keras' order
 * i, f, c, o; states h and c.
 */
export class LSTM extends RNN {
  override readonly className: string = 'LSTM';
  declare readonly cell: LSTMCell;

  /** `new LSTM(units, options?)` or `new LSTM({ units, ... })`, as Keras' `LSTM(units, ...)`. */
  constructor(units: number, options?: Omit<LstmOptions, 'units'>);
  constructor(options: LstmOptions);
  constructor(unitsOrOptions: number | LstmOptions, more?: Omit<LstmOptions, 'units'>) {
    const options = layerArgs<LstmOptions>('LSTM', [unitsOrOptions, more], { positional: ['units'], keys: LSTM_KEYS });
    const name = options.name;
    super(options, 'lstm', new LSTMCell(options, name ?? 'lstm'));
  }

  get activation() {
    return this.cell.activation;
  }
  get recurrentActivation() {
    return this.cell.recurrentActivation;
  }
  get useBias(): boolean {
    return this.cell.useBias;
  }
  get unitForgetBias(): boolean {
    return this.cell.unitForgetBias;
  }
  get dropout(): number {
    return this.cell.dropout;
  }
  get recurrentDropout(): number {
    return this.cell.recurrentDropout;
  }
  get implementation(): number {
    return this.cell.implementation;
  }
  get seed(): number | null {
    return this.cell.seed;
  }

  /** Build from a canonical Keras config. */
  static fromConfig(config: JsonObject): LSTM {
    const r = new ConfigReader(config, 'LSTM');
    return new LSTM({ ...readRnnOptions(r), ...LSTMCell.readOptions(r, config) });
  }
}

import type { KeptConfig } from '../engine/activation-slot.js';
import { ConfigReader } from '../engine/config-reader.js';
import type { JsonObject } from '../engine/json.js';
import { layerArgs, type OptionKeys } from '../engine/options.js';
import { readRnnOptions, RNN, RNN_OPTION_KEYS, type RnnOptions } from './rnn.js';
import { SIMPLE_RNN_CELL_KEYS, SimpleRNNCell, type SimpleRnnCellOptions } from './simple-rnn-cell.js';

/** Options of {@link SimpleRNN}, mirroring Keras' arguments in camelCase. */
export interface SimpleRnnOptions extends RnnOptions, SimpleRnnCellOptions {
  activityRegularizer?: KeptConfig;
}

const SIMPLE_RNN_KEYS: OptionKeys<SimpleRnnOptions> = { ...SIMPLE_RNN_CELL_KEYS, ...RNN_OPTION_KEYS, activityRegularizer: true };

/**
 * Fully-connected RNN whose output is fed back as its state: the recurrent driver ({@link RNN}) with a
 * {@link SimpleRNNCell}. Weights `kernel` (inputDim × u), `recurrent_kernel` (u × u), `bias` (u).
 */
export class SimpleRNN extends RNN {
  override readonly className: string = 'SimpleRNN';
  declare readonly cell: SimpleRNNCell;

  /** `new SimpleRNN(units, options?)` or `new SimpleRNN({ units, ... })`, as Keras' `SimpleRNN(units, ...)`. */
  constructor(units: number, options?: Omit<SimpleRnnOptions, 'units'>);
  constructor(options: SimpleRnnOptions);
  constructor(unitsOrOptions: number | SimpleRnnOptions, more?: Omit<SimpleRnnOptions, 'units'>) {
    const options = layerArgs<SimpleRnnOptions>('SimpleRNN', [unitsOrOptions, more], { positional: ['units'], keys: SIMPLE_RNN_KEYS });
    super(options, 'simple_rnn', new SimpleRNNCell(options, options.name ?? 'simple_rnn'));
  }

  get activation() {
    return this.cell.activation;
  }
  get useBias(): boolean {
    return this.cell.useBias;
  }
  get dropout(): number {
    return this.cell.dropout;
  }
  get recurrentDropout(): number {
    return this.cell.recurrentDropout;
  }

  /** Build from a canonical Keras config. */
  static fromConfig(config: JsonObject): SimpleRNN {
    const r = new ConfigReader(config, 'SimpleRNN');
    return new SimpleRNN({ ...readRnnOptions(r), ...SimpleRNNCell.readOptions(r, config) });
  }
}

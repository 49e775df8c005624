import type { KeptConfig } from '../engine/activation-slot.js';
import { ConfigReader } from '../engine/config-reader.js';
import type { JsonObject } from '../engine/json.js';
import { layerArgs, type OptionKeys } from '../engine/options.js';
import { GRU_CELL_KEYS, GRUCell, type GruCellOptions } from './gru-cell.js';
import { readRnnOptions, RNN, RNN_OPTION_KEYS, type RnnOptions } from './rnn.js';

/** Options of {@link GRU}, mirroring Keras' arguments in camelCase. Defaults are Keras 3's (`resetAfter: true`). */
export interface GruOptions extends RnnOptions, GruCellOptions {
  activityRegularizer?: KeptConfig;
}

const GRU_KEYS: OptionKeys<GruOptions> = { ...GRU_CELL_KEYS, ...RNN_OPTION_KEYS, activityRegularizer: true };

/**
 * Gated recurrent unit: the recurrent driver ({@link RNN}) with a {@link GRUCell}. Weights `kernel`
 * (inputDim × 3u), `recurrent_kernel` (u × 3u) and `bias` ((2, 3u) with `resetAfter`, Keras 3 and
 * tf.keras 2's default; (3u) without, Keras 1/2's), gate blocks z, r, h; one state h.
 */
export class GRU extends RNN {
  override readonly className: string = 'GRU';
  declare readonly cell: GRUCell;

  /** `new GRU(units, options?)` or `new GRU({ units, ... })`, as Keras' `GRU(units, ...)`. */
  constructor(units: number, options?: Omit<GruOptions, 'units'>);
  constructor(options: GruOptions);
  constructor(unitsOrOptions: number | GruOptions, more?: Omit<GruOptions, 'units'>) {
    const options = layerArgs<GruOptions>('GRU', [unitsOrOptions, more], { positional: ['units'], keys: GRU_KEYS });
    super(options, 'gru', new GRUCell(options, options.name ?? 'gru'));
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
  get resetAfter(): boolean {
    return this.cell.resetAfter;
  }
  get dropout(): number {
    return this.cell.dropout;
  }
  get recurrentDropout(): number {
    return this.cell.recurrentDropout;
  }

  /** Build from a canonical Keras config. */
  static fromConfig(config: JsonObject): GRU {
    const r = new ConfigReader(config, 'GRU');
    return new GRU({ ...readRnnOptions(r), ...GRUCell.readOptions(r, config) });
  }
}

import { ConfigReader } from '../engine/config-reader.js';
import { readDataFormat } from '../engine/data-format.js';
import { layerArgs, type OptionKeys } from '../engine/options.js';
import type { JsonObject } from '../engine/json.js';
import { ZeroPaddingBase, type ZeroPaddingOptions } from './zero-padding-base.js';

/** Options of {@link ZeroPadding1D}. */
export type ZeroPadding1DOptions = ZeroPaddingOptions;

const KEYS: OptionKeys<ZeroPadding1DOptions> = { padding: true, dataFormat: true };

/** Adds zeros before and after the time axis (axis 1, or 2 with channels_first) (default 1 on each side). */
export class ZeroPadding1D extends ZeroPaddingBase {
  readonly className: string = 'ZeroPadding1D';
  protected readonly spatialRank = 1;

  /** `new ZeroPadding1D(1)`, `new ZeroPadding1D([1, 2])` or `new ZeroPadding1D({ padding, dataFormat })`. */
  constructor(padding?: ZeroPaddingOptions['padding'], options?: Omit<ZeroPadding1DOptions, 'padding'>);
  constructor(options?: ZeroPadding1DOptions);
  constructor(a?: ZeroPaddingOptions['padding'] | ZeroPadding1DOptions, more?: Omit<ZeroPadding1DOptions, 'padding'>) {
    const options = layerArgs<ZeroPadding1DOptions>('ZeroPadding1D', [a, more], { positional: ['padding'], required: [], keys: KEYS });
    super(options, 'zero_padding1d', 'ZeroPadding1D', 1, 1);
  }

  /** Build from a canonical Keras config. */
  static fromConfig(config: JsonObject): ZeroPadding1D {
    const r = new ConfigReader(config, 'ZeroPadding1D');
    return new ZeroPadding1D({ ...r.baseOptions(), padding: (config.padding ?? 1) as ZeroPaddingOptions['padding'], dataFormat: readDataFormat(config.data_format, r.where) });
  }
}

import { ConfigReader } from '../engine/config-reader.js';
import { readDataFormat } from '../engine/data-format.js';
import { layerArgs, type OptionKeys } from '../engine/options.js';
import type { JsonObject } from '../engine/json.js';
import { ZeroPaddingBase, type ZeroPaddingOptions } from './zero-padding-base.js';

/** Options of {@link ZeroPadding2D}. */
export type ZeroPadding2DOptions = ZeroPaddingOptions;

const KEYS: OptionKeys<ZeroPadding2DOptions> = { padding: true, dataFormat: true };

/** Adds zeros before and after the two spatial axes (default 1 on each side). */
export class ZeroPadding2D extends ZeroPaddingBase {
  readonly className: string = 'ZeroPadding2D';
  protected readonly spatialRank = 2;

  /** `new ZeroPadding2D(1)`, `new ZeroPadding2D([[1, 0], [2, 2]])` or `new ZeroPadding2D({ padding, dataFormat })`. */
  constructor(padding?: ZeroPaddingOptions['padding'], options?: Omit<ZeroPadding2DOptions, 'padding'>);
  constructor(options?: ZeroPadding2DOptions);
  constructor(a?: ZeroPaddingOptions['padding'] | ZeroPadding2DOptions, more?: Omit<ZeroPadding2DOptions, 'padding'>) {
    const options = layerArgs<ZeroPadding2DOptions>('ZeroPadding2D', [a, more], { positional: ['padding'], required: [], keys: KEYS });
    super(options, 'zero_padding2d', 'ZeroPadding2D', 2, 1);
  }

  /** Build from a canonical Keras config. */
  static fromConfig(config: JsonObject): ZeroPadding2D {
    const r = new ConfigReader(config, 'ZeroPadding2D');
    return new ZeroPadding2D({ ...r.baseOptions(), padding: (config.padding ?? 1) as ZeroPaddingOptions['padding'], dataFormat: readDataFormat(config.data_format, r.where) });
  }
}

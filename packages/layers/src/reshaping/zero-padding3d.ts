import { ConfigReader } from '../engine/config-reader.js';
import { readDataFormat } from '../engine/data-format.js';
import { layerArgs, type OptionKeys } from '../engine/options.js';
import type { JsonObject } from '../engine/json.js';
import { ZeroPaddingBase, type ZeroPaddingOptions } from './zero-padding-base.js';

/** Options of {@link ZeroPadding3D}. */
export type ZeroPadding3DOptions = ZeroPaddingOptions;

const KEYS: OptionKeys<ZeroPadding3DOptions> = { padding: true, dataFormat: true };

/** Adds zeros before and after the three spatial axes (default 1 on each side). */
export class ZeroPadding3D extends ZeroPaddingBase {
  readonly className: string = 'ZeroPadding3D';
  protected readonly spatialRank = 3;

  /** `new ZeroPadding3D(1)`, `new ZeroPadding3D([1, 2, 0])` or `new ZeroPadding3D({ padding, dataFormat })`. */
  constructor(padding?: ZeroPaddingOptions['padding'], options?: Omit<ZeroPadding3DOptions, 'padding'>);
  constructor(options?: ZeroPadding3DOptions);
  constructor(a?: ZeroPaddingOptions['padding'] | ZeroPadding3DOptions, more?: Omit<ZeroPadding3DOptions, 'padding'>) {
    const options = layerArgs<ZeroPadding3DOptions>('ZeroPadding3D', [a, more], { positional: ['padding'], required: [], keys: KEYS });
    super(options, 'zero_padding3d', 'ZeroPadding3D', 3, 1);
  }

  /** Build from a canonical Keras config. */
  static fromConfig(config: JsonObject): ZeroPadding3D {
    const r = new ConfigReader(config, 'ZeroPadding3D');
    return new ZeroPadding3D({ ...r.baseOptions(), padding: (config.padding ?? 1) as ZeroPaddingOptions['padding'], dataFormat: readDataFormat(config.data_format, r.where) });
  }
}

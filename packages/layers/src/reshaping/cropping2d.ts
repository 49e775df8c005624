import { ConfigReader } from '../engine/config-reader.js';
import { readDataFormat } from '../engine/data-format.js';
import { layerArgs, type OptionKeys } from '../engine/options.js';
import type { JsonObject } from '../engine/json.js';
import { CroppingBase, type CroppingOptions } from './cropping-base.js';

/** Options of {@link Cropping2D}. */
export type Cropping2DOptions = CroppingOptions;

const KEYS: OptionKeys<Cropping2DOptions> = { cropping: true, dataFormat: true };

/** Removes rows before and after the two spatial axes (default 0 on each side). */
export class Cropping2D extends CroppingBase {
  readonly className: string = 'Cropping2D';
  protected readonly spatialRank = 2;

  /** `new Cropping2D(2)`, `new Cropping2D([[1, 0], [2, 2]])` or `new Cropping2D({ cropping, dataFormat })`. */
  constructor(cropping?: CroppingOptions['cropping'], options?: Omit<Cropping2DOptions, 'cropping'>);
  constructor(options?: Cropping2DOptions);
  constructor(a?: CroppingOptions['cropping'] | Cropping2DOptions, more?: Omit<Cropping2DOptions, 'cropping'>) {
    const options = layerArgs<Cropping2DOptions>('Cropping2D', [a, more], { positional: ['cropping'], required: [], keys: KEYS });
    super(options, 'cropping2d', 'Cropping2D', 2, 0);
  }

  /** Build from a canonical Keras config. */
  static fromConfig(config: JsonObject): Cropping2D {
    const r = new ConfigReader(config, 'Cropping2D');
    return new Cropping2D({ ...r.baseOptions(), cropping: (config.cropping ?? 0) as CroppingOptions['cropping'], dataFormat: readDataFormat(config.data_format, r.where) });
  }
}

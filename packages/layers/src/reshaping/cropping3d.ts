import { ConfigReader } from '../engine/config-reader.js';
import { readDataFormat } from '../engine/data-format.js';
import { layerArgs, type OptionKeys } from '../engine/options.js';
import type { JsonObject } from '../engine/json.js';
import { CroppingBase, type CroppingOptions } from './cropping-base.js';

/** Options of {@link Cropping3D}. */
export type Cropping3DOptions = CroppingOptions;

const KEYS: OptionKeys<Cropping3DOptions> = { cropping: true, dataFormat: true };

/** Removes rows before and after the three spatial axes (default 1 on each side). */
export class Cropping3D extends CroppingBase {
  readonly className: string = 'Cropping3D';
  protected readonly spatialRank = 3;

  /** `new Cropping3D(1)`, `new Cropping3D([1, 2, 0])` or `new Cropping3D({ cropping, dataFormat })`. */
  constructor(cropping?: CroppingOptions['cropping'], options?: Omit<Cropping3DOptions, 'cropping'>);
  constructor(options?: Cropping3DOptions);
  constructor(a?: CroppingOptions['cropping'] | Cropping3DOptions, more?: Omit<Cropping3DOptions, 'cropping'>) {
    const options = layerArgs<Cropping3DOptions>('Cropping3D', [a, more], { positional: ['cropping'], required: [], keys: KEYS });
    super(options, 'cropping3d', 'Cropping3D', 3, 1);
  }

  /** Build from a canonical Keras config. */
  static fromConfig(config: JsonObject): Cropping3D {
    const r = new ConfigReader(config, 'Cropping3D');
    return new Cropping3D({ ...r.baseOptions(), cropping: (config.cropping ?? 1) as CroppingOptions['cropping'], dataFormat: readDataFormat(config.data_format, r.where) });
  }
}

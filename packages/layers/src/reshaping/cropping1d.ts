import { ConfigReader } from '../engine/config-reader.js';
import { layerArgs, type OptionKeys } from '../engine/options.js';
import type { JsonObject } from '../engine/json.js';
import { CroppingBase, type CroppingOptions } from './cropping-base.js';

/** Options of {@link Cropping1D}. */
export type Cropping1DOptions = Omit<CroppingOptions, 'dataFormat'>;

const KEYS: OptionKeys<Cropping1DOptions> = { cropping: true };

/** Removes rows before and after the time axis (axis 1) (default 1 on each side). */
export class Cropping1D extends CroppingBase {
  readonly className: string = 'Cropping1D';
  protected readonly spatialRank = 1;

  /** `new Cropping1D(1)`, `new Cropping1D([1, 2])` or `new Cropping1D({ cropping })`. */
  constructor(cropping?: CroppingOptions['cropping'], options?: Omit<Cropping1DOptions, 'cropping'>);
  constructor(options?: Cropping1DOptions);
  constructor(a?: CroppingOptions['cropping'] | Cropping1DOptions, more?: Omit<Cropping1DOptions, 'cropping'>) {
    const options = layerArgs<Cropping1DOptions>('Cropping1D', [a, more], { positional: ['cropping'], required: [], keys: KEYS });
    super(options, 'cropping1d', 'Cropping1D', 1, 1);
  }

  /** Build from a canonical Keras config. */
  static fromConfig(config: JsonObject): Cropping1D {
    const r = new ConfigReader(config, 'Cropping1D');
    return new Cropping1D({ ...r.baseOptions(), cropping: (config.cropping ?? 1) as CroppingOptions['cropping'] });
  }
}

import { ConfigReader } from '../engine/config-reader.js';
import { layerArgs, type OptionKeys } from '../engine/options.js';
import type { JsonObject } from '../engine/json.js';
import { UpSamplingBase, type UpSamplingOptions } from './up-sampling-base.js';

/** Options of {@link UpSampling1D}. */
export type UpSampling1DOptions = Omit<UpSamplingOptions, 'dataFormat' | 'interpolation'>;

const KEYS: OptionKeys<UpSampling1DOptions> = { size: true };

/** Repeats every timestep `size` times (default 2). */
export class UpSampling1D extends UpSamplingBase {
  readonly className: string = 'UpSampling1D';
  protected readonly spatialRank = 1;

  /** `new UpSampling1D(2)` or `new UpSampling1D({ size })`. */
  constructor(size?: number, options?: Omit<UpSampling1DOptions, 'size'>);
  constructor(options?: UpSampling1DOptions);
  constructor(a?: number | UpSampling1DOptions, more?: Omit<UpSampling1DOptions, 'size'>) {
    const options = layerArgs<UpSampling1DOptions>('UpSampling1D', [a, more], { positional: ['size'], required: [], keys: KEYS });
    super(options, 'up_sampling1d', 'UpSampling1D', 1, 2);
  }

  /** Build from a canonical Keras config. */
  static fromConfig(config: JsonObject): UpSampling1D {
    const r = new ConfigReader(config, 'UpSampling1D');
    return new UpSampling1D({ ...r.baseOptions(), size: (config.size ?? 2) as number | number[] });
  }
}

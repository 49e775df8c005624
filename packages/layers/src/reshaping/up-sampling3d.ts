import { ConfigReader } from '../engine/config-reader.js';
import { readDataFormat } from '../engine/data-format.js';
import { layerArgs, type OptionKeys } from '../engine/options.js';
import type { JsonObject } from '../engine/json.js';
import { UpSamplingBase, type UpSamplingOptions } from './up-sampling-base.js';

/** Options of {@link UpSampling3D}. */
export type UpSampling3DOptions = Omit<UpSamplingOptions, 'interpolation'>;

const KEYS: OptionKeys<UpSampling3DOptions> = { size: true, dataFormat: true };

/** Repeats every voxel along the three spatial axes (default 2 × 2 × 2). */
export class UpSampling3D extends UpSamplingBase {
  readonly className: string = 'UpSampling3D';
  protected readonly spatialRank = 3;

  /** `new UpSampling3D([2, 2, 1])` or `new UpSampling3D({ size, dataFormat })`. */
  constructor(size?: number | readonly number[], options?: Omit<UpSampling3DOptions, 'size'>);
  constructor(options?: UpSampling3DOptions);
  constructor(a?: number | readonly number[] | UpSampling3DOptions, more?: Omit<UpSampling3DOptions, 'size'>) {
    const options = layerArgs<UpSampling3DOptions>('UpSampling3D', [a, more], { positional: ['size'], required: [], keys: KEYS });
    super(options, 'up_sampling3d', 'UpSampling3D', 3, 2);
  }

  /** Build from a canonical Keras config. */
  static fromConfig(config: JsonObject): UpSampling3D {
    const r = new ConfigReader(config, 'UpSampling3D');
    return new UpSampling3D({ ...r.baseOptions(), size: (config.size ?? 2) as number | number[], dataFormat: readDataFormat(config.data_format, r.where) });
  }
}

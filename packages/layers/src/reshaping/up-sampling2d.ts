import { ConfigReader } from '../engine/config-reader.js';
import { readDataFormat } from '../engine/data-format.js';
import { layerArgs, type OptionKeys } from '../engine/options.js';
import type { JsonObject } from '../engine/json.js';
import { UpSamplingBase, type UpSamplingOptions, type Interpolation } from './up-sampling-base.js';

/** Options of {@link UpSampling2D}. */
export type UpSampling2DOptions = UpSamplingOptions;

const KEYS: OptionKeys<UpSampling2DOptions> = { size: true, dataFormat: true, interpolation: true };

/** Enlarges height and width by integer factors (default 2 × 2): nearest-neighbour repeats, or bilinear as Keras 3 (jax.image.resize, half-pixel centres). */
export class UpSampling2D extends UpSamplingBase {
  readonly className: string = 'UpSampling2D';
  protected readonly spatialRank = 2;

  /** `new UpSampling2D([2, 3])` or `new UpSampling2D({ size, dataFormat, interpolation })`. */
  constructor(size?: number | readonly number[], options?: Omit<UpSampling2DOptions, 'size'>);
  constructor(options?: UpSampling2DOptions);
  constructor(a?: number | readonly number[] | UpSampling2DOptions, more?: Omit<UpSampling2DOptions, 'size'>) {
    const options = layerArgs<UpSampling2DOptions>('UpSampling2D', [a, more], { positional: ['size'], required: [], keys: KEYS });
    super(options, 'up_sampling2d', 'UpSampling2D', 2, 2);
  }

  /** Build from a canonical Keras config. */
  static fromConfig(config: JsonObject): UpSampling2D {
    const r = new ConfigReader(config, 'UpSampling2D');
    return new UpSampling2D({ ...r.baseOptions(), size: (config.size ?? 2) as number | number[], dataFormat: readDataFormat(config.data_format, r.where), interpolation: r.string('interpolation', 'nearest') as Interpolation });
  }
}

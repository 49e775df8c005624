import type { JsonObject } from '../engine/json.js';
import { SpatialDropout, type SpatialDropoutOptions } from './spatial-dropout.js';

/** Dropout of whole channels of a 3-D input (Keras `SpatialDropout1D`); identity at inference. */
export class SpatialDropout1D extends SpatialDropout {
  override readonly className: string = 'SpatialDropout1D';
  protected readonly inputRank = 3;
  /** `new SpatialDropout1D(rate, options?)` or `new SpatialDropout1D({ rate, ... })`. */
  constructor(rate: number, options?: Omit<SpatialDropoutOptions, 'rate' | 'dataFormat'>);
  constructor(options: Omit<SpatialDropoutOptions, 'dataFormat'>);
  constructor(a: number | Omit<SpatialDropoutOptions, 'dataFormat'>, more?: Omit<SpatialDropoutOptions, 'rate' | 'dataFormat'>) {
    super('SpatialDropout1D', 'spatial_dropout1d', [a, more], false);
  }
  /** Build from a canonical Keras config. */
  static override fromConfig(config: JsonObject): SpatialDropout1D {
    const { dataFormat: _d, ...o } = SpatialDropout.readSpatial(config, 'SpatialDropout1D');
    return new SpatialDropout1D(o);
  }
}

import type { JsonObject } from '../engine/json.js';
import { SpatialDropout, type SpatialDropoutOptions } from './spatial-dropout.js';

/** Dropout of whole channels of a 4-D input (Keras `SpatialDropout2D`); identity at inference. */
export class SpatialDropout2D extends SpatialDropout {
  override readonly className: string = 'SpatialDropout2D';
  protected readonly inputRank = 4;
  /** `new SpatialDropout2D(rate, options?)` or `new SpatialDropout2D({ rate, ... })`. */
  constructor(rate: number, options?: Omit<SpatialDropoutOptions, 'rate'>);
  constructor(options: SpatialDropoutOptions);
  constructor(a: number | SpatialDropoutOptions, more?: Omit<SpatialDropoutOptions, 'rate'>) {
    super('SpatialDropout2D', 'spatial_dropout2d', [a, more], true);
  }
  /** Build from a canonical Keras config. */
  static override fromConfig(config: JsonObject): SpatialDropout2D {
    return new SpatialDropout2D(SpatialDropout.readSpatial(config, 'SpatialDropout2D'));
  }
}

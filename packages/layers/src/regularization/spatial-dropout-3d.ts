import type { JsonObject } from '../engine/json.js';
import { SpatialDropout, type SpatialDropoutOptions } from './spatial-dropout.js';

/** Dropout of whole channels of a 5-D input (Keras `SpatialDropout3D`); identity at inference. */
export class SpatialDropout3D extends SpatialDropout {
  override readonly className: string = 'SpatialDropout3D';
  protected readonly inputRank = 5;
  /** `new SpatialDropout3D(rate, options?)` or `new SpatialDropout3D({ rate, ... })`. */
  constructor(rate: number, options?: Omit<SpatialDropoutOptions, 'rate'>);
  constructor(options: SpatialDropoutOptions);
  constructor(a: number | SpatialDropoutOptions, more?: Omit<SpatialDropoutOptions, 'rate'>) {
    super('SpatialDropout3D', 'spatial_dropout3d', [a, more], true);
  }
  /** Build from a canonical Keras config. */
  static override fromConfig(config: JsonObject): SpatialDropout3D {
    return new SpatialDropout3D(SpatialDropout.readSpatial(config, 'SpatialDropout3D'));
  }
}

import { layerArgs } from '../engine/options.js';
import type { LayerOptions } from '../engine/layer.js';
import type { JsonObject } from '../engine/json.js';
import { ElementwiseMerge } from './merge.js';

/** Element-wise maximum (Keras `Maximum`; NaN propagates). */
export class Maximum extends ElementwiseMerge {
  readonly className: string = 'Maximum';
  constructor(options: LayerOptions = {}) {
    super(layerArgs<LayerOptions>('Maximum', [options], { keys: {} }), 'maximum');
  }
  protected op(a: number, b: number): number {
    return Math.max(a, b);
  }
  protected partials(a: number, b: number, out: Float64Array): void {
    out[0] = a > b ? 1 : a < b ? 0 : 0.5;
    out[1] = 1 - out[0]!;
  }
  /** Build from a canonical Keras config. */
  static fromConfig(config: JsonObject): Maximum {
    return new Maximum(ElementwiseMerge.readOptions(config, 'Maximum'));
  }
}

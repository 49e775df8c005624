import { layerArgs } from '../engine/options.js';
import type { LayerOptions } from '../engine/layer.js';
import type { JsonObject } from '../engine/json.js';
import { ElementwiseMerge } from './merge.js';

/** Element-wise product (Keras `Multiply`). */
export class Multiply extends ElementwiseMerge {
  readonly className: string = 'Multiply';
  constructor(options: LayerOptions = {}) {
    super(layerArgs<LayerOptions>('Multiply', [options], { keys: {} }), 'multiply');
  }
  protected op(a: number, b: number): number {
    return a * b;
  }
  protected partials(a: number, b: number, out: Float64Array): void {
    out[0] = b;
    out[1] = a;
  }
  /** Build from a canonical Keras config. */
  static fromConfig(config: JsonObject): Multiply {
    return new Multiply(ElementwiseMerge.readOptions(config, 'Multiply'));
  }
}

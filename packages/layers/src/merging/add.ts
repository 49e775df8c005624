import { layerArgs } from '../engine/options.js';
import type { LayerOptions } from '../engine/layer.js';
import type { JsonObject } from '../engine/json.js';
import { ElementwiseMerge } from './merge.js';

/** Sum of the inputs (Keras `Add`). */
export class Add extends ElementwiseMerge {
  readonly className: string = 'Add';
  constructor(options: LayerOptions = {}) {
    super(layerArgs<LayerOptions>('Add', [options], { keys: {} }), 'add');
  }
  protected op(a: number, b: number): number {
    return a + b;
  }
  protected partials(_a: number, _b: number, out: Float64Array): void {
    out[0] = 1;
    out[1] = 1;
  }
  /** Build from a canonical Keras config. */
  static fromConfig(config: JsonObject): Add {
    return new Add(ElementwiseMerge.readOptions(config, 'Add'));
  }
}

import { layerArgs } from '../engine/options.js';
import type { LayerOptions } from '../engine/layer.js';
import type { JsonObject } from '../engine/json.js';
import { ElementwiseMerge } from './merge.js';

/** `inputs[0] - inputs[1]` (Keras `Subtract`; exactly two inputs). */
export class Subtract extends ElementwiseMerge {
  readonly className: string = 'Subtract';
  protected override readonly minInputs: number = 2;
  protected override readonly maxInputs: number = 2;
  constructor(options: LayerOptions = {}) {
    super(layerArgs<LayerOptions>('Subtract', [options], { keys: {} }), 'subtract');
  }
  protected op(a: number, b: number): number {
    return a - b;
  }
  protected partials(_a: number, _b: number, out: Float64Array): void {
    out[0] = 1;
    out[1] = -1;
  }
  /** Build from a canonical Keras config. */
  static fromConfig(config: JsonObject): Subtract {
    return new Subtract(ElementwiseMerge.readOptions(config, 'Subtract'));
  }
}

import { layerArgs } from '../engine/options.js';
import type { LayerOptions } from '../engine/layer.js';
import type { JsonObject } from '../engine/json.js';
import { ElementwiseMerge } from './merge.js';

/** Mean of the inputs: their float32 sum divided by their count (Keras `Average`). */
export class Average extends ElementwiseMerge {
  readonly className: string = 'Average';
  constructor(options: LayerOptions = {}) {
    super(layerArgs<LayerOptions>('Average', [options], { keys: {} }), 'average');
  }
  protected op(a: number, b: number): number {
    return a + b;
  }
  protected partials(_a: number, _b: number, out: Float64Array): void {
    out[0] = 1;
    out[1] = 1;
  }
  protected override finishScale(n: number): number {
    return 1 / n;
  }
  protected override finish(acc: Float32Array, n: number): void {
    for (let i = 0; i < acc.length; i++) acc[i] = acc[i]! / n;
  }
  /** Build from a canonical Keras config. */
  static fromConfig(config: JsonObject): Average {
    return new Average(ElementwiseMerge.readOptions(config, 'Average'));
  }
}

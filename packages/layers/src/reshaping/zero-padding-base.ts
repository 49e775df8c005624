import { crop, pad, Tensor } from '@kerasts/tensor';
import { readDataFormat, type DataFormat } from '../engine/data-format.js';
import { Layer, type LayerOptions, type LayerTape, type TrainCallContext } from '../engine/layer.js';
import type { JsonObject, JsonValue } from '../engine/json.js';
import type { Shape } from '../engine/shape.js';
import { expectSpatialRank, marginsFor, readPairs, spatialAxes, type Pairs } from './spatial.js';

/** Options of the ZeroPadding layers. */
export interface ZeroPaddingOptions extends LayerOptions {
  /** An int (every side), one int per spatial axis (symmetric), or a `[before, after]` pair per axis. */
  padding?: number | readonly number[] | readonly (readonly number[])[];
  /** Where the channels are (default `channels_last`). */
  dataFormat?: DataFormat;
}

/** What ZeroPadding1D/2D/3D share (Keras' `_ZeroPadding`): zeros added on the spatial axes. */
export abstract class ZeroPaddingBase extends Layer {
  readonly padding: Pairs;
  readonly dataFormat: DataFormat;
  /** Number of spatial axes. */
  protected abstract readonly spatialRank: number;

  protected constructor(options: ZeroPaddingOptions, prefix: string, className: string, n: number, dflt: number | readonly number[]) {
    super(options, prefix);
    const where = `layer "${this.name}" (${className})`;
    this.padding = readPairs(options.padding ?? dflt, n, 'padding', where);
    this.dataFormat = readDataFormat(options.dataFormat, where);
  }

  computeOutputShape(inputShape: Shape): Shape {
    expectSpatialRank(inputShape, this.spatialRank + 2, this.name, this.className);
    const out = [...inputShape];
    spatialAxes(out.length, this.dataFormat).forEach((a, i) => {
      const d = out[a];
      out[a] = d === null || d === undefined ? null : d + this.padding[i]![0] + this.padding[i]![1];
    });
    return out;
  }

  call(input: Tensor): Tensor {
    this.computeOutputShape(input.shape);
    const m = marginsFor(input.rank, this.dataFormat, this.padding);
    const data = pad(input.data, input.shape, m);
    return new Tensor(data, input.shape.map((d, a) => d + m[a]![0] + m[a]![1]));
  }

  override forwardTrain(input: Tensor, ctx: TrainCallContext): LayerTape {
    const output = this.call(input);
    const m = marginsFor(input.rank, this.dataFormat, this.padding);
    return {
      output,
      backward: (d: Tensor) => ({
        dInput: ctx.needInputGrad ? new Tensor(crop(d.data, output.shape, m), input.shape) : null,
        weightGrads: new Map(),
      }),
    };
  }

  /** Keras' config form of `padding`: `[l, r]` in 1-D, a pair per axis otherwise. */
  protected paddingConfig(): JsonValue {
    return this.spatialRank === 1 ? [this.padding[0]![0], this.padding[0]![1]] : this.padding.map((p) => [p[0], p[1]]);
  }

  override getConfig(): JsonObject {
    return { ...super.getConfig(), padding: this.paddingConfig(), data_format: this.dataFormat };
  }
}

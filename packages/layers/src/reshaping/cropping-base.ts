import { crop, croppedShape, pad, ShapeMismatchError, Tensor } from '@kerasts/tensor';
import { readDataFormat, type DataFormat } from '../engine/data-format.js';
import { Layer, type LayerOptions, type LayerTape, type TrainCallContext } from '../engine/layer.js';
import type { JsonObject, JsonValue } from '../engine/json.js';
import { formatShape, type Shape } from '../engine/shape.js';
import { expectSpatialRank, marginsFor, readPairs, spatialAxes, type Pairs } from './spatial.js';

/** Options of the Cropping layers. */
export interface CroppingOptions extends LayerOptions {
  /** An int (every side), one int per spatial axis (symmetric), or a `[before, after]` pair per axis. */
  cropping?: number | readonly number[] | readonly (readonly number[])[];
  /** Where the channels are (default `channels_last`; Cropping1D has none). */
  dataFormat?: DataFormat;
}

/** What Cropping1D/2D/3D share (Keras' `_Cropping`): rows removed from the spatial axes. */
export abstract class CroppingBase extends Layer {
  readonly cropping: Pairs;
  readonly dataFormat: DataFormat;
  protected abstract readonly spatialRank: number;

  protected constructor(options: CroppingOptions, prefix: string, className: string, n: number, dflt: number | readonly number[]) {
    super(options, prefix);
    const where = `layer "${this.name}" (${className})`;
    this.cropping = readPairs(options.cropping ?? dflt, n, 'cropping', where);
    this.dataFormat = readDataFormat(options.dataFormat, where);
  }

  computeOutputShape(inputShape: Shape): Shape {
    expectSpatialRank(inputShape, this.spatialRank + 2, this.name, this.className);
    const out = [...inputShape];
    spatialAxes(out.length, this.dataFormat).forEach((a, i) => {
      const d = out[a];
      if (d === null || d === undefined) return;
      const left = d - this.cropping[i]![0] - this.cropping[i]![1];
      if (left <= 0) {
        throw new ShapeMismatchError(`layer "${this.name}" (${this.className}): the cropping must be smaller than axis ${a} of the input ${formatShape(inputShape)}`, [], inputShape, this.name);
      }
      out[a] = left;
    });
    return out;
  }

  call(input: Tensor): Tensor {
    this.computeOutputShape(input.shape);
    const m = marginsFor(input.rank, this.dataFormat, this.cropping);
    return new Tensor(crop(input.data, input.shape, m), croppedShape(input.shape, m));
  }

  override forwardTrain(input: Tensor, ctx: TrainCallContext): LayerTape {
    const output = this.call(input);
    const m = marginsFor(input.rank, this.dataFormat, this.cropping);
    return {
      output,
      backward: (d: Tensor) => ({
        dInput: ctx.needInputGrad ? new Tensor(pad(d.data, output.shape, m), input.shape) : null,
        weightGrads: new Map(),
      }),
    };
  }

  protected croppingConfig(): JsonValue {
    return this.spatialRank === 1 ? [this.cropping[0]![0], this.cropping[0]![1]] : this.cropping.map((p) => [p[0], p[1]]);
  }

  override getConfig(): JsonObject {
    const cfg: JsonObject = { ...super.getConfig(), cropping: this.croppingConfig() };
    if (this.spatialRank > 1) cfg.data_format = this.dataFormat;
    return cfg;
  }
}

import { linearResizeWeights, repeatAxes, repeatAxesBackward, resizeAxisLinear, resizeAxisLinearBackward, Tensor, UnsupportedError } from '@kerasts/tensor';
import { readDataFormat, type DataFormat } from '../engine/data-format.js';
import { Layer, type LayerOptions, type LayerTape, type TrainCallContext } from '../engine/layer.js';
import type { JsonObject } from '../engine/json.js';
import type { Shape } from '../engine/shape.js';
import { expectSpatialRank, readFactors, spatialAxes } from './spatial.js';

/** Interpolations kerasts computes (Keras 3 also names bicubic, lanczos3, lanczos5, area). */
export type Interpolation = 'nearest' | 'bilinear';

/** Options of the UpSampling layers. */
export interface UpSamplingOptions extends LayerOptions {
  /** Factor per spatial axis: an int for all, or one per axis. */
  size?: number | readonly number[];
  /** Where the channels are (default `channels_last`; UpSampling1D has none). */
  dataFormat?: DataFormat;
  /** UpSampling2D only: `nearest` (default) or `bilinear`. */
  interpolation?: Interpolation;
}

/** What UpSampling1D/2D/3D share: every spatial axis enlarged by an integer factor. */
export abstract class UpSamplingBase extends Layer {
  /** One factor per spatial axis. */
  readonly factors: readonly number[];
  readonly dataFormat: DataFormat;
  readonly interpolation: Interpolation;
  protected abstract readonly spatialRank: number;

  protected constructor(options: UpSamplingOptions, prefix: string, className: string, n: number, dflt: number) {
    super(options, prefix);
    const where = `layer "${this.name}" (${className})`;
    this.factors = readFactors(options.size ?? dflt, n, 'size', where);
    this.dataFormat = readDataFormat(options.dataFormat, where);
    const interp = String(options.interpolation ?? 'nearest').toLowerCase();
    if (interp !== 'nearest' && interp !== 'bilinear') {
      throw new UnsupportedError(`interpolation "${interp}" is not supported (nearest and bilinear are)`, where);
    }
    if (interp === 'bilinear' && n !== 2) throw new UnsupportedError('bilinear interpolation exists for UpSampling2D only', where);
    this.interpolation = interp;
  }

  computeOutputShape(inputShape: Shape): Shape {
    expectSpatialRank(inputShape, this.spatialRank + 2, this.name, this.className);
    const out = [...inputShape];
    spatialAxes(out.length, this.dataFormat).forEach((a, i) => {
      const d = out[a];
      out[a] = d === null || d === undefined ? null : d * this.factors[i]!;
    });
    return out;
  }

  private allFactors(rank: number): number[] {
    const f = new Array<number>(rank).fill(1);
    spatialAxes(rank, this.dataFormat).forEach((a, i) => (f[a] = this.factors[i]!));
    return f;
  }

  call(input: Tensor): Tensor {
    const outShape = this.computeOutputShape(input.shape) as number[];
    if (this.interpolation === 'nearest') return new Tensor(repeatAxes(input.data, input.shape, this.allFactors(input.rank)), outShape);
    // Bilinear (jax.image.resize): one axis after the other, height first.
    let data = input.data;
    let shape = [...input.shape];
    for (const a of spatialAxes(input.rank, this.dataFormat)) {
      const w = linearResizeWeights(shape[a]!, outShape[a]!);
      data = resizeAxisLinear(data, shape, a, w);
      shape[a] = outShape[a]!;
    }
    return new Tensor(data, shape);
  }

  override forwardTrain(input: Tensor, ctx: TrainCallContext): LayerTape {
    const output = this.call(input);
    return {
      output,
      backward: (d: Tensor) => {
        if (!ctx.needInputGrad) return { dInput: null, weightGrads: new Map() };
        if (this.interpolation === 'nearest') {
          return { dInput: new Tensor(repeatAxesBackward(d.data, input.shape, this.allFactors(input.rank)), input.shape), weightGrads: new Map() };
        }
        // Undo the axes in reverse order.
        const axes = spatialAxes(input.rank, this.dataFormat);
        let g = d.data;
        const shape = [...output.shape];
        for (let k = axes.length - 1; k >= 0; k--) {
          const a = axes[k]!;
          const w = linearResizeWeights(input.shape[a]!, output.shape[a]!);
          shape[a] = input.shape[a]!;
          g = resizeAxisLinearBackward(g, shape, a, w);
        }
        return { dInput: new Tensor(g, input.shape), weightGrads: new Map() };
      },
    };
  }

  override getConfig(): JsonObject {
    const cfg: JsonObject = { ...super.getConfig(), size: this.spatialRank === 1 ? this.factors[0]! : [...this.factors] };
    if (this.spatialRank > 1) cfg.data_format = this.dataFormat;
    if (this.spatialRank === 2) cfg.interpolation = this.interpolation;
    return cfg;
  }
}

import { crop, croppedShape, pad, Tensor, type Margins } from '@kerasts/tensor';
import type { JsonObject } from '../engine/json.js';
import type { CallContext, LayerTape, TrainCallContext } from '../engine/layer.js';
import type { Shape } from '../engine/shape.js';
import { ImagePreprocessingLayer, imageLayerArgs, imageOptionsFromConfig, type ArgTable, type ImageLayerOptions } from './image-base.js';
import { resizeBatch } from './resizing.js';

/** Options of {@link CenterCrop}. */
export interface CenterCropOptions extends ImageLayerOptions {
  height: number;
  width: number;
}

const TABLE: ArgTable = {
  className: 'CenterCrop',
  prefix: 'center_crop',
  positional: ['height', 'width'],
  args: [
    { key: 'height', option: 'height', kind: 'positiveInt' },
    { key: 'width', option: 'width', kind: 'positiveInt' },
  ],
};

/**
 * Crops the centre `height × width` of images (Keras' `CenterCrop`), at inference and in training.
 * The start is `⌊(size − target) / 2⌋`; an image smaller than the target on either side is instead
 * cropped to the target aspect ratio and resized bilinearly (Keras' `smart_resize`).
 */
export class CenterCrop extends ImagePreprocessingLayer {
  readonly className: string = 'CenterCrop';
  readonly height: number;
  readonly width: number;

  /** `new CenterCrop(224, 224)` or `new CenterCrop({ height, width })`. */
  constructor(height: number, width: number, options?: Omit<CenterCropOptions, 'height' | 'width'>);
  constructor(options: CenterCropOptions);
  constructor(a: number | CenterCropOptions, b?: number | Omit<CenterCropOptions, 'height' | 'width'>, more?: Omit<CenterCropOptions, 'height' | 'width'>) {
    super(TABLE, imageLayerArgs<CenterCropOptions>(TABLE, [a, b, more]));
    this.height = this.arg('height') as number;
    this.width = this.arg('width') as number;
  }

  computeOutputShape(inputShape: Shape): Shape {
    this.expectImages(inputShape);
    const out = [...inputShape];
    const [ha, wa] = this.spatialAxes();
    out[ha] = this.height;
    out[wa] = this.width;
    return out;
  }

  private run(input: Tensor): { output: Tensor; backward: (d: Tensor) => Tensor } {
    this.expectImages(input.shape);
    const [ha, wa] = this.spatialAxes();
    const dh = input.shape[ha]! - this.height;
    const dw = input.shape[wa]! - this.width;
    if (dh >= 0 && dw >= 0) {
      const m: [number, number][] = [[0, 0], [0, 0], [0, 0], [0, 0]];
      m[ha] = [Math.floor(dh / 2), dh - Math.floor(dh / 2)];
      m[wa] = [Math.floor(dw / 2), dw - Math.floor(dw / 2)];
      const margins: Margins = m;
      return {
        output: new Tensor(crop(input.data, input.shape, margins), croppedShape(input.shape, margins)),
        backward: (d) => new Tensor(pad(d.data, d.shape, margins), input.shape),
      };
    }
    return resizeBatch(input, { height: this.height, width: this.width, interpolation: 'bilinear', cropToAspectRatio: true, padToAspectRatio: false, fillValue: 0, antialias: false, dataFormat: this.dataFormat });
  }

  call(input: Tensor, _ctx: CallContext): Tensor {
    return this.run(input).output;
  }

  override forwardTrain(input: Tensor, ctx: TrainCallContext): LayerTape {
    const r = this.run(input);
    return { output: r.output, backward: (d) => ({ dInput: ctx.needInputGrad ? r.backward(d) : null, weightGrads: new Map() }) };
  }

  /** Build from a canonical Keras config. */
  static fromConfig(config: JsonObject): CenterCrop {
    return new CenterCrop(imageOptionsFromConfig(TABLE, config) as unknown as CenterCropOptions);
  }
}

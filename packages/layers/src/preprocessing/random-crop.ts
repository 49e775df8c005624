import { crop, croppedShape, pad, Tensor, type Margins } from '@kerasts/tensor';
import type { JsonObject } from '../engine/json.js';
import type { CallContext, LayerTape, TrainCallContext } from '../engine/layer.js';
import type { Shape } from '../engine/shape.js';
import { ImagePreprocessingLayer, imageLayerArgs, imageOptionsFromConfig, type ArgTable, type ImageLayerOptions } from './image-base.js';
import { resizeBatch } from './resizing.js';

/** Options of {@link RandomCrop}. */
export interface RandomCropOptions extends ImageLayerOptions {
  height: number;
  width: number;
  seed?: number | null;
}

const TABLE: ArgTable = {
  className: 'RandomCrop',
  prefix: 'random_crop',
  positional: ['height', 'width'],
  args: [
    { key: 'height', option: 'height', kind: 'positiveInt' },
    { key: 'width', option: 'width', kind: 'positiveInt' },
    { key: 'seed', option: 'seed', kind: 'seed', dflt: null },
  ],
};

/**
 * Crops a random `height × width` window in training (Keras' `RandomCrop`). At inference it does
 * what the Keras that wrote the model does: Keras 3 passes images through **unchanged** (its output
 * then keeps the input's size, whatever the declared output shape says), tf.keras 2 crops the
 * largest centred window of the target aspect ratio and resizes it bilinearly (`smart_resize`).
 * In training one window per batch, as Keras: a random start (kerasts' seeded stream) when the
 * image is larger on both sides, else Keras 3's centred fallback followed by a bilinear resize.
 */
export class RandomCrop extends ImagePreprocessingLayer {
  readonly className: string = 'RandomCrop';
  readonly height: number;
  readonly width: number;
  readonly seed: number | null;

  /** `new RandomCrop(24, 24)` or `new RandomCrop({ height, width, seed })`. */
  constructor(height: number, width: number, options?: Omit<RandomCropOptions, 'height' | 'width'>);
  constructor(options: RandomCropOptions);
  constructor(a: number | RandomCropOptions, b?: number | Omit<RandomCropOptions, 'height' | 'width'>, more?: Omit<RandomCropOptions, 'height' | 'width'>) {
    super(TABLE, imageLayerArgs<RandomCropOptions>(TABLE, [a, b, more]));
    this.height = this.arg('height') as number;
    this.width = this.arg('width') as number;
    this.seed = this.arg('seed') as number | null;
  }

  computeOutputShape(inputShape: Shape): Shape {
    this.expectImages(inputShape);
    const out = [...inputShape];
    const [ha, wa] = this.spatialAxes();
    out[ha] = this.height;
    out[wa] = this.width;
    return out;
  }

  private smartResize(input: Tensor): { output: Tensor; backward: (d: Tensor) => Tensor } {
    return resizeBatch(input, { height: this.height, width: this.width, interpolation: 'bilinear', cropToAspectRatio: true, padToAspectRatio: false, fillValue: 0, antialias: false, dataFormat: this.dataFormat });
  }

  call(input: Tensor, ctx: CallContext): Tensor {
    this.expectImages(input.shape);
    if (ctx.era === undefined || ctx.era === 'keras3') return input;
    return this.smartResize(input).output;
  }

  override forwardTrain(input: Tensor, ctx: TrainCallContext): LayerTape {
    this.expectImages(input.shape);
    const grad = (r: { output: Tensor; backward: (d: Tensor) => Tensor }): LayerTape => ({ output: r.output, backward: (d) => ({ dInput: ctx.needInputGrad ? r.backward(d) : null, weightGrads: new Map() }) });
    if (!ctx.training || !ctx.random) {
      if (ctx.era === undefined || ctx.era === 'keras3') return { output: input, backward: (d) => ({ dInput: ctx.needInputGrad ? d : null, weightGrads: new Map() }) };
      return grad(this.smartResize(input));
    }
    const [ha, wa] = this.spatialAxes();
    const ih = input.shape[ha]!;
    const iw = input.shape[wa]!;
    const keras3 = ctx.era === undefined || ctx.era === 'keras3';
    let hs: number;
    let ws: number;
    if (keras3 ? ih > this.height && iw > this.width : ih >= this.height && iw >= this.width) {
      hs = Math.floor(ctx.random.uniform() * (ih - this.height + 1));
      ws = Math.floor(ctx.random.uniform() * (iw - this.width + 1));
    } else if (!keras3) {
      return grad(this.smartResize(input));
    } else {
      const ch = Math.max(Math.min(ih, Math.trunc((iw * this.height) / this.width)), 1);
      const cw = Math.max(Math.min(iw, Math.trunc((ih * this.width) / this.height)), 1);
      hs = Math.trunc((ih - ch) / 2);
      ws = Math.trunc((iw - cw) / 2);
    }
    // Keras slices [start, start + target) (clipped to the image), then resizes if that is short.
    const m: [number, number][] = [[0, 0], [0, 0], [0, 0], [0, 0]];
    m[ha] = [hs, Math.max(0, ih - hs - this.height)];
    m[wa] = [ws, Math.max(0, iw - ws - this.width)];
    const margins: Margins = m;
    const cropped = new Tensor(crop(input.data, input.shape, margins), croppedShape(input.shape, margins));
    if (cropped.shape[ha] === this.height && cropped.shape[wa] === this.width) {
      return grad({ output: cropped, backward: (d) => new Tensor(pad(d.data, d.shape, margins), input.shape) });
    }
    const r = resizeBatch(cropped, { height: this.height, width: this.width, interpolation: 'bilinear', cropToAspectRatio: false, padToAspectRatio: false, fillValue: 0, antialias: false, dataFormat: this.dataFormat });
    return grad({ output: r.output, backward: (d) => new Tensor(pad(r.backward(d).data, cropped.shape, margins), input.shape) });
  }

  /** Build from a canonical Keras config. */
  static fromConfig(config: JsonObject): RandomCrop {
    return new RandomCrop(imageOptionsFromConfig(TABLE, config) as unknown as RandomCropOptions);
  }
}

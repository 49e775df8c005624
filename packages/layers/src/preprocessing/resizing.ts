import { crop, croppedShape, pad, paddedShape, resizeImages, resizeImagesBackward, RESIZE_INTERPOLATIONS, Tensor, UnsupportedError, ConfigError, type Margins, type ResizeInterpolation } from '@kerasts/tensor';
import type { DataFormat } from '../engine/data-format.js';
import type { JsonObject } from '../engine/json.js';
import type { CallContext, LayerTape, TrainCallContext } from '../engine/layer.js';
import type { Shape } from '../engine/shape.js';
import { ImagePreprocessingLayer, imageLayerArgs, imageOptionsFromConfig, type ArgTable, type ImageLayerOptions } from './image-base.js';

/** Interpolation names Keras' `Resizing` takes (Keras 3 and tf.keras 2); kerasts computes {@link RESIZE_INTERPOLATIONS}. */
export type ResizingInterpolation = ResizeInterpolation | 'area' | 'gaussian' | 'mitchellcubic';

/** Options of {@link Resizing}. */
export interface ResizingOptions extends ImageLayerOptions {
  height: number;
  width: number;
  /** Default `bilinear`; also `nearest`, `bicubic`, `lanczos3`, `lanczos5` (tf.keras' `area`, `gaussian`, `mitchellcubic` are refused). */
  interpolation?: ResizingInterpolation;
  /** Crop the largest centred window of the target aspect ratio first (default false). */
  cropToAspectRatio?: boolean;
  /** Pad the short side evenly to the target aspect ratio first (Keras 3; default false). */
  padToAspectRatio?: boolean;
  /** Only `constant` (Keras 3). */
  fillMode?: 'constant';
  /** Padding value with `padToAspectRatio` (default 0). */
  fillValue?: number;
  /** Widen the kernel when downsampling (Keras 3; default false). */
  antialias?: boolean;
}

const TABLE: ArgTable = {
  className: 'Resizing',
  prefix: 'resizing',
  positional: ['height', 'width'],
  args: [
    { key: 'height', option: 'height', kind: 'positiveInt' },
    { key: 'width', option: 'width', kind: 'positiveInt' },
    { key: 'interpolation', option: 'interpolation', kind: { oneOf: ['bilinear', 'nearest', 'bicubic', 'lanczos3', 'lanczos5', 'area', 'gaussian', 'mitchellcubic'] }, dflt: 'bilinear' },
    { key: 'crop_to_aspect_ratio', option: 'cropToAspectRatio', kind: 'bool', dflt: false },
    { key: 'pad_to_aspect_ratio', option: 'padToAspectRatio', kind: 'bool', dflt: false },
    { key: 'fill_mode', option: 'fillMode', kind: { oneOf: ['constant'] }, dflt: 'constant' },
    { key: 'fill_value', option: 'fillValue', kind: 'number', dflt: 0 },
    { key: 'antialias', option: 'antialias', kind: 'bool', dflt: false },
  ],
};

/** How {@link resizeBatch} resizes. */
export interface ResizeSpec {
  height: number;
  width: number;
  interpolation: ResizeInterpolation;
  cropToAspectRatio: boolean;
  padToAspectRatio: boolean;
  fillValue: number;
  antialias: boolean;
  dataFormat: DataFormat;
}

/**
 * Keras 3's `ops.image.resize` on a batch (JAX backend, which tf.keras' `smart_resize` and
 * `tf.image.resize` agree with): an optional centred crop or even padding to the target aspect ratio,
 * then resampling; with the backward pass.
 */
export function resizeBatch(input: Tensor, spec: ResizeSpec): { output: Tensor; backward: (d: Tensor) => Tensor } {
  const cl = spec.dataFormat === 'channels_last';
  const [ha, wa] = cl ? [1, 2] : [2, 3];
  const h = input.shape[ha]!;
  const w = input.shape[wa]!;
  const th = spec.height;
  const tw = spec.width;
  const margins: [number, number][] = [[0, 0], [0, 0], [0, 0], [0, 0]];
  let mode: 'none' | 'crop' | 'pad' = 'none';
  if (spec.cropToAspectRatio) {
    const ch = Math.max(Math.min(h, Math.trunc((w * th) / tw)), 1);
    const cw = Math.max(Math.min(w, Math.trunc((h * tw) / th)), 1);
    const hs = Math.trunc((h - ch) / 2);
    const ws = Math.trunc((w - cw) / 2);
    margins[ha] = [hs, h - ch - hs];
    margins[wa] = [ws, w - cw - ws];
    mode = 'crop';
  } else if (spec.padToAspectRatio) {
    const ph = Math.max(h, Math.trunc((w * th) / tw));
    const pw = Math.max(w, Math.trunc((h * tw) / th));
    // Keras pads the same amount on both sides (the odd row of an odd difference is dropped).
    const hs = Math.trunc((ph - h) / 2);
    const ws = Math.trunc((pw - w) / 2);
    if (hs > 0) margins[ha] = [hs, hs];
    else if (ws > 0) margins[wa] = [ws, ws];
    mode = 'pad';
  }
  const m: Margins = margins;
  let pre = input;
  if (mode === 'crop') pre = new Tensor(crop(input.data, input.shape, m), croppedShape(input.shape, m));
  else if (mode === 'pad' && margins.some(([a, b]) => a + b > 0)) {
    const padded = pad(input.data, input.shape, m);
    if (spec.fillValue !== 0) {
      const inside = pad(new Float32Array(input.size).fill(1), input.shape, m);
      for (let i = 0; i < padded.length; i++) if (inside[i] === 0) padded[i] = spec.fillValue;
    }
    pre = new Tensor(padded, paddedShape(input.shape, m));
  }
  const opts = { antialias: spec.antialias, layout: spec.dataFormat };
  const r = resizeImages(pre.data, pre.shape, th, tw, spec.interpolation, opts);
  const preShape = pre.shape;
  return {
    output: new Tensor(r.data, r.shape),
    backward: (d: Tensor) => {
      const dPre = resizeImagesBackward(d.data, preShape, th, tw, spec.interpolation, opts);
      if (mode === 'crop') return new Tensor(pad(dPre, preShape, m), input.shape);
      if (pre !== input) return new Tensor(crop(dPre, preShape, m), input.shape);
      return new Tensor(dPre, input.shape);
    },
  };
}

/**
 * Resizes images to `height × width` (Keras' `Resizing`), at inference and in training, as Keras 3
 * computes it: `bilinear`, `nearest`, `bicubic` (Keys, a = −½), `lanczos3`, `lanczos5`, with or
 * without `antialias`; `crop_to_aspect_ratio` and `pad_to_aspect_ratio` as Keras. tf.keras 2's
 * `area`, `gaussian` and `mitchellcubic` are refused by name (Keras 3 on JAX refuses them too).
 */
export class Resizing extends ImagePreprocessingLayer {
  readonly className: string = 'Resizing';
  readonly height: number;
  readonly width: number;
  readonly interpolation: ResizingInterpolation;
  readonly cropToAspectRatio: boolean;
  readonly padToAspectRatio: boolean;
  readonly fillValue: number;
  readonly antialias: boolean;

  /** `new Resizing(224, 224)`, `new Resizing(224, 224, { interpolation: 'nearest' })` or `new Resizing({ height, width, ... })`. */
  constructor(height: number, width: number, options?: Omit<ResizingOptions, 'height' | 'width'>);
  constructor(options: ResizingOptions);
  constructor(a: number | ResizingOptions, b?: number | Omit<ResizingOptions, 'height' | 'width'>, more?: Omit<ResizingOptions, 'height' | 'width'>) {
    super(TABLE, imageLayerArgs<ResizingOptions>(TABLE, [a, b, more]));
    this.height = this.arg('height') as number;
    this.width = this.arg('width') as number;
    this.interpolation = this.arg('interpolation') as ResizingInterpolation;
    this.cropToAspectRatio = this.arg('crop_to_aspect_ratio') as boolean;
    this.padToAspectRatio = this.arg('pad_to_aspect_ratio') as boolean;
    this.fillValue = this.arg('fill_value') as number;
    this.antialias = this.arg('antialias') as boolean;
    if (!(RESIZE_INTERPOLATIONS as readonly string[]).includes(this.interpolation)) {
      throw new UnsupportedError(`${this.where}: interpolation "${this.interpolation}" is not supported (kerasts computes ${RESIZE_INTERPOLATIONS.join(', ')}, as Keras 3 does)`, this.name);
    }
    if (this.cropToAspectRatio && this.padToAspectRatio) throw new ConfigError('only one of crop_to_aspect_ratio and pad_to_aspect_ratio can be true', this.where);
  }

  private spec(): ResizeSpec {
    return {
      height: this.height,
      width: this.width,
      interpolation: this.interpolation as ResizeInterpolation,
      cropToAspectRatio: this.cropToAspectRatio,
      padToAspectRatio: this.padToAspectRatio,
      fillValue: this.fillValue,
      antialias: this.antialias,
      dataFormat: this.dataFormat,
    };
  }

  computeOutputShape(inputShape: Shape): Shape {
    this.expectImages(inputShape);
    const out = [...inputShape];
    const [ha, wa] = this.spatialAxes();
    out[ha] = this.height;
    out[wa] = this.width;
    return out;
  }

  call(input: Tensor, _ctx: CallContext): Tensor {
    this.expectImages(input.shape);
    return resizeBatch(input, this.spec()).output;
  }

  override forwardTrain(input: Tensor, ctx: TrainCallContext): LayerTape {
    this.expectImages(input.shape);
    const r = resizeBatch(input, this.spec());
    return { output: r.output, backward: (d) => ({ dInput: ctx.needInputGrad ? r.backward(d) : null, weightGrads: new Map() }) };
  }

  /** Build from a canonical Keras config. */
  static fromConfig(config: JsonObject): Resizing {
    return new Resizing(imageOptionsFromConfig(TABLE, config) as unknown as ResizingOptions);
  }
}

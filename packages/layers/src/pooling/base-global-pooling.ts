/**
 * The shared body of Keras' `GlobalMaxPooling1D/2D/3D` and `GlobalAveragePooling1D/2D/3D`
 * (keras/src/layers/pooling/base_global_pooling.py): the max or mean over every spatial position, per
 * channel; `keepdims` keeps the spatial axes as size 1. No weights.
 */
import { globalAvgPool, globalAvgPoolBackward, globalMaxPool, globalMaxPoolBackward, ShapeMismatchError, Tensor } from '@kerasts/tensor';
import { ConfigReader } from '../engine/config-reader.js';
import { Layer, type CallContext, type LayerOptions, type LayerTape, type Mask, type TrainCallContext } from '../engine/layer.js';
import type { OptionKeys } from '../engine/options.js';
import type { JsonObject } from '../engine/json.js';
import type { Shape } from '../engine/shape.js';
import { channelsLastInput, fromChannelsLast, normDataFormat, type DataFormat } from '../convolutional/conv-utils.js';

/** Options of the global pooling layers, as Keras' arguments in camelCase. */
export interface GlobalPoolingOptions extends LayerOptions {
  dataFormat?: DataFormat | null;
  /** Keep the spatial axes (as size 1) in the output (default false). */
  keepdims?: boolean;
}

/** The option names of {@link GlobalPoolingOptions}. */
export const GLOBAL_POOLING_KEYS: OptionKeys<GlobalPoolingOptions> = { dataFormat: true, keepdims: true };

/** Global max or average pooling over 1 to 3 spatial axes. */
export abstract class BaseGlobalPooling extends Layer {
  readonly rank: number;
  readonly mode: 'max' | 'avg';
  readonly dataFormat: DataFormat;
  readonly keepdims: boolean;

  protected constructor(options: GlobalPoolingOptions, rank: number, mode: 'max' | 'avg', className: string, prefix: string) {
    super(options, prefix);
    this.rank = rank;
    this.mode = mode;
    this.dataFormat = normDataFormat(options.dataFormat, `layer "${this.name}" (${className})`);
    this.keepdims = options.keepdims ?? false;
  }

  computeOutputShape(inputShape: Shape): Shape {
    this.expectRank(inputShape, this.rank + 2, `a ${this.rank + 2}-D input`);
    const batch = inputShape[0] ?? null;
    const ones = new Array<number>(this.rank).fill(1);
    if (this.dataFormat === 'channels_last') {
      const c = inputShape[inputShape.length - 1] ?? null;
      return this.keepdims ? [batch, ...ones, c] : [batch, c];
    }
    const c = inputShape[1] ?? null;
    return this.keepdims ? [batch, c, ...ones] : [batch, c];
  }

  /** The mask this layer uses (only GlobalAveragePooling1D honours one). */
  protected usedMask(_mask: Mask | null | undefined): Float32Array | null {
    return null;
  }

  private shaped(y: Float32Array, batch: number, channels: number): Tensor {
    if (!this.keepdims) return new Tensor(y, [batch, channels]);
    const ones = new Array<number>(this.rank).fill(1);
    return new Tensor(y, this.dataFormat === 'channels_last' ? [batch, ...ones, channels] : [batch, channels, ...ones]);
  }

  private prepare(input: Tensor, mask: Mask | null | undefined): { x: Float32Array; batch: number; positions: number; channels: number; spatial: number[]; m: Float32Array | null } {
    const { data, batch, spatial, channels } = channelsLastInput(input, this.dataFormat, this.rank, this.name, this.className);
    const positions = spatial.reduce((a, b) => a * b, 1);
    const m = this.usedMask(mask);
    if (m && m.length !== batch * positions) throw new ShapeMismatchError(`layer "${this.name}" (${this.className}) mask`, [batch, positions], [m.length], this.name);
    return { x: data, batch, positions, channels, spatial, m };
  }

  call(input: Tensor, _ctx: CallContext, mask?: Mask | null): Tensor {
    const { x, batch, positions, channels, m } = this.prepare(input, mask);
    const y = this.mode === 'max' ? globalMaxPool(x, batch, positions, channels) : globalAvgPool(x, batch, positions, channels, m);
    return this.shaped(y, batch, channels);
  }

  override forwardTrain(input: Tensor, ctx: TrainCallContext, mask?: Mask | null): LayerTape {
    const { x, batch, positions, channels, spatial, m } = this.prepare(input, mask);
    const y = this.mode === 'max' ? globalMaxPool(x, batch, positions, channels) : globalAvgPool(x, batch, positions, channels, m);
    return {
      output: this.shaped(y, batch, channels),
      backward: (dOutput: Tensor) => {
        if (!ctx.needInputGrad) return { dInput: null, weightGrads: new Map() };
        const dy = dOutput.data;
        const dx = this.mode === 'max' ? globalMaxPoolBackward(x, y, dy, batch, positions, channels) : globalAvgPoolBackward(dy, batch, positions, channels, m);
        const asLast = fromChannelsLast(dx, batch, spatial, channels, this.dataFormat);
        return { dInput: asLast, weightGrads: new Map() };
      },
    };
  }

  /** Global pooling consumes the mask (Keras returns none). */
  override computeMask(_input: Tensor, _mask: Mask | null): Mask | null {
    return null;
  }

  override getConfig(): JsonObject {
    return { ...super.getConfig(), data_format: this.dataFormat, keepdims: this.keepdims };
  }

  /** The options of a canonical config. */
  protected static globalOptions(config: JsonObject, className: string): GlobalPoolingOptions {
    const r = new ConfigReader(config, className);
    return { ...r.baseOptions(), dataFormat: normDataFormat(r.string('data_format', 'channels_last'), r.where), keepdims: r.bool('keepdims', false) };
  }
}

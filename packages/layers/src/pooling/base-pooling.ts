/**
 * The shared body of Keras' `MaxPooling1D/2D/3D` and `AveragePooling1D/2D/3D`
 * (keras/src/layers/pooling/base_pooling.py): a window of `pool_size` moved by `strides` (default: the
 * pool size) with `valid` or `same` padding, in either data format. No weights.
 */
import { avgPoolBackward, ConfigError, maxPoolBackward, poolForward, recycleFloat32, recycleInt32, Tensor, windowGeometry, type PoolSpec } from '@kerasts/tensor';
import { ConfigReader } from '../engine/config-reader.js';
import { Layer, type CallContext, type LayerOptions, type LayerTape, type TrainCallContext } from '../engine/layer.js';
import type { OptionKeys } from '../engine/options.js';
import type { JsonObject } from '../engine/json.js';
import type { Shape } from '../engine/shape.js';
import {
  channelsLastInput,
  enumConfig,
  fromChannelsLast,
  gradToChannelsLast,
  joinShape,
  normDataFormat,
  normTuple,
  splitShape,
  tupleConfig,
  type DataFormat,
  type IntTuple,
} from '../convolutional/conv-utils.js';

/** Options of the pooling layers, as Keras' arguments in camelCase. */
export interface PoolingOptions extends LayerOptions {
  /** Window size (default 2 on every axis). */
  poolSize?: IntTuple;
  /** Default: the pool size. */
  strides?: IntTuple | null;
  /** `valid` (default) or `same`. */
  padding?: 'valid' | 'same';
  dataFormat?: DataFormat | null;
}

/** The option names of {@link PoolingOptions}. */
export const POOLING_KEYS: OptionKeys<PoolingOptions> = { poolSize: true, strides: true, padding: true, dataFormat: true };

/** Max or average pooling over 1 to 3 spatial axes. */
export abstract class BasePooling extends Layer {
  readonly rank: number;
  readonly mode: 'max' | 'avg';
  readonly poolSize: readonly number[];
  readonly strides: readonly number[];
  readonly padding: 'valid' | 'same';
  readonly dataFormat: DataFormat;

  protected constructor(options: PoolingOptions, rank: number, mode: 'max' | 'avg', className: string, prefix: string) {
    super(options, prefix);
    const where = `layer "${this.name}" (${className})`;
    this.rank = rank;
    this.mode = mode;
    this.poolSize = normTuple(options.poolSize, rank, 'pool_size', where, 2);
    this.strides = normTuple(options.strides ?? this.poolSize, rank, 'strides', where, 1);
    const padding = (options.padding ?? 'valid').toLowerCase();
    if (padding !== 'valid' && padding !== 'same') throw new ConfigError(`${where}: "padding" must be "valid" or "same", found ${JSON.stringify(options.padding)}`, where);
    this.padding = padding;
    this.dataFormat = normDataFormat(options.dataFormat, where);
  }

  computeOutputShape(inputShape: Shape): Shape {
    this.expectRank(inputShape, this.rank + 2, `a ${this.rank + 2}-D input`);
    const { spatial, channels } = splitShape(inputShape, this.dataFormat);
    const ones = [1];
    const out = spatial.map((n, i) => (n === null ? null : windowGeometry([n], [this.poolSize[i]!], [this.strides[i]!], ones, this.padding).outSize[0]!));
    return joinShape(inputShape[0] ?? null, out, channels, this.dataFormat);
  }

  private spec(input: Tensor): { x: Float32Array; spec: PoolSpec; spatial: number[] } {
    const { data, batch, spatial, channels } = channelsLastInput(input, this.dataFormat, this.rank, this.name, this.className);
    const geometry = windowGeometry(spatial, this.poolSize, this.strides, new Array<number>(this.rank).fill(1), this.padding);
    return { x: data, spec: { batch, geometry, channels }, spatial };
  }

  call(input: Tensor, _ctx: CallContext): Tensor {
    const { x, spec } = this.spec(input);
    const r = poolForward(x, spec, this.mode, false);
    return fromChannelsLast(r.output, spec.batch, spec.geometry.outSize, spec.channels, this.dataFormat);
  }

  override forwardTrain(input: Tensor, ctx: TrainCallContext): LayerTape {
    const { x, spec, spatial } = this.spec(input);
    const r = poolForward(x, spec, this.mode, ctx.needInputGrad);
    return {
      output: fromChannelsLast(r.output, spec.batch, spec.geometry.outSize, spec.channels, this.dataFormat),
      // the step is done with the pooled values and the argmax (from the buffer pool): they serve the next step
      release: () => {
        recycleFloat32([r.output]);
        if (r.argmax) recycleInt32([r.argmax]);
      },
      backward: (dOutput: Tensor) => {
        if (!ctx.needInputGrad) return { dInput: null, weightGrads: new Map() };
        const dy = gradToChannelsLast(dOutput, this.dataFormat);
        const dx = this.mode === 'max' ? maxPoolBackward(dy, r.argmax!, x.length) : avgPoolBackward(dy, r.counts!, spec);
        return { dInput: fromChannelsLast(dx, spec.batch, spatial, spec.channels, this.dataFormat), weightGrads: new Map() };
      },
    };
  }

  override getConfig(): JsonObject {
    return { ...super.getConfig(), pool_size: [...this.poolSize], padding: this.padding, strides: [...this.strides], data_format: this.dataFormat };
  }

  /** The options of a canonical config. */
  protected static poolingOptions(config: JsonObject, className: string): PoolingOptions {
    const r = new ConfigReader(config, className);
    const o: PoolingOptions = {
      ...r.baseOptions(),
      padding: enumConfig(r, 'padding', ['valid', 'same'] as const, 'valid'),
      dataFormat: normDataFormat(r.string('data_format', 'channels_last'), r.where),
    };
    const pool = tupleConfig(r, 'pool_size');
    if (pool !== undefined) o.poolSize = pool;
    const strides = tupleConfig(r, 'strides');
    if (strides !== undefined) o.strides = strides;
    return o;
  }
}

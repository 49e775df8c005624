/**
 * What the convolution and pooling layers share: Keras' tuple arguments (`3` or `[3, 3]`), data
 * formats, and moving channels-first data to the channels-last layout the kernels use.
 */
import { ConfigError, ShapeMismatchError, Tensor, toChannelsFirst, toChannelsLast } from '@kerasts/tensor';
import type { ConfigReader } from '../engine/config-reader.js';
import type { JsonValue } from '../engine/json.js';
import type { Shape } from '../engine/shape.js';

/** Where the channels are: last (`(batch, ..., channels)`, the default) or first (`(batch, channels, ...)`). */
export type DataFormat = 'channels_last' | 'channels_first';

/** An integer or one integer per spatial axis, as Keras' tuple arguments. */
export type IntTuple = number | readonly number[];

/**
 * Keras' `standardize_tuple`: a number repeated `rank` times, or a list of `rank` integers, each ≥ `min`.
 *
 * @throws {ConfigError} naming the argument and the layer.
 */
export function normTuple(value: IntTuple | null | undefined, rank: number, name: string, where: string, dflt: IntTuple, min = 1): number[] {
  const v = value === undefined || value === null ? dflt : value;
  const list = typeof v === 'number' ? new Array<number>(rank).fill(v) : [...v];
  if (list.length !== rank || !list.every((d) => typeof d === 'number' && Number.isInteger(d) && d >= min)) {
    throw new ConfigError(`${where}: "${name}" must be an integer or ${rank} integer(s) >= ${min}, found ${JSON.stringify(value)}`, where);
  }
  return list;
}

/** A data format option (null or undefined: channels_last, Keras' default image_data_format). */
export function normDataFormat(v: string | null | undefined, where: string): DataFormat {
  if (v === undefined || v === null) return 'channels_last';
  if (v !== 'channels_last' && v !== 'channels_first') throw new ConfigError(`${where}: "data_format" must be "channels_last" or "channels_first", found ${JSON.stringify(v)}`, where);
  return v;
}

/** Reads a tuple config key (integer or list) from a config. */
export function tupleConfig(r: ConfigReader, key: string): IntTuple | undefined {
  const v: JsonValue | null = r.raw(key);
  if (v === null) return undefined;
  if (typeof v === 'number') return v;
  if (Array.isArray(v) && v.every((d) => typeof d === 'number')) return v as number[];
  throw new ConfigError(`config key "${key}": expected an integer or a list of integers, found ${JSON.stringify(v)}`, r.where);
}

/** A string config key restricted to some values. */
export function enumConfig<T extends string>(r: ConfigReader, key: string, values: readonly T[], dflt: T): T {
  const v = r.string(key, dflt).toLowerCase();
  if (!(values as readonly string[]).includes(v)) throw new ConfigError(`config key "${key}": expected one of ${values.join(', ')}, found ${JSON.stringify(v)}`, r.where);
  return v as T;
}

/** Spatial sizes and channels of an input of rank `rank + 2` in a data format. */
export function splitShape(shape: Shape, format: DataFormat): { spatial: (number | null)[]; channels: number | null } {
  if (format === 'channels_last') return { spatial: shape.slice(1, -1), channels: shape[shape.length - 1] ?? null };
  return { spatial: shape.slice(2), channels: shape[1] ?? null };
}

/** The output shape for spatial sizes and channels in a data format. */
export function joinShape(batch: number | null, spatial: readonly (number | null)[], channels: number | null, format: DataFormat): Shape {
  return format === 'channels_last' ? [batch, ...spatial, channels] : [batch, channels, ...spatial];
}

/**
 * A concrete input as channels-last data: `{ data, batch, spatial, channels }` (the data is the
 * input's own array for channels_last, a transposed copy for channels_first).
 */
export function channelsLastInput(input: Tensor, format: DataFormat, rank: number, layer: string, cls: string): { data: Float32Array; batch: number; spatial: number[]; channels: number } {
  if (input.rank !== rank + 2) {
    throw new ShapeMismatchError(`layer "${layer}" (${cls}) expects a ${rank + 2}-D input (batch, ${format === 'channels_last' ? `${rank === 1 ? 'steps' : 'spatial axes'}, channels` : `channels, ${rank === 1 ? 'steps' : 'spatial axes'}`})`, new Array<null>(rank + 2).fill(null), input.shape, layer);
  }
  const batch = input.shape[0]!;
  if (format === 'channels_last') return { data: input.data, batch, spatial: input.shape.slice(1, -1) as number[], channels: input.shape[rank + 1]! };
  const channels = input.shape[1]!;
  const spatial = input.shape.slice(2) as number[];
  return { data: toChannelsLast(input.data, batch, channels, spatial.reduce((a, b) => a * b, 1)), batch, spatial, channels };
}

/** Channels-last data as a tensor in a data format. */
export function fromChannelsLast(data: Float32Array, batch: number, spatial: readonly number[], channels: number, format: DataFormat): Tensor {
  if (format === 'channels_last') return new Tensor(data, [batch, ...spatial, channels]);
  return new Tensor(toChannelsFirst(data, batch, channels, spatial.reduce((a, b) => a * b, 1)), [batch, channels, ...spatial]);
}

/** A gradient in a data format as channels-last data. */
export function gradToChannelsLast(d: Tensor, format: DataFormat): Float32Array {
  if (format === 'channels_last') return d.data;
  const batch = d.shape[0]!, channels = d.shape[1]!;
  return toChannelsLast(d.data, batch, channels, d.size / Math.max(1, batch * channels));
}

/**
 * Keras' `data_format` of image-like layers (convolution, pooling, padding, Flatten, ...), shared so
 * that every family reads it the same way.
 */
import { ConfigError } from '@kerasts/tensor';

/** `channels_last` (Keras' default image data format: (batch, ..., channels)) or `channels_first`. */
export type DataFormat = 'channels_last' | 'channels_first';

/**
 * Reads a `data_format` value; `null`/absent is Keras' default `channels_last`, and Keras 1's
 * `dim_ordering` spellings `tf`/`th` are mapped.
 *
 * @throws {ConfigError} for any other value, naming `where`.
 */
export function readDataFormat(v: unknown, where: string): DataFormat {
  if (v === undefined || v === null || v === 'channels_last' || v === 'tf') return 'channels_last';
  if (v === 'channels_first' || v === 'th') return 'channels_first';
  throw new ConfigError(`data_format must be "channels_last" or "channels_first", found ${JSON.stringify(v)}`, where);
}

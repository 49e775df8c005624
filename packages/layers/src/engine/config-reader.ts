import { ConfigError } from '@kerasts/tensor';
import { cloneJson, isJsonObject, showValue, type JsonObject, type JsonValue } from './json.js';
import type { LayerOptions } from './layer.js';
import type { Shape } from './shape.js';

/** Typed reader of one layer config that reports errors with the layer and key. */
export class ConfigReader {
  readonly where: string;
  constructor(
    readonly config: JsonObject,
    readonly className: string,
  ) {
    const n = typeof config.name === 'string' ? config.name : '?';
    this.where = `layer "${n}" (${className})`;
  }

  private fail(key: string, expected: string): never {
    throw new ConfigError(`config key "${key}": expected ${expected}, found ${showValue(this.config[key])}`, this.where);
  }

  has(key: string): boolean {
    return this.config[key] !== undefined;
  }

  number(key: string, dflt: number): number {
    const v = this.config[key];
    if (v === undefined || v === null) return dflt;
    if (typeof v !== 'number' || !Number.isFinite(v)) this.fail(key, 'a finite number');
    return v;
  }

  int(key: string, dflt: number, min = 0): number {
    const v = this.config[key];
    if (v === undefined || v === null) return dflt;
    // Infinity and NaN are numbers but never a count: one message for every non-integer
    if (typeof v !== 'number' || !Number.isInteger(v) || v < min) this.fail(key, `an integer >= ${min}`);
    return v;
  }

  bool(key: string, dflt: boolean): boolean {
    const v = this.config[key];
    if (v === undefined || v === null) return dflt;
    if (typeof v !== 'boolean') this.fail(key, 'true or false');
    return v;
  }

  string(key: string, dflt: string): string {
    const v = this.config[key];
    if (v === undefined || v === null) return dflt;
    if (typeof v !== 'string') this.fail(key, 'a string');
    return v;
  }

  /** An activation: a string, or a serialized object whose class_name/config.name is the activation. */
  activation(key: string, dflt: string): string {
    const v = this.config[key];
    if (v === undefined || v === null) return dflt;
    if (typeof v === 'string') return v;
    if (isJsonObject(v)) {
      const inner = isJsonObject(v.config) ? v.config : {};
      if (typeof inner.name === 'string') return inner.name;
      if (typeof v.class_name === 'string') return v.class_name;
    }
    return this.fail(key, 'an activation name');
  }

  /** A raw JSON value (e.g. a regularizer config kept as is), or null. */
  raw(key: string): JsonValue | null {
    const v = this.config[key];
    return v === undefined ? null : cloneJson(v);
  }

  shape(key: string): Shape | null {
    const v = this.config[key];
    if (v === undefined || v === null) return null;
    if (!Array.isArray(v) || !v.every((d) => d === null || (typeof d === 'number' && Number.isInteger(d) && d >= 0))) {
      this.fail(key, 'a shape (list of integers or null)');
    }
    return v as (number | null)[];
  }

  /** The base-layer options found in this config. */
  baseOptions(): LayerOptions {
    const o: LayerOptions = {};
    if (typeof this.config.name === 'string') o.name = this.config.name;
    o.trainable = this.bool('trainable', true);
    const bis = this.shape('batch_input_shape') ?? this.shape('batch_shape');
    if (bis) o.batchInputShape = bis;
    else {
      const is = this.shape('input_shape');
      if (is) o.inputShape = is;
      const bs = this.config.batch_size;
      if (typeof bs === 'number') o.batchSize = bs;
    }
    const dt = this.config.dtype;
    if (typeof dt === 'string') o.dtype = dt;
    else if (isJsonObject(dt)) {
      const c = isJsonObject(dt.config) ? dt.config : {};
      if (typeof c.name === 'string') o.dtype = c.name;
    }
    return o;
  }
}

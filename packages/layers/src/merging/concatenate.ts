import { ConfigError, KerastsError, ShapeMismatchError, Tensor } from '@kerasts/tensor';
import { ConfigReader } from '../engine/config-reader.js';
import type { CallContext, LayerOptions } from '../engine/layer.js';
import { layerArgs } from '../engine/options.js';
import type { JsonObject } from '../engine/json.js';
import { formatShape, type Shape } from '../engine/shape.js';
import { Merge } from './merge.js';

/** Options of {@link Concatenate}. */
export interface ConcatenateOptions extends LayerOptions {
  /** Axis to join along; negative counts from the end (default -1, the features). */
  axis?: number;
}

/** Joins tensors along one axis; every other axis must agree (Keras `Concatenate`). */
export class Concatenate extends Merge {
  readonly className: string = 'Concatenate';
  readonly axis: number;
  /** `new Concatenate()`, `new Concatenate(axis, options?)` or `new Concatenate({ axis, ... })`. */
  constructor(axis?: number, options?: Omit<ConcatenateOptions, 'axis'>);
  constructor(options?: ConcatenateOptions);
  constructor(axisOrOptions?: number | ConcatenateOptions, more?: Omit<ConcatenateOptions, 'axis'>) {
    const options = layerArgs<ConcatenateOptions>('Concatenate', [axisOrOptions, more], { positional: ['axis'], required: [], keys: { axis: true } });
    super(options, 'concatenate');
    this.axis = options.axis ?? -1;
  }

  private resolveAxis(rank: number): number {
    const a = this.axis < 0 ? this.axis + rank : this.axis;
    if (a < 0 || a >= rank) throw new KerastsError(`layer "${this.name}" (Concatenate): axis ${this.axis} is out of range for inputs of rank ${rank}`, this.name);
    return a;
  }

  override computeOutputShapeMulti(inputShapes: readonly Shape[]): Shape {
    this.checkCount(inputShapes.length);
    const rank = inputShapes[0]!.length;
    const axis = this.resolveAxis(rank);
    const out: (number | null)[] = [...inputShapes[0]!];
    for (let i = 1; i < inputShapes.length; i++) {
      const s = inputShapes[i]!;
      const ok = s.length === rank && s.every((d, k) => k === axis || d === null || out[k] === null || d === out[k]);
      if (!ok) {
        throw new ShapeMismatchError(
          `layer "${this.name}" (Concatenate, axis ${this.axis}) needs inputs that agree on every axis but the concatenation axis; got ${inputShapes.map(formatShape).join(', ')}`,
          inputShapes[0]!,
          s,
          this.name,
        );
      }
      s.forEach((d, k) => {
        if (k === axis) out[k] = out[k] === null || d === null ? null : out[k]! + d;
        else if (out[k] === null) out[k] = d;
      });
    }
    return out;
  }

  override callMulti(inputs: readonly Tensor[], _ctx?: CallContext): Tensor {
    const outShape = this.computeOutputShapeMulti(inputs.map((t) => t.shape)) as number[];
    const axis = this.resolveAxis(outShape.length);
    let outer = 1;
    for (let d = 0; d < axis; d++) outer *= outShape[d]!;
    const blocks = inputs.map((t) => t.size / outer);
    const rowLen = blocks.reduce((a, b) => a + b, 0);
    const out = new Float32Array(outer * rowLen);
    for (let r = 0; r < outer; r++) {
      let off = r * rowLen;
      inputs.forEach((t, k) => {
        const b = blocks[k]!;
        out.set(t.data.subarray(r * b, (r + 1) * b), off);
        off += b;
      });
    }
    return new Tensor(out, outShape);
  }

  override getConfig(): JsonObject {
    return { ...super.getConfig(), axis: this.axis };
  }

  /** Build from a canonical Keras config (`axis` may be a one-element list, as some files have it). */
  static fromConfig(config: JsonObject): Concatenate {
    const r = new ConfigReader(config, 'Concatenate');
    const raw = config.axis;
    const axisConfig: JsonObject = Array.isArray(raw) && raw.length === 1 ? { ...config, axis: raw[0]! } : config;
    const axis = new ConfigReader(axisConfig, 'Concatenate').number('axis', -1);
    if (!Number.isInteger(axis)) throw new ConfigError(`config key "axis": expected an integer, found ${JSON.stringify(raw)}`, r.where);
    return new Concatenate({ ...r.baseOptions(), axis });
  }
}

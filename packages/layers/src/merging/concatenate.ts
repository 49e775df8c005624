import { ConfigError, KerastsError, ShapeMismatchError, Tensor } from '@kerasts/tensor';
import { ConfigReader } from '../engine/config-reader.js';
import type { CallContext, LayerOptions, Mask, MultiTape, TrainCallContext } from '../engine/layer.js';
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
    if (a < 0 || a >= rank) throw new ConfigError(`layer "${this.name}" (Concatenate): axis ${this.axis} is out of range for inputs of rank ${rank}`, this.name);
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

  /** Training pass: the output gradient is cut back into the inputs' blocks along the axis. */
  override forwardTrainMulti(inputs: readonly Tensor[], ctx: TrainCallContext): MultiTape {
    const output = this.callMulti(inputs);
    const axis = this.resolveAxis(output.rank);
    let outer = 1;
    for (let d = 0; d < axis; d++) outer *= output.shape[d]!;
    const blocks = inputs.map((t) => (outer === 0 ? 0 : t.size / outer));
    const rowLen = blocks.reduce((a, b) => a + b, 0);
    return {
      outputs: [output],
      backward: (d) => {
        const dy = d[0];
        if (!dy || !ctx.needInputGrad) return { dInputs: inputs.map(() => null), weightGrads: new Map() };
        const dInputs = inputs.map((t, k) => {
          const b = blocks[k]!;
          const off0 = blocks.slice(0, k).reduce((a, c) => a + c, 0);
          const g = new Float32Array(t.size);
          for (let r = 0; r < outer; r++) g.set(dy.data.subarray(r * rowLen + off0, r * rowLen + off0 + b), r * b);
          return new Tensor(g, t.shape);
        });
        return { dInputs, weightGrads: new Map() };
      },
    };
  }

  /**
   * Keras' `Concatenate.compute_mask`: each input's mask (all ones for an input without one),
   * extended over the input's last axis, joined along the concatenation axis, then reduced over the
   * last axis — with `all` in Keras 1/2 and tf.keras, `any` in Keras 3.
   */
  override computeMaskMulti(inputs: readonly Tensor[], masks: readonly (Mask | null)[], ctx?: CallContext): Mask | null {
    if (masks.every((m) => m === null)) return null;
    const useAll = (ctx?.era ?? 'keras3') !== 'keras3';
    // Expanded masks: same rank as the inputs (a (B, T) mask over (B, T, F) becomes (B, T, F) in
    // Keras 3, (B, T, 1) in Keras 1/2; either way one value per position before the last axis).
    const rank = inputs[0]!.rank;
    const axis = this.resolveAxis(rank);
    const parts = inputs.map((t, k) => {
      const m = masks[k] ?? null;
      const shape = [...t.shape];
      if (m === null) return { data: new Float32Array(t.size).fill(1), shape };
      if (m.rank === t.rank) return { data: m.data, shape: [...m.shape] };
      if (m.rank !== t.rank - 1) throw new ShapeMismatchError(`layer "${this.name}" (Concatenate): a mask of shape ${formatShape(m.shape)} does not fit an input of shape ${formatShape(t.shape)}`, t.shape.slice(0, -1), m.shape, this.name);
      const F = t.shape[t.rank - 1]!;
      if (!useAll || axis === rank - 1) {
        const data = new Float32Array(m.size * F);
        for (let i = 0; i < m.size; i++) data.fill(m.data[i]!, i * F, (i + 1) * F);
        return { data, shape };
      }
      return { data: m.data, shape: [...m.shape, 1] };
    });
    // Join along the axis, then reduce the last axis.
    const outShape = [...parts[0]!.shape];
    outShape[axis] = parts.reduce((n, p) => n + p.shape[axis]!, 0);
    for (const p of parts) {
      if (p.shape.some((d, i) => i !== axis && d !== outShape[i])) {
        throw new ShapeMismatchError(`layer "${this.name}" (Concatenate): the inputs' masks cannot be joined`, outShape, p.shape, this.name);
      }
    }
    let outer = 1;
    for (let d = 0; d < axis; d++) outer *= outShape[d]!;
    const blocks = parts.map((p) => (outer === 0 ? 0 : p.data.length / outer));
    const rowLen = blocks.reduce((a, b) => a + b, 0);
    const joined = new Float32Array(outer * rowLen);
    for (let r = 0; r < outer; r++) {
      let off = r * rowLen;
      parts.forEach((p, k) => {
        joined.set(p.data.subarray(r * blocks[k]!, (r + 1) * blocks[k]!), off);
        off += blocks[k]!;
      });
    }
    const L = outShape[outShape.length - 1]!;
    const rows = L === 0 ? 0 : joined.length / L;
    const out = new Float32Array(rows);
    for (let r = 0; r < rows; r++) {
      let v = useAll ? 1 : 0;
      for (let j = 0; j < L; j++) {
        const x = joined[r * L + j]! !== 0;
        if (useAll && !x) {
          v = 0;
          break;
        }
        if (!useAll && x) {
          v = 1;
          break;
        }
      }
      out[r] = v;
    }
    return new Tensor(out, outShape.slice(0, -1));
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

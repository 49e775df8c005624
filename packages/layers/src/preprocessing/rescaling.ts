import { ConfigError, ShapeMismatchError, Tensor } from '@kerasts/tensor';
import { ConfigReader } from '../engine/config-reader.js';
import { Layer, type CallContext, type LayerOptions, type LayerTape, type TrainCallContext } from '../engine/layer.js';
import { layerArgs, type OptionKeys } from '../engine/options.js';
import { isJsonObject, type JsonObject, type JsonValue } from '../engine/json.js';
import type { Shape } from '../engine/shape.js';
import type { NestedNumbers } from './normalization.js';

const f32 = Math.fround;

/** Options of {@link Rescaling}. */
export interface RescalingOptions extends LayerOptions {
  /** Multiplier: a number, or per-position values broadcast against the input's trailing axes. */
  scale: NestedNumbers;
  /** Added after scaling (default 0); a number or values like `scale`. */
  offset?: NestedNumbers;
}

const RESCALING_KEYS: OptionKeys<RescalingOptions> = { scale: true, offset: true };

/** Row-major values and shape of a number or nested list. */
function readValue(v: NestedNumbers, what: string, where: string): { values: Float32Array; shape: number[] } {
  const values: number[] = [];
  const shape: number[] = [];
  const walk = (e: NestedNumbers, depth: number): void => {
    if (typeof e === 'number') {
      values.push(e);
      if (depth !== shape.length) throw new ConfigError(`${what} is a ragged list`, where);
      return;
    }
    if (!Array.isArray(e)) throw new ConfigError(`${what} must be a number or a list of numbers, found ${JSON.stringify(e)}`, where);
    if (shape.length === depth) shape.push(e.length);
    else if (shape[depth] !== e.length) throw new ConfigError(`${what} is a ragged list`, where);
    for (const x of e) walk(x, depth + 1);
  };
  walk(v, 0);
  return { values: Float32Array.from(values), shape };
}

/** `x·scale + offset` (Keras' `Rescaling`, e.g. `new Rescaling(1 / 255)` for image pixels). */
export class Rescaling extends Layer {
  readonly className: string = 'Rescaling';
  readonly scale: NestedNumbers;
  readonly offset: NestedNumbers;
  override readonly supportsMasking: boolean = true;
  /** `scale` as row-major values and their shape (broadcast against the input's trailing axes). */
  readonly scaleValues: { readonly values: Float32Array; readonly shape: readonly number[] };
  /** `offset` likewise. */
  readonly offsetValues: { readonly values: Float32Array; readonly shape: readonly number[] };

  /** `new Rescaling(1 / 255)`, `new Rescaling(2, { offset: -1 })` or `new Rescaling({ scale, offset })`. */
  constructor(scale: NestedNumbers, options?: Omit<RescalingOptions, 'scale'>);
  constructor(options: RescalingOptions);
  constructor(a: NestedNumbers | RescalingOptions, more?: Omit<RescalingOptions, 'scale'>) {
    const options = layerArgs<RescalingOptions>('Rescaling', [a, more], { positional: ['scale'], keys: RESCALING_KEYS });
    super(options, 'rescaling');
    const where = `layer "${this.name}" (Rescaling)`;
    this.scale = options.scale;
    this.offset = options.offset ?? 0;
    this.scaleValues = readValue(this.scale, 'scale', where);
    this.offsetValues = readValue(this.offset, 'offset', where);
  }

  computeOutputShape(inputShape: Shape): Shape {
    return inputShape;
  }

  /** Index into a value of `shape` broadcast against the trailing axes of `input` (numpy broadcasting). */
  private broadcast(value: { readonly values: Float32Array; readonly shape: readonly number[] }, input: Tensor, what: string): Float32Array {
    if (value.shape.length === 0) return value.values;
    const r = input.rank;
    const k = value.shape.length;
    if (k > r) throw new ShapeMismatchError(`layer "${this.name}" (Rescaling): ${what} has more axes than the input`, value.shape, input.shape, this.name);
    for (let i = 1; i <= k; i++) {
      const d = value.shape[k - i]!;
      if (d !== 1 && d !== input.shape[r - i]) {
        throw new ShapeMismatchError(`layer "${this.name}" (Rescaling): ${what} does not broadcast against the input`, value.shape, input.shape, this.name);
      }
    }
    // Expand to one value per element of the trailing k axes (a small table, built per call).
    const tail = input.shape.slice(r - k);
    const n = tail.reduce((p, d) => p * d, 1);
    const out = new Float32Array(n);
    for (let i = 0; i < n; i++) {
      let rem = i;
      let src = 0;
      let stride = 1;
      for (let a = k - 1; a >= 0; a--) {
        const idx = rem % tail[a]!;
        rem = (rem - idx) / tail[a]!;
        if (value.shape[a] !== 1) src += idx * stride;
        stride *= value.shape[a]!;
      }
      out[i] = value.values[src]!;
    }
    return out;
  }

  call(input: Tensor, _ctx: CallContext): Tensor {
    const sc = this.broadcast(this.scaleValues, input, 'scale');
    const of = this.broadcast(this.offsetValues, input, 'offset');
    const x = input.data;
    const out = new Float32Array(input.size);
    const ns = sc.length;
    const no = of.length;
    for (let i = 0; i < out.length; i++) out[i] = f32(x[i]! * sc[i % ns]!) + of[i % no]!;
    return new Tensor(out, input.shape);
  }

  override forwardTrain(input: Tensor, ctx: TrainCallContext): LayerTape {
    const output = this.call(input, ctx);
    return {
      output,
      backward: (d: Tensor) => {
        if (!ctx.needInputGrad) return { dInput: null, weightGrads: new Map() };
        const sc = this.broadcast(this.scaleValues, input, 'scale');
        const ns = sc.length;
        const dx = new Float32Array(d.size);
        for (let i = 0; i < dx.length; i++) dx[i] = d.data[i]! * sc[i % ns]!;
        return { dInput: new Tensor(dx, input.shape), weightGrads: new Map() };
      },
    };
  }

  override getConfig(): JsonObject {
    return { ...super.getConfig(), scale: this.scale as JsonValue, offset: this.offset as JsonValue };
  }

  /** Build from a canonical Keras config (numbers, lists, or Keras 3's `__numpy__` objects). */
  static fromConfig(config: JsonObject): Rescaling {
    const r = new ConfigReader(config, 'Rescaling');
    const value = (k: string, dflt: NestedNumbers | undefined): NestedNumbers => {
      const v = config[k];
      if (v === undefined || v === null) {
        if (dflt === undefined) throw new ConfigError(`config key "${k}" is missing`, r.where);
        return dflt;
      }
      if (isJsonObject(v) && isJsonObject(v.config) && v.config.value !== undefined) return v.config.value as NestedNumbers;
      return v as NestedNumbers;
    };
    return new Rescaling({ ...r.baseOptions(), scale: value('scale', undefined), offset: value('offset', 0) });
  }
}

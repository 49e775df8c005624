import { ConfigError, ShapeMismatchError, Tensor } from '@kerasts/tensor';
import { ConfigReader } from '../engine/config-reader.js';
import { Layer, type CallContext, type LayerOptions, type LayerTape, type LayerWeight, type TrainCallContext } from '../engine/layer.js';
import { layerArgs, type OptionKeys } from '../engine/options.js';
import { isJsonObject, type JsonObject, type JsonValue } from '../engine/json.js';
import { formatShape, type Shape } from '../engine/shape.js';
import { readAxes, resolveAxes } from '../normalization/axes.js';

const f32 = Math.fround;

/** A mean or variance given as a number or a nested list (Keras' `mean=` / `variance=` arguments). */
export type NestedNumbers = number | readonly NestedNumbers[];

/** Options of {@link Normalization}, mirroring Keras' arguments. */
export interface NormalizationOptions extends LayerOptions {
  /** Axes that keep their own mean and variance (default -1); `null` or `[]`: one for everything. */
  axis?: number | readonly number[] | null;
  /** Fixed mean (then no weights are created); needs `variance` too. */
  mean?: NestedNumbers | null;
  variance?: NestedNumbers | null;
  /** Undo the normalization: `mean + x·√variance`. */
  invert?: boolean;
}

const NORM_KEYS: OptionKeys<NormalizationOptions> = { axis: true, mean: true, variance: true, invert: true };

/** Keras' backend epsilon: the standard deviation is at least this. */
const EPSILON = 1e-7;

function flatten(v: NestedNumbers, out: number[], shape: number[], depth: number, where: string): void {
  if (typeof v === 'number') {
    if (depth !== shape.length && shape.length > 0) throw new ConfigError('mean/variance lists are ragged', where);
    out.push(v);
    return;
  }
  if (!Array.isArray(v)) throw new ConfigError(`mean/variance must be numbers or lists of numbers, found ${JSON.stringify(v)}`, where);
  if (shape.length === depth) shape.push(v.length);
  else if (shape[depth] !== v.length) throw new ConfigError('mean/variance lists are ragged', where);
  for (const e of v) flatten(e, out, shape, depth + 1, where);
}

/** A nested value as flat numbers and its shape. */
function readNested(v: NestedNumbers, where: string): { values: number[]; shape: number[] } {
  const values: number[] = [];
  const shape: number[] = [];
  flatten(v, values, shape, 0, where);
  return { values, shape };
}

/**
 * The preprocessing layer that standardizes features (Keras' `Normalization`):
 * `(x − mean) / max(√variance, 1e-7)` (or `mean + x·max(√variance, 1e-7)` with `invert`), with one
 * mean and variance per position of the kept `axis`. Adapted layers keep them in the weights `mean`,
 * `variance` and `count` (Keras' layout); layers given `mean`/`variance` keep them in the config.
 */
export class Normalization extends Layer {
  readonly className: string = 'Normalization';
  /** The kept axes as Keras stores them (a list; `[]` for one statistic over everything). */
  readonly axis: readonly number[];
  readonly invert: boolean;
  /** The fixed mean and variance from the config, or null (then the weights hold them). */
  readonly inputMean: NestedNumbers | null;
  readonly inputVariance: NestedNumbers | null;
  override readonly supportsMasking: boolean = true;
  private meanW: LayerWeight | null = null;
  private varianceW: LayerWeight | null = null;
  private countW: LayerWeight | null = null;
  /** Mean and variance broadcast to the kept axes, as built. */
  private keep: number[] = [];
  private statShape: number[] = [];
  private fixedMean: Float32Array | null = null;
  private fixedVariance: Float32Array | null = null;

  /** `new Normalization()`, `new Normalization(-1, { mean, variance })` or `new Normalization({ axis, mean, variance, invert })`. */
  constructor(axis?: number | readonly number[] | null, options?: Omit<NormalizationOptions, 'axis'>);
  constructor(options?: NormalizationOptions);
  constructor(a?: number | readonly number[] | null | NormalizationOptions, more?: Omit<NormalizationOptions, 'axis'>) {
    const options = layerArgs<NormalizationOptions>('Normalization', [a, more], { positional: ['axis'], required: [], keys: NORM_KEYS });
    super(options, 'normalization');
    const where = `layer "${this.name}" (Normalization)`;
    const ax = options.axis === undefined ? -1 : options.axis;
    const read = ax === null ? [] : readAxes(ax, where, true);
    this.axis = typeof read === 'number' ? [read] : read;
    this.invert = options.invert ?? false;
    this.inputMean = options.mean ?? null;
    this.inputVariance = options.variance ?? null;
    if ((this.inputMean === null) !== (this.inputVariance === null)) {
      throw new ConfigError('mean and variance must be given together', where);
    }
    if (this.inputMean !== null) {
      const m = readNested(this.inputMean, where);
      const v = readNested(this.inputVariance!, where);
      if (m.shape.join(',') !== v.shape.join(',')) throw new ConfigError(`mean ${formatShape(m.shape)} and variance ${formatShape(v.shape)} must have the same shape`, where);
      if (m.shape.length > this.axis.length) throw new ConfigError(`mean of shape ${formatShape(m.shape)} has more axes than axis ${JSON.stringify(this.axis)}`, where);
    }
  }

  protected override buildWeights(inputShape: Shape): void {
    const where = `layer "${this.name}" (Normalization)`;
    const rank = inputShape.length;
    this.keep = this.axis.length === 0 ? [] : resolveAxes(this.axis, rank, where, inputShape, true);
    for (const d of this.keep) {
      if (inputShape[d] === null || inputShape[d] === undefined) throw new ShapeMismatchError(`${where}: kept axis ${d} must have a known size, got ${formatShape(inputShape)}`, [], inputShape, this.name);
    }
    this.statShape = this.keep.map((d) => inputShape[d] as number);
    const n = this.statShape.reduce((p, d) => p * d, 1);
    if (this.inputMean === null) {
      this.meanW = this.addWeight('mean', this.statShape, new Float32Array(n), false);
      this.varianceW = this.addWeight('variance', this.statShape, new Float32Array(n).fill(1), false);
      this.countW = this.addWeight('count', [], new Float32Array(1), false);
      return;
    }
    // Fixed values: broadcast from the trailing kept axes, as Keras does.
    const m = readNested(this.inputMean, where);
    const v = readNested(this.inputVariance!, where);
    const k = this.statShape.length;
    const ms = m.shape;
    for (let i = 1; i <= ms.length; i++) {
      if (ms[ms.length - i] !== 1 && ms[ms.length - i] !== this.statShape[k - i]) {
        throw new ShapeMismatchError(`${where}: mean of shape ${formatShape(ms)} does not broadcast to the kept axes ${formatShape(this.statShape)}`, this.statShape, ms, this.name);
      }
    }
    this.fixedMean = broadcastTo(m.values, ms, this.statShape);
    this.fixedVariance = broadcastTo(v.values, ms, this.statShape);
  }

  computeOutputShape(inputShape: Shape): Shape {
    return inputShape;
  }

  /**
   * The mean and variance this layer normalizes with (built layers only), over `keptAxes` (input axes,
   * ascending) of shape `shape`: the weights of an adapted layer, or the config values broadcast.
   */
  statistics(): { mean: Float32Array; variance: Float32Array; keptAxes: readonly number[]; shape: readonly number[] } {
    return { ...this.stats(), keptAxes: [...this.keep], shape: [...this.statShape] };
  }

  private stats(): { mean: Float32Array; variance: Float32Array } {
    if (this.fixedMean) return { mean: this.fixedMean, variance: this.fixedVariance! };
    return { mean: this.meanW!.value.data, variance: this.varianceW!.value.data };
  }

  /** Per kept-axis position, the divisor max(√var, ε) (float32), and the statistic index of each element. */
  private run(input: Tensor, fn: (i: number, s: number) => void): void {
    if (!this.built) this.build([null, ...input.shape.slice(1)]);
    for (const d of this.keep) {
      if (input.shape[d] !== this.statShape[this.keep.indexOf(d)]) {
        throw new ShapeMismatchError(`layer "${this.name}" (Normalization): the input does not fit the kept axes`, this.statShape, this.keep.map((k) => input.shape[k]!), this.name);
      }
    }
    // Statistic index of element i: row-major over the kept axes.
    const rank = input.rank;
    const strides = new Array<number>(rank).fill(0);
    let s = 1;
    for (let a = rank - 1; a >= 0; a--) {
      if (this.keep.includes(a)) {
        strides[a] = s;
        s *= input.shape[a]!;
      }
    }
    const idx = new Array<number>(rank).fill(0);
    let si = 0;
    for (let i = 0; i < input.size; i++) {
      fn(i, si);
      for (let a = rank - 1; a >= 0; a--) {
        idx[a]!++;
        si += strides[a]!;
        if (idx[a]! < input.shape[a]!) break;
        si -= strides[a]! * input.shape[a]!;
        idx[a] = 0;
      }
    }
  }

  private divisors(variance: Float32Array): Float32Array {
    const d = new Float32Array(variance.length);
    for (let i = 0; i < d.length; i++) {
      const sd = f32(Math.sqrt(variance[i]!));
      d[i] = sd > EPSILON ? sd : f32(EPSILON);
    }
    return d;
  }

  call(input: Tensor, _ctx: CallContext): Tensor {
    if (!this.built) this.build([null, ...input.shape.slice(1)]);
    const { mean, variance } = this.stats();
    const div = this.divisors(variance);
    const out = new Float32Array(input.size);
    const x = input.data;
    if (this.invert) this.run(input, (i, s) => (out[i] = mean[s]! + f32(x[i]! * div[s]!)));
    else this.run(input, (i, s) => (out[i] = f32(x[i]! - mean[s]!) / div[s]!));
    return new Tensor(out, input.shape);
  }

  override forwardTrain(input: Tensor, ctx: TrainCallContext): LayerTape {
    const output = this.call(input, ctx);
    return {
      output,
      backward: (d: Tensor) => {
        if (!ctx.needInputGrad) return { dInput: null, weightGrads: new Map() };
        const div = this.divisors(this.stats().variance);
        const dx = new Float32Array(d.size);
        if (this.invert) this.run(input, (i, s) => (dx[i] = d.data[i]! * div[s]!));
        else this.run(input, (i, s) => (dx[i] = d.data[i]! / div[s]!));
        return { dInput: new Tensor(dx, input.shape), weightGrads: new Map() };
      },
    };
  }

  /**
   * Keras' `adapt(data)` for an array: mean and (biased) variance over the reduced axes, stored in
   * the `mean`/`variance` weights (Keras 3 leaves `count` alone when adapting an array; so does this).
   */
  adapt(data: Tensor): void {
    if (this.inputMean !== null) throw new ConfigError('a Normalization given mean and variance cannot be adapted', `layer "${this.name}" (Normalization)`);
    if (!this.built) this.build([null, ...data.shape.slice(1)]);
    const n = this.statShape.reduce((p, d) => p * d, 1);
    const sum = new Float64Array(n);
    const cnt = new Float64Array(n);
    this.run(data, (i, s) => {
      sum[s] = sum[s]! + data.data[i]!;
      cnt[s] = cnt[s]! + 1;
    });
    const mean = new Float64Array(n);
    for (let s = 0; s < n; s++) mean[s] = sum[s]! / cnt[s]!;
    const sq = new Float64Array(n);
    this.run(data, (i, s) => {
      const dlt = data.data[i]! - mean[s]!;
      sq[s] = sq[s]! + dlt * dlt;
    });
    this.meanW!.value = new Tensor(Float32Array.from(mean), this.statShape);
    this.varianceW!.value = new Tensor(Float32Array.from(sq, (v, s) => v / cnt[s]!), this.statShape);
  }

  override getConfig(): JsonObject {
    return {
      ...super.getConfig(),
      axis: [...this.axis],
      invert: this.invert,
      mean: this.inputMean as JsonValue,
      variance: this.inputVariance as JsonValue,
    };
  }

  /** Build from a canonical Keras config. */
  static fromConfig(config: JsonObject): Normalization {
    const r = new ConfigReader(config, 'Normalization');
    const nested = (k: string): NestedNumbers | null => {
      const v = config[k];
      if (v === undefined || v === null) return null;
      // Keras 3 may serialize a numpy array as {"class_name": "__numpy__", "config": {"value": ...}}.
      if (isJsonObject(v) && isJsonObject(v.config) && v.config.value !== undefined) return v.config.value as NestedNumbers;
      return v as NestedNumbers;
    };
    const ax = config.axis;
    return new Normalization({
      ...r.baseOptions(),
      axis: ax === undefined ? -1 : ax === null ? null : readAxes(ax, r.where, true),
      mean: nested('mean'),
      variance: nested('variance'),
      invert: r.bool('invert', false),
    });
  }
}

/** Broadcast row-major `values` of `from` (aligned to the right) to `to`. */
function broadcastTo(values: readonly number[], from: readonly number[], to: readonly number[]): Float32Array {
  const n = to.reduce((p, d) => p * d, 1);
  const out = new Float32Array(n);
  const k = to.length;
  const off = k - from.length;
  const fromStrides = new Array<number>(k).fill(0);
  let s = 1;
  for (let a = k - 1; a >= off; a--) {
    const d = from[a - off]!;
    fromStrides[a] = d === 1 ? 0 : s;
    s *= d;
  }
  const idx = new Array<number>(k).fill(0);
  let src = 0;
  for (let i = 0; i < n; i++) {
    out[i] = values[src]!;
    for (let a = k - 1; a >= 0; a--) {
      idx[a]!++;
      src += fromStrides[a]!;
      if (idx[a]! < to[a]!) break;
      src -= fromStrides[a]! * to[a]!;
      idx[a] = 0;
    }
  }
  return out;
}

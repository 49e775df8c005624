import { activationBackward, getActivation, inversePermutation, transpose, ConfigError, ShapeMismatchError, Tensor } from '@kerasts/tensor';
import { ConfigReader } from '../engine/config-reader.js';
import { Layer, type CallContext, type LayerOptions, type LayerTape, type Mask, type TrainCallContext } from '../engine/layer.js';
import { layerArgs, type OptionKeys } from '../engine/options.js';
import type { JsonObject, JsonValue } from '../engine/json.js';
import { formatShape, type Shape } from '../engine/shape.js';

/** Options of {@link Softmax}. */
export interface SoftmaxOptions extends LayerOptions {
  /** The axis, or axes, normalized over (default -1). */
  axis?: number | readonly number[];
}

const SOFTMAX_KEYS: OptionKeys<SoftmaxOptions> = { axis: true };

/** Keras 3's `_large_negative_number` for float32: what masked inputs are replaced with. */
const MASKED_INPUT = -1e9;

/**
 * Keras' `Softmax` layer: softmax over `axis` (several axes: `exp(x − logsumexp(x))` over them, as
 * Keras 3). With a mask (broadcast from the right, as Keras does) masked inputs count as −1e9 and
 * masked outputs are 0, also when a whole row is masked (Keras 3; tf.keras 2 left such a row uniform).
 */
export class Softmax extends Layer {
  readonly className: string = 'Softmax';
  readonly axis: number | readonly number[];
  override readonly supportsMasking: boolean = true;
  /** `new Softmax()`, `new Softmax(1)` or `new Softmax({ axis: [1, 2] })`. */
  constructor(axis?: number | readonly number[], options?: Omit<SoftmaxOptions, 'axis'>);
  constructor(options?: SoftmaxOptions);
  constructor(a?: number | readonly number[] | SoftmaxOptions, more?: Omit<SoftmaxOptions, 'axis'>) {
    const options = layerArgs<SoftmaxOptions>('Softmax', [a, more], { positional: ['axis'], required: [], keys: SOFTMAX_KEYS });
    super(options, 'softmax');
    const axis = options.axis ?? -1;
    const list = typeof axis === 'number' ? [axis] : [...axis];
    if (list.length === 0 || list.some((x) => !Number.isInteger(x))) throw new ConfigError(`layer "${this.name}" (Softmax) axis: expected an int or a non-empty list of ints, found ${JSON.stringify(axis)}`);
    this.axis = typeof axis === 'number' ? axis : list;
  }

  private axesFor(rank: number): number[] {
    const list = typeof this.axis === 'number' ? [this.axis] : [...this.axis];
    const axes = list.map((a) => (a < 0 ? a + rank : a));
    if (axes.some((a) => a < 0 || a >= rank) || new Set(axes).size !== axes.length) {
      throw new ShapeMismatchError(`layer "${this.name}" (Softmax): axis ${JSON.stringify(this.axis)} does not fit an input of rank ${rank}`, [], [], this.name);
    }
    return axes.sort((x, y) => x - y);
  }

  computeOutputShape(inputShape: Shape): Shape {
    this.axesFor(inputShape.length);
    return inputShape;
  }

  /** 1 where the input is kept, per input element (the mask broadcast from the right, > 0.5 kept). */
  private keep(input: Tensor, mask: Mask): Uint8Array {
    const s = input.shape;
    const m = mask.shape;
    const fits = m.length <= s.length && m.every((d, i) => d === 1 || d === s[s.length - m.length + i]);
    if (!fits) throw new ShapeMismatchError(`layer "${this.name}" (Softmax): the mask ${formatShape(m)} does not broadcast to the input ${formatShape(s)}`, [...s], [...m], this.name);
    const keep = new Uint8Array(input.size);
    const rank = s.length;
    const off = rank - m.length;
    const stride = new Array<number>(rank).fill(0);
    for (let d = m.length - 1, st = 1; d >= 0; d--) {
      stride[d + off] = m[d] === 1 ? 0 : st;
      st *= m[d]!;
    }
    const coord = new Array<number>(rank).fill(0);
    for (let i = 0; i < keep.length; i++) {
      let j = 0;
      for (let d = off; d < rank; d++) j += coord[d]! * stride[d]!;
      keep[i] = mask.data[j]! > 0.5 ? 1 : 0;
      for (let d = rank - 1; d >= 0; d--) {
        if (++coord[d]! < s[d]!) break;
        coord[d] = 0;
      }
    }
    return keep;
  }

  /** The softmax with the normalized axes moved last; returns y and the layout to undo it. */
  private forward(input: Tensor, keep: Uint8Array | null): { y: Float32Array; perm: number[] | null; cols: number } {
    const rank = input.rank;
    const axes = this.axesFor(rank);
    const rest = [...Array(rank).keys()].filter((a) => !axes.includes(a));
    const perm = [...rest, ...axes];
    const moved = perm.some((p, i) => p !== i);
    let x = input.data;
    if (keep) {
      x = Float32Array.from(x);
      for (let i = 0; i < x.length; i++) if (!keep[i]) x[i] = MASKED_INPUT;
    }
    const cols = axes.reduce((p, a) => p * input.shape[a]!, 1);
    const xt = moved ? transpose(x, input.shape, perm) : keep ? x : Float32Array.from(x);
    const rows = cols === 0 ? 0 : xt.length / cols;
    if (axes.length === 1) getActivation('softmax').apply(xt, 0, rows, cols);
    else logsumexpSoftmax(xt, rows, cols);
    // y is always a fresh array here (a transpose, or the copy made above), so it is zeroed in place
    const y = moved ? transpose(xt, perm.map((p) => input.shape[p]!), inversePermutation(perm)) : xt;
    if (keep) for (let i = 0; i < y.length; i++) if (!keep[i]) y[i] = 0;
    return { y, perm: moved ? perm : null, cols };
  }

  call(input: Tensor, _ctx: CallContext, mask?: Mask | null): Tensor {
    return new Tensor(this.forward(input, mask ? this.keep(input, mask) : null).y, input.shape);
  }

  override forwardTrain(input: Tensor, ctx: TrainCallContext, mask?: Mask | null): LayerTape {
    const keep = mask ? this.keep(input, mask) : null;
    const { y, perm, cols } = this.forward(input, keep);
    return {
      output: new Tensor(y, input.shape),
      backward: (d: Tensor) => {
        if (!ctx.needInputGrad) return { dInput: null, weightGrads: new Map() };
        let dy = d.data;
        if (keep) {
          dy = Float32Array.from(dy);
          for (let i = 0; i < dy.length; i++) if (!keep[i]) dy[i] = 0;
        }
        // The softmax Jacobian needs only y (masked outputs are 0 there, so they add nothing).
        const movedShape = perm ? perm.map((p) => input.shape[p]!) : input.shape;
        const yt = perm ? transpose(y, input.shape, perm) : y;
        const dyt = perm ? transpose(dy, input.shape, perm) : dy;
        const dxt = activationBackward(getActivation('softmax'), yt, yt, dyt, Math.max(cols, 1));
        const dx = perm ? transpose(dxt, movedShape, inversePermutation(perm)) : dxt;
        if (keep) for (let i = 0; i < dx.length; i++) if (!keep[i]) dx[i] = 0;
        return { dInput: new Tensor(dx, input.shape), weightGrads: new Map() };
      },
    };
  }

  override getConfig(): JsonObject {
    return { ...super.getConfig(), axis: (typeof this.axis === 'number' ? this.axis : [...this.axis]) as JsonValue };
  }

  /** Build from a canonical Keras config. */
  static fromConfig(config: JsonObject): Softmax {
    const r = new ConfigReader(config, 'Softmax');
    const axis = config.axis ?? -1;
    if (typeof axis !== 'number' && !(Array.isArray(axis) && axis.every((x) => typeof x === 'number'))) {
      throw new ConfigError(`${r.where}.axis: expected an int or a list of ints, found ${JSON.stringify(axis)}`);
    }
    return new Softmax({ ...r.baseOptions(), axis: axis as number | number[] });
  }
}

/** Keras 3's softmax over several axes: `exp(x − logsumexp(x))` per row of `cols` values, in place. */
function logsumexpSoftmax(buf: Float32Array, rows: number, cols: number): void {
  for (let r = 0; r < rows; r++) {
    const o = r * cols;
    let max = -Infinity;
    for (let j = 0; j < cols; j++) max = Math.max(max, buf[o + j]!);
    let sum = 0;
    for (let j = 0; j < cols; j++) sum = Math.fround(sum + Math.fround(Math.exp(Math.fround(buf[o + j]! - max))));
    const lse = Math.fround(Math.fround(Math.log(sum)) + max);
    for (let j = 0; j < cols; j++) buf[o + j] = Math.exp(Math.fround(buf[o + j]! - lse));
  }
}

import { ConfigError, ShapeMismatchError, Tensor } from '@kerasts/tensor';
import { ConfigReader } from '../engine/config-reader.js';
import { identityTape, Layer, type LayerOptions, type LayerTape, type TrainCallContext } from '../engine/layer.js';
import { layerArgs } from '../engine/options.js';
import type { JsonObject } from '../engine/json.js';
import type { Shape } from '../engine/shape.js';

/** Options of {@link Dropout}. */
export interface DropoutOptions extends LayerOptions {
  rate: number;
  noiseShape?: (number | null)[] | null;
  seed?: number | null;
}

/** @internal Keras refuses a rate outside [0, 1]. */
export function checkRate(rate: unknown, className: string, name: string, what = 'rate'): void {
  if (typeof rate !== 'number' || !(rate >= 0 && rate <= 1)) throw new ConfigError(`layer "${name}" (${className}): ${what} must be a number in [0, 1], got ${String(rate)}`, name);
}

/** Dropout: identity at inference (kerasts predicts; training-time dropout comes with fit). */
export class Dropout extends Layer {
  readonly className: string = 'Dropout';
  readonly rate: number;
  readonly noiseShape: (number | null)[] | null;
  readonly seed: number | null;
  override readonly supportsMasking: boolean = true;
  /** `new Dropout(rate, options?)` or `new Dropout({ rate, ... })`. */
  constructor(rate: number, options?: Omit<DropoutOptions, 'rate'>);
  constructor(options: DropoutOptions);
  constructor(rateOrOptions: number | DropoutOptions, more?: Omit<DropoutOptions, 'rate'>) {
    const options = layerArgs<DropoutOptions>('Dropout', [rateOrOptions, more], { positional: ['rate'], keys: { rate: true, noiseShape: true, seed: true } });
    super(options, 'dropout');
    checkRate(options.rate, 'Dropout', this.name);
    this.rate = options.rate;
    this.noiseShape = options.noiseShape ?? null;
    this.seed = options.seed ?? null;
  }
  computeOutputShape(inputShape: Shape): Shape {
    return inputShape;
  }
  call(input: Tensor): Tensor {
    return input;
  }
  /**
   * In training (with a random source), zeroes each value with probability `rate` and scales the
   * others by `1/(1 − rate)`, as Keras does; a `noiseShape` shares one draw along its 1-sized axes.
   * The random stream is kerasts' own, so the masks are not the ones Keras would draw.
   */
  override forwardTrain(input: Tensor, ctx: TrainCallContext): LayerTape {
    if (!ctx.training || ctx.random === null || this.rate <= 0) return identityTape(input, ctx.needInputGrad);
    const rng = ctx.random;
    const rank = input.rank;
    const noise = this.noiseShapeFor(input);
    if (noise.length !== rank || noise.some((d, i) => d !== 1 && d !== input.shape[i])) {
      throw new ShapeMismatchError(`layer "${this.name}" (${this.className}): noise_shape does not broadcast to the input`, input.shape, noise, this.name);
    }
    let noiseSize = 1;
    for (const d of noise) noiseSize *= d;
    const keep = 1 - this.rate;
    const scale = this.rate >= 1 ? 0 : 1 / keep;
    const drawn = new Float32Array(noiseSize);
    for (let i = 0; i < noiseSize; i++) drawn[i] = rng.uniform() < keep ? scale : 0;
    const mask = new Float32Array(input.size);
    const strides = new Array<number>(rank).fill(1);
    for (let d = rank - 2; d >= 0; d--) strides[d] = strides[d + 1]! * input.shape[d + 1]!;
    const nStrides = new Array<number>(rank).fill(1);
    for (let d = rank - 2; d >= 0; d--) nStrides[d] = nStrides[d + 1]! * noise[d + 1]!;
    for (let p = 0; p < input.size; p++) {
      let rem = p;
      let q = 0;
      for (let d = 0; d < rank; d++) {
        const idx = Math.floor(rem / strides[d]!);
        rem -= idx * strides[d]!;
        if (noise[d] !== 1) q += idx * nStrides[d]!;
      }
      mask[p] = drawn[q]!;
    }
    const out = new Float32Array(input.size);
    for (let p = 0; p < input.size; p++) out[p] = input.data[p]! * mask[p]!;
    return {
      output: new Tensor(out, input.shape),
      backward: (d: Tensor) => {
        if (!ctx.needInputGrad) return { dInput: null, weightGrads: new Map() };
        const dx = new Float32Array(d.size);
        for (let p = 0; p < d.size; p++) dx[p] = d.data[p]! * mask[p]!;
        return { dInput: new Tensor(dx, input.shape), weightGrads: new Map() };
      },
    };
  }
  /** The shape of one draw of the dropout mask for this input (size-1 axes share a draw). */
  protected noiseShapeFor(input: Tensor): number[] {
    return this.noiseShape ? this.noiseShape.map((d, i) => (d === null ? input.shape[i]! : d)) : [...input.shape];
  }

  override getConfig(): JsonObject {
    return { ...super.getConfig(), rate: this.rate, noise_shape: this.noiseShape, seed: this.seed };
  }
  /** Build from a canonical Keras config. */
  static fromConfig(config: JsonObject): Dropout {
    const r = new ConfigReader(config, 'Dropout');
    const ns = r.shape('noise_shape');
    return new Dropout({ ...r.baseOptions(), rate: r.number('rate', 0), noiseShape: ns ? [...ns] : null, seed: config.seed === undefined || config.seed === null ? null : r.int('seed', 0) });
  }
}

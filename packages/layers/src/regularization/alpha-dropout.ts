import { ShapeMismatchError, Tensor } from '@kerasts/tensor';
import { ConfigReader } from '../engine/config-reader.js';
import type { JsonObject } from '../engine/json.js';
import { identityTape, Layer, type LayerOptions, type LayerTape, type TrainCallContext } from '../engine/layer.js';
import { layerArgs } from '../engine/options.js';
import type { Shape } from '../engine/shape.js';
import { checkRate } from './dropout.js';

/** Options of {@link AlphaDropout}. */
export interface AlphaDropoutOptions extends LayerOptions {
  rate: number;
  noiseShape?: (number | null)[] | null;
  seed?: number | null;
}

// SELU's constants, as Keras writes them.
const ALPHA = 1.6732632423543772848170429916717;
const SCALE = 1.0507009873554804934193349852946;

/**
 * Dropout that keeps SELU's self-normalising mean and variance (Keras `AlphaDropout`): in training a
 * dropped value becomes `−α·λ`, then everything is mapped by `a·x + b`; identity at inference. The
 * mask comes from kerasts' seeded random stream, not Keras'.
 */
export class AlphaDropout extends Layer {
  readonly className: string = 'AlphaDropout';
  readonly rate: number;
  readonly noiseShape: (number | null)[] | null;
  readonly seed: number | null;
  override readonly supportsMasking: boolean = true;
  /** `new AlphaDropout(rate, options?)` or `new AlphaDropout({ rate })`. */
  constructor(rate: number, options?: Omit<AlphaDropoutOptions, 'rate'>);
  constructor(options: AlphaDropoutOptions);
  constructor(a: number | AlphaDropoutOptions, more?: Omit<AlphaDropoutOptions, 'rate'>) {
    const o = layerArgs<AlphaDropoutOptions>('AlphaDropout', [a, more], { positional: ['rate'], keys: { rate: true, noiseShape: true, seed: true } });
    super(o, 'alpha_dropout');
    checkRate(o.rate, 'AlphaDropout', this.name);
    this.rate = o.rate;
    this.noiseShape = o.noiseShape ?? null;
    this.seed = o.seed ?? null;
  }
  computeOutputShape(inputShape: Shape): Shape {
    return inputShape;
  }
  call(input: Tensor): Tensor {
    return input;
  }
  override forwardTrain(input: Tensor, ctx: TrainCallContext): LayerTape {
    const rng = ctx.random;
    // Keras applies it for 0 < rate < 1 only.
    if (!ctx.training || !rng || !(this.rate > 0 && this.rate < 1)) return identityTape(input, ctx.needInputGrad);
    const rank = input.rank;
    const noise = this.noiseShape ? this.noiseShape.map((d, i) => (d === null ? input.shape[i]! : d)) : [...input.shape];
    if (noise.length !== rank || noise.some((d, i) => d !== 1 && d !== input.shape[i])) {
      throw new ShapeMismatchError(`layer "${this.name}" (AlphaDropout): noise_shape does not broadcast to the input`, input.shape, noise, this.name);
    }
    const rate = this.rate;
    const alphaP = -ALPHA * SCALE;
    const a = Math.fround(((1 - rate) * (1 + rate * alphaP ** 2)) ** -0.5);
    const b = Math.fround(-a * alphaP * rate);
    let n = 1;
    for (const d of noise) n *= d;
    const drawn = new Uint8Array(n);
    for (let i = 0; i < n; i++) drawn[i] = rng.uniform() >= rate ? 1 : 0;
    const kept = new Uint8Array(input.size);
    const strides = new Array<number>(rank).fill(1);
    const nStrides = new Array<number>(rank).fill(1);
    for (let d = rank - 2; d >= 0; d--) {
      strides[d] = strides[d + 1]! * input.shape[d + 1]!;
      nStrides[d] = nStrides[d + 1]! * noise[d + 1]!;
    }
    const out = new Float32Array(input.size);
    for (let p = 0; p < input.size; p++) {
      let rem = p;
      let q = 0;
      for (let d = 0; d < rank; d++) {
        const idx = Math.floor(rem / strides[d]!);
        rem -= idx * strides[d]!;
        if (noise[d] !== 1) q += idx * nStrides[d]!;
      }
      const k = drawn[q]!;
      kept[p] = k;
      out[p] = a * (k ? input.data[p]! : alphaP) + b;
    }
    return {
      output: new Tensor(out, input.shape),
      backward: (d) => {
        if (!ctx.needInputGrad) return { dInput: null, weightGrads: new Map() };
        const dx = new Float32Array(d.size);
        for (let p = 0; p < dx.length; p++) dx[p] = kept[p] ? d.data[p]! * a : 0;
        return { dInput: new Tensor(dx, input.shape), weightGrads: new Map() };
      },
    };
  }
  override getConfig(): JsonObject {
    return { ...super.getConfig(), rate: this.rate, seed: this.seed, noise_shape: this.noiseShape };
  }
  /** Build from a canonical Keras config. */
  static fromConfig(config: JsonObject): AlphaDropout {
    const r = new ConfigReader(config, 'AlphaDropout');
    const ns = r.shape('noise_shape');
    return new AlphaDropout({ ...r.baseOptions(), rate: r.number('rate', 0), noiseShape: ns ? [...ns] : null, seed: config.seed === undefined || config.seed === null ? null : r.int('seed', 0) });
  }
}

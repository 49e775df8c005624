import { Tensor } from '@kerasts/tensor';
import { ConfigReader } from '../engine/config-reader.js';
import type { JsonObject } from '../engine/json.js';
import { identityTape, Layer, type LayerOptions, type LayerTape, type TrainCallContext } from '../engine/layer.js';
import { layerArgs } from '../engine/options.js';
import type { Shape } from '../engine/shape.js';
import { checkRate } from './dropout.js';

/** Options of {@link GaussianDropout}. */
export interface GaussianDropoutOptions extends LayerOptions {
  /** Drop probability; the noise has stddev `sqrt(rate / (1 − rate))` (Keras 1: `p`). */
  rate: number;
  seed?: number | null;
}

/**
 * Multiplies by 1-centred Gaussian noise in training (Keras `GaussianDropout`); identity at inference.
 * The noise comes from kerasts' seeded random stream, not Keras'.
 */
export class GaussianDropout extends Layer {
  readonly className: string = 'GaussianDropout';
  readonly rate: number;
  readonly seed: number | null;
  override readonly supportsMasking: boolean = true;
  /** `new GaussianDropout(rate, options?)` or `new GaussianDropout({ rate })`. */
  constructor(rate: number, options?: Omit<GaussianDropoutOptions, 'rate'>);
  constructor(options: GaussianDropoutOptions);
  constructor(a: number | GaussianDropoutOptions, more?: Omit<GaussianDropoutOptions, 'rate'>) {
    const o = layerArgs<GaussianDropoutOptions>('GaussianDropout', [a, more], { positional: ['rate'], keys: { rate: true, seed: true } });
    super(o, 'gaussian_dropout');
    checkRate(o.rate, 'GaussianDropout', this.name);
    this.rate = o.rate;
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
    if (!ctx.training || !rng || this.rate <= 0 || this.rate >= 1) return identityTape(input, ctx.needInputGrad);
    const stddev = Math.sqrt(this.rate / (1 - this.rate));
    const noise = new Float32Array(input.size);
    const out = new Float32Array(input.size);
    for (let i = 0; i < out.length; i++) {
      noise[i] = rng.normal(1, stddev);
      out[i] = input.data[i]! * noise[i]!;
    }
    return {
      output: new Tensor(out, input.shape),
      backward: (d) => {
        if (!ctx.needInputGrad) return { dInput: null, weightGrads: new Map() };
        const dx = new Float32Array(d.size);
        for (let i = 0; i < dx.length; i++) dx[i] = d.data[i]! * noise[i]!;
        return { dInput: new Tensor(dx, input.shape), weightGrads: new Map() };
      },
    };
  }
  override getConfig(): JsonObject {
    return { ...super.getConfig(), rate: this.rate, seed: this.seed };
  }
  /** Build from a canonical Keras config. */
  static fromConfig(config: JsonObject): GaussianDropout {
    const r = new ConfigReader(config, 'GaussianDropout');
    return new GaussianDropout({ ...r.baseOptions(), rate: r.number('rate', 0), seed: config.seed === undefined || config.seed === null ? null : r.int('seed', 0) });
  }
}

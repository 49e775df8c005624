import { Tensor } from '@kerasts/tensor';
import { ConfigReader } from '../engine/config-reader.js';
import type { JsonObject } from '../engine/json.js';
import { identityTape, Layer, type LayerOptions, type LayerTape, type TrainCallContext } from '../engine/layer.js';
import { layerArgs } from '../engine/options.js';
import type { Shape } from '../engine/shape.js';
import { checkRate } from './dropout.js';

/** Options of {@link GaussianNoise}. */
export interface GaussianNoiseOptions extends LayerOptions {
  /** Standard deviation of the noise (Keras 1: `sigma`). */
  stddev: number;
  seed?: number | null;
}

/**
 * Adds zero-centred Gaussian noise in training (Keras `GaussianNoise`); identity at inference. The
 * noise comes from kerasts' seeded random stream, not Keras'.
 */
export class GaussianNoise extends Layer {
  readonly className: string = 'GaussianNoise';
  readonly stddev: number;
  readonly seed: number | null;
  override readonly supportsMasking: boolean = true;
  /** `new GaussianNoise(stddev, options?)` or `new GaussianNoise({ stddev })`. */
  constructor(stddev: number, options?: Omit<GaussianNoiseOptions, 'stddev'>);
  constructor(options: GaussianNoiseOptions);
  constructor(a: number | GaussianNoiseOptions, more?: Omit<GaussianNoiseOptions, 'stddev'>) {
    const o = layerArgs<GaussianNoiseOptions>('GaussianNoise', [a, more], { positional: ['stddev'], keys: { stddev: true, seed: true } });
    super(o, 'gaussian_noise');
    checkRate(o.stddev, 'GaussianNoise', this.name, 'stddev');
    this.stddev = o.stddev;
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
    if (!ctx.training || !rng || this.stddev <= 0) return identityTape(input, ctx.needInputGrad);
    const out = new Float32Array(input.size);
    for (let i = 0; i < out.length; i++) out[i] = input.data[i]! + rng.normal(0, this.stddev);
    return { output: new Tensor(out, input.shape), backward: (d) => ({ dInput: ctx.needInputGrad ? d : null, weightGrads: new Map() }) };
  }
  override getConfig(): JsonObject {
    return { ...super.getConfig(), stddev: this.stddev, seed: this.seed };
  }
  /** Build from a canonical Keras config. */
  static fromConfig(config: JsonObject): GaussianNoise {
    const r = new ConfigReader(config, 'GaussianNoise');
    return new GaussianNoise({ ...r.baseOptions(), stddev: r.number('stddev', 0), seed: config.seed === undefined || config.seed === null ? null : r.int('seed', 0) });
  }
}

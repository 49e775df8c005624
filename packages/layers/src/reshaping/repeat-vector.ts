import { ConfigError, ShapeMismatchError, Tensor } from '@kerasts/tensor';
import { ConfigReader } from '../engine/config-reader.js';
import type { JsonObject } from '../engine/json.js';
import { Layer, type LayerOptions, type LayerTape, type TrainCallContext } from '../engine/layer.js';
import { layerArgs } from '../engine/options.js';
import type { Shape } from '../engine/shape.js';

/** Options of {@link RepeatVector}. */
export interface RepeatVectorOptions extends LayerOptions {
  /** How many times to repeat. */
  n: number;
}

/** Repeats a `(batch, features)` input `n` times: `(batch, n, features)` (Keras `RepeatVector`). */
export class RepeatVector extends Layer {
  readonly className: string = 'RepeatVector';
  readonly n: number;

  /** `new RepeatVector(n, options?)` or `new RepeatVector({ n })`, as Keras' `RepeatVector(n)`. */
  constructor(n: number, options?: Omit<RepeatVectorOptions, 'n'>);
  constructor(options: RepeatVectorOptions);
  constructor(a: number | RepeatVectorOptions, more?: Omit<RepeatVectorOptions, 'n'>) {
    const options = layerArgs<RepeatVectorOptions>('RepeatVector', [a, more], { positional: ['n'], keys: { n: true } });
    super(options, 'repeat_vector');
    if (!Number.isInteger(options.n) || options.n < 0) throw new ConfigError(`RepeatVector: n must be a non-negative integer, got ${String(options.n)}`, this.name);
    this.n = options.n;
  }

  protected override buildWeights(inputShape: Shape): void {
    this.expectRank(inputShape, 2, 'a 2-D input (batch, features)');
  }

  computeOutputShape(inputShape: Shape): Shape {
    return [inputShape[0] ?? null, this.n, inputShape[1] ?? null];
  }

  call(input: Tensor): Tensor {
    if (input.rank !== 2) throw new ShapeMismatchError(`layer "${this.name}" (RepeatVector) expects a 2-D input (batch, features)`, [null, null], input.shape, this.name);
    const [B, F] = input.shape as [number, number];
    const out = new Float32Array(B * this.n * F);
    for (let b = 0; b < B; b++) {
      const row = input.data.subarray(b * F, (b + 1) * F);
      for (let k = 0; k < this.n; k++) out.set(row, (b * this.n + k) * F);
    }
    return new Tensor(out, [B, this.n, F]);
  }

  override forwardTrain(input: Tensor, ctx: TrainCallContext): LayerTape {
    const [B, F] = input.shape as [number, number];
    return {
      output: this.call(input),
      backward: (d: Tensor) => {
        if (!ctx.needInputGrad) return { dInput: null, weightGrads: new Map() };
        // The gradient of a copy is the sum over the copies (in float32, in order).
        const dx = new Float32Array(B * F);
        for (let b = 0; b < B; b++) {
          for (let k = 0; k < this.n; k++) {
            const src = (b * this.n + k) * F;
            for (let j = 0; j < F; j++) dx[b * F + j] = Math.fround(dx[b * F + j]! + d.data[src + j]!);
          }
        }
        return { dInput: new Tensor(dx, input.shape), weightGrads: new Map() };
      },
    };
  }

  override getConfig(): JsonObject {
    return { ...super.getConfig(), n: this.n };
  }

  /** Build from a canonical Keras config. */
  static fromConfig(config: JsonObject): RepeatVector {
    const r = new ConfigReader(config, 'RepeatVector');
    return new RepeatVector({ ...r.baseOptions(), n: r.int('n', 0, 0) });
  }
}

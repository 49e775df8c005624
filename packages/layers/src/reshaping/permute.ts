import { ConfigError, inversePermutation, ShapeMismatchError, Tensor, transpose } from '@kerasts/tensor';
import { ConfigReader } from '../engine/config-reader.js';
import { Layer, type LayerOptions, type LayerTape, type TrainCallContext } from '../engine/layer.js';
import { layerArgs, type OptionKeys } from '../engine/options.js';
import type { JsonObject } from '../engine/json.js';
import { formatShape, type Shape } from '../engine/shape.js';

/** Options of {@link Permute}. */
export interface PermuteOptions extends LayerOptions {
  /** The new order of the non-batch axes, numbered from 1 (e.g. `[2, 1]` swaps them). */
  dims: readonly number[];
}

const PERMUTE_KEYS: OptionKeys<PermuteOptions> = { dims: true };

/** Permutes the non-batch axes of every sample (Keras' `Permute(dims)`, axes numbered from 1). */
export class Permute extends Layer {
  readonly className: string = 'Permute';
  readonly dims: readonly number[];

  /** `new Permute([2, 1])` or `new Permute({ dims })`. */
  constructor(dims: readonly number[], options?: Omit<PermuteOptions, 'dims'>);
  constructor(options: PermuteOptions);
  constructor(a: readonly number[] | PermuteOptions, more?: Omit<PermuteOptions, 'dims'>) {
    const options = layerArgs<PermuteOptions>('Permute', [a, more], { positional: ['dims'], keys: PERMUTE_KEYS });
    super(options, 'permute');
    const d = options.dims;
    const ok = Array.isArray(d) && [...d].sort((x, y) => x - y).every((v, i) => v === i + 1);
    if (!ok) throw new ConfigError(`dims must be a permutation of 1..${Array.isArray(d) ? d.length : 'n'} (the batch axis stays first), found ${JSON.stringify(d)}`, `layer "${this.name}" (Permute)`);
    this.dims = [...d];
  }

  computeOutputShape(inputShape: Shape): Shape {
    if (inputShape.length !== this.dims.length + 1) {
      throw new ShapeMismatchError(`layer "${this.name}" (Permute) with dims ${JSON.stringify(this.dims)} expects an input of rank ${this.dims.length + 1}, got ${formatShape(inputShape)}`, new Array<null>(this.dims.length + 1).fill(null), inputShape, this.name);
    }
    return [inputShape[0] ?? null, ...this.dims.map((d) => inputShape[d] ?? null)];
  }

  private perm(): number[] {
    return [0, ...this.dims];
  }

  call(input: Tensor): Tensor {
    const out = this.computeOutputShape(input.shape) as number[];
    return new Tensor(transpose(input.data, input.shape, this.perm()), out);
  }

  override forwardTrain(input: Tensor, ctx: TrainCallContext): LayerTape {
    const output = this.call(input);
    return {
      output,
      backward: (d: Tensor) => ({
        dInput: ctx.needInputGrad ? new Tensor(transpose(d.data, output.shape, inversePermutation(this.perm())), input.shape) : null,
        weightGrads: new Map(),
      }),
    };
  }

  override getConfig(): JsonObject {
    return { ...super.getConfig(), dims: [...this.dims] };
  }

  /** Build from a canonical Keras config. */
  static fromConfig(config: JsonObject): Permute {
    const r = new ConfigReader(config, 'Permute');
    const d = config.dims;
    if (!Array.isArray(d) || !d.every((v) => typeof v === 'number')) throw new ConfigError(`config key "dims": expected a list of integers, found ${JSON.stringify(d)}`, r.where);
    return new Permute({ ...r.baseOptions(), dims: d as number[] });
  }
}

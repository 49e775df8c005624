import { ConfigError, ShapeMismatchError, Tensor } from '@kerasts/tensor';
import { ConfigReader } from '../engine/config-reader.js';
import { identityTape, Layer, type LayerOptions, type LayerTape, type TrainCallContext } from '../engine/layer.js';
import { layerArgs, type OptionKeys } from '../engine/options.js';
import type { JsonObject } from '../engine/json.js';
import { formatShape, type Shape } from '../engine/shape.js';

/** Options of {@link Reshape}. */
export interface ReshapeOptions extends LayerOptions {
  /** The shape of each sample (without the batch axis); one entry may be -1 (inferred). */
  targetShape: readonly number[];
}

const RESHAPE_KEYS: OptionKeys<ReshapeOptions> = { targetShape: true };

/** Reshapes every sample to `targetShape` (row-major order, like numpy's reshape). */
export class Reshape extends Layer {
  readonly className: string = 'Reshape';
  readonly targetShape: readonly number[];

  /** `new Reshape([4, 2])`, `new Reshape([-1, 3], options)` or `new Reshape({ targetShape })`. */
  constructor(targetShape: readonly number[], options?: Omit<ReshapeOptions, 'targetShape'>);
  constructor(options: ReshapeOptions);
  constructor(a: readonly number[] | ReshapeOptions, more?: Omit<ReshapeOptions, 'targetShape'>) {
    const options = layerArgs<ReshapeOptions>('Reshape', [a, more], { positional: ['targetShape'], keys: RESHAPE_KEYS });
    super(options, 'reshape');
    const t = options.targetShape;
    const where = `layer "${this.name}" (Reshape)`;
    if (!Array.isArray(t) || !t.every((d) => Number.isInteger(d) && (d > 0 || d === -1))) {
      throw new ConfigError(`target_shape must be a list of positive integers with at most one -1, found ${JSON.stringify(t)}`, where);
    }
    if (t.filter((d) => d === -1).length > 1) throw new ConfigError(`target_shape may hold at most one -1, found ${JSON.stringify(t)}`, where);
    this.targetShape = [...t];
  }

  /** The sample shape for a sample of `inputShape` (without batch); null entries stay unknown. */
  private resolve(sample: Shape): (number | null)[] {
    const t = this.targetShape;
    if (sample.some((d) => d === null)) return t.map((d) => (d === -1 ? null : d));
    const size = (sample as number[]).reduce((p, d) => p * d, 1);
    const known = t.reduce((p, d) => (d === -1 ? p : p * d), 1);
    const unknownAt = t.indexOf(-1);
    const bad = unknownAt < 0 ? size !== known : known === 0 || size % known !== 0;
    if (bad) {
      throw new ShapeMismatchError(
        `layer "${this.name}" (Reshape): the size of a sample must be unchanged: input ${formatShape([null, ...sample])} has ${size} values per sample, target_shape ${formatShape(t)} does not fit`,
        t.map((d) => (d === -1 ? null : d)),
        sample,
        this.name,
      );
    }
    return t.map((d) => (d === -1 ? size / known : d));
  }

  computeOutputShape(inputShape: Shape): Shape {
    return [inputShape[0] ?? null, ...this.resolve(inputShape.slice(1))];
  }

  call(input: Tensor): Tensor {
    const out = this.resolve(input.shape.slice(1)) as number[];
    return new Tensor(input.data, [input.shape[0] ?? 1, ...out]);
  }

  override forwardTrain(input: Tensor, ctx: TrainCallContext): LayerTape {
    const output = this.call(input);
    const inner = identityTape(input, ctx.needInputGrad);
    return { output, backward: (d: Tensor) => inner.backward(new Tensor(d.data, input.shape)) };
  }

  override getConfig(): JsonObject {
    return { ...super.getConfig(), target_shape: [...this.targetShape] };
  }

  /** Build from a canonical Keras config. */
  static fromConfig(config: JsonObject): Reshape {
    const r = new ConfigReader(config, 'Reshape');
    const t = config.target_shape;
    if (!Array.isArray(t) || !t.every((d) => typeof d === 'number')) throw new ConfigError(`config key "target_shape": expected a list of integers, found ${JSON.stringify(t)}`, r.where);
    return new Reshape({ ...r.baseOptions(), targetShape: t as number[] });
  }
}

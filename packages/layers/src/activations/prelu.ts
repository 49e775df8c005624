import { prelu, preluAlphaIndex, preluBackward, ShapeMismatchError, ConfigError, Tensor } from '@kerasts/tensor';
import type { KeptConfig } from '../engine/activation-slot.js';
import { ConfigReader } from '../engine/config-reader.js';
import { Layer, type CallContext, type LayerOptions, type LayerTape, type LayerWeight, type TrainCallContext } from '../engine/layer.js';
import { layerArgs, type OptionKeys } from '../engine/options.js';
import type { JsonObject, JsonValue } from '../engine/json.js';
import { formatShape, type Shape } from '../engine/shape.js';
import { getInitializer, type Initializer, type InitializerSpec } from '../initializers.js';

/** Options of {@link PReLU}, mirroring Keras' arguments. */
export interface PReLUOptions extends LayerOptions {
  /** Initial α (default `'zeros'`). */
  alphaInitializer?: InitializerSpec;
  alphaRegularizer?: KeptConfig;
  alphaConstraint?: KeptConfig;
  /** Axes (1-based, batch excluded as in Keras) along which one α is shared, e.g. `[1, 2]` for images. */
  sharedAxes?: number | readonly number[] | null;
}

const PRELU_KEYS: OptionKeys<PReLUOptions> = { alphaInitializer: true, alphaRegularizer: true, alphaConstraint: true, sharedAxes: true };

/**
 * Keras' `PReLU` layer: `relu(x) − α·relu(−x)` with a learned α of the input's shape (batch excluded),
 * size 1 along `shared_axes`.
 */
export class PReLU extends Layer {
  readonly className: string = 'PReLU';
  readonly alphaInitializer: Initializer;
  readonly sharedAxes: readonly number[] | null;
  readonly kept: Record<string, KeptConfig>;
  override readonly supportsMasking: boolean = true;
  private alpha: LayerWeight | null = null;
  private indexFor: { key: string; index: Int32Array } | null = null;

  /** `new PReLU()` or `new PReLU({ sharedAxes: [1, 2], alphaInitializer: 'zeros' })`. */
  constructor(options?: PReLUOptions);
  constructor(a?: PReLUOptions) {
    const options = layerArgs<PReLUOptions>('PReLU', [a], { positional: [], required: [], keys: PRELU_KEYS });
    super(options, 'p_re_lu');
    const where = `layer "${this.name}" (PReLU) shared_axes`;
    const shared = options.sharedAxes ?? null;
    const list = shared === null ? null : typeof shared === 'number' ? [shared] : [...shared];
    if (list?.some((x) => !Number.isInteger(x) || x < 1)) throw new ConfigError(`${where}: expected axes >= 1 (the batch axis 0 cannot be shared), found ${JSON.stringify(shared)}`);
    this.sharedAxes = list;
    this.alphaInitializer = getInitializer(options.alphaInitializer ?? 'zeros', `${this.name}.alpha_initializer`);
    this.kept = { alpha_regularizer: options.alphaRegularizer ?? null, alpha_constraint: options.alphaConstraint ?? null };
  }

  private alphaShape(inputShape: Shape): number[] {
    const shared = new Set(this.sharedAxes ?? []);
    for (const a of shared) {
      if (a >= inputShape.length) throw new ShapeMismatchError(`layer "${this.name}" (PReLU): shared axis ${a} is out of range for input ${formatShape(inputShape)}`, [], inputShape, this.name);
    }
    return inputShape.slice(1).map((d, i) => {
      if (shared.has(i + 1)) return 1;
      if (d === null || d === undefined) {
        throw new ShapeMismatchError(`layer "${this.name}" (PReLU): axis ${i + 1} of input ${formatShape(inputShape)} must have a known size (or be listed in shared_axes)`, [], inputShape, this.name);
      }
      return d;
    });
  }

  protected override buildWeights(inputShape: Shape): void {
    const s = this.alphaShape(inputShape);
    this.alpha = this.addWeight('alpha', s, this.alphaInitializer.init(s));
  }

  computeOutputShape(inputShape: Shape): Shape {
    this.alphaShape(inputShape);
    return inputShape;
  }

  /** Each sample element's α index, kept while the sample shape stays the same. */
  private index(input: Tensor): Int32Array {
    const sample = input.shape.slice(1);
    const key = sample.join(',');
    if (this.indexFor?.key !== key) this.indexFor = { key, index: preluAlphaIndex(sample, this.alpha!.shape) };
    return this.indexFor.index;
  }

  call(input: Tensor, _ctx: CallContext): Tensor {
    const alpha = this.alpha!;
    return new Tensor(prelu(input.data, alpha.value.data, this.index(input)), input.shape);
  }

  override forwardTrain(input: Tensor, ctx: TrainCallContext): LayerTape {
    const alpha = this.alpha!;
    const index = this.index(input);
    const a = alpha.value.data;
    return {
      output: new Tensor(prelu(input.data, a, index), input.shape),
      backward: (d: Tensor) => {
        const res = preluBackward(input.data, d.data, a, index, ctx.needInputGrad, this.trainable);
        const weightGrads = new Map<LayerWeight, Tensor>();
        if (res.dAlpha) weightGrads.set(alpha, new Tensor(res.dAlpha, alpha.shape));
        return { dInput: res.dx ? new Tensor(res.dx, input.shape) : null, weightGrads };
      },
    };
  }

  override getConfig(): JsonObject {
    return {
      ...super.getConfig(),
      alpha_initializer: this.alphaInitializer.serialize() as unknown as JsonObject,
      ...this.kept,
      shared_axes: this.sharedAxes === null ? null : ([...this.sharedAxes] as JsonValue),
    };
  }

  /** Build from a canonical Keras config. */
  static fromConfig(config: JsonObject): PReLU {
    const r = new ConfigReader(config, 'PReLU');
    const shared = config.shared_axes;
    if (shared !== undefined && shared !== null && typeof shared !== 'number' && !(Array.isArray(shared) && shared.every((x) => typeof x === 'number'))) {
      throw new ConfigError(`${r.where}.shared_axes: expected an int, a list of ints or null, found ${JSON.stringify(shared)}`);
    }
    return new PReLU({
      ...r.baseOptions(),
      alphaInitializer: (config.alpha_initializer as InitializerSpec | undefined) ?? 'zeros',
      alphaRegularizer: r.raw('alpha_regularizer'),
      alphaConstraint: r.raw('alpha_constraint'),
      sharedAxes: (shared as number | number[] | null | undefined) ?? null,
    });
  }
}

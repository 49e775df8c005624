import { ConfigError, ShapeMismatchError, Tensor } from '@kerasts/tensor';
import { ConfigReader } from '../engine/config-reader.js';
import { Layer, type CallContext, type LayerOptions, type LayerTape, type LayerWeight, type TrainCallContext } from '../engine/layer.js';
import { layerArgs, type OptionKeys } from '../engine/options.js';
import type { JsonObject } from '../engine/json.js';
import { formatShape, type Shape } from '../engine/shape.js';

/** Options of {@link LayerScale}, mirroring Keras' arguments. */
export interface LayerScaleOptions extends LayerOptions {
  /** The initial value of every scale (Keras: `init_values`, within [0, 1]; ConvNeXt uses 1e-6). */
  initValues: number;
  /** Size of the last axis, which gets one scale per entry (Keras: `projection_dim`). */
  projectionDim: number;
}

const LAYER_SCALE_KEYS: OptionKeys<LayerScaleOptions> = { initValues: true, projectionDim: true };

/**
 * The `LayerScale` of Keras' ConvNeXt (`keras.src.applications.convnext`, not exported as a public
 * layer but saved in every ConvNeXt model): `x · γ`, with one learned γ per entry of the last axis
 * (Touvron et al., arXiv:2103.17239). Keras multiplies by broadcasting, so the input's last axis must
 * be `projection_dim`. Like the Keras class it takes no mask.
 */
export class LayerScale extends Layer {
  readonly className: string = 'LayerScale';
  readonly initValues: number;
  readonly projectionDim: number;
  private gamma: LayerWeight | null = null;

  /** `new LayerScale(1e-6, 96)` or `new LayerScale({ initValues: 1e-6, projectionDim: 96 })`. */
  constructor(initValues: number, projectionDim: number, options?: LayerOptions);
  constructor(options: LayerScaleOptions);
  constructor(a: number | LayerScaleOptions, b?: number, c?: LayerOptions) {
    const options = layerArgs<LayerScaleOptions>('LayerScale', [a, b, c], { positional: ['initValues', 'projectionDim'], required: ['initValues', 'projectionDim'], keys: LAYER_SCALE_KEYS });
    super(options, 'layer_scale');
    if (typeof options.initValues !== 'number' || !Number.isFinite(options.initValues)) {
      throw new ConfigError(`layer "${this.name}" (LayerScale) init_values: expected a finite number, found ${JSON.stringify(options.initValues)}`);
    }
    if (!Number.isInteger(options.projectionDim) || options.projectionDim < 1) {
      throw new ConfigError(`layer "${this.name}" (LayerScale) projection_dim: expected an integer >= 1, found ${JSON.stringify(options.projectionDim)}`);
    }
    this.initValues = options.initValues;
    this.projectionDim = options.projectionDim;
  }

  private check(inputShape: Shape): void {
    const last = inputShape[inputShape.length - 1];
    if (inputShape.length < 2 || (last !== null && last !== undefined && last !== this.projectionDim)) {
      throw new ShapeMismatchError(
        `layer "${this.name}" (LayerScale): the input's last axis must be projection_dim = ${this.projectionDim}, found input ${formatShape(inputShape)}`,
        [...inputShape.slice(0, -1), this.projectionDim],
        inputShape,
        this.name,
      );
    }
  }

  protected override buildWeights(inputShape: Shape): void {
    this.check(inputShape);
    // (Keras names the weight `variable`: its add_weight call gives no name)
    this.gamma = this.addWeight('variable', [this.projectionDim], new Float32Array(this.projectionDim).fill(this.initValues));
  }

  computeOutputShape(inputShape: Shape): Shape {
    this.check(inputShape);
    return inputShape;
  }

  private scale(x: Float32Array): Float32Array {
    const g = this.gamma!.value.data;
    const n = this.projectionDim;
    const y = new Float32Array(x.length);
    for (let i = 0; i < x.length; i += n) for (let j = 0; j < n; j++) y[i + j] = x[i + j]! * g[j]!;
    return y;
  }

  call(input: Tensor, _ctx: CallContext): Tensor {
    this.check(input.shape);
    return new Tensor(this.scale(input.data), input.shape);
  }

  override forwardTrain(input: Tensor, ctx: TrainCallContext): LayerTape {
    this.check(input.shape);
    const gamma = this.gamma!;
    const x = input.data;
    return {
      output: new Tensor(this.scale(x), input.shape),
      backward: (d: Tensor) => {
        const n = this.projectionDim;
        const dy = d.data;
        const weightGrads = new Map<LayerWeight, Tensor>();
        if (this.trainable) {
          // summed in float64 per entry, then rounded once (Keras' XLA reduction is at least as exact)
          const acc = new Float64Array(n);
          for (let i = 0; i < x.length; i += n) for (let j = 0; j < n; j++) acc[j]! += dy[i + j]! * x[i + j]!;
          weightGrads.set(gamma, new Tensor(Float32Array.from(acc), gamma.shape));
        }
        let dInput: Tensor | null = null;
        if (ctx.needInputGrad) {
          const g = gamma.value.data;
          const dx = new Float32Array(dy.length);
          for (let i = 0; i < dy.length; i += n) for (let j = 0; j < n; j++) dx[i + j] = dy[i + j]! * g[j]!;
          dInput = new Tensor(dx, input.shape);
        }
        return { dInput, weightGrads };
      },
    };
  }

  override getConfig(): JsonObject {
    return { ...super.getConfig(), init_values: this.initValues, projection_dim: this.projectionDim };
  }

  /** Build from a canonical Keras config. */
  static fromConfig(config: JsonObject): LayerScale {
    const r = new ConfigReader(config, 'LayerScale');
    if (!r.has('init_values') || !r.has('projection_dim')) throw new ConfigError(`${r.where}: LayerScale needs init_values and projection_dim`);
    return new LayerScale({ ...r.baseOptions(), initValues: r.number('init_values', 0), projectionDim: r.int('projection_dim', 1, 1) });
  }
}

import { ConfigError, Tensor } from '@kerasts/tensor';
import { inputTensorOf, type SymbolicTensor } from '../engine/graph.js';
import { ConfigReader } from '../engine/config-reader.js';
import { identityTape, Layer, type LayerOptions, type LayerTape, type TrainCallContext } from '../engine/layer.js';
import { checkOptions, layerArgs } from '../engine/options.js';
import type { JsonObject } from '../engine/json.js';
import type { Shape } from '../engine/shape.js';

/** Options of {@link InputLayer}. */
export interface InputLayerOptions extends LayerOptions {
  /** Keras 3's name for the shape without the batch dimension (same as `inputShape`). */
  shape?: Shape;
  /** Keras 3's name for the shape with the batch dimension (same as `batchInputShape`). */
  batchShape?: Shape;
  sparse?: boolean;
  ragged?: boolean;
}

/** The model's entry point: declares the batch input shape. */
export class InputLayer extends Layer {
  readonly className: string = 'InputLayer';
  readonly sparse: boolean;
  readonly ragged: boolean;
  /** `new InputLayer({ shape: [8] })` (Keras 3) or `new InputLayer({ batchInputShape: [null, 8] })`. */
  constructor(options: InputLayerOptions) {
    const o = layerArgs<InputLayerOptions>('InputLayer', [options], { keys: { shape: true, batchShape: true, sparse: true, ragged: true } });
    const { shape, batchShape, ...rest } = o;
    if (shape !== undefined && rest.inputShape === undefined) rest.inputShape = shape;
    if (batchShape !== undefined && rest.batchInputShape === undefined) rest.batchInputShape = batchShape;
    super(rest, 'input_layer');
    this.sparse = options.sparse ?? false;
    this.ragged = options.ragged ?? false;
  }
  computeOutputShape(inputShape: Shape): Shape {
    return inputShape;
  }
  call(input: Tensor): Tensor {
    return input;
  }
  override forwardTrain(input: Tensor, ctx: TrainCallContext): LayerTape {
    return identityTape(input, ctx.needInputGrad);
  }
  override getConfig(): JsonObject {
    return {
      batch_input_shape: this.batchInputShape ? [...this.batchInputShape] : null,
      dtype: this.dtype,
      sparse: this.sparse,
      ragged: this.ragged,
      name: this.name,
    };
  }
  /** Build from a canonical Keras config (`batch_input_shape` or Keras 3's `batch_shape`). */
  static fromConfig(config: JsonObject): InputLayer {
    const r = new ConfigReader(config, 'InputLayer');
    return new InputLayer({ ...r.baseOptions(), sparse: r.bool('sparse', false), ragged: r.bool('ragged', false) });
  }
}

/** Options of {@link Input} (Keras' `keras.Input` arguments in camelCase). */
export interface InputOptions {
  /** Shape without the batch dimension, e.g. `[1, 8]`; `null` marks an unknown size (a variable time axis). */
  shape?: Shape;
  /** Fixed batch size (default: any). */
  batchSize?: number;
  /** Full shape with the batch dimension, instead of `shape` + `batchSize`. */
  batchShape?: Shape;
  /** Name of the input layer (default `input_layer`, `input_layer_1`, ... as in Keras 3). */
  name?: string;
  /** dtype name (kerasts computes in float32). */
  dtype?: string;
}

const INPUT_KEYS: readonly (keyof InputOptions)[] = ['shape', 'batchSize', 'batchShape', 'name', 'dtype'];

/**
 * A symbolic input of a functional model, like `keras.Input`: creates an `InputLayer` and returns
 * its output tensor, to be passed to `layer.apply()`. The shape may come first, as in Keras
 * (`keras.Input((8,))` → `Input([8])`).
 *
 * @example
 * const a = Input({ shape: [3], name: 'a' });
 * const b = Input([2], { name: 'b' });
 * const y = new Dense(1).apply(new Concatenate().apply([a, b]));
 * const model = new Model({ inputs: [a, b], outputs: y });
 *
 * @throws {ConfigError} when neither `shape` nor `batchShape` is given, or for an unknown option.
 */
export function Input(shape: Shape, options?: Omit<InputOptions, 'shape'>): SymbolicTensor;
export function Input(options: InputOptions): SymbolicTensor;
export function Input(shapeOrOptions: Shape | InputOptions, more?: Omit<InputOptions, 'shape'>): SymbolicTensor {
  const positional = Array.isArray(shapeOrOptions);
  const options = (positional ? { ...(more ?? {}), shape: shapeOrOptions } : shapeOrOptions) as InputOptions;
  checkOptions('Input', positional ? more : shapeOrOptions, positional ? INPUT_KEYS.filter((k) => k !== 'shape') : INPUT_KEYS);
  const batchShape = options.batchShape ?? (options.shape ? [options.batchSize ?? null, ...options.shape] : null);
  if (!batchShape) throw new ConfigError('Input() needs a shape (without the batch dimension) or a batchShape', options.name ?? 'Input');
  const layer = new InputLayer({ batchInputShape: batchShape, ...(options.name ? { name: options.name } : {}), ...(options.dtype ? { dtype: options.dtype } : {}) });
  return inputTensorOf(layer);
}

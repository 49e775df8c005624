import { embeddingBackward, embeddingForward, embeddingIndices, ShapeMismatchError, Tensor, UnsupportedError } from '@kerasts/tensor';
import type { KeptConfig } from '../engine/activation-slot.js';
import { ConfigReader } from '../engine/config-reader.js';
import type { JsonObject } from '../engine/json.js';
import { Layer, type CallContext, type LayerOptions, type LayerTape, type LayerWeight, type Mask, type TrainCallContext } from '../engine/layer.js';
import { layerArgs, type OptionKeys } from '../engine/options.js';
import type { Shape } from '../engine/shape.js';
import { getInitializer, type Initializer, type InitializerSpec } from '../initializers.js';

/** Options of {@link Embedding}, mirroring Keras' arguments in camelCase. */
export interface EmbeddingOptions extends LayerOptions {
  /** Vocabulary size: the largest index + 1. */
  inputDim: number;
  /** Size of each embedding vector. */
  outputDim: number;
  /** Default `uniform` (RandomUniform in [-0.05, 0.05]), as Keras. */
  embeddingsInitializer?: InitializerSpec;
  embeddingsRegularizer?: KeptConfig;
  activityRegularizer?: KeptConfig;
  embeddingsConstraint?: KeptConfig;
  /** Index 0 is padding: the output carries a mask that is false where the input is 0. */
  maskZero?: boolean;
  /**
   * Keras 2's sequence length (an integer, or a list for inputs of higher rank): declares the input
   * shape `(batch, inputLength)` when the layer has none. Keras 3 dropped it; kept for saving.
   */
  inputLength?: number | (number | null)[] | null;
  /** Keras 1's `dropout`: the fraction of whole vocabulary rows dropped in training (0 at inference). */
  dropout?: number;
}

// `inputDim` is a base option of every layer (Keras 1/2's input shape shortcut); here it is the vocabulary.
const EMBEDDING_KEYS: OptionKeys<EmbeddingOptions> = {
  outputDim: true, embeddingsInitializer: true, embeddingsRegularizer: true, activityRegularizer: true,
  embeddingsConstraint: true, maskZero: true, inputLength: true, dropout: true,
};

/**
 * Turns integer indices into dense vectors (Keras `Embedding`): weight `embeddings` of shape
 * `(inputDim, outputDim)`; an input of shape `(batch, ...)` gives `(batch, ..., outputDim)`. Indices
 * may come as floats (truncated to integers, as Keras casts them); one outside `[0, inputDim)` is an
 * error naming the layer, the value and its position. With `maskZero` the output's mask is
 * `input != 0`, which RNNs, losses and metrics downstream honour.
 */
export class Embedding extends Layer {
  readonly className: string = 'Embedding';
  readonly inputDim: number;
  readonly outputDim: number;
  readonly embeddingsInitializer: Initializer;
  readonly maskZero: boolean;
  readonly inputLength: number | (number | null)[] | null;
  readonly dropout: number;
  readonly kept: Record<string, KeptConfig>;
  /** Keras 3: an Embedding supports masking exactly when it makes one. */
  override readonly supportsMasking: boolean;

  /** `new Embedding(inputDim, outputDim, options?)` or `new Embedding({ inputDim, outputDim, ... })`, as Keras' `Embedding(input_dim, output_dim, ...)`. */
  constructor(inputDim: number, outputDim: number, options?: Omit<EmbeddingOptions, 'inputDim' | 'outputDim'>);
  constructor(options: EmbeddingOptions);
  constructor(a: number | EmbeddingOptions, b?: number, more?: Omit<EmbeddingOptions, 'inputDim' | 'outputDim'>) {
    const options = layerArgs<EmbeddingOptions>('Embedding', [a, b, more], { positional: ['inputDim', 'outputDim'], keys: EMBEDDING_KEYS });
    const inputLength = options.inputLength ?? null;
    // Keras 2: input_length declares the input shape when nothing else does.
    const { inputDim: _vocabulary, ...base } = options;
    const withShape: LayerOptions =
      inputLength !== null && !base.batchInputShape && !base.inputShape ? { ...base, inputShape: Array.isArray(inputLength) ? inputLength : [inputLength] } : base;
    super(withShape, 'embedding');
    for (const [k, v] of [['inputDim', options.inputDim], ['outputDim', options.outputDim]] as const) {
      if (!Number.isInteger(v) || v < 1) throw new ShapeMismatchError(`layer "${this.name}" (Embedding): ${k} must be a positive integer, got ${String(v)}`, [1], [Number(v)], this.name);
    }
    this.inputDim = options.inputDim;
    this.outputDim = options.outputDim;
    this.embeddingsInitializer = getInitializer(options.embeddingsInitializer ?? 'uniform', `${this.name}.embeddings_initializer`);
    this.maskZero = options.maskZero ?? false;
    this.supportsMasking = this.maskZero;
    this.inputLength = inputLength;
    this.dropout = options.dropout ?? 0;
    this.kept = {
      embeddings_regularizer: options.embeddingsRegularizer ?? null,
      activity_regularizer: options.activityRegularizer ?? null,
      embeddings_constraint: options.embeddingsConstraint ?? null,
    };
  }

  protected override buildWeights(_inputShape: Shape): void {
    const shape = [this.inputDim, this.outputDim];
    this.addWeight('embeddings', shape, this.embeddingsInitializer.init(shape));
  }

  computeOutputShape(inputShape: Shape): Shape {
    return [...inputShape, this.outputDim];
  }

  private where(): string {
    return `layer "${this.name}" (Embedding)`;
  }

  /**
   * The vocabulary row of every input value (truncated toward zero, as Keras casts), checked as
   * {@link call} checks them.
   *
   * @throws {ConfigError} naming the layer, the value and its position when one is outside `[0, inputDim)`.
   */
  tokenIndices(input: Tensor): Int32Array {
    return embeddingIndices(input.data, input.shape, this.inputDim, this.where());
  }

  private lookup(input: Tensor, rowScale: Float32Array | null): { indices: Int32Array; output: Tensor } {
    const indices = this.tokenIndices(input);
    const table = this.weightList[0]!.value.data;
    let y = embeddingForward(indices, table, this.inputDim, this.outputDim);
    if (rowScale) {
      const D = this.outputDim;
      y = y.slice();
      for (let p = 0; p < indices.length; p++) {
        const s = rowScale[indices[p]!]!;
        for (let j = 0; j < D; j++) y[p * D + j]! *= s;
      }
    }
    return { indices, output: new Tensor(y, [...input.shape, this.outputDim]) };
  }

  call(input: Tensor, _ctx?: CallContext): Tensor {
    return this.lookup(input, null).output;
  }

  /** `input != 0` when `maskZero` (the incoming mask is replaced, as in Keras), else no mask. */
  override computeMask(input: Tensor, _mask: Mask | null): Mask | null {
    if (!this.maskZero) return null;
    const m = new Float32Array(input.size);
    for (let i = 0; i < m.length; i++) m[i] = input.data[i] !== 0 ? 1 : 0; // Keras compares the raw input (before its int cast)
    return new Tensor(m, input.shape);
  }

  /**
   * Training pass: the gradient of each output row is added into the embedding row it came from
   * (one dense `inputDim × outputDim` gradient, as Keras computes it). No gradient flows to the
   * indices. Keras 1's `dropout` drops whole vocabulary rows (scaled by `1/(1 − rate)`) with kerasts'
   * random stream.
   */
  override forwardTrain(input: Tensor, ctx: TrainCallContext): LayerTape {
    let rowScale: Float32Array | null = null;
    if (ctx.training && ctx.random && this.dropout > 0 && this.dropout < 1) {
      const keep = 1 - this.dropout;
      rowScale = new Float32Array(this.inputDim);
      for (let i = 0; i < rowScale.length; i++) rowScale[i] = ctx.random.uniform() < keep ? 1 / keep : 0;
    }
    const { indices, output } = this.lookup(input, rowScale);
    const weight = this.weightList[0]!;
    const trainable = this.trainable && weight.trainable;
    return {
      output,
      backward: (dOutput: Tensor) => {
        const weightGrads = new Map<LayerWeight, Tensor>();
        if (trainable) weightGrads.set(weight, new Tensor(embeddingBackward(indices, dOutput.data, this.inputDim, this.outputDim, rowScale), weight.shape));
        // Indices are not differentiable: the input gradient is zero.
        return { dInput: ctx.needInputGrad ? new Tensor(new Float32Array(input.size), input.shape) : null, weightGrads };
      },
    };
  }

  override getConfig(): JsonObject {
    const cfg: JsonObject = {
      ...super.getConfig(),
      input_dim: this.inputDim,
      output_dim: this.outputDim,
      embeddings_initializer: this.embeddingsInitializer.serialize() as unknown as JsonObject,
      ...this.kept,
      mask_zero: this.maskZero,
      input_length: this.inputLength === null ? null : Array.isArray(this.inputLength) ? [...this.inputLength] : this.inputLength,
    };
    if (this.dropout) cfg.dropout = this.dropout;
    return cfg;
  }

  /** Build from a canonical Keras config (Keras 1's names are renamed by io-json). */
  static fromConfig(config: JsonObject): Embedding {
    const r = new ConfigReader(config, 'Embedding');
    if (config.lora_rank !== undefined && config.lora_rank !== null) {
      throw new UnsupportedError(`unsupported: Embedding with LoRA (lora_rank ${JSON.stringify(config.lora_rank)}); merge the LoRA weights before saving`, r.where);
    }
    const qc = config.quantization_config;
    if (qc !== undefined && qc !== null) throw new UnsupportedError('unsupported: quantized Embedding (quantization_config)', r.where);
    const il = config.input_length;
    let inputLength: number | (number | null)[] | null = null;
    if (typeof il === 'number') inputLength = r.int('input_length', 0, 1);
    else if (Array.isArray(il)) inputLength = [...(r.shape('input_length') ?? [])];
    return new Embedding({
      ...r.baseOptions(),
      inputDim: r.int('input_dim', 0, 1),
      outputDim: r.int('output_dim', 0, 1),
      embeddingsInitializer: (config.embeddings_initializer as InitializerSpec | undefined) ?? 'uniform',
      embeddingsRegularizer: r.raw('embeddings_regularizer'),
      activityRegularizer: r.raw('activity_regularizer'),
      embeddingsConstraint: r.raw('embeddings_constraint'),
      maskZero: r.bool('mask_zero', false),
      inputLength,
      dropout: r.number('dropout', 0),
    });
  }
}

import {
  checkOptions,
  DEFAULT_KERAS_VERSION,
  formatShape,
  hardSigmoidFor,
  kerasEraFor,
  kerasMajor,
  maskedOutputFor,
  type CallContext,
  type JsonObject,
  type Layer,
  type LayerWeight,
  type Mask,
  type Shape,
  type SymbolicTensor,
} from '@kerasts/layers';
import { ConfigError, KerastsError, ShapeMismatchError, Tensor, tensor, UnsupportedError, type NestedArray } from '@kerasts/tensor';
import type { History, Logs } from './training/callbacks.js';
import type { Optimizer, OptimizerVariable, OptimizerWeightsLayout } from './training/optimizers.js';
import { compileOptionsFromTrainingConfig } from './training/training-config.js';
import {
  CompiledTraining,
  evaluate as evaluateImpl,
  fit as fitImpl,
  testOnBatch as testOnBatchImpl,
  trainOnBatch as trainOnBatchImpl,
  COMPILE_OPTION_KEYS,
  EVALUATE_OPTION_KEYS,
  FIT_OPTION_KEYS,
  TEST_ON_BATCH_OPTION_KEYS,
  TRAIN_ON_BATCH_OPTION_KEYS,
  type CompileOptions,
  type EvaluateOptions,
  type FitOptions,
  type GraphRunOptions,
  type GraphTape,
  type ResolvedData,
  type ResolvedValidation,
  type TestOnBatchOptions,
  type TrainingHost,
  type TrainOnBatchOptions,
} from './training/trainer.js';
import { ModelLayer } from './nested.js';
import { isNamedRecord, orderedData, type ModelData, type NamedData } from './named-data.js';
import type { DataLike } from './training/data.js';
import { formatSummary, type SummaryData, type SummaryOptions, type SummaryRow } from './summary.js';
import type { LayerWeights, ModelConfig, WeightTable } from './types.js';

/** Options of {@link Model.predict}. */
export interface PredictOptions {
  /** Keras' display switch; `predict` prints no progress bar, so every value is accepted and prints nothing. */
  verbose?: 0 | 1 | 2 | 'auto';
  /** Samples per batch (Keras' default 32). Stateful models carry their state across batches. */
  batchSize?: number;
}

/** Anything `predict` accepts as one input: a Tensor or nested numbers. */
export type InputLike = Tensor | NestedArray;

/** What `predict` takes: one input, a list in model order, or a record keyed by input name. */
export type ModelInputs = NamedData<InputLike>;

const PREDICT_OPTION_KEYS: Readonly<Record<keyof PredictOptions, true>> = { verbose: true, batchSize: true };

/**
 * What every model offers, whatever its topology: layers, weights in Keras order, prediction and a
 * summary. `Sequential` is a chain; a functional graph (several inputs/outputs, shared layers) will
 * implement {@link Model.runGraph} and the shape accessors the same way.
 */
export abstract class Model {
  /** The model's name (`sequential`, `sequential_1`, ... when automatic). */
  name: string;
  /**
   * The Keras version whose numerics this model follows: `"3.15.1"` for models made in kerasts, the
   * file's version for loaded ones (hard_sigmoid differs between Keras 2 and 3).
   */
  kerasVersion: string = DEFAULT_KERAS_VERSION;
  /** The backend recorded by the file this model came from, if any. */
  backend: string | null = null;

  /** Set by callbacks (EarlyStopping, TerminateOnNaN) to end `fit` after the current batch or epoch. */
  stopTraining = false;
  private compiled: CompiledTraining | null = null;

  protected constructor(name: string) {
    this.name = name;
  }

  /** The model's layers in order (without the implicit input layer, as in Keras). */
  abstract get layers(): readonly Layer[];

  /** Input shapes, with batch dimension; null until known. */
  abstract get inputShapes(): Shape[] | null;

  /** Output shapes, with batch dimension; null until built. */
  abstract get outputShapes(): Shape[] | null;

  /**
   * Names of the model inputs, in order (Keras' `model.input_names`): the names of the input layers.
   * `predict`, `fit` and `evaluate` take data keyed by these names.
   */
  abstract get inputNames(): string[];

  /**
   * Names of the model outputs, in order (Keras' `model.output_names`): the names of the layers that
   * produce them (an LSTM with `returnState` produces three outputs under one name). `fit` and
   * `evaluate` take targets keyed by these names.
   */
  abstract get outputNames(): string[];

  /** Build the model's weights for its (declared or given) input shape. */
  abstract build(inputShape?: Shape): void;

  /** Whether the weights exist. */
  abstract get built(): boolean;

  /** Run the graph on one batch of inputs. */
  protected abstract runGraph(inputs: Tensor[], ctx: CallContext, inputMasks?: readonly (Mask | null)[]): { outputs: Tensor[]; masks: (Tensor | null)[] };

  /** The format-neutral architecture. */
  abstract toConfig(): ModelConfig;

  /** Rows of the summary table. */
  protected abstract summaryRows(): SummaryRow[];

  private trainableFlag = true;
  private layerView: ModelLayer | null = null;

  /**
   * Whether fitting updates this model's weights (Keras' `model.trainable`). Setting it sets every
   * layer's `trainable` too, as Keras 3 does, so `base.trainable = false` freezes a nested base whole
   * (its BatchNormalization layers then normalize with their moving statistics during training).
   */
  get trainable(): boolean {
    return this.trainableFlag;
  }

  set trainable(value: boolean) {
    this.trainableFlag = value;
    for (const l of this.layers) l.trainable = value;
  }

  /** @internal Set the flag only (a config's `trainable`, as Keras' `from_config` does before any layer exists). */
  setTrainableFlag(value: boolean): void {
    this.trainableFlag = value;
  }

  /**
   * This model as a layer of another model (Keras: a model is a layer): always the same object, so
   * calling it twice shares the weights. `new Sequential([inner, ...])` and {@link apply} use it.
   *
   * @throws {UnsupportedError} for a model with several inputs or outputs.
   */
  asLayer(): ModelLayer {
    this.layerView ??= new ModelLayer(this);
    return this.layerView;
  }

  /**
   * Call this model on a symbolic tensor to build a larger functional model (Keras' `base(x)`), e.g. a
   * pretrained base under a new head: `new Dense(3).apply(base.apply(Input({ shape: [32, 32, 3] })))`.
   */
  apply(input: SymbolicTensor): SymbolicTensor {
    return this.asLayer().apply(input);
  }

  /**
   * @internal Inference over the graph for a nested use: `inputMasks` are the masks arriving with the
   * inputs; returns the outputs and their masks.
   */
  callGraph(inputs: Tensor[], ctx: CallContext, inputMasks: readonly (Mask | null)[] = []): { outputs: Tensor[]; masks: (Mask | null)[] } {
    return this.runGraph(inputs, ctx, inputMasks);
  }

  /** @internal The training-mode pass for a nested use (input masks, input gradients, the outer context). */
  trainGraphFor(inputs: Tensor[], options: GraphRunOptions): GraphTape {
    return this.trainGraph(inputs, options);
  }

  /** The Keras 3 variable path of one of this model's weights (what optimizer slots are named after). */
  variablePathOf(weight: LayerWeight): string {
    for (const l of this.layers) if (l.weights.includes(weight)) return this.weightPath(l, weight);
    return weight.name;
  }

  /** The call context for this model's Keras version. */
  protected context(training = false): CallContext {
    return { training, hardSigmoid: hardSigmoidFor(this.kerasVersion), era: kerasEraFor(this.kerasVersion), maskedOutput: maskedOutputFor(this.kerasVersion) };
  }

  /** A layer by name; throws a ConfigError listing the names when there is none. */
  getLayer(name: string): Layer {
    const l = this.layers.find((x) => x.name === name);
    if (!l) throw new ConfigError(`no layer named "${name}" in model "${this.name}" (layers: ${this.layers.map((x) => x.name).join(', ')})`, this.name);
    return l;
  }

  /** All weight values in Keras' `get_weights()` order. */
  getWeights(): Tensor[] {
    return this.layers.flatMap((l) => l.getWeights());
  }

  /** Set all weights in Keras' `get_weights()` order; counts and shapes must match. */
  setWeights(values: readonly Tensor[]): void {
    if (!this.built) this.build();
    const layers = this.layers;
    const expected = layers.reduce((n, l) => n + l.weights.length, 0);
    if (values.length !== expected) {
      throw new ShapeMismatchError(
        `model "${this.name}" has ${expected} weight arrays (${layers.map((l) => `${l.name}: ${l.weights.length}`).join(', ')}), got ${values.length}`,
        [expected],
        [values.length],
        this.name,
      );
    }
    let i = 0;
    for (const l of layers) {
      const n = l.weights.length;
      l.setWeights(values.slice(i, i + n));
      i += n;
    }
  }

  /** The weights as a format-neutral table, with the layers' own weight names. */
  getWeightTable(): WeightTable {
    const layers: LayerWeights[] = this.layers.map((l) => ({
      layerName: l.name,
      className: l.className,
      weights: l.legacyWeights().map((w, i) => ({ name: l.storedWeightNames()[i] ?? w.name, value: w.value.clone() })),
    }));
    return { layers, kerasVersion: this.kerasVersion, backend: this.backend };
  }

  /** Total number of parameters. */
  countParams(): number {
    return this.layers.reduce((n, l) => n + l.countParams(), 0);
  }

  /**
   * Keras' `model.summary()`: the table of layers, output shapes, parameter counts (and "Connected
   * to" for graphs), printed with `print` (default `console.log`) and returned. Keras 3's table for
   * models that follow Keras 3, Keras 2's layout for models from Keras ≤ 2 files; `style` chooses.
   * An unbuilt model shows `?` and `0 (unbuilt)` as Keras 3 does (Keras 2's layout needs the shapes).
   *
   * @throws {KerastsError} for Keras 2's layout of a model that is not built.
   */
  summary(printOrOptions?: ((text: string) => void) | null | SummaryOptions): string {
    const options: SummaryOptions = typeof printOrOptions === 'function' || printOrOptions === null ? { print: printOrOptions } : (printOrOptions ?? {});
    if (typeof printOrOptions === 'object' && printOrOptions !== null) checkOptions('summary()', printOrOptions, ['style', 'lineLength', 'print']);
    const style = options.style ?? (kerasMajor(this.kerasVersion) < 3 ? 'keras-2' : 'keras-3');
    if (style !== 'keras-2' && style !== 'keras-3') throw new ConfigError(`summary style must be 'keras-3' or 'keras-2', found ${JSON.stringify(style)}`, this.name);
    if (!this.built && (style === 'keras-2' || this.inputShapes)) this.build();
    const text = formatSummary(this.summaryData(), { style, ...(options.lineLength !== undefined ? { lineLength: options.lineLength } : {}) });
    const print = options.print === undefined ? console.log : options.print;
    if (print) print(text);
    return text;
  }

  /** What the summary shows: rows, whether the graph is a chain, parameter counts. */
  summaryData(): SummaryData {
    const layers = this.layers;
    const all = new Set(layers.flatMap((l) => l.weights));
    const trainable = new Set(layers.flatMap((l) => l.trainableWeights));
    const size = (ws: Iterable<LayerWeight>) => [...ws].reduce((n, w) => n + w.value.size, 0);
    const opt = this.compiledTraining?.optimizer;
    return {
      modelName: this.name,
      rows: this.summaryRows(),
      sequentialLike: this.sequentialLike(),
      trainableParams: size(trainable),
      nonTrainableParams: size(all) - size(trainable),
      optimizerParams: opt?.built ? opt.getVariablesFor('keras3').reduce((n, v) => n + v.value.size, 0) : null,
    };
  }

  /** Whether the summary prints the layers as a chain (no "Connected to" column). */
  protected sequentialLike(): boolean {
    return true;
  }

  /* ------------------------------------------------------------------ training ---------- */

  /**
   * Training-mode forward pass over the graph, keeping what the backward pass needs. Models that can
   * be trained implement it (Sequential does).
   *
   * @throws {UnsupportedError} for models without a backward pass.
   */
  protected trainGraph(_inputs: Tensor[], _options: GraphRunOptions): GraphTape {
    // the config's class name, not constructor.name: minifiers rename classes in browser bundles
    throw new UnsupportedError(`model "${this.name}" (${this.toConfig().className}) cannot be trained yet`, this.name);
  }

  /** Whether evaluation needs the training-mode graph (e.g. activity regularizers add to the loss). */
  protected needsGraphForEval(): boolean {
    return false;
  }

  /**
   * The Keras 3 variable path of a weight, used to name optimizer slots: the layer's own path
   * (`dense/kernel`, `lstm/lstm_cell/kernel`, `bidirectional/forward_lstm/lstm_cell/kernel`), which
   * functional models use as is and Sequential prefixes with its name.
   */
  protected weightPath(layer: Layer, weight: LayerWeight): string {
    return layer.variablePath(weight);
  }

  /** The trainable weights in Keras' `model.trainable_weights` order (frozen layers excluded). */
  get trainableWeights(): LayerWeight[] {
    return this.trainableWeightEntries().map((e) => e.weight);
  }

  /** Trainable weights with their layers and paths; a weight shared by two layers counts once. */
  private trainableWeightEntries(): { weight: LayerWeight; layer: Layer; path: string }[] {
    const seen = new Set<LayerWeight>();
    const out: { weight: LayerWeight; layer: Layer; path: string }[] = [];
    for (const layer of this.layers) {
      for (const weight of layer.trainableWeights) {
        if (seen.has(weight)) continue;
        seen.add(weight);
        out.push({ weight, layer, path: this.weightPath(layer, weight) });
      }
    }
    return out;
  }

  private host(): TrainingHost {
    return {
      model: this,
      trainGraph: (inputs, options) => this.trainGraph(inputs, options),
      hasStatefulLayers: () => this.layers.some((l) => (l as unknown as { stateful?: unknown }).stateful === true),
      inferGraph: (inputs) => this.runGraph(inputs, this.context(false)),
      needsGraphForEval: () => this.needsGraphForEval(),
      trainableWeights: () => this.trainableWeightEntries(),
      allWeights: () => this.layers.flatMap((layer) => layer.weightOwners()),
      inputNames: () => this.inputNames,
      outputNames: () => this.outputNames,
    };
  }

  /**
   * Configures the model for training (Keras' `compile`): an optimizer (an Optimizer, or a name such
   * as `'adam'`, default `'rmsprop'`), a loss (a Loss or a Keras name/alias such as `'mse'`), metrics
   * (`'accuracy'` is resolved from the loss and output shape as Keras does), weighted metrics and a loss
   * weight.
   *
   * @throws {UnsupportedError} for an unknown optimizer, loss or metric name.
   * @throws {ConfigError} for malformed options.
   */
  compile(options: CompileOptions): void {
    checkOptions('compile()', options, Object.keys(COMPILE_OPTION_KEYS));
    this.compiled = new CompiledTraining(options, this.outputNames);
  }

  /**
   * Compiles from a Keras `training_config` (object or JSON text) of any era (Keras 2 `lr`/`decay`,
   * `Custom>Adam`, loss aliases like `'mse'`, Loss/Metric objects).
   *
   * @throws {ConfigError} / {UnsupportedError} when the config cannot be used.
   */
  compileFromTrainingConfig(config: JsonObject | string): void {
    this.compile(compileOptionsFromTrainingConfig(config, this.outputNames));
  }

  /** Whether {@link compile} has been called. */
  get isCompiled(): boolean {
    return this.compiled !== null;
  }

  /** The compile state (optimizer, loss, metrics), or null before {@link compile}. */
  get compiledTraining(): CompiledTraining | null {
    return this.compiled;
  }

  /** The optimizer given to {@link compile}, or null. */
  get optimizer(): Optimizer | null {
    return this.compiled?.optimizer ?? null;
  }

  /** Names of the values `evaluate` returns, in order: `['loss', ...metrics]`. */
  get metricsNames(): string[] {
    return this.compiled?.metricsNames ?? [];
  }

  /**
   * The Keras 3 legacy-h5 `training_config` (KERAS-FORMAT §8): `loss`, `loss_weights`, `metrics`,
   * `weighted_metrics`, `run_eagerly`, `steps_per_execution`, `jit_compile`, `optimizer_config`; null
   * when not compiled.
   */
  getTrainingConfig(): JsonObject | null {
    return this.compiled?.trainingConfig() ?? null;
  }

  /**
   * Creates the optimizer's slot variables for the model's trainable weights (Keras'
   * `optimizer.build(model.trainable_variables)`), as needed before restoring optimizer weights.
   *
   * @throws {ConfigError} if the model is not compiled.
   */
  buildOptimizer(): Optimizer {
    const c = this.compiled;
    if (!c) throw new ConfigError(`model "${this.name}" is not compiled`, this.name);
    if (!this.built) this.build();
    const host = this.host();
    const tw = host.trainableWeights();
    c.optimizer.build(
      tw.map((t) => t.weight),
      tw.map((t) => t.path),
    );
    return c.optimizer;
  }

  /**
   * The optimizer variables with names and dtypes, built first: by default in Keras 3 order
   * (`[iteration, learning_rate, ...slots]`), or in the `optimizer_weights` layout of another era.
   *
   * @throws {UnsupportedError} if that era cannot hold this optimizer's state.
   */
  getOptimizerVariables(layout: OptimizerWeightsLayout = 'keras3'): OptimizerVariable[] {
    return this.buildOptimizer().getVariablesFor(layout);
  }

  /** The optimizer weights (what an HDF5 file stores as `optimizer_weights`), Keras 3 order unless another era's layout is asked for. */
  getOptimizerWeights(layout: OptimizerWeightsLayout = 'keras3'): Tensor[] {
    return this.getOptimizerVariables(layout).map((v) => v.value);
  }

  /**
   * Restores the optimizer weights (Keras 3 order, or the layout of the era that wrote them),
   * building the optimizer first. A state that does not fit (count or shapes) throws and leaves the
   * optimizer as it was; a loader should then warn and continue with a fresh optimizer.
   *
   * @throws {ShapeMismatchError} if the values do not fit.
   */
  setOptimizerWeights(values: readonly Tensor[], layout: OptimizerWeightsLayout = 'keras3'): void {
    this.buildOptimizer().setWeightsFrom(values, layout);
  }

  /**
   * Trains the model (Keras' `fit`): epochs of batches, seeded shuffling, validation, sample/class
   * weights, callbacks and a progress display. Returns the History.
   *
   * @throws {ConfigError} if the model is not compiled, an option is invalid or the data has NaN/Inf.
   * @throws {ShapeMismatchError} if x and y differ in length or do not fit the model.
   */
  async fit(x: ModelData, y: ModelData, options: FitOptions = {}): Promise<History> {
    checkOptions('fit()', options, Object.keys(FIT_OPTION_KEYS));
    let validation: ResolvedValidation | null = null;
    const vd = options.validationData;
    if (vd !== undefined) {
      if (!Array.isArray(vd) || vd.length < 2 || vd.length > 3) throw new ConfigError('validationData must be [x, y] or [x, y, sampleWeight]', 'fit');
      validation = { ...this.resolveData(vd[0], vd[1]), ...(vd[2] !== undefined ? { sampleWeight: vd[2] } : {}) };
    }
    return fitImpl(this.host(), this.resolveData(x, y), options, validation);
  }

  /**
   * The loss and metrics over the data (Keras' `evaluate`): `[loss, ...metrics]` in the order of
   * {@link metricsNames}, or `{loss, ...}` with `returnDict`.
   */
  evaluate(x: ModelData, y: ModelData, options?: EvaluateOptions & { returnDict?: false }): number[];
  evaluate(x: ModelData, y: ModelData, options: EvaluateOptions & { returnDict: true }): Logs;
  evaluate(x: ModelData, y: ModelData, options: EvaluateOptions & { returnDict?: boolean } = {}): number[] | Logs {
    checkOptions('evaluate()', options, [...Object.keys(EVALUATE_OPTION_KEYS), 'returnDict']);
    const logs = evaluateImpl(this.host(), this.resolveData(x, y), options);
    return options.returnDict ? logs : Object.values(logs);
  }

  /** One training step on one batch (Keras' `train_on_batch`): `[loss, ...metrics]` of the batch. */
  trainOnBatch(x: ModelData, y: ModelData, options?: TrainOnBatchOptions & { returnDict?: false }): number[];
  trainOnBatch(x: ModelData, y: ModelData, options: TrainOnBatchOptions & { returnDict: true }): Logs;
  trainOnBatch(x: ModelData, y: ModelData, options: TrainOnBatchOptions & { returnDict?: boolean } = {}): number[] | Logs {
    checkOptions('trainOnBatch()', options, [...Object.keys(TRAIN_ON_BATCH_OPTION_KEYS), 'returnDict']);
    const logs = trainOnBatchImpl(this.host(), this.resolveData(x, y), options);
    return options.returnDict ? logs : Object.values(logs);
  }

  /** The loss and metrics of one batch without updating (Keras' `test_on_batch`). */
  testOnBatch(x: ModelData, y: ModelData, options: TestOnBatchOptions & { returnDict?: boolean } = {}): number[] | Logs {
    checkOptions('testOnBatch()', options, [...Object.keys(TEST_ON_BATCH_OPTION_KEYS), 'returnDict']);
    const logs = testOnBatchImpl(this.host(), this.resolveData(x, y), options);
    return options.returnDict ? logs : Object.values(logs);
  }

  /**
   * x and y in model order: x one array, a list in input order or a record keyed by input name; y
   * the same for the outputs (training takes one output).
   */
  private resolveData(x: ModelData, y: ModelData): ResolvedData {
    const ins = this.inputNames;
    const outs = this.outputNames;
    const xr = orderedData(x, { names: ins, count: Math.max(1, this.inputShapes?.length ?? 1), kind: 'input', arg: 'x', model: this.name });
    const outCount = Math.max(1, this.outputShapes?.length ?? outs.length);
    // Outputs compiled without a loss need no targets: a list may leave them out.
    const lossy = this.compiled ? this.compiled.outputs.map((o) => o.lossIdentifier !== null) : outs.map(() => true);
    const withLoss = lossy.filter((b) => b).length;
    if (outCount > 1 && Array.isArray(y) && y.length === withLoss && withLoss < outCount) {
      let k = 0;
      const ys = lossy.map((b) => (b ? (y as readonly DataLike[])[k++]! : null));
      let j = 0;
      return { xs: xr.values, xLabels: xr.labels, ys, yLabels: lossy.map((b) => (b ? `y[${j++}]` : 'y')) };
    }
    if (outCount > 1 && isNamedRecord(y)) {
      const missing = outs.filter((n, i) => !lossy[i] && !(n in y));
      const yr = orderedData({ ...Object.fromEntries(missing.map((n) => [n, null])), ...y } as ModelData, { names: outs, count: outCount, kind: 'output', arg: 'y', model: this.name });
      return { xs: xr.values, xLabels: xr.labels, ys: yr.values, yLabels: yr.labels };
    }
    const yr = orderedData(y, { names: outs, count: outCount, kind: 'output', arg: 'y', model: this.name });
    return { xs: xr.values, xLabels: xr.labels, ys: yr.values, yLabels: yr.labels };
  }


  /**
   * Predict the (first) output, in batches (`predictOutputs` gives every output). `x` is one input,
   * a list in input order, or a record keyed by input name: `model.predict({ input_a: xa, input_b: xb })`.
   */
  predict(x: ModelInputs, options: PredictOptions = {}): Tensor {
    return this.predictOutputs(x, options)[0]!;
  }

  /** Predict every output, in `outputNames` order (e.g. an LSTM with `returnState` gives output, h, c), in batches. */
  predictOutputs(x: ModelInputs, options: PredictOptions = {}): Tensor[] {
    checkOptions('predict()', options, Object.keys(PREDICT_OPTION_KEYS));
    const count = isNamedRecord(x) || Array.isArray(x) ? Math.max(1, this.inputShapes?.length ?? 1) : 1;
    const { values, labels } = orderedData<InputLike>(x, { names: this.inputNames, count, kind: 'input', arg: 'x', model: this.name });
    const inputs = values.map((v, i) => {
      if (v instanceof Tensor) return v;
      if (isNamedRecord(v) || v === undefined || v === null) throw new ConfigError(`${labels[i]} must be a Tensor or nested arrays of numbers, found ${v === null ? 'null' : typeof v}`, this.name);
      return tensor(v);
    });
    if (!this.built) this.build([null, ...inputs[0]!.shape.slice(1)]);
    const shapes = this.inputShapes ?? [];
    if (inputs.length !== shapes.length) {
      throw new ShapeMismatchError(`model "${this.name}" takes ${shapes.length} input(s), got ${inputs.length}`, [shapes.length], [inputs.length], this.name);
    }
    // As Keras' predict, the batch axis is not checked (a file's fixed batch size, e.g. batch_input_shape
    // (25, 1, 1), does not bind predictions), except for stateful layers, whose kept state has a batch size.
    const checkBatch = this.layers.some((l) => (l as unknown as { stateful?: unknown }).stateful === true);
    inputs.forEach((t, i) => checkInput(t, shapes[i]!, this.name, i, checkBatch));
    const n = inputs[0]!.shape[0]!;
    for (const t of inputs) {
      if (t.shape[0] !== n) throw new ShapeMismatchError(`inputs of model "${this.name}" have different numbers of samples`, [n], [t.shape[0]!], this.name);
    }
    const batchSize = options.batchSize ?? 32;
    if (!Number.isInteger(batchSize) || batchSize < 1) throw new ConfigError(`batchSize must be a positive integer, got ${batchSize}`, 'predict');
    const ctx = this.context(false);
    if (n <= batchSize) return this.runGraph(inputs, ctx).outputs;
    const parts: Tensor[][] = [];
    for (let start = 0; start < n; start += batchSize) {
      const end = Math.min(n, start + batchSize);
      parts.push(this.runGraph(inputs.map((t) => sliceRows(t, start, end)), ctx).outputs);
    }
    return parts[0]!.map((_, k) => concatRows(parts.map((p) => p[k]!)));
  }
}

function checkInput(t: Tensor, expected: Shape, model: string, index: number, checkBatch = true): void {
  const ok = t.rank === expected.length && expected.every((d, i) => i === 0 || d === null || d === t.shape[i]) && (!checkBatch || expected[0] === null || expected[0] === undefined || expected[0] === t.shape[0]);
  if (!ok) {
    throw new ShapeMismatchError(`input ${index} of model "${model}" expects ${formatShape(expected)}, found ${formatShape(t.shape)}`, expected, t.shape, model);
  }
}

/** Rows [start, end) of the first axis. */
export function sliceRows(t: Tensor, start: number, end: number): Tensor {
  const row = t.size / t.shape[0]!;
  return new Tensor(t.data.slice(start * row, end * row), [end - start, ...t.shape.slice(1)]);
}

/** Concatenate tensors along the first axis. */
export function concatRows(ts: readonly Tensor[]): Tensor {
  const total = ts.reduce((n, t) => n + t.size, 0);
  const out = new Float32Array(total);
  let off = 0;
  for (const t of ts) {
    out.set(t.data, off);
    off += t.size;
  }
  const rows = ts.reduce((n, t) => n + t.shape[0]!, 0);
  return new Tensor(out, [rows, ...ts[0]!.shape.slice(1)]);
}

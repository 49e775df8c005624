import {
  DEFAULT_KERAS_VERSION,
  formatShape,
  hardSigmoidFor,
  type CallContext,
  type Layer,
  type Shape,
} from '@kerasts/layers';
import { ConfigError, KerastsError, ShapeMismatchError, Tensor, tensor, type NestedArray } from '@kerasts/tensor';
import { formatSummary, type SummaryRow } from './summary.js';
import type { LayerWeights, ModelConfig, WeightTable } from './types.js';

/** Options of {@link Model.predict}. */
export interface PredictOptions {
  /** Samples per batch (Keras' default 32). Stateful models carry their state across batches. */
  batchSize?: number;
}

/** Anything `predict` accepts as one input: a Tensor or nested numbers. */
export type InputLike = Tensor | NestedArray;

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

  protected constructor(name: string) {
    this.name = name;
  }

  /** The model's layers in order (without the implicit input layer, as in Keras). */
  abstract get layers(): readonly Layer[];

  /** Input shapes, with batch dimension; null until known. */
  abstract get inputShapes(): Shape[] | null;

  /** Output shapes, with batch dimension; null until built. */
  abstract get outputShapes(): Shape[] | null;

  /** Build the model's weights for its (declared or given) input shape. */
  abstract build(inputShape?: Shape): void;

  /** Whether the weights exist. */
  abstract get built(): boolean;

  /** Run the graph on one batch of inputs. */
  protected abstract runGraph(inputs: Tensor[], ctx: CallContext): Tensor[];

  /** The format-neutral architecture. */
  abstract toConfig(): ModelConfig;

  /** Rows of the summary table. */
  protected abstract summaryRows(): SummaryRow[];

  /** The call context for this model's Keras version. */
  protected context(training = false): CallContext {
    return { training, hardSigmoid: hardSigmoidFor(this.kerasVersion) };
  }

  /** A layer by name; throws a KerastsError listing the names when there is none. */
  getLayer(name: string): Layer {
    const l = this.layers.find((x) => x.name === name);
    if (!l) throw new KerastsError(`no layer named "${name}" in model "${this.name}" (layers: ${this.layers.map((x) => x.name).join(', ')})`, this.name);
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
      weights: l.weights.map((w) => ({ name: w.name, value: w.value.clone() })),
    }));
    return { layers, kerasVersion: this.kerasVersion, backend: this.backend };
  }

  /** Total number of parameters. */
  countParams(): number {
    return this.layers.reduce((n, l) => n + l.countParams(), 0);
  }

  /** Keras-style summary table; printed with `print` (default `console.log`) and returned. */
  summary(print: ((line: string) => void) | null = console.log): string {
    if (!this.built) this.build();
    const text = formatSummary(this.name, this.summaryRows());
    if (print) print(text);
    return text;
  }

  /** Predict the (first) output for inputs, in batches. */
  predict(x: InputLike | InputLike[], options: PredictOptions = {}): Tensor {
    return this.predictOutputs(x, options)[0]!;
  }

  /** Predict every output (e.g. an LSTM with `returnState` gives output, h, c), in batches. */
  predictOutputs(x: InputLike | InputLike[], options: PredictOptions = {}): Tensor[] {
    const inputs = (Array.isArray(x) && x.length > 0 && x.every((e) => e instanceof Tensor) ? (x as Tensor[]) : [x as InputLike]).map((v) =>
      v instanceof Tensor ? v : tensor(v),
    );
    if (!this.built) this.build([null, ...inputs[0]!.shape.slice(1)]);
    const shapes = this.inputShapes ?? [];
    if (inputs.length !== shapes.length) {
      throw new ShapeMismatchError(`model "${this.name}" takes ${shapes.length} input(s), got ${inputs.length}`, [shapes.length], [inputs.length], this.name);
    }
    inputs.forEach((t, i) => checkInput(t, shapes[i]!, this.name, i));
    const n = inputs[0]!.shape[0]!;
    for (const t of inputs) {
      if (t.shape[0] !== n) throw new ShapeMismatchError(`inputs of model "${this.name}" have different numbers of samples`, [n], [t.shape[0]!], this.name);
    }
    const batchSize = options.batchSize ?? 32;
    if (!Number.isInteger(batchSize) || batchSize < 1) throw new ConfigError(`batchSize must be a positive integer, got ${batchSize}`, 'predict');
    const ctx = this.context(false);
    if (n <= batchSize) return this.runGraph(inputs, ctx);
    const parts: Tensor[][] = [];
    for (let start = 0; start < n; start += batchSize) {
      const end = Math.min(n, start + batchSize);
      parts.push(this.runGraph(inputs.map((t) => sliceRows(t, start, end)), ctx));
    }
    return parts[0]!.map((_, k) => concatRows(parts.map((p) => p[k]!)));
  }
}

function checkInput(t: Tensor, expected: Shape, model: string, index: number): void {
  const ok = t.rank === expected.length && expected.every((d, i) => i === 0 || d === null || d === t.shape[i]) && (expected[0] === null || expected[0] === undefined || expected[0] === t.shape[0]);
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

/**
 * Predicting through ONNX Runtime, for users who install it: the model is exported with this package's
 * exporter and run in an `InferenceSession` (onnxruntime-node's native CPU kernels by default). A thin
 * layer: no dependency on onnxruntime (it is imported when a predictor is made), the same results as
 * `model.predict` within float32 rounding (the io-onnx tests hold it to 1e-5), and the session is
 * re-made when the model's weights change (checked per call with the weights' versions, see
 * `@kerasts/tensor`'s `weightVersion`).
 */
import { ConfigError, ShapeMismatchError, Tensor, UnsupportedError, weightVersion } from '@kerasts/tensor';
import type { Model } from '@kerasts/model';
import { exportOnnxWithInfo, type OnnxExportOptions } from './export.js';

/** One tensor as onnxruntime gives it (the part used here). */
export interface OrtTensorLike {
  readonly data: unknown;
  readonly dims: readonly number[];
  readonly type: string;
}

/** An onnxruntime `InferenceSession` (the part used here). */
export interface OrtSessionLike {
  readonly inputNames: readonly string[];
  readonly outputNames: readonly string[];
  readonly inputMetadata?: readonly unknown[];
  run(feeds: Record<string, OrtTensorLike>): Promise<Record<string, OrtTensorLike>>;
  release(): Promise<void>;
}

/** The onnxruntime module (onnxruntime-node, onnxruntime-web), as far as a predictor uses it. */
export interface OrtModuleLike {
  InferenceSession: { create(model: Uint8Array, options?: Record<string, unknown>): Promise<OrtSessionLike> };
  Tensor: new (type: string, data: Float32Array | Int32Array | BigInt64Array | Uint8Array, dims: readonly number[]) => OrtTensorLike;
}

/** Options of {@link createOrtPredictor}. */
export interface OrtPredictorOptions {
  /**
   * The onnxruntime module to use, or the name of the package to import (default `'onnxruntime-node'`).
   * Pass an imported module for onnxruntime-web in a browser.
   */
  runtime?: OrtModuleLike | string;
  /** Options of `InferenceSession.create` (e.g. `{ intraOpNumThreads: 1 }`); default: onnxruntime's. */
  sessionOptions?: Record<string, unknown>;
  /** Options of the export (batch dimension name, native recurrent operators). */
  exportOptions?: OnnxExportOptions;
}

/** A model's predictions computed by ONNX Runtime (see {@link createOrtPredictor}). */
export interface OrtPredictor {
  /** The graph's input names (the model's input layers), in model order. */
  readonly inputNames: readonly string[];
  /** The graph's output names, in model order. */
  readonly outputNames: readonly string[];
  /** What the exporter had to say (e.g. stateful layers start from zero states). */
  readonly warnings: readonly string[];
  /** The first output for `x` (one tensor per model input, in order), as `model.predict` gives it. */
  predict(x: Tensor | readonly Tensor[]): Promise<Tensor>;
  /** Every output, as `model.predictOutputs` gives them. */
  predictOutputs(x: Tensor | readonly Tensor[]): Promise<Tensor[]>;
  /** Frees the session (the predictor cannot be used afterwards). */
  release(): Promise<void>;
}

/**
 * Makes a predictor that runs `model` in ONNX Runtime: `const p = await createOrtPredictor(model);
 * const y = await p.predict(x)`. onnxruntime-node is not a dependency of kerasts: install it
 * (`npm install onnxruntime-node`) or pass `options.runtime`. The model is exported once; when any
 * of its weights changes afterwards (`setWeights`, a loader, `fit`), the next call exports it again
 * and makes a new session.
 *
 * @throws {UnsupportedError} if onnxruntime cannot be imported, or the model cannot be exported.
 */
export async function createOrtPredictor(model: Model, options: OrtPredictorOptions = {}): Promise<OrtPredictor> {
  const ort = await loadRuntime(options.runtime ?? 'onnxruntime-node');
  let state = await open(ort, model, options);
  let released = false;

  const current = async (): Promise<typeof state> => {
    if (released) throw new ConfigError('this ORT predictor was released', model.name);
    if (!unchanged(state.stamp, model)) {
      const next = await open(ort, model, options);
      await state.session.release();
      state = next;
    }
    return state;
  };

  const predictOutputs = async (x: Tensor | readonly Tensor[]): Promise<Tensor[]> => {
    const s = await current();
    const xs = x instanceof Tensor ? [x] : [...x];
    if (xs.length !== s.inputNames.length) {
      throw new ShapeMismatchError(`model "${model.name}" takes ${s.inputNames.length} input(s) [${s.inputNames.join(', ')}], got ${xs.length}`, [s.inputNames.length], [xs.length], model.name);
    }
    const feeds: Record<string, OrtTensorLike> = {};
    s.inputNames.forEach((name, i) => {
      feeds[name] = toOrt(ort, xs[i]!, s.inputTypes.get(name) ?? 'float32');
    });
    const out = await s.session.run(feeds);
    return s.outputNames.map((name) => {
      const t = out[name];
      if (t === undefined) throw new UnsupportedError(`ONNX Runtime returned no output "${name}"`, model.name);
      return new Tensor(Float32Array.from(t.data as ArrayLike<number>), [...t.dims].map(Number));
    });
  };

  return {
    get inputNames() {
      return state.inputNames;
    },
    get outputNames() {
      return state.outputNames;
    },
    get warnings() {
      return state.warnings;
    },
    predictOutputs,
    predict: async (x) => (await predictOutputs(x))[0]!,
    release: async () => {
      if (released) return;
      released = true;
      await state.session.release();
    },
  };
}

/** Every weight array of the model with its version when the session was made. */
type Stamp = { data: Float32Array; version: number }[];

function stampOf(model: Model): Stamp {
  return model.layers.flatMap((l) => l.weights.map((w) => ({ data: w.value.data, version: weightVersion(w.value.data) })));
}

/** Same arrays (a new value is a new array) at the same versions (in-place changes bump them). */
function unchanged(stamp: Stamp, model: Model): boolean {
  let i = 0;
  for (const l of model.layers) {
    for (const w of l.weights) {
      const s = stamp[i++];
      if (s === undefined || s.data !== w.value.data || s.version !== weightVersion(w.value.data)) return false;
    }
  }
  return i === stamp.length;
}

async function open(ort: OrtModuleLike, model: Model, options: OrtPredictorOptions) {
  const stamp = stampOf(model);
  const ex = exportOnnxWithInfo(model, options.exportOptions ?? {});
  const session = await ort.InferenceSession.create(ex.bytes, options.sessionOptions ?? {});
  const inputTypes = new Map<string, string>();
  for (const m of session.inputMetadata ?? []) {
    const { name, type } = m as { name?: unknown; type?: unknown };
    if (typeof name === 'string' && typeof type === 'string') inputTypes.set(name, type);
  }
  return { session, stamp, inputTypes, inputNames: ex.inputNames, outputNames: ex.outputNames, warnings: ex.warnings };
}

/** A kerasts tensor as the graph input's element type (indices of Embedding inputs are integers there). */
function toOrt(ort: OrtModuleLike, x: Tensor, type: string): OrtTensorLike {
  const dims = [...x.shape];
  if (type === 'int32') return new ort.Tensor('int32', Int32Array.from(x.data, (v) => Math.trunc(v)), dims);
  if (type === 'int64') return new ort.Tensor('int64', BigInt64Array.from(Array.from(x.data, (v) => BigInt(Math.trunc(v)))), dims);
  if (type === 'bool') return new ort.Tensor('bool', Uint8Array.from(x.data, (v) => (v !== 0 ? 1 : 0)), dims);
  return new ort.Tensor('float32', x.data, dims);
}

async function loadRuntime(runtime: OrtModuleLike | string): Promise<OrtModuleLike> {
  if (typeof runtime !== 'string') return runtime;
  let mod: unknown;
  try {
    // a computed specifier: bundlers leave it alone, and nothing is imported until a predictor is made
    mod = await import(/* @vite-ignore */ /* webpackIgnore: true */ runtime);
  } catch (e) {
    throw new UnsupportedError(
      `createOrtPredictor needs ONNX Runtime: "${runtime}" could not be imported (${e instanceof Error ? e.message.split('\n')[0] : String(e)}); install it (npm install onnxruntime-node) or pass options.runtime`,
      runtime,
    );
  }
  const m = ((mod as { default?: unknown }).default ?? mod) as Partial<OrtModuleLike>;
  const ok = (x: Partial<OrtModuleLike>) => typeof x.InferenceSession?.create === 'function' && typeof x.Tensor === 'function';
  if (ok(mod as Partial<OrtModuleLike>)) return mod as OrtModuleLike;
  if (ok(m)) return m as OrtModuleLike;
  throw new UnsupportedError(`"${runtime}" is not an ONNX Runtime module (no InferenceSession.create / Tensor)`, runtime);
}

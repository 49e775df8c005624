/**
 * Prediction fixtures of every family (tools/oracle/fixtures/**: models Keras wrote, their weights,
 * inputs and Keras' outputs), gathered by shape so that fixtures other engineers add are picked up
 * without a list here, and a runner for ONNX Runtime.
 */
import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { join, relative } from 'node:path';
import ort from 'onnxruntime-node';
import { modelFromJSON } from '@kerasts/io-json';
import { clearSession } from '@kerasts/layers';
import type { Model } from '@kerasts/model';
import { tensor, type Tensor } from '@kerasts/tensor';
import { fixturesDir } from '../../../tools/testing/shared.js';

export { fixturesDir };

export interface FixtureArray {
  shape: number[];
  values: number[];
}

/** One model-level prediction case. */
export interface PredictCase {
  /** `<folder>/<case>` under tools/oracle/fixtures (`.keras` / `.h5` when the Keras file is loaded). */
  id: string;
  /** The fixture family (first folder). */
  family: string;
  /** Builds the model with the fixture's weights (loaded from the Keras file for `.keras`/`.h5` cases). */
  build(): Promise<Model>;
  inputs: FixtureArray[];
  /** Keras' outputs, in model order. */
  expected: FixtureArray[];
}

export const toTensor = (a: FixtureArray): Tensor => tensor(Float32Array.from(a.values), a.shape);

/** max |a − b| / max(1, |b|): absolute below 1, relative for large values. */
export function worstDiff(a: ArrayLike<number>, b: ArrayLike<number>): number {
  let m = 0;
  for (let i = 0; i < a.length; i++) {
    const d = Math.abs(a[i]! - b[i]!) / Math.max(1, Math.abs(b[i]!));
    m = Number.isNaN(d) ? (Number.isNaN(a[i]!) && Number.isNaN(b[i]!) ? m : Infinity) : Math.max(m, d);
  }
  return m;
}

function jsonFiles(dir: string): string[] {
  const out: string[] = [];
  for (const e of readdirSync(dir)) {
    const p = join(dir, e);
    if (statSync(p).isDirectory()) out.push(...jsonFiles(p));
    else if (e.endsWith('.json') && e !== 'index.json') out.push(p);
  }
  return out.sort();
}

type Raw = Record<string, unknown>;
const asList = (v: unknown): FixtureArray[] => (Array.isArray(v) ? (v as FixtureArray[]) : [v as FixtureArray]);

/** Every model-level prediction fixture under tools/oracle/fixtures, whatever folder it is in. */
export function predictCases(): PredictCase[] {
  const cases: PredictCase[] = [];
  for (const file of jsonFiles(fixturesDir)) {
    const id = relative(fixturesDir, file).replace(/\.json$/, '');
    const family = id.split('/')[0]!;
    let fx: Raw;
    try {
      fx = JSON.parse(readFileSync(file, 'utf8')) as Raw;
    } catch {
      continue;
    }
    if (typeof fx !== 'object' || fx === null || Array.isArray(fx)) continue;
    const expected = fx.output ?? fx.outputs ?? fx.predict;
    const inputs = fx.input ?? fx.inputs ?? fx.x;
    if (!expected || !inputs) continue;
    const dir = join(file, '..');
    const files = fx.files as { model?: string } | undefined;
    const archive = file.replace(/\.json$/, '.keras');
    if (existsSync(archive)) {
      // A .keras archive Keras wrote (architecture and weights inside).
      cases.push({
        id: `${id}.keras`,
        family,
        build: async () => {
          const { loadKerasModel } = await import('@kerasts/io-keras');
          return loadKerasModel(new Uint8Array(readFileSync(archive)), { compile: false });
        },
        inputs: asList(inputs),
        expected: asList(expected),
      });
      continue;
    }
    if (files?.model && existsSync(join(dir, files.model)) && fx.weights) {
      // A legacy .h5 full model Keras wrote.
      const h5 = join(dir, files.model);
      cases.push({
        id: `${id.replace(/\.io$/, '')}.h5`,
        family,
        build: async () => {
          const { loadModel } = await import('@kerasts/io-hdf5');
          return loadModel(h5, { compile: false });
        },
        inputs: asList(inputs),
        expected: asList(expected),
      });
      continue;
    }
    // The weights the reference prediction was made with (training fixtures keep the initial ones).
    const weights = (fx.predict ? fx.initial_weights : fx.weights) as FixtureArray[] | undefined;
    if (!fx.model_json || !weights) continue;
    const modelJson = fx.model_json;
    cases.push({
      id,
      family,
      build: async () => {
        clearSession();
        const model = modelFromJSON(modelJson as never, typeof fx.keras_version === 'string' ? { kerasVersion: fx.keras_version } : {});
        model.setWeights(weights.map(toTensor));
        return model;
      },
      inputs: asList(inputs),
      expected: asList(expected),
    });
  }
  return cases;
}

/** Run an ONNX model in ONNX Runtime (CPU, one thread) on float32 values; outputs in the order asked. */
export async function runOrt(
  bytes: Uint8Array,
  inputNames: readonly string[],
  inputs: readonly { shape: readonly number[]; data: ArrayLike<number> }[],
  outputNames: readonly string[],
  inputTypes: readonly ('float32' | 'bool')[] = [],
): Promise<{ data: Float32Array; dims: readonly number[] }[]> {
  const session = await ort.InferenceSession.create(bytes, { intraOpNumThreads: 1 });
  try {
    const feeds: Record<string, ort.Tensor> = {};
    inputNames.forEach((n, i) => {
      const x = inputs[i]!;
      const shape = [...x.shape];
      const meta = session.inputMetadata.find((m) => m.name === n) as { type?: string } | undefined;
      const type = inputTypes[i] ?? meta?.type ?? 'float32';
      if (type === 'int32') feeds[n] = new ort.Tensor('int32', Int32Array.from(x.data), shape);
      else if (type === 'int64') feeds[n] = new ort.Tensor('int64', BigInt64Array.from(Array.from(x.data, (v) => BigInt(Math.trunc(v)))), shape);
      else if (type === 'bool') feeds[n] = new ort.Tensor('bool', Uint8Array.from(x.data, (v) => (v ? 1 : 0)), shape);
      else feeds[n] = new ort.Tensor('float32', Float32Array.from(x.data), shape);
    });
    const out = await session.run(feeds);
    return outputNames.map((n) => ({ data: out[n]!.data as Float32Array, dims: out[n]!.dims }));
  } finally {
    await session.release();
  }
}

export const fixtureData = (a: FixtureArray): { shape: number[]; data: number[] } => ({ shape: a.shape, data: a.values });

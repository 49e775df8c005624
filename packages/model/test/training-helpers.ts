/**
 * Shared helpers of the training tests: the oracle fixtures (tools/oracle/fixtures/train) and the
 * neutral model spec they describe.
 */
import { readdirSync, readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { Activation, Dense, GRU, LSTM, SimpleRNN, clearSession, setNamingConvention, type JsonObject, type JsonValue, type Layer } from '@kerasts/layers';
import { Tensor } from '@kerasts/tensor';
import { Sequential } from '../src/index.js';

export const trainFixtureDir = join(dirname(fileURLToPath(import.meta.url)), '..', '..', '..', 'tools', 'oracle', 'fixtures', 'train');
/** The recurrent layers' fit fixtures (tools/oracle/gen_rnn_fixtures.py). */
export const rnnTrainFixtureDir = join(dirname(fileURLToPath(import.meta.url)), '..', '..', '..', 'tools', 'oracle', 'fixtures', 'rnn', 'train');

export interface Arr {
  shape: number[];
  values: number[];
}
export interface OptVar extends Arr {
  name: string;
  dtype: string;
}
export interface LayerSpec {
  type: 'Dense' | 'LSTM' | 'GRU' | 'SimpleRNN' | 'Activation';
  units?: number;
  activation?: string;
  recurrent_activation?: string;
  use_bias?: boolean;
  return_sequences?: boolean;
  go_backwards?: boolean;
  stateful?: boolean;
  reset_after?: boolean;
  unroll?: boolean;
  trainable?: boolean;
  kernel_regularizer?: JsonValue;
  bias_regularizer?: JsonValue;
  recurrent_regularizer?: JsonValue;
  activity_regularizer?: JsonValue;
  kernel_constraint?: JsonValue;
  bias_constraint?: JsonValue;
  recurrent_constraint?: JsonValue;
}
export interface ModelSpec {
  input_shape: number[];
  batch_size?: number | null;
  layers: LayerSpec[];
}
export interface TrainFixture {
  description: string;
  model: ModelSpec;
  initial_weights: Arr[];
  x: Arr;
  y: Arr;
  sample_weight: Arr | null;
  class_weight: Record<string, number> | null;
  compile: { optimizer: JsonObject; loss: string | JsonObject; metrics: string[] | null };
  fit: { epochs: number; batch_size: number; shuffle: boolean; validation_split: number | null };
  resume?: { after_epochs: number; history: Record<string, number[]>; weights: Arr[]; optimizer_variables: OptVar[] };
  history: Record<string, number[]>;
  weights: Arr[];
  optimizer_variables: OptVar[];
  training_config: JsonObject;
}

export function fixtureNames(dir = trainFixtureDir): string[] {
  return readdirSync(dir)
    .filter((f) => f.endsWith('.json') && f !== 'index.json')
    .map((f) => f.slice(0, -5))
    .sort();
}

export function loadFixture(name: string, dir = trainFixtureDir): TrainFixture {
  return JSON.parse(readFileSync(join(dir, `${name}.json`), 'utf8')) as TrainFixture;
}

export const t = (a: Arr): Tensor => new Tensor(Float32Array.from(a.values), a.shape);

/** The kerasts Sequential for a fixture's model spec, with Keras 3 names (sequential, lstm, dense, ...). */
export function buildModel(spec: ModelSpec): Sequential {
  clearSession();
  setNamingConvention('keras-3');
  const layers: Layer[] = spec.layers.map((ls, i) => {
    const first = i === 0 ? { batchInputShape: [spec.batch_size ?? null, ...spec.input_shape] } : {};
    const common = { ...first, ...(ls.trainable === false ? { trainable: false } : {}) };
    if (ls.type === 'Dense') {
      return new Dense({
        ...common,
        units: ls.units!,
        activation: ls.activation ?? 'linear',
        useBias: ls.use_bias ?? true,
        kernelRegularizer: ls.kernel_regularizer ?? null,
        biasRegularizer: ls.bias_regularizer ?? null,
        activityRegularizer: ls.activity_regularizer ?? null,
        kernelConstraint: ls.kernel_constraint ?? null,
        biasConstraint: ls.bias_constraint ?? null,
      });
    }
    const rnnCommon = {
      ...common,
      units: ls.units!,
      activation: ls.activation ?? 'tanh',
      useBias: ls.use_bias ?? true,
      returnSequences: ls.return_sequences ?? false,
      goBackwards: ls.go_backwards ?? false,
      stateful: ls.stateful ?? false,
      unroll: ls.unroll ?? false,
      kernelRegularizer: ls.kernel_regularizer ?? null,
      recurrentRegularizer: ls.recurrent_regularizer ?? null,
      biasRegularizer: ls.bias_regularizer ?? null,
      activityRegularizer: ls.activity_regularizer ?? null,
      kernelConstraint: ls.kernel_constraint ?? null,
      recurrentConstraint: ls.recurrent_constraint ?? null,
      biasConstraint: ls.bias_constraint ?? null,
    };
    if (ls.type === 'GRU') return new GRU({ ...rnnCommon, recurrentActivation: ls.recurrent_activation ?? 'sigmoid', resetAfter: ls.reset_after ?? true });
    if (ls.type === 'SimpleRNN') return new SimpleRNN(rnnCommon);
    if (ls.type === 'LSTM') {
      return new LSTM({
        ...common,
        units: ls.units!,
        activation: ls.activation ?? 'tanh',
        recurrentActivation: ls.recurrent_activation ?? 'sigmoid',
        useBias: ls.use_bias ?? true,
        returnSequences: ls.return_sequences ?? false,
        goBackwards: ls.go_backwards ?? false,
        stateful: ls.stateful ?? false,
        kernelRegularizer: ls.kernel_regularizer ?? null,
        recurrentRegularizer: ls.recurrent_regularizer ?? null,
        biasRegularizer: ls.bias_regularizer ?? null,
        activityRegularizer: ls.activity_regularizer ?? null,
        kernelConstraint: ls.kernel_constraint ?? null,
        recurrentConstraint: ls.recurrent_constraint ?? null,
        biasConstraint: ls.bias_constraint ?? null,
      });
    }
    return new Activation({ ...common, activation: ls.activation! });
  });
  return new Sequential({ layers });
}

/** max |a − b| over two lists of tensors (shapes must agree). */
export function maxAbsDiff(a: readonly Tensor[], b: readonly Arr[]): number {
  if (a.length !== b.length) throw new Error(`${a.length} tensors vs ${b.length}`);
  let m = 0;
  a.forEach((x, i) => {
    const y = b[i]!;
    if (x.shape.join(',') !== y.shape.join(',')) throw new Error(`shape [${x.shape.join(',')}] vs [${y.shape.join(',')}] at ${i}`);
    x.data.forEach((v, k) => {
      m = Math.max(m, Math.abs(v - y.values[k]!));
    });
  });
  return m;
}

/** max over entries of |a − b| / max(1, |b|). */
export function maxRelDiff(a: readonly number[], b: readonly number[]): number {
  if (a.length !== b.length) throw new Error(`${a.length} values vs ${b.length}`);
  let m = 0;
  a.forEach((v, i) => {
    const w = b[i]!;
    m = Math.max(m, Math.abs(v - w) / Math.max(1, Math.abs(w)));
  });
  return m;
}

/**
 * The recurrent layers (LSTM, GRU, SimpleRNN on the RNN driver) against real Keras 3.15.1:
 * tools/oracle/fixtures/rnn (made by tools/oracle/gen_rnn_fixtures.py).
 *
 * - predict: one layer from its Keras 3 config and weights, called with masks, initial states,
 *   go_backwards, return_sequences, return_state, zero_output_for_mask, unroll, both hard_sigmoid
 *   eras and tf.keras' masked outputs; every output within 1e-5 (relative above 1), on the
 *   WebAssembly and the TypeScript kernels.
 * - grad: backpropagation through time against jax.grad of Keras' own `stateless_call` (masks,
 *   states and fixed dropout masks included): weight, input and initial-state gradients.
 */
import { readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, describe, expect, it } from 'vitest';
import { getBackend, setBackend, Tensor, type Backend } from '@kerasts/tensor';
import { clearSession, deserializeLayer, RNN, type CallContext, type JsonObject, type TrainCallContext } from '../src/index.js';

const dir = join(dirname(fileURLToPath(import.meta.url)), '..', '..', '..', 'tools', 'oracle', 'fixtures', 'rnn');

interface Arr {
  shape: number[];
  values: number[];
}
interface Common {
  description: string;
  class_name: string;
  config: JsonObject;
  weights: Arr[];
  x: Arr;
  mask: Arr | null;
  initial_state: Arr[] | null;
  outputs: Arr[];
}
interface PredictFixture extends Common {
  era: 'keras3' | 'keras2';
  masked_output: 'state' | 'previous';
}
interface GradFixture extends Common {
  dropout: { input: Arr | null; recurrent: Arr | null } | null;
  output_weights: Arr[];
  grad_weights: Arr[];
  grad_x: Arr;
  grad_initial_state: Arr[] | null;
}

const t = (a: Arr): Tensor => new Tensor(Float32Array.from(a.values), a.shape);
const names = (set: string): string[] => (JSON.parse(readFileSync(join(dir, set, 'index.json'), 'utf8')) as { name: string }[]).map((e) => e.name);
const load = <F>(set: string, name: string): F => JSON.parse(readFileSync(join(dir, set, `${name}.json`), 'utf8')) as F;

/** max |a − b| / max(1, |b|) */
function worst(a: Float32Array, b: Arr): number {
  expect(a.length).toBe(b.values.length);
  let m = 0;
  for (let i = 0; i < a.length; i++) m = Math.max(m, Math.abs(a[i]! - b.values[i]!) / Math.max(1, Math.abs(b.values[i]!)));
  return m;
}

function makeLayer(fx: Common): RNN {
  clearSession();
  const layer = deserializeLayer(fx.class_name, fx.config);
  expect(layer).toBeInstanceOf(RNN);
  const rnn = layer as RNN;
  rnn.build([null, fx.x.shape[1]!, fx.x.shape[2]!]);
  rnn.setWeights(fx.weights.map(t));
  return rnn;
}

const initialBackend = getBackend();
afterAll(() => setBackend(initialBackend));

describe.each(['wasm', 'js'] as Backend[])('recurrent layers predict what Keras 3.15.1 predicts (%s kernels)', (backend) => {
  for (const name of names('predict')) {
    it(name, () => {
      setBackend(backend);
      const fx = load<PredictFixture>('predict', name);
      const layer = makeLayer(fx);
      const ctx: CallContext = { training: false, hardSigmoid: fx.era === 'keras2' ? 'keras2' : 'keras3', maskedOutput: fx.masked_output };
      const r = layer.run(t(fx.x), ctx, { mask: fx.mask ? t(fx.mask) : null, initialState: fx.initial_state?.map(t) ?? null });
      const got = [r.output, ...(layer.returnState ? r.states : [])];
      expect(got.length).toBe(fx.outputs.length);
      const d = Math.max(...got.map((g, i) => worst(g.data, fx.outputs[i]!)));
      expect(got.map((g) => g.shape)).toEqual(fx.outputs.map((o) => o.shape));
      expect(d, `${name}: worst |Δ| ${d.toExponential(2)}`).toBeLessThanOrEqual(1e-5);
    });
  }
});

describe.each(['wasm', 'js'] as Backend[])('backpropagation through time matches jax.grad of Keras 3.15.1 (%s kernels)', (backend) => {
  for (const name of names('grad')) {
    it(name, () => {
      setBackend(backend);
      const fx = load<GradFixture>('grad', name);
      const layer = makeLayer(fx);
      if (fx.dropout) {
        const dropout = { input: fx.dropout.input ? t(fx.dropout.input).data : null, recurrent: fx.dropout.recurrent ? t(fx.dropout.recurrent).data : null };
        layer.dropoutMaskSource = () => dropout;
      }
      const ctx: TrainCallContext = { training: true, hardSigmoid: 'keras3', needInputGrad: true, random: null };
      const tape = layer.runTrain(t(fx.x), ctx, { mask: fx.mask ? t(fx.mask) : null, initialState: fx.initial_state?.map(t) ?? null });
      const outs = [tape.output, ...(layer.returnState ? tape.states : [])];
      const dOut = Math.max(...outs.map((g, i) => worst(g.data, fx.outputs[i]!)));
      expect(dOut, 'outputs').toBeLessThanOrEqual(1e-5);
      const ow = fx.output_weights.map(t);
      const g = tape.backward(ow[0]!, layer.returnState ? ow.slice(1) : undefined);
      const scale = (arrs: Arr[]) => Math.max(1, ...arrs.flatMap((a) => a.values.map(Math.abs)));
      const tol = 2e-6 * scale([...fx.grad_weights, fx.grad_x]);
      const weights = layer.trainableWeights;
      expect(weights.length).toBe(fx.grad_weights.length);
      weights.forEach((w, i) => {
        const gw = g.weightGrads.get(w)!;
        const d = worst(gw.data, fx.grad_weights[i]!);
        expect(d, `∂${w.name}: ${d.toExponential(2)}`).toBeLessThanOrEqual(tol);
      });
      const dx = worst(g.dInput!.data, fx.grad_x);
      expect(dx, `∂x: ${dx.toExponential(2)}`).toBeLessThanOrEqual(tol);
      if (fx.grad_initial_state) {
        fx.grad_initial_state.forEach((gs, i) => {
          const d = worst(g.dInitialState![i]!.data, gs);
          expect(d, `∂state ${i}: ${d.toExponential(2)}`).toBeLessThanOrEqual(tol);
        });
      }
    });
  }
});

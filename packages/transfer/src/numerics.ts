import { DEFAULT_KERAS_VERSION, Dense, hardSigmoidFor, RNN, type Layer } from '@kerasts/layers';
import type { Model } from '@kerasts/model';
import { Tensor } from '@kerasts/tensor';

/** What {@link rescaleHardSigmoidForKeras3} did. */
export interface NumericsUpgrade {
  /** Layers whose weights were rescaled, with what was done. */
  rescaled: string[];
  /** Layers whose hard_sigmoid cannot be carried over (the model was left unchanged). */
  impossible: string[];
}

const SLOPE_RATIO = 1.2; // Keras 3's hard_sigmoid(1.2·z) = clip(0.2z + 0.5) = Keras 2's hard_sigmoid(z)

function scaleColumns(t: Tensor, cols: readonly [number, number][], factor: number): Tensor {
  const width = t.shape[t.shape.length - 1]!;
  const out = new Float32Array(t.data);
  const rows = t.size / width;
  for (let r = 0; r < rows; r++) for (const [a, b] of cols) for (let c = a; c < b; c++) out[r * width + c] = out[r * width + c]! * factor;
  return new Tensor(out, t.shape);
}

/** The activation names of a recurrent layer's cell: `[activation, recurrent_activation or null]`. */
function rnnActivations(l: RNN): [string, string | null] {
  const c = l.cell as unknown as { activation?: { name: string }; recurrentActivation?: { name: string } };
  return [c.activation?.name ?? 'tanh', c.recurrentActivation?.name ?? null];
}

/**
 * The column blocks of a recurrent layer's kernel, recurrent kernel and bias that feed only
 * hard_sigmoid pre-activations (scaling them by 1.2 carries Keras 2's hard_sigmoid into Keras 3),
 * or a reason why it cannot be done.
 */
function rnnPlan(l: RNN): { cols: [number, number][]; what: string } | { impossible: string } | null {
  const u = l.units;
  const [act, rec] = rnnActivations(l);
  const hsAct = act === 'hard_sigmoid';
  const hsRec = rec === 'hard_sigmoid';
  if (!hsAct && !hsRec) return null;
  switch (l.cell.className) {
    case 'LSTMCell':
      // act(c) in h = o·act(c) is not a linear pre-activation: no rescaling carries it over
      if (hsAct) return { impossible: 'activation=hard_sigmoid' };
      return { cols: [[0, 2 * u], [3 * u, 4 * u]], what: 'i, f, o gate columns' };
    case 'GRUCell': {
      // z, r: x·W + b (+ h·U + b_rec); candidate: x·W_h + b_h + r·(h·U_h + b_rec,h) or (r·h)·U_h: all linear in the weights of their block
      const cols: [number, number][] = [];
      if (hsRec) cols.push([0, 2 * u]);
      if (hsAct) cols.push([2 * u, 3 * u]);
      return { cols, what: `${hsRec ? 'z, r' : ''}${hsRec && hsAct ? ' and ' : ''}${hsAct ? 'candidate' : ''} gate columns` };
    }
    case 'SimpleRNNCell':
      return { cols: [[0, u]], what: 'all columns' };
    default:
      return { impossible: `cell ${l.cell.className}` };
  }
}

function usesHardSigmoid(l: Layer): boolean {
  if (l instanceof RNN) return rnnActivations(l).includes('hard_sigmoid');
  const a = (l as unknown as { activation?: { name?: string } }).activation;
  return a?.name === 'hard_sigmoid';
}

/**
 * Make a model from Keras ≤ 2.x compute the same function under Keras 3's hard_sigmoid. Keras 2's
 * hard_sigmoid is clip(0.2z+0.5), Keras 3's clip(z/6+0.5) = Keras 2's at z·1.2, so scaling the
 * pre-activations by 1.2 keeps every prediction while the file says Keras 3: the i, f, o gate columns
 * of an LSTM whose recurrent activation is hard_sigmoid; a GRU's z, r columns (recurrent activation)
 * and candidate columns (activation), in kernel, recurrent kernel and both biases; a SimpleRNN's
 * weights; a Dense layer's kernel and bias. Where that is impossible (an LSTM whose cell activation is
 * hard_sigmoid, an Activation layer), nothing is changed and the layers are listed in `impossible`.
 */
export function rescaleHardSigmoidForKeras3(model: Model): NumericsUpgrade {
  if (hardSigmoidFor(model.kerasVersion) === 'keras3') return { rescaled: [], impossible: [] };
  return rescaleHardSigmoid(model, SLOPE_RATIO, DEFAULT_KERAS_VERSION);
}

/**
 * The inverse of {@link rescaleHardSigmoidForKeras3}: make a Keras 3 model compute the same function
 * under Keras 2's hard_sigmoid (clip(0.2z+0.5)), which Keras ≤ 2.x and TensorFlow.js compute, by
 * scaling the same pre-activation columns by 1/1.2; the model then follows `kerasVersion` (default
 * `2.15.0`; `tfjs-layers 4.22.0` before writing a TensorFlow.js model). A model that already computes
 * Keras 2's hard_sigmoid is left unchanged.
 */
export function rescaleHardSigmoidForKeras2(model: Model, kerasVersion = '2.15.0'): NumericsUpgrade {
  if (hardSigmoidFor(model.kerasVersion) === 'keras2') return { rescaled: [], impossible: [] };
  const r = rescaleHardSigmoid(model, 1 / SLOPE_RATIO, kerasVersion);
  return r;
}

function rescaleHardSigmoid(model: Model, factor: number, kerasVersion: string): NumericsUpgrade {
  const result: NumericsUpgrade = { rescaled: [], impossible: [] };
  const users = model.layers.filter(usesHardSigmoid);
  for (const l of users) {
    if (l instanceof RNN) {
      const plan = rnnPlan(l);
      if (plan !== null && 'impossible' in plan) result.impossible.push(`${l.name} (${l.className}, ${plan.impossible})`);
      continue;
    }
    if (l instanceof Dense) continue;
    result.impossible.push(`${l.name} (${l.className})`);
  }
  if (result.impossible.length) return result;
  const times = factor > 1 ? `× ${SLOPE_RATIO}` : `÷ ${SLOPE_RATIO}`;
  for (const l of users) {
    const ws = l.getWeights();
    if (l instanceof RNN) {
      const plan = rnnPlan(l);
      if (plan === null || 'impossible' in plan) continue;
      l.setWeights(ws.map((w) => scaleColumns(w, plan.cols, factor)));
      result.rescaled.push(`${l.name} (${l.className}): ${plan.what} of kernel, recurrent_kernel and bias ${times}`);
    } else if (l instanceof Dense) {
      l.setWeights(ws.map((w) => scaleColumns(w, [[0, w.shape[w.shape.length - 1]!]], factor)));
      result.rescaled.push(`${l.name} (Dense): kernel and bias ${times}`);
    }
  }
  model.kerasVersion = kerasVersion;
  return result;
}

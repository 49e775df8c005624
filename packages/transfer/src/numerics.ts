import { DEFAULT_KERAS_VERSION, Dense, hardSigmoidFor, LSTM, type Layer } from '@kerasts/layers';
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

function usesHardSigmoid(l: Layer): boolean {
  if (l instanceof LSTM) return l.activation.name === 'hard_sigmoid' || l.recurrentActivation.name === 'hard_sigmoid';
  const a = (l as unknown as { activation?: { name?: string } }).activation;
  return a?.name === 'hard_sigmoid';
}

/**
 * Make a model from Keras ≤ 2.x compute the same function under Keras 3's hard_sigmoid. Keras 2's
 * hard_sigmoid is clip(0.2z+0.5), Keras 3's clip(z/6+0.5) = Keras 2's at z·1.2, so scaling the
 * pre-activations by 1.2 — the i, f, o gate columns of an LSTM whose recurrent activation is
 * hard_sigmoid, or a Dense layer's kernel and bias — keeps every prediction while the file says
 * Keras 3. Where that is impossible (an LSTM whose cell activation is hard_sigmoid, an Activation
 * layer), nothing is changed and the layers are listed in `impossible`.
 */
export function rescaleHardSigmoidForKeras3(model: Model): NumericsUpgrade {
  const result: NumericsUpgrade = { rescaled: [], impossible: [] };
  if (hardSigmoidFor(model.kerasVersion) === 'keras3') return result;
  const users = model.layers.filter(usesHardSigmoid);
  for (const l of users) {
    if (l instanceof LSTM && l.activation.name !== 'hard_sigmoid') continue;
    if (l instanceof Dense) continue;
    result.impossible.push(`${l.name} (${l.className}${l instanceof LSTM ? ', activation=hard_sigmoid' : ''})`);
  }
  if (result.impossible.length) return result;
  for (const l of users) {
    const ws = l.getWeights();
    if (l instanceof LSTM) {
      const u = l.units;
      const gates: [number, number][] = [[0, 2 * u], [3 * u, 4 * u]]; // i, f and o; not the cell candidate c
      l.setWeights(ws.map((w) => scaleColumns(w, gates, SLOPE_RATIO)));
      result.rescaled.push(`${l.name} (LSTM): i, f, o gate columns of kernel, recurrent_kernel and bias × 1.2`);
    } else if (l instanceof Dense) {
      l.setWeights(ws.map((w) => scaleColumns(w, [[0, w.shape[w.shape.length - 1]!]], SLOPE_RATIO)));
      result.rescaled.push(`${l.name} (Dense): kernel and bias × 1.2`);
    }
  }
  model.kerasVersion = DEFAULT_KERAS_VERSION;
  return result;
}

/**
 * Finite-difference checks of a layer's backward pass: L = Σ output·r for a fixed random r, so
 * ∂L/∂output = r; the tape's ∂L/∂input and ∂L/∂w are compared with central differences of L
 * (computed in float64 from the float32 outputs, step h).
 */
import { Random, Tensor, markWeightsChanged } from '@kerasts/tensor';
import type { Layer, LayerWeight, TrainCallContext } from '../src/index.js';

export const TRAIN_CTX: TrainCallContext = { training: true, hardSigmoid: 'keras3', needInputGrad: true, random: null };

function lossOf(layer: Layer, x: Tensor, r: Float32Array, ctx: TrainCallContext): number {
  const y = layer.forwardTrain(x, { ...ctx, needInputGrad: false }).output;
  let s = 0;
  for (let i = 0; i < y.size; i++) s += y.data[i]! * r[i]!;
  return s;
}

export interface GradCheckResult {
  /** max |analytic − numeric| / max(1, |numeric|) over the input gradient. */
  input: number;
  /** Same, per weight name. */
  weights: Record<string, number>;
}

/** Compare the layer's gradients with central differences (the layer must be built). */
export function gradCheck(layer: Layer, x: Tensor, options: { h?: number; seed?: number; ctx?: TrainCallContext } = {}): GradCheckResult {
  const h = options.h ?? 1e-2;
  const ctx = options.ctx ?? TRAIN_CTX;
  const rng = new Random(options.seed ?? 5);
  const tape = layer.forwardTrain(x, ctx);
  const r = new Float32Array(tape.output.size);
  for (let i = 0; i < r.length; i++) r[i] = rng.uniformRange(-1, 1);
  const grads = tape.backward(new Tensor(r, tape.output.shape));
  const diff = (analytic: Float32Array, data: Float32Array, f: () => number): number => {
    let m = 0;
    for (let i = 0; i < data.length; i++) {
      const v = data[i]!;
      // in-place writes: announced so that kept packed weights are not used (tensor's pack cache)
      data[i] = v + h;
      markWeightsChanged(data);
      const up = f();
      data[i] = v - h;
      markWeightsChanged(data);
      const down = f();
      data[i] = v;
      markWeightsChanged(data);
      const num = (up - down) / (2 * h);
      m = Math.max(m, Math.abs(analytic[i]! - num) / Math.max(1, Math.abs(num)));
    }
    return m;
  };
  const xs = new Tensor(x.data.slice(), x.shape);
  const input = grads.dInput ? diff(grads.dInput.data, xs.data, () => lossOf(layer, xs, r, ctx)) : NaN;
  const weights: Record<string, number> = {};
  for (const [w, g] of grads.weightGrads as ReadonlyMap<LayerWeight, Tensor>) {
    weights[w.name] = diff(g.data, w.value.data, () => lossOf(layer, x, r, ctx));
  }
  return { input, weights };
}

/** A tensor of uniform(-scale, scale) values. */
export function randomTensor(shape: number[], seed = 1, scale = 1): Tensor {
  const rng = new Random(seed);
  let n = 1;
  for (const d of shape) n *= d;
  const a = new Float32Array(n);
  for (let i = 0; i < n; i++) a[i] = rng.uniformRange(-scale, scale);
  return new Tensor(a, shape);
}

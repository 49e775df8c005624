/**
 * Finite-difference checks of every backward pass: activation derivatives (both hard_sigmoids, the
 * softmax/log_softmax/sparsemax Jacobians), Dense, LSTM (BPTT with return_sequences, go_backwards,
 * use_bias=false, initial states, dropout masks, every activation), the loss gradients, and the
 * whole model (layers, loss, regularizers) through one SGD step.
 *
 * The kernels run in float32, so central differences use a step h = 5e-3 and the tolerance is
 * relative to the gradient's scale (3e-3·max(1, max|g|)): float32 rounding of the loss contributes
 * about 1e-7·|L|/h, the truncation error O(h²).
 */
import { describe, expect, it } from 'vitest';
import { Dense, LSTM, clearSession } from '@kerasts/layers';
import {
  ACTIVATION_NAMES,
  activationBackward,
  denseBackward,
  denseForward,
  getActivation,
  LOSS_KERNEL_NAMES,
  lossKernel,
  lstmBackward,
  markWeightsChanged,
  lstmForwardTrain,
  Random,
  Tensor,
  type Activation,
  type LossKernelName,
  type LossKernelOptions,
} from '@kerasts/tensor';
import { Sequential, SGD } from '../src/index.js';

const H = 5e-3;

function randn(rng: Random, n: number, scale = 1): Float32Array {
  return Float32Array.from({ length: n }, () => rng.normal(0, scale));
}

/** Central differences of a scalar function of `params` (modified in place and restored). */
function numericGrad(params: Float32Array, loss: () => number, h = H): Float64Array {
  const g = new Float64Array(params.length);
  for (let i = 0; i < params.length; i++) {
    const v = params[i]!;
    // in-place writes: announced so that kept packed weights are not used (tensor's pack cache)
    params[i] = v + h;
    markWeightsChanged(params);
    const up = loss();
    params[i] = v - h;
    markWeightsChanged(params);
    const down = loss();
    params[i] = v;
    markWeightsChanged(params);
    g[i] = (up - down) / (Math.fround(v + h) - Math.fround(v - h));
  }
  return g;
}

function expectClose(analytic: ArrayLike<number>, numeric: ArrayLike<number>, what: string, relTol = 3e-3): void {
  expect(analytic.length, what).toBe(numeric.length);
  let scale = 1;
  for (let i = 0; i < numeric.length; i++) scale = Math.max(scale, Math.abs(numeric[i]!));
  let worst = 0;
  let at = -1;
  for (let i = 0; i < numeric.length; i++) {
    const d = Math.abs(analytic[i]! - numeric[i]!);
    if (d > worst) {
      worst = d;
      at = i;
    }
  }
  if (worst > relTol * scale) {
    throw new Error(`${what}: analytic ${analytic[at]} vs numeric ${numeric[at]} at ${at} (|Δ| ${worst.toExponential(2)} > ${(relTol * scale).toExponential(2)})`);
  }
}

/** Σ w·v in double precision. */
function dot(w: ArrayLike<number>, v: ArrayLike<number>): number {
  let s = 0;
  for (let i = 0; i < v.length; i++) s += w[i]! * v[i]!;
  return s;
}

/** Inputs at least 20·h away from each activation's kinks. */
function awayFromKinks(rng: Random, n: number, kinks: readonly number[], scale: number): Float32Array {
  const out = new Float32Array(n);
  for (let i = 0; i < n; i++) {
    let v: number;
    do v = rng.normal(0, scale);
    while (kinks.some((k) => Math.abs(v - k) < 20 * H));
    out[i] = v;
  }
  return out;
}

const KINKS: Record<string, number[]> = {
  relu: [0],
  relu6: [0, 6],
  leaky_relu: [0],
  elu: [0],
  celu: [0],
  selu: [0],
  hard_sigmoid: [-3, 3, -2.5, 2.5],
  hard_silu: [-3, 3],
  hard_tanh: [-1, 1],
  hard_shrink: [-0.5, 0.5],
  soft_shrink: [-0.5, 0.5],
  sparse_plus: [-1, 1],
  sparse_sigmoid: [-1, 1],
};

describe('activation derivatives (finite differences)', () => {
  const variants: { label: string; act: Activation; kinks: number[] }[] = [
    ...ACTIVATION_NAMES.map((n) => ({ label: n, act: getActivation(n), kinks: KINKS[n] ?? [] })),
    { label: 'hard_sigmoid (Keras 2: clip(0.2x+0.5))', act: getActivation('hard_sigmoid', { hardSigmoid: 'keras2' }), kinks: [-2.5, 2.5] },
    { label: 'gelu (tanh approximation)', act: getActivation('gelu', { approximate: true }), kinks: [] },
    { label: 'sparsemax (simplex)', act: getActivation('sparsemax', { sparsemax: 'simplex' }), kinks: [] },
  ];
  for (const { label, act, kinks } of variants) {
    it(label, () => {
      const rng = new Random(label.length * 7919);
      const rows = 4;
      const cols = 5;
      const x = awayFromKinks(rng, rows * cols, kinks, 2);
      const w = randn(rng, rows * cols);
      const f = (): number => {
        const y = x.slice();
        act.apply(y, 0, rows, cols);
        return dot(w, y);
      };
      const y = x.slice();
      act.apply(y, 0, rows, cols);
      const analytic = activationBackward(act, x, y, Float32Array.from(w), cols);
      // sparsemax is piecewise linear in x with breakpoints where the support changes; small h stays within a piece.
      expectClose(analytic, numericGrad(x, f, act.name === 'sparsemax' ? 1e-3 : H), label, act.name === 'sparsemax' ? 2e-2 : 3e-3);
    });
  }
  it('takes the values JAX takes at the kinks (relu′(0)=0, relu6′(0)=relu6′(6)=0, leaky_relu′(0)=1, hard_sigmoid′(±3)=0)', () => {
    const at = (name: string, v: number, opts?: { hardSigmoid: 'keras2' | 'keras3' }): number => {
      const act = getActivation(name, opts);
      const x = new Float32Array([v]);
      const y = x.slice();
      act.apply(y, 0, 1, 1);
      return activationBackward(act, x, y, new Float32Array([1]), 1)[0]!;
    };
    expect(at('relu', 0)).toBe(0);
    expect(at('relu6', 0)).toBe(0);
    expect(at('relu6', 6)).toBe(0);
    expect(at('leaky_relu', 0)).toBe(1);
    expect(at('hard_sigmoid', 3)).toBe(0);
    expect(at('hard_sigmoid', 2.9)).toBeCloseTo(1 / 6, 7);
    expect(at('hard_sigmoid', 2.4, { hardSigmoid: 'keras2' })).toBeCloseTo(0.2, 7);
    expect(at('hard_sigmoid', 2.6, { hardSigmoid: 'keras2' })).toBe(0);
  });
});

describe('Dense backward (finite differences)', () => {
  for (const [actName, useBias] of [['linear', true], ['tanh', true], ['softmax', false], ['elu', true]] as const) {
    it(`${actName}, use_bias=${useBias}`, () => {
      const rng = new Random(11);
      const rows = 6;
      const inDim = 4;
      const units = 3;
      const act = getActivation(actName);
      const x = randn(rng, rows * inDim);
      const kernel = randn(rng, inDim * units, 0.5);
      const bias = useBias ? randn(rng, units, 0.5) : null;
      const w = randn(rng, rows * units);
      const f = (): number => dot(w, denseForward(x, rows, inDim, units, kernel, bias, act));
      const z = denseForward(x, rows, inDim, units, kernel, bias, null);
      const y = z.slice();
      act.apply(y, 0, rows, units);
      const dz = activationBackward(act, z, y, Float32Array.from(w), units);
      const g = denseBackward(x, dz, rows, inDim, units, kernel, { useBias });
      expectClose(g.dKernel, numericGrad(kernel, f), 'dKernel');
      expectClose(g.dx!, numericGrad(x, f), 'dx');
      if (bias) expectClose(g.dBias!, numericGrad(bias, f), 'dBias');
      else expect(g.dBias).toBeNull();
    });
  }
});

describe('LSTM backward, backpropagation through time (finite differences)', () => {
  const configs = [
    { returnSequences: false, goBackwards: false, useBias: true, act: 'tanh', rec: 'sigmoid' },
    { returnSequences: true, goBackwards: false, useBias: true, act: 'tanh', rec: 'sigmoid' },
    { returnSequences: true, goBackwards: true, useBias: false, act: 'tanh', rec: 'sigmoid' },
    { returnSequences: false, goBackwards: true, useBias: true, act: 'relu', rec: 'hard_sigmoid' },
    { returnSequences: true, goBackwards: false, useBias: true, act: 'tanh', rec: 'hard_sigmoid_k2' },
    { returnSequences: true, goBackwards: false, useBias: true, act: 'softsign', rec: 'softmax' },
    { returnSequences: false, goBackwards: false, useBias: true, act: 'elu', rec: 'linear' },
    { returnSequences: true, goBackwards: true, useBias: true, act: 'gelu', rec: 'silu' },
  ] as const;
  for (const c of configs) {
    for (const withState of [false, true]) {
      it(`return_sequences=${c.returnSequences} go_backwards=${c.goBackwards} use_bias=${c.useBias} activation=${c.act} recurrent=${c.rec}${withState ? ', initial state + dropout masks + final-state gradients' : ''}`, () => {
        const rng = new Random(101 + (withState ? 1 : 0));
        const B = 2;
        const T = 4;
        const D = 3;
        const u = 3;
        const activation = getActivation(c.act);
        const recurrentActivation = c.rec === 'hard_sigmoid_k2' ? getActivation('hard_sigmoid', { hardSigmoid: 'keras2' }) : getActivation(c.rec);
        const x = randn(rng, B * T * D);
        const kernel = randn(rng, D * 4 * u, 0.6);
        const recurrentKernel = randn(rng, u * 4 * u, 0.6);
        const bias = c.useBias ? randn(rng, 4 * u, 0.4) : null;
        const h0 = withState ? randn(rng, B * u, 0.5) : undefined;
        const c0 = withState ? randn(rng, B * u, 0.5) : undefined;
        const inputMask = withState ? Float32Array.from({ length: B * D }, (_, i) => (i % 3 === 1 ? 0 : 1.25)) : undefined;
        const recurrentMask = withState ? Float32Array.from({ length: B * u }, (_, i) => (i % 4 === 2 ? 0 : 1.25)) : undefined;
        const outLen = c.returnSequences ? B * T * u : B * u;
        const w = randn(rng, outLen);
        const wh = withState ? randn(rng, B * u) : null;
        const wc = withState ? randn(rng, B * u) : null;
        const run = () =>
          lstmForwardTrain(x, {
            batch: B,
            timesteps: T,
            inputDim: D,
            units: u,
            kernel,
            recurrentKernel,
            bias,
            activation,
            recurrentActivation,
            returnSequences: c.returnSequences,
            goBackwards: c.goBackwards,
            ...(h0 ? { initialH: h0 } : {}),
            ...(c0 ? { initialC: c0 } : {}),
            ...(inputMask ? { inputMask } : {}),
            ...(recurrentMask ? { recurrentMask } : {}),
          });
        const f = (): number => {
          const r = run();
          return dot(w, r.output) + (wh ? dot(wh, r.h) : 0) + (wc ? dot(wc, r.c) : 0);
        };
        const res = run();
        const g = lstmBackward(res.tape, Float32Array.from(w), {
          ...(wh ? { dhFinal: Float32Array.from(wh) } : {}),
          ...(wc ? { dcFinal: Float32Array.from(wc) } : {}),
        });
        expectClose(g.dKernel, numericGrad(kernel, f), 'dKernel');
        expectClose(g.dRecurrentKernel, numericGrad(recurrentKernel, f), 'dRecurrentKernel');
        if (bias) expectClose(g.dBias!, numericGrad(bias, f), 'dBias');
        expectClose(g.dx!, numericGrad(x, f), 'dx');
        if (h0 && c0) {
          expectClose(g.dh0, numericGrad(h0, f), 'dh0');
          expectClose(g.dc0, numericGrad(c0, f), 'dc0');
        }
      });
    }
  }
});

describe('loss gradients (finite differences)', () => {
  const cases: { name: LossKernelName; opts?: LossKernelOptions; y: (rng: Random, n: number, cols: number) => Float32Array; p: (rng: Random, n: number, cols: number) => Float32Array }[] = [];
  const normal = (rng: Random, n: number) => randn(rng, n);
  const probs = (rng: Random, n: number, cols: number) => {
    const v = Float32Array.from({ length: n }, () => 0.1 + rng.uniform());
    for (let r = 0; r < n / cols; r++) {
      let s = 0;
      for (let j = 0; j < cols; j++) s += v[r * cols + j]!;
      for (let j = 0; j < cols; j++) v[r * cols + j] = v[r * cols + j]! / s;
    }
    return v;
  };
  const unit = (rng: Random, n: number) => Float32Array.from({ length: n }, () => 0.05 + 0.9 * rng.uniform());
  const bits = (rng: Random, n: number) => Float32Array.from({ length: n }, () => (rng.uniform() < 0.5 ? 0 : 1));
  const onehot = (rng: Random, n: number, cols: number) => {
    const v = new Float32Array(n);
    for (let r = 0; r < n / cols; r++) v[r * cols + rng.uniformInt(cols)] = 1;
    return v;
  };
  const positive = (rng: Random, n: number) => Float32Array.from({ length: n }, () => 0.3 + 2 * rng.uniform());
  const awayFromZero = (rng: Random, n: number) => Float32Array.from({ length: n }, () => (rng.uniform() < 0.5 ? -1 : 1) * (0.5 + rng.uniform()));
  cases.push({ name: 'mean_squared_error', y: normal, p: normal });
  cases.push({ name: 'mean_absolute_error', y: normal, p: normal });
  cases.push({ name: 'mean_absolute_percentage_error', y: awayFromZero, p: normal });
  cases.push({ name: 'mean_squared_logarithmic_error', y: positive, p: positive });
  cases.push({ name: 'binary_crossentropy', y: bits, p: unit });
  cases.push({ name: 'binary_crossentropy', opts: { labelSmoothing: 0.2 }, y: bits, p: unit });
  cases.push({ name: 'binary_crossentropy', opts: { fromLogits: true }, y: bits, p: normal });
  cases.push({ name: 'categorical_crossentropy', y: onehot, p: probs });
  cases.push({ name: 'categorical_crossentropy', opts: { fromLogits: true, labelSmoothing: 0.1 }, y: onehot, p: normal });
  cases.push({ name: 'sparse_categorical_crossentropy', y: (rng, n) => Float32Array.from({ length: n }, () => rng.uniformInt(4)), p: probs });
  cases.push({ name: 'sparse_categorical_crossentropy', opts: { fromLogits: true }, y: (rng, n) => Float32Array.from({ length: n }, () => rng.uniformInt(4)), p: normal });
  cases.push({ name: 'hinge', y: bits, p: normal });
  cases.push({ name: 'squared_hinge', y: (rng, n) => Float32Array.from(bits(rng, n), (v) => 2 * v - 1), p: normal });
  cases.push({ name: 'categorical_hinge', y: onehot, p: normal });
  cases.push({ name: 'huber', y: normal, p: normal });
  cases.push({ name: 'huber', opts: { delta: 0.3 }, y: normal, p: normal });
  cases.push({ name: 'log_cosh', y: normal, p: normal });
  cases.push({ name: 'kl_divergence', y: probs, p: probs });
  cases.push({ name: 'poisson', y: positive, p: positive });
  cases.push({ name: 'cosine_similarity', y: normal, p: normal });
  it('covers every loss kernel', () => {
    expect(new Set(cases.map((c) => c.name))).toEqual(new Set(LOSS_KERNEL_NAMES));
  });
  for (const c of cases) {
    it(`${c.name}${c.opts ? ` ${JSON.stringify(c.opts)}` : ''}`, () => {
      const rng = new Random(c.name.length * 31 + (c.opts ? 7 : 0));
      const rows = 6;
      const cols = 4;
      const sparse = c.name === 'sparse_categorical_crossentropy';
      const yTrue = c.y(rng, sparse ? rows : rows * cols, cols);
      let yPred = c.p(rng, rows * cols, cols);
      if (c.name === 'mean_absolute_error' || c.name === 'hinge' || c.name === 'squared_hinge' || c.name === 'huber' || c.name === 'mean_absolute_percentage_error') {
        // keep |yPred − yTrue|, 1 − y·p and |error| − delta away from their kinks
        const kinkFree = (i: number): boolean => {
          const p = yPred[i]!;
          const t = yTrue[i]!;
          const tt = c.name === 'hinge' ? 2 * t - 1 : t;
          const checks = [p - t, 1 - tt * p, Math.abs(p - t) - (c.opts?.delta ?? 1)];
          return checks.every((v) => Math.abs(v) > 20 * H);
        };
        for (let i = 0; i < yPred.length; i++) while (!kinkFree(i)) yPred[i] = rng.normal(0, 1);
      }
      if (c.name === 'categorical_hinge') yPred = Float32Array.from(yPred, (v) => v * 3);
      const weights = Float32Array.from({ length: rows }, () => 0.2 + rng.uniform());
      const f = (): number => dot(weights, lossKernel(c.name, yTrue, yPred, rows, cols, c.opts ?? {}).values);
      const g = lossKernel(c.name, yTrue, yPred, rows, cols, c.opts ?? {}, weights).grad!;
      expectClose(g, numericGrad(yPred, f, 1e-3), c.name, 5e-3);
    });
  }
});

describe('whole model: one SGD step moves each weight by −lr·∂loss/∂w (finite differences of evaluate)', () => {
  const models = {
    'LSTM(return_sequences) → LSTM(go_backwards) → Dense(softmax), categorical_crossentropy + L2 and activity regularizers': () =>
      new Sequential({
        layers: [
          new LSTM({ units: 3, returnSequences: true, batchInputShape: [null, 4, 2], kernelRegularizer: { class_name: 'L2', config: { l2: 0.05 } } }),
          new LSTM({ units: 3, goBackwards: true, recurrentActivation: 'hard_sigmoid' }),
          new Dense({ units: 3, activation: 'softmax', activityRegularizer: { class_name: 'L1L2', config: { l1: 0.01, l2: 0.02 } } }),
        ],
      }),
    'Dense(tanh) → Dense(sigmoid), binary_crossentropy': () =>
      new Sequential({ layers: [new Dense({ units: 5, activation: 'tanh', batchInputShape: [null, 3], biasRegularizer: { class_name: 'L1', config: { l1: 0.02 } } }), new Dense({ units: 1, activation: 'sigmoid' })] }),
  } as const;
  for (const [label, make] of Object.entries(models)) {
    it(label, () => {
      clearSession();
      const model = make();
      const rng = new Random(5);
      model.setWeights(model.getWeights().map((w) => new Tensor(randn(rng, w.size, 0.5), w.shape)));
      const seq = label.startsWith('LSTM');
      const n = 5;
      const x = seq ? new Tensor(randn(rng, n * 4 * 2), [n, 4, 2]) : new Tensor(randn(rng, n * 3), [n, 3]);
      const y = seq
        ? new Tensor(Float32Array.from({ length: n * 3 }, (_, i) => (i % 3 === i % 2 ? 1 : 0)), [n, 3])
        : new Tensor(Float32Array.from({ length: n }, (_, i) => i % 2), [n, 1]);
      const loss = seq ? 'categorical_crossentropy' : 'binary_crossentropy';
      model.compile({ optimizer: new SGD({ learningRate: 1 }), loss });
      const before = model.getWeights();
      const evalLoss = (): number => model.evaluate(x, y, { batchSize: n })[0]!;
      const numeric = before.map((w, k) => {
        const ws = model.getWeights();
        const data = ws[k]!.data;
        return numericGrad(data, () => {
          model.setWeights(ws);
          return evalLoss();
        });
      });
      model.setWeights(before);
      model.trainOnBatch(x, y);
      const after = model.getWeights();
      before.forEach((w, k) => {
        const analytic = Float64Array.from(w.data, (v, i) => v - after[k]!.data[i]!);
        expectClose(analytic, numeric[k]!, `weight ${k}`, 5e-3);
      });
    });
  }
});

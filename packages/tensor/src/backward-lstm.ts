/**
 * Training forward and backward (backpropagation through time) of a Keras `LSTM` over plain float32
 * buffers. The forward pass is the same computation as {@link lstmForward} but keeps, per step, the
 * gate pre-activations, the activated gates and the states that the backward pass needs.
 */
import {
  HARD_SIGMOID_KERAS2,
  HARD_SIGMOID_KERAS3,
  RELU,
  SIGMOID,
  TANH,
  type Activation,
} from './activations.js';
import { activationBackward, activationDerivative, type ActivationDerivative } from './backward.js';
import { ConfigError, ShapeMismatchError } from './errors.js';
import { gemm } from './gemm.js';
import type { LstmForwardOptions, LstmForwardResult } from './lstm.js';

/** Options of {@link lstmForwardTrain}: those of `lstmForward` plus dropout masks. */
export interface LstmTrainOptions extends LstmForwardOptions {
  /**
   * Input dropout, `batch × inputDim`: each input feature is multiplied by this (0 or 1/(1−rate)) at
   * every step, as Keras' `dropout` does in training. Absent: no dropout.
   */
  inputMask?: Float32Array;
  /** Recurrent dropout, `batch × units`, multiplied into h before it enters the recurrence. */
  recurrentMask?: Float32Array;
}

/** What the backward pass needs from the forward pass (opaque to callers; pass it to {@link lstmBackward}). */
export interface LstmTape {
  readonly batch: number;
  readonly timesteps: number;
  readonly inputDim: number;
  readonly units: number;
  readonly goBackwards: boolean;
  readonly returnSequences: boolean;
  readonly kernel: Float32Array;
  readonly recurrentKernel: Float32Array;
  readonly hasBias: boolean;
  readonly activation: Activation;
  readonly recurrentActivation: Activation;
  /** Inputs in processing order, time-major (`T × batch × inputDim`), dropout applied. */
  readonly xs: Float32Array;
  /** Gate pre-activations `z = x·W + h·U + b` (`T × batch × 4u`). */
  readonly pre: Float32Array;
  /** Activated gates i, f, candidate, o (`T × batch × 4u`). */
  readonly gates: Float32Array;
  /** Cell states, `(T+1) × batch × u`; slot 0 is the initial state. */
  readonly c: Float32Array;
  /** Hidden states fed to the recurrence, `T × batch × u` (slot s is the h used at step s, dropout applied). */
  readonly hIn: Float32Array;
  /** `activation(c)` after each step (`T × batch × u`). */
  readonly actC: Float32Array;
  readonly inputMask: Float32Array | null;
  readonly recurrentMask: Float32Array | null;
}

/** What {@link lstmForwardTrain} returns: the forward result plus the tape for the backward pass. */
export interface LstmTrainResult extends LstmForwardResult {
  tape: LstmTape;
}

/** Options of {@link lstmBackward}. */
export interface LstmBackwardOptions {
  /** Compute ∂L/∂x (default true). */
  needInputGrad?: boolean;
  /** ∂L/∂h of the final hidden state (e.g. from a `return_state` output), `batch × units`. */
  dhFinal?: Float32Array;
  /** ∂L/∂c of the final cell state, `batch × units`. */
  dcFinal?: Float32Array;
}

/** What {@link lstmBackward} returns. */
export interface LstmBackwardResult {
  /** ∂L/∂x, `batch × timesteps × inputDim` in input order, or null when not asked for. */
  dx: Float32Array | null;
  /** ∂L/∂kernel, `inputDim × 4u`. */
  dKernel: Float32Array;
  /** ∂L/∂recurrent_kernel, `u × 4u`. */
  dRecurrentKernel: Float32Array;
  /** ∂L/∂bias, `4u`, or null without a bias. */
  dBias: Float32Array | null;
  /** ∂L/∂h0 (initial hidden state), `batch × units`. */
  dh0: Float32Array;
  /** ∂L/∂c0 (initial cell state), `batch × units`. */
  dc0: Float32Array;
}

const Fn = { Other: 0, Sigmoid: 1, HardSigmoid3: 2, HardSigmoid2: 3, Tanh: 4, Relu: 5 } as const;
type Fn = (typeof Fn)[keyof typeof Fn];

function code(a: Activation): Fn {
  if (a === SIGMOID) return Fn.Sigmoid;
  if (a === HARD_SIGMOID_KERAS3) return Fn.HardSigmoid3;
  if (a === HARD_SIGMOID_KERAS2) return Fn.HardSigmoid2;
  if (a === TANH) return Fn.Tanh;
  if (a === RELU) return Fn.Relu;
  return Fn.Other;
}

function fast(fn: Fn, x: number): number {
  switch (fn) {
    case Fn.Sigmoid:
      if (x >= 0) return 1 / (1 + Math.exp(-x));
      {
        const e = Math.exp(x);
        return e / (1 + e);
      }
    case Fn.HardSigmoid3: {
      const y = x + 3;
      return y > 0 ? (y < 6 ? y / 6 : 1) : 0;
    }
    case Fn.HardSigmoid2: {
      const y = 0.2 * x + 0.5;
      return y > 0 ? (y < 1 ? y : 1) : 0;
    }
    case Fn.Tanh:
      return Math.tanh(x);
    case Fn.Relu:
      return x > 0 ? x : 0;
    default:
      return x;
  }
}

/** Derivative of an inlined activation from its input x and output y. */
function fastDeriv(fn: Fn, x: number, y: number): number {
  switch (fn) {
    case Fn.Sigmoid:
      return y * (1 - y);
    case Fn.HardSigmoid3:
      return x > -3 && x < 3 ? 1 / 6 : 0;
    case Fn.HardSigmoid2:
      return x > -2.5 && x < 2.5 ? 0.2 : 0;
    case Fn.Tanh:
      return 1 - y * y;
    case Fn.Relu:
      return x > 0 ? 1 : 0;
    default:
      return 1;
  }
}

/**
 * Runs an LSTM like {@link lstmForward} and records what {@link lstmBackward} needs. Every gate is
 * activated on its own block of `u` values (so a softmax-like recurrent activation normalises each
 * gate separately, as Keras does). Dropout masks, when given, are applied as Keras applies them in
 * training (one mask per sequence, reused at every step).
 *
 * @throws {ShapeMismatchError} if an array has the wrong length.
 * @throws {ConfigError} if a size is not a non-negative integer.
 */
export function lstmForwardTrain(x: Float32Array, options: LstmTrainOptions): LstmTrainResult {
  const { batch: B, timesteps: T, inputDim: D, units: u, kernel, recurrentKernel, bias } = options;
  for (const [name, v] of [['batch', B], ['timesteps', T], ['inputDim', D], ['units', u]] as const) {
    if (!Number.isInteger(v) || v < 0) throw new ConfigError(`lstmForwardTrain: ${name} must be a non-negative integer, got ${v}`);
  }
  const u4 = 4 * u;
  expectLength('input', x, [B, T, D]);
  expectLength('kernel', kernel, [D, u4]);
  expectLength('recurrentKernel', recurrentKernel, [u, u4]);
  if (bias !== null) expectLength('bias', bias, [u4]);
  if (options.initialH !== undefined) expectLength('initialH', options.initialH, [B, u]);
  if (options.initialC !== undefined) expectLength('initialC', options.initialC, [B, u]);
  if (options.inputMask !== undefined) expectLength('inputMask', options.inputMask, [B, D]);
  if (options.recurrentMask !== undefined) expectLength('recurrentMask', options.recurrentMask, [B, u]);
  const inputMask = options.inputMask ?? null;
  const recurrentMask = options.recurrentMask ?? null;

  const xs = new Float32Array(T * B * D);
  for (let s = 0; s < T; s++) {
    const t = options.goBackwards ? T - 1 - s : s;
    for (let b = 0; b < B; b++) {
      const src = (b * T + t) * D;
      const dst = (s * B + b) * D;
      if (inputMask === null) {
        for (let q = 0; q < D; q++) xs[dst + q] = x[src + q]!;
      } else {
        for (let q = 0; q < D; q++) xs[dst + q] = x[src + q]! * inputMask[b * D + q]!;
      }
    }
  }
  const pre = new Float32Array(T * B * u4);
  if (bias !== null) for (let r = 0; r < T * B; r++) pre.set(bias, r * u4);
  if (T * B > 0) gemm(T * B, u4, D, xs, kernel, pre, { accumulate: bias !== null });

  const gates = new Float32Array(T * B * u4);
  const c = new Float32Array((T + 1) * B * u);
  const hIn = new Float32Array(T * B * u);
  const actC = new Float32Array(T * B * u);
  const h = options.initialH !== undefined ? options.initialH.slice() : new Float32Array(B * u);
  if (options.initialC !== undefined) c.set(options.initialC, 0);
  const returnSequences = options.returnSequences;
  const output = new Float32Array(returnSequences ? B * T * u : B * u);

  const rec = code(options.recurrentActivation);
  const act = code(options.activation);
  const recAct = options.recurrentActivation;
  const cellAct = options.activation;

  for (let s = 0; s < T; s++) {
    const gOff = s * B * u4;
    const hOff = s * B * u;
    // The h entering this step (with recurrent dropout).
    if (recurrentMask === null) hIn.set(h, hOff);
    else for (let p = 0; p < B * u; p++) hIn[hOff + p] = h[p]! * recurrentMask[p]!;
    if (u > 0) gemm(B, u4, u, hIn, recurrentKernel, pre, { aOffset: hOff, cOffset: gOff, accumulate: true });
    gates.set(pre.subarray(gOff, gOff + B * u4), gOff);
    for (let b = 0; b < B; b++) {
      const g = gOff + b * u4;
      if (rec === Fn.Other) {
        recAct.apply(gates, g, 1, u);
        recAct.apply(gates, g + u, 1, u);
        recAct.apply(gates, g + 3 * u, 1, u);
      } else {
        for (let j = 0; j < u; j++) {
          gates[g + j] = fast(rec, gates[g + j]!);
          gates[g + u + j] = fast(rec, gates[g + u + j]!);
          gates[g + 3 * u + j] = fast(rec, gates[g + 3 * u + j]!);
        }
      }
      if (act === Fn.Other) cellAct.apply(gates, g + 2 * u, 1, u);
      else for (let j = 0; j < u; j++) gates[g + 2 * u + j] = fast(act, gates[g + 2 * u + j]!);
      const cPrev = hOff + b * u; // slot s of c
      const cNew = cPrev + B * u; // slot s+1
      for (let j = 0; j < u; j++) {
        c[cNew + j] = gates[g + u + j]! * c[cPrev + j]! + gates[g + j]! * gates[g + 2 * u + j]!;
      }
      const ao = hOff + b * u;
      if (act === Fn.Other) {
        for (let j = 0; j < u; j++) actC[ao + j] = c[cNew + j]!;
        cellAct.apply(actC, ao, 1, u);
      } else {
        for (let j = 0; j < u; j++) actC[ao + j] = fast(act, c[cNew + j]!);
      }
      for (let j = 0; j < u; j++) h[b * u + j] = gates[g + 3 * u + j]! * actC[ao + j]!;
      if (returnSequences) output.set(h.subarray(b * u, (b + 1) * u), (b * T + s) * u);
    }
  }
  if (!returnSequences) output.set(h);
  const cFinal = c.slice(T * B * u, (T + 1) * B * u);
  return {
    output,
    h,
    c: cFinal,
    tape: {
      batch: B,
      timesteps: T,
      inputDim: D,
      units: u,
      goBackwards: options.goBackwards,
      returnSequences,
      kernel,
      recurrentKernel,
      hasBias: bias !== null,
      activation: cellAct,
      recurrentActivation: recAct,
      xs,
      pre,
      gates,
      c,
      hIn,
      actC,
      inputMask,
      recurrentMask,
    },
  };
}

/**
 * Backpropagation through time for {@link lstmForwardTrain}. `dOutput` is ∂L/∂output in the layout of
 * the forward output (`batch × timesteps × units` with `returnSequences`, in processing order as Keras
 * returns it, else `batch × units`). The kernel gradients are summed over all steps and rows by one
 * GEMM each (`xᵀ·dz`, `hᵀ·dz`); the recurrence itself runs step by step from the last step back.
 *
 * @throws {ShapeMismatchError} if `dOutput` or a final-state gradient has the wrong length.
 */
export function lstmBackward(tape: LstmTape, dOutput: Float32Array, options: LstmBackwardOptions = {}): LstmBackwardResult {
  const { batch: B, timesteps: T, inputDim: D, units: u } = tape;
  const u4 = 4 * u;
  expectLength('dOutput', dOutput, tape.returnSequences ? [B, T, u] : [B, u]);
  if (options.dhFinal !== undefined) expectLength('dhFinal', options.dhFinal, [B, u]);
  if (options.dcFinal !== undefined) expectLength('dcFinal', options.dcFinal, [B, u]);

  const rec = code(tape.recurrentActivation);
  const act = code(tape.activation);
  const recD: ActivationDerivative | null = rec === Fn.Other ? activationDerivative(tape.recurrentActivation) : null;
  const actD: ActivationDerivative | null = act === Fn.Other ? activationDerivative(tape.activation) : null;
  const recRowwise = rec === Fn.Other && recD === null;
  const actRowwise = act === Fn.Other && actD === null;

  const dz = new Float32Array(T * B * u4);
  const dh = new Float64Array(B * u);
  const dc = new Float64Array(B * u);
  if (options.dhFinal !== undefined) for (let p = 0; p < B * u; p++) dh[p] = options.dhFinal[p]!;
  if (options.dcFinal !== undefined) for (let p = 0; p < B * u; p++) dc[p] = options.dcFinal[p]!;
  if (!tape.returnSequences) for (let p = 0; p < B * u; p++) dh[p] = dh[p]! + dOutput[p]!;
  const dhPrev = new Float32Array(B * u);
  // Scratch rows for row-wise (softmax-like) activations.
  const rowX = new Float32Array(u);
  const rowY = new Float32Array(u);
  const rowD = new Float32Array(u);
  const rowOut = new Float32Array(u);
  const { gates, pre, c, actC } = tape;
  const blocks: readonly (readonly [number, Fn, Activation, ActivationDerivative | null, boolean])[] = [
    [0, rec, tape.recurrentActivation, recD, recRowwise],
    [u, rec, tape.recurrentActivation, recD, recRowwise],
    [2 * u, act, tape.activation, actD, actRowwise],
    [3 * u, rec, tape.recurrentActivation, recD, recRowwise],
  ];

  for (let s = T - 1; s >= 0; s--) {
    const gOff = s * B * u4;
    const hOff = s * B * u;
    if (tape.returnSequences) {
      for (let b = 0; b < B; b++) {
        const o = (b * T + s) * u;
        for (let j = 0; j < u; j++) dh[b * u + j] = dh[b * u + j]! + dOutput[o + j]!;
      }
    }
    for (let b = 0; b < B; b++) {
      const g = gOff + b * u4;
      const ao = hOff + b * u;
      const cPrev = hOff + b * u;
      const cNew = cPrev + B * u;
      const hb = b * u;
      // ∂L/∂c_t: the carried gradient plus the path through h = o·act(c).
      if (actRowwise) {
        for (let j = 0; j < u; j++) {
          rowX[j] = c[cNew + j]!;
          rowY[j] = actC[ao + j]!;
          rowD[j] = dh[hb + j]! * gates[g + 3 * u + j]!;
        }
        activationBackward(tape.activation, rowX, rowY, rowD, u, rowOut);
        for (let j = 0; j < u; j++) dc[hb + j] = dc[hb + j]! + rowOut[j]!;
      } else {
        for (let j = 0; j < u; j++) {
          const cv = c[cNew + j]!;
          const tv = actC[ao + j]!;
          const d = actD === null ? fastDeriv(act, cv, tv) : actD(cv, tv);
          dc[hb + j] = dc[hb + j]! + dh[hb + j]! * gates[g + 3 * u + j]! * d;
        }
      }
      // Gate gradients before the activations: do, di, df, dcandidate.
      for (let j = 0; j < u; j++) {
        const dcv = dc[hb + j]!;
        dz[g + 3 * u + j] = dh[hb + j]! * actC[ao + j]!; // do
        dz[g + j] = dcv * gates[g + 2 * u + j]!; // di
        dz[g + u + j] = dcv * c[cPrev + j]!; // df
        dz[g + 2 * u + j] = dcv * gates[g + j]!; // dcandidate
        dc[hb + j] = dcv * gates[g + u + j]!; // carried to step s−1
      }
      // Through the activations.
      for (const [blockStart, fn, a, d, rowwise] of blocks) {
        const o = g + blockStart;
        if (rowwise) {
          for (let j = 0; j < u; j++) {
            rowX[j] = pre[o + j]!;
            rowY[j] = gates[o + j]!;
            rowD[j] = dz[o + j]!;
          }
          activationBackward(a, rowX, rowY, rowD, u, rowOut);
          dz.set(rowOut, o);
        } else if (d === null) {
          for (let j = 0; j < u; j++) dz[o + j] = dz[o + j]! * fastDeriv(fn, pre[o + j]!, gates[o + j]!);
        } else {
          for (let j = 0; j < u; j++) dz[o + j] = dz[o + j]! * d(pre[o + j]!, gates[o + j]!);
        }
      }
    }
    // ∂L/∂h_{t−1} = dz·Uᵀ (U is stored u × 4u, i.e. "n × k" for transposeB), through recurrent dropout.
    if (u > 0) gemm(B, u, u4, dz, tape.recurrentKernel, dhPrev, { aOffset: gOff, transposeB: true });
    if (tape.recurrentMask !== null) for (let p = 0; p < B * u; p++) dhPrev[p] = dhPrev[p]! * tape.recurrentMask[p]!;
    for (let p = 0; p < B * u; p++) dh[p] = dhPrev[p]!;
  }

  const dKernel = atb(tape.xs, dz, T * B, D, u4);
  const dRecurrentKernel = atb(tape.hIn, dz, T * B, u, u4);
  let dBias: Float32Array | null = null;
  if (tape.hasBias) {
    const acc = new Float64Array(u4);
    for (let r = 0; r < T * B; r++) {
      const o = r * u4;
      for (let j = 0; j < u4; j++) acc[j] = acc[j]! + dz[o + j]!;
    }
    dBias = Float32Array.from(acc);
  }
  let dx: Float32Array | null = null;
  if (options.needInputGrad ?? true) {
    const dxs = new Float32Array(T * B * D);
    if (T * B > 0 && D > 0) gemm(T * B, D, u4, dz, tape.kernel, dxs, { transposeB: true });
    dx = new Float32Array(B * T * D);
    for (let s = 0; s < T; s++) {
      const t = tape.goBackwards ? T - 1 - s : s;
      for (let b = 0; b < B; b++) {
        const src = (s * B + b) * D;
        const dst = (b * T + t) * D;
        if (tape.inputMask === null) {
          for (let q = 0; q < D; q++) dx[dst + q] = dxs[src + q]!;
        } else {
          for (let q = 0; q < D; q++) dx[dst + q] = dxs[src + q]! * tape.inputMask[b * D + q]!;
        }
      }
    }
  }
  return { dx, dKernel, dRecurrentKernel, dBias, dh0: Float32Array.from(dh), dc0: Float32Array.from(dc) };
}

/** `aᵀ·b` for a (`m × k`) and b (`m × n`): a `k × n` result (one GEMM). */
function atb(a: Float32Array, b: Float32Array, m: number, k: number, n: number): Float32Array {
  const out = new Float32Array(k * n);
  if (m > 0 && k > 0 && n > 0) gemm(k, n, m, a, b, out, { transposeA: true });
  return out;
}

function expectLength(name: string, arr: Float32Array, shape: readonly number[]): void {
  let size = 1;
  for (const d of shape) size *= d;
  if (arr.length !== size) {
    throw new ShapeMismatchError(`lstm (training): ${name} has ${arr.length} values, expected ${size}`, shape, [arr.length]);
  }
}

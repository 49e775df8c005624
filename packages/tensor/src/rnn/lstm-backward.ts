/**
 * Training forward and backward (backpropagation through time) of a Keras `LSTM` over plain float32
 * buffers. The forward pass is the same computation as {@link lstmForward} but keeps, per step, the
 * gate pre-activations, the activated gates and the states that the backward pass needs.
 */
import { LINEAR, type Activation } from '../activations.js';
import { activationBackward, activationDerivative, type ActivationDerivative } from '../activations-backward.js';
import { gemm } from '../gemm.js';
import { fast, Fn } from './gates.js';
import { lastOutput, type LstmForwardOptions, type LstmForwardResult } from './lstm.js';
import {
  activationCode,
  checkSizes,
  expectLength as expectLen,
  f32,
  fastDeriv,
  fillRows,
  fillTimeMajor,
  gradsScratch,
  isShared,
  partBounds as rnnPartBounds,
  sharedCopy,
  stepMasks,
  stepRows,
  sumParts,
  transposeInto,
  type StepMasks,
} from './common.js';
import { readyHelpers, shareParts, type Helper } from '../wasm/threads.js';
import { APACK, wasmAlloc, wasmF32, wasmKernels, wasmMark, wasmRelease, type WasmKernels } from '../wasm/backend.js';

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
  /** Timestep masks in processing order (null: every step counts). */
  readonly steps: StepMasks | null;
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

/** The inlined activations the backward pass differentiates itself (linear goes through its derivative). */
function code(a: Activation): Fn {
  const c = activationCode(a);
  return c === Fn.Linear ? Fn.Other : c;
}

/** The WebAssembly kernels' activation code (as in lstm.ts: linear is 6), or 0 when not inlined there. */
function wasmCode(a: Activation): number {
  return a === LINEAR ? 6 : code(a);
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
  checkSizes('lstmForwardTrain', { batch: B, timesteps: T, inputDim: D, units: u });
  const u4 = 4 * u;
  expectLength('input', x, [B, T, D]);
  expectLength('kernel', kernel, [D, u4]);
  expectLength('recurrentKernel', recurrentKernel, [u, u4]);
  if (bias !== null) expectLength('bias', bias, [u4]);
  if (options.initialH !== undefined) expectLength('initialH', options.initialH, [B, u]);
  if (options.initialC !== undefined) expectLength('initialC', options.initialC, [B, u]);
  if (options.inputMask !== undefined) expectLength('inputMask', options.inputMask, [B, D]);
  if (options.recurrentMask !== undefined) expectLength('recurrentMask', options.recurrentMask, [B, u]);
  if (options.mask !== undefined) expectLength('mask', options.mask, [B, T]);
  const inputMask = options.inputMask ?? null;
  const recurrentMask = options.recurrentMask ?? null;
  const sm = options.mask !== undefined ? stepMasks(options.mask, B, T, options.goBackwards, options.maskedOutput ?? 'state') : null;

  const xs = new Float32Array(T * B * D);
  fillTimeMajor(x, xs, B, T, D, options.goBackwards, inputMask);
  const wRec = wasmCode(options.recurrentActivation);
  const wAct = wasmCode(options.activation);
  if (T > 0 && B > 0 && u > 0 && wRec !== 0 && wAct !== 0) {
    const kern = wasmKernels();
    if (kern !== null) return forwardTrainWasm(kern, xs, options, inputMask, recurrentMask, wRec, wAct, sm);
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
      if (sm !== null && sm.keep[s * B + b] === 0) {
        // masked: h and c carried over (the backward pass skips this row's gates)
        c.copyWithin(hOff + B * u + b * u, hOff + b * u, hOff + (b + 1) * u);
        if (returnSequences) {
          const f = sm.out === null ? 1 : sm.out[s * B + b]!;
          if (f !== 0) output.set(h.subarray(b * u, (b + 1) * u), (b * T + s) * u);
        }
        continue;
      }
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
      if (returnSequences && (sm?.out ? sm.out[s * B + b]! : 1) !== 0) output.set(h.subarray(b * u, (b + 1) * u), (b * T + s) * u);
    }
  }
  if (!returnSequences) lastOutput(output, h, sm, B, T, u);
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
      steps: sm,
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

  const wRec = wasmCode(tape.recurrentActivation);
  const wAct = wasmCode(tape.activation);
  const kern = T > 0 && B > 0 && u > 0 && wRec !== 0 && wAct !== 0 ? wasmKernels() : null;
  if (kern !== null) {
    const r = backwardWasm(kern, tape, dOutput, options, wRec, wAct);
    const both = sumParts(kern, r.grads, r.parts, (D + u + 1) * u4);
    return {
      dx: r.dz === null ? null : inputGrad(tape, r.dz),
      dKernel: both.slice(0, D * u4),
      dRecurrentKernel: both.slice(D * u4, (D + u) * u4),
      dBias: tape.hasBias ? both.slice((D + u) * u4) : null,
      dh0: r.dh0,
      dc0: r.dc0,
    };
  }
  const { dz, dh0, dc0 } = backwardJs(tape, dOutput, options);
  return weightGrads(tape, dz, dh0, dc0, options);
}

/** The recurrence of {@link lstmBackward} in TypeScript: ∂L/∂pre of every step and the initial-state gradients. */
function backwardJs(tape: LstmTape, dOutput: Float32Array, options: LstmBackwardOptions): { dz: Float32Array; dh0: Float32Array; dc0: Float32Array } {
  const { batch: B, timesteps: T, units: u } = tape;
  const u4 = 4 * u;
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
  const sm = tape.steps;
  const fac = (s: number, b: number): number => (sm?.out ? sm.out[s * B + b]! : 1);
  if (!tape.returnSequences && T > 0) {
    for (let b = 0; b < B; b++) if (fac(T - 1, b) !== 0) for (let j = 0; j < u; j++) dh[b * u + j] = dh[b * u + j]! + dOutput[b * u + j]!;
  }
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
        if (fac(s, b) === 0) continue;
        const o = (b * T + s) * u;
        for (let j = 0; j < u; j++) dh[b * u + j] = dh[b * u + j]! + dOutput[o + j]!;
      }
    }
    for (let b = 0; b < B; b++) {
      // a masked step carried h and c: its dz stays 0 and dh, dc pass through
      if (sm !== null && sm.keep[s * B + b] === 0) continue;
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
    for (let b = 0; b < B; b++) {
      if (sm !== null && sm.keep[s * B + b] === 0) continue;
      for (let j = 0; j < u; j++) dh[b * u + j] = dhPrev[b * u + j]!;
    }
  }
  return { dz, dh0: Float32Array.from(dh), dc0: Float32Array.from(dc) };
}

/** The weight, bias and input gradients from ∂L/∂pre (one GEMM each). */
function weightGrads(tape: LstmTape, dz: Float32Array, dh0: Float32Array, dc0: Float32Array, options: LstmBackwardOptions): LstmBackwardResult {
  const { batch: B, timesteps: T, inputDim: D, units: u } = tape;
  const u4 = 4 * u;
  // Both kernel gradients in one GEMM: [xs | hIn]ᵀ·dz, a (D+u) × 4u result whose first D rows are
  // ∂L/∂kernel (each row of a product is computed the same however many rows there are).
  const rows = T * B;
  const both = new Float32Array((D + u) * u4);
  if (rows > 0 && D + u > 0 && u4 > 0) {
    const xhT = new Float32Array((D + u) * rows);
    transposeInto(tape.xs, rows, D, xhT, 0);
    transposeInto(tape.hIn, rows, u, xhT, D * rows);
    gemm(D + u, u4, rows, xhT, dz, both);
  }
  const dKernel = both.slice(0, D * u4);
  const dRecurrentKernel = both.slice(D * u4);
  let dBias: Float32Array | null = null;
  if (tape.hasBias) {
    const acc = new Float64Array(u4);
    const rows = T * B;
    let r = 0;
    // four rows per pass over the accumulator (summed in double, rounded once at the end)
    for (; r + 3 < rows; r += 4) {
      const o = r * u4;
      for (let j = 0; j < u4; j++) acc[j] = acc[j]! + (dz[o + j]! + dz[o + u4 + j]! + (dz[o + 2 * u4 + j]! + dz[o + 3 * u4 + j]!));
    }
    for (; r < rows; r++) {
      const o = r * u4;
      for (let j = 0; j < u4; j++) acc[j] = acc[j]! + dz[o + j]!;
    }
    dBias = Float32Array.from(acc);
  }
  const dx = options.needInputGrad ?? true ? inputGrad(tape, dz) : null;
  return { dx, dKernel, dRecurrentKernel, dBias, dh0, dc0 };
}

/** ∂L/∂x (`batch × timesteps × inputDim`) from ∂L/∂pre of every step (time-major): dz·kernelᵀ, back in input order. */
function inputGrad(tape: LstmTape, dz: Float32Array): Float32Array {
  const { batch: B, timesteps: T, inputDim: D, units: u } = tape;
  const dxs = new Float32Array(T * B * D);
  if (T * B > 0 && D > 0) gemm(T * B, D, 4 * u, dz, tape.kernel, dxs, { transposeB: true });
  const dx = new Float32Array(B * T * D);
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
  return dx;
}

/**
 * Whether the backward pass needs the gate pre-activations: not when every activation's derivative
 * follows from its output alone (sigmoid, tanh); the tape's `pre` is then the gates array itself.
 */
function needsPre(rec: number, act: number): boolean {
  return !((rec === 1 || rec === 4) && (act === 1 || act === 4));
}

/** Multiply-adds per call from which the batch of an LSTM training step is split over helper threads. */
const PARALLEL_MIN_WORK = 4_000_000;

/** The helpers to share an LSTM training call of this size with, or [] to run it on this thread. */
function trainHelpers(B: number, T: number, D: number, u: number): Helper[] {
  if (B < 2 || T * B < 64 || B * T * 4 * u * (D + u) < PARALLEL_MIN_WORK) return [];
  return readyHelpers('shared'); // results go into the shared tape and gradient arrays
}

/**
 * Batch bounds of the parts of an LSTM training call (see common.ts `partBounds`): they depend on the
 * sizes only, never on the number of threads, so gradients are the same on one thread or several.
 * Internal (exported for tests).
 */
export function partBounds(B: number, D: number, u: number): number[] {
  return rnnPartBounds(B, D, u, 4);
}

/** The arrays of a training forward, written row-part by row-part (time-major like the tape). */
interface TrainArrays {
  pre: Float32Array;
  gates: Float32Array;
  c: Float32Array;
  hIn: Float32Array;
  actC: Float32Array;
  h: Float32Array;
  /** Every step's output (`B × T × u`), when the layer returns sequences. */
  seq: Float32Array | null;
}

/** A training forward shared with helper threads (all arrays over SharedArrayBuffers). Internal. */
export interface LstmTrainJob {
  kind: 'lstmTrain';
  B: number;
  T: number;
  D: number;
  u: number;
  xs: Float32Array;
  kernel: Float32Array;
  recurrentKernel: Float32Array;
  bias: Float32Array | null;
  initialH: Float32Array | null;
  initialC: Float32Array | null;
  recurrentMask: Float32Array | null;
  /** Timestep masks (`T × B`, processing order), or null. */
  keep: Float32Array | null;
  ofac: Float32Array | null;
  rec: number;
  act: number;
  out: TrainArrays;
  bounds: number[];
}

/** A backward pass shared with helper threads (all arrays over SharedArrayBuffers). Internal. */
export interface LstmBackJob {
  kind: 'lstmBack';
  B: number;
  T: number;
  u: number;
  pre: Float32Array;
  gates: Float32Array;
  c: Float32Array;
  actC: Float32Array;
  recurrentKernel: Float32Array;
  recurrentMask: Float32Array | null;
  keep: Float32Array | null;
  ofac: Float32Array | null;
  returnSequences: boolean;
  dOutput: Float32Array;
  dhFinal: Float32Array | null;
  dcFinal: Float32Array | null;
  rec: number;
  act: number;
  /** Time-major inputs and incoming h of the tape (for the weight gradients). */
  xs: Float32Array;
  hIn: Float32Array;
  D: number;
  hasBias: boolean;
  /** ∂L/∂pre of every step, written only when the input gradient is needed. */
  dz: Float32Array | null;
  dh0: Float32Array;
  dc0: Float32Array;
  /** Per part: [∂kernel (D rows) | ∂recurrent kernel (u rows) | ∂bias (1 row)] × 4u, summed over the part's rows. */
  grads: Float32Array;
  bounds: number[];
}

/** Part i of a shared training forward or backward (in a helper thread). Internal. */
export function runLstmTrainPart(job: LstmTrainJob | LstmBackJob, i: number): void {
  const kern = wasmKernels();
  if (kern === null) throw new Error('kerasts helper thread: WebAssembly kernels unavailable');
  if (job.kind === 'lstmTrain') trainRows(kern, job, job.bounds[i]!, job.bounds[i + 1]!);
  else backRows(kern, job, i, job.bounds[i]!, job.bounds[i + 1]!);
}

/**
 * Batch rows [b0, b1) of a training forward in the WebAssembly kernels: the input projection is one
 * GEMM, then every step (GEMM of h with U, fused SIMD gate math, tape writes) runs in one call; the
 * rows' tape is copied into `job.out`. Every row is computed the same whatever rows it is run with.
 */
function trainRows(kern: WasmKernels, job: Omit<LstmTrainJob, 'kind' | 'bounds'>, b0: number, b1: number): void {
  const { B, T, D, u, kernel, recurrentKernel, bias, out } = job;
  const u4 = 4 * u;
  const nb = b1 - b0;
  const rows = T * nb;
  const n = nb * u;
  const mark = wasmMark();
  // Take all memory before making views (growing detaches them).
  const pxs = wasmAlloc(kern, rows * D);
  const pw = wasmAlloc(kern, D * u4);
  const pwp = wasmAlloc(kern, kern.packedBSize(D, u4));
  const pu = wasmAlloc(kern, u * u4);
  const pup = wasmAlloc(kern, kern.packedBSize(u, u4));
  const ppre = wasmAlloc(kern, rows * u4);
  const pg = wasmAlloc(kern, rows * u4);
  const pc = wasmAlloc(kern, (T + 1) * n);
  const phIn = wasmAlloc(kern, rows * u);
  const pac = wasmAlloc(kern, rows * u);
  const ph = wasmAlloc(kern, n);
  const pm = job.recurrentMask !== null ? wasmAlloc(kern, n) : 0;
  const pkeep = job.keep !== null ? wasmAlloc(kern, rows) : 0;
  const pfac = job.ofac !== null ? wasmAlloc(kern, rows) : 0;
  const pscr = job.keep !== null ? wasmAlloc(kern, n) : 0;
  const pseq = out.seq !== null ? wasmAlloc(kern, n * T) : 0;
  const mem = wasmF32(kern);
  if (job.keep !== null) mem.set(stepRows(job.keep, B, T, b0, b1), pkeep >> 2);
  if (job.ofac !== null) mem.set(stepRows(job.ofac, B, T, b0, b1), pfac >> 2);
  // Rows b0..b1 of every step (time-major): T blocks of nb rows.
  const getRows = (src: Float32Array, width: number, dst: number, slots: number): void => {
    for (let s = 0; s < slots; s++) mem.set(src.subarray((s * B + b0) * width, (s * B + b1) * width), (dst >> 2) + s * nb * width);
  };
  const putRows = (src: number, dst: Float32Array, width: number, slots: number): void => {
    for (let s = 0; s < slots; s++) dst.set(mem.subarray((src >> 2) + s * nb * width, (src >> 2) + (s + 1) * nb * width), (s * B + b0) * width);
  };
  getRows(job.xs, D, pxs, T);
  mem.set(kernel, pw >> 2);
  mem.set(recurrentKernel, pu >> 2);
  const z0 = ppre >> 2;
  if (bias !== null) fillRows(mem, z0, bias, rows, u4);
  if (job.initialH !== null) mem.set(job.initialH.subarray(b0 * u, b1 * u), ph >> 2);
  else mem.fill(0, ph >> 2, (ph >> 2) + n);
  if (job.initialC !== null) mem.set(job.initialC.subarray(b0 * u, b1 * u), pc >> 2);
  else mem.fill(0, pc >> 2, (pc >> 2) + n);
  if (job.recurrentMask !== null) mem.set(job.recurrentMask.subarray(b0 * u, b1 * u), pm >> 2);
  kern.packB(D, u4, pw, u4, 0, pwp);
  kern.packB(u, u4, pu, u4, 0, pup);
  if (D > 0) kern.gemmPacked(rows, u4, D, pxs, D, pwp, ppre, u4, bias !== null ? 1 : 0, APACK);
  else if (bias === null) mem.fill(0, z0, z0 + rows * u4);
  const h0Zero = job.initialH === null && kern.allFinite(u * u4, pu) === 1 ? 1 : 0;
  kern.lstmTrainRun(nb, T, u, ppre, pg, pc, phIn, pac, ph, pup, pm, job.rec, job.act, APACK, h0Zero, pkeep, pfac, pseq, pscr);
  // batch-major: the part's rows of the output are contiguous
  if (out.seq !== null) out.seq.set(mem.subarray(pseq >> 2, (pseq >> 2) + n * T), b0 * T * u);
  if (needsPre(job.rec, job.act)) putRows(ppre, out.pre, u4, T);
  putRows(pg, out.gates, u4, T);
  putRows(pc, out.c, u, T + 1);
  putRows(phIn, out.hIn, u, T);
  putRows(pac, out.actC, u, T);
  out.h.set(mem.subarray(ph >> 2, (ph >> 2) + n), b0 * u);
  wasmRelease(mark);
}

/** {@link lstmForwardTrain} in the WebAssembly kernels, the batch shared with helper threads when large. */
function forwardTrainWasm(
  kern: WasmKernels,
  xs: Float32Array,
  options: LstmTrainOptions,
  inputMask: Float32Array | null,
  recurrentMask: Float32Array | null,
  rec: number,
  act: number,
  sm: StepMasks | null,
): LstmTrainResult {
  const { batch: B, timesteps: T, inputDim: D, units: u, kernel, recurrentKernel, bias, returnSequences } = options;
  const u4 = 4 * u;
  const rows = T * B;
  const n = B * u;
  const helpers = trainHelpers(B, T, D, u);
  const shared = helpers.length > 0;
  // Shared, the tape's inputs are read by the helpers again in the backward pass.
  const xsTape = shared ? sharedCopy(xs) : xs;
  const gatesOut = f32(rows * u4, shared);
  const out: TrainArrays = {
    pre: needsPre(rec, act) ? f32(rows * u4, shared) : gatesOut,
    gates: gatesOut,
    c: f32((T + 1) * n, shared),
    hIn: f32(rows * u, shared),
    actC: f32(rows * u, shared),
    h: f32(n, shared),
    seq: returnSequences ? f32(n * T, shared) : null,
  };
  const job = {
    B, T, D, u, rec, act, out,
    xs: xsTape, kernel, recurrentKernel, bias,
    initialH: options.initialH ?? null,
    initialC: options.initialC ?? null,
    recurrentMask,
    keep: sm?.keep ?? null,
    ofac: sm?.out ?? null,
  };
  if (!shared) {
    trainRows(kern, job, 0, B);
  } else {
    const bounds = partBounds(B, D, u);
    const sjob: LstmTrainJob = {
      ...job,
      kind: 'lstmTrain',
      bounds,
      kernel: sharedCopy(kernel),
      recurrentKernel: sharedCopy(recurrentKernel),
      bias: bias === null ? null : sharedCopy(bias),
      initialH: job.initialH === null ? null : sharedCopy(job.initialH),
      initialC: job.initialC === null ? null : sharedCopy(job.initialC),
      recurrentMask: recurrentMask === null ? null : sharedCopy(recurrentMask),
      keep: job.keep === null ? null : sharedCopy(job.keep),
      ofac: job.ofac === null ? null : sharedCopy(job.ofac),
    };
    shareParts(helpers, bounds.length - 1, sjob as unknown as Record<string, unknown>, [], (i) => trainRows(kern, job, bounds[i]!, bounds[i + 1]!), () => {});
  }
  const { pre, gates, c, hIn, actC, h } = out;
  let output: Float32Array;
  if (out.seq !== null) output = shared ? out.seq.slice() : out.seq;
  else {
    output = new Float32Array(n);
    lastOutput(output, h, sm, B, T, u);
  }
  return {
    output,
    h: h.slice(),
    c: c.slice(T * n, (T + 1) * n),
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
      activation: options.activation,
      recurrentActivation: options.recurrentActivation,
      xs: xsTape,
      pre,
      gates,
      c,
      hIn,
      actC,
      inputMask,
      recurrentMask,
      steps: sm,
    },
  };
}

/**
 * Part `part` (batch rows [b0, b1)) of {@link lstmBackward} in the WebAssembly kernels: the recurrence
 * (one call for all steps), then the part's weight gradients — [xs | hIn]ᵀ·dz as two GEMMs on one packed
 * dz, and the column sums of dz — written to the part's slot of `job.grads`.
 */
function backRows(kern: WasmKernels, job: Omit<LstmBackJob, 'kind' | 'bounds'>, part: number, b0: number, b1: number): void {
  const { B, T, u, D } = job;
  const u4 = 4 * u;
  const nb = b1 - b0;
  const rows = T * nb;
  const n = nb * u;
  const m = D + u + 1;
  const mark = wasmMark();
  const withPre = needsPre(job.rec, job.act);
  const pg = wasmAlloc(kern, rows * u4);
  const ppre = withPre ? wasmAlloc(kern, rows * u4) : pg;
  const pc = wasmAlloc(kern, (T + 1) * n);
  const pac = wasmAlloc(kern, rows * u);
  const pdo = job.returnSequences ? wasmAlloc(kern, nb * T * u) : 0;
  const pdh = wasmAlloc(kern, n);
  const pdc = wasmAlloc(kern, n);
  const pdz = wasmAlloc(kern, rows * u4);
  const pu = wasmAlloc(kern, u * u4);
  const putp = wasmAlloc(kern, kern.packedBSize(u4, u));
  const pm = job.recurrentMask !== null ? wasmAlloc(kern, n) : 0;
  const pxs = wasmAlloc(kern, rows * D);
  const phin = wasmAlloc(kern, rows * u);
  const pdzp = wasmAlloc(kern, kern.packedBSize(rows, u4));
  const pgr = wasmAlloc(kern, m * u4);
  const pkeep = job.keep !== null ? wasmAlloc(kern, rows) : 0;
  const pfac = job.ofac !== null ? wasmAlloc(kern, rows) : 0;
  const pscr = job.keep !== null ? wasmAlloc(kern, n) : 0;
  const mem = wasmF32(kern);
  if (job.keep !== null) mem.set(stepRows(job.keep, B, T, b0, b1), pkeep >> 2);
  if (job.ofac !== null) mem.set(stepRows(job.ofac, B, T, b0, b1), pfac >> 2);
  const getRows = (src: Float32Array, width: number, dst: number, slots: number): void => {
    for (let s = 0; s < slots; s++) mem.set(src.subarray((s * B + b0) * width, (s * B + b1) * width), (dst >> 2) + s * nb * width);
  };
  if (withPre) getRows(job.pre, u4, ppre, T);
  getRows(job.gates, u4, pg, T);
  getRows(job.c, u, pc, T + 1);
  getRows(job.actC, u, pac, T);
  // dOutput is batch-major (B × T × u with sequences): the rows are contiguous.
  if (pdo !== 0) mem.set(job.dOutput.subarray(b0 * T * u, b1 * T * u), pdo >> 2);
  const dh = pdh >> 2;
  const dc = pdc >> 2;
  for (let p = 0; p < n; p++) {
    const q = b0 * u + p;
    let v = job.dhFinal !== null ? job.dhFinal[q]! : 0;
    // the last output is the final h times the last step's factor
    if (!job.returnSequences && (job.ofac === null || job.ofac[(T - 1) * B + b0 + Math.floor(p / u)] !== 0)) v += job.dOutput[q]!;
    mem[dh + p] = v;
    mem[dc + p] = job.dcFinal !== null ? job.dcFinal[q]! : 0;
  }
  mem.set(job.recurrentKernel, pu >> 2);
  if (pm !== 0) mem.set(job.recurrentMask!.subarray(b0 * u, b1 * u), pm >> 2);
  kern.packB(u4, u, pu, u4, 1, putp);
  kern.lstmBackRun(nb, T, u, ppre, pg, pc, pac, pdo, pdh, pdc, pdz, putp, pm, job.rec, job.act, APACK, pkeep, pfac, pscr);
  // The part's weight gradients, summed over its rows (time-major, as the forward made them).
  getRows(job.xs, D, pxs, T);
  getRows(job.hIn, u, phin, T);
  mem.fill(0, pgr >> 2, (pgr >> 2) + m * u4);
  if (rows > 0) {
    kern.packB(rows, u4, pdz, u4, 0, pdzp);
    if (D > 0) kern.gemmPackedAT(D, u4, rows, pxs, D, pdzp, pgr, u4, 0, APACK);
    kern.gemmPackedAT(u, u4, rows, phin, u, pdzp, pgr + D * u4 * 4, u4, 0, APACK);
    if (job.hasBias) kern.addColumnSums(rows, u4, pdz, u4, pgr + (D + u) * u4 * 4);
  }
  job.grads.set(mem.subarray(pgr >> 2, (pgr >> 2) + m * u4), part * m * u4);
  if (job.dz !== null) {
    for (let s = 0; s < T; s++) job.dz.set(mem.subarray((pdz >> 2) + s * nb * u4, (pdz >> 2) + (s + 1) * nb * u4), (s * B + b0) * u4);
  }
  job.dh0.set(mem.subarray(dh, dh + n), b0 * u);
  job.dc0.set(mem.subarray(dc, dc + n), b0 * u);
  wasmRelease(mark);
}

/**
 * The recurrence and weight gradients of {@link lstmBackward} in the WebAssembly kernels, by parts
 * ({@link partBounds}), shared with helper threads when large. `dz` only when the input gradient is needed.
 */
function backwardWasm(
  kern: WasmKernels,
  tape: LstmTape,
  dOutput: Float32Array,
  options: LstmBackwardOptions,
  rec: number,
  act: number,
): { dz: Float32Array | null; dh0: Float32Array; dc0: Float32Array; grads: Float32Array; parts: number } {
  const { batch: B, timesteps: T, inputDim: D, units: u } = tape;
  const n = B * u;
  // Share only a tape that helpers can read without copies (made by a shared forward).
  const helpers = isShared(tape.pre) && isShared(tape.xs) ? trainHelpers(B, T, D, u) : [];
  const shared = helpers.length > 0;
  const bounds = partBounds(B, D, u);
  const parts = bounds.length - 1;
  const job = {
    B, T, u, D, rec, act,
    hasBias: tape.hasBias,
    pre: tape.pre,
    gates: tape.gates,
    c: tape.c,
    actC: tape.actC,
    xs: tape.xs,
    hIn: tape.hIn,
    recurrentKernel: tape.recurrentKernel,
    recurrentMask: tape.recurrentMask,
    keep: tape.steps?.keep ?? null,
    ofac: tape.steps?.out ?? null,
    returnSequences: tape.returnSequences,
    dOutput,
    dhFinal: options.dhFinal ?? null,
    dcFinal: options.dcFinal ?? null,
    dz: options.needInputGrad ?? true ? f32(T * B * 4 * u, shared) : null,
    dh0: f32(n, shared),
    dc0: f32(n, shared),
    grads: gradsScratch(parts * (D + u + 1) * 4 * u, shared),
  };
  if (!shared) {
    for (let i = 0; i < parts; i++) backRows(kern, job, i, bounds[i]!, bounds[i + 1]!);
    return { ...job, parts };
  }
  const sjob: LstmBackJob = {
    ...job,
    kind: 'lstmBack',
    bounds,
    recurrentKernel: sharedCopy(tape.recurrentKernel),
    recurrentMask: tape.recurrentMask === null ? null : sharedCopy(tape.recurrentMask),
    keep: job.keep === null ? null : sharedCopy(job.keep),
    ofac: job.ofac === null ? null : sharedCopy(job.ofac),
    dOutput: sharedCopy(dOutput),
    dhFinal: job.dhFinal === null ? null : sharedCopy(job.dhFinal),
    dcFinal: job.dcFinal === null ? null : sharedCopy(job.dcFinal),
  };
  shareParts(helpers, parts, sjob as unknown as Record<string, unknown>, [], (i) => backRows(kern, job, i, bounds[i]!, bounds[i + 1]!), () => {});
  return { dz: job.dz, dh0: job.dh0.slice(), dc0: job.dc0.slice(), grads: job.grads, parts };
}

function expectLength(name: string, arr: Float32Array, shape: readonly number[]): void {
  expectLen('lstm (training)', name, arr, shape);
}

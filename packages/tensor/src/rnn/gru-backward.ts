/**
 * Training forward and backward (backpropagation through time) of a Keras `GRU` over plain float32
 * buffers. The forward pass is the computation of {@link gruForward} keeping, per step, the
 * pre-activations, the activated gates, the recurrent part of the candidate and the states.
 *
 * Tape (time-major, processing order): `pre` (T·B × 3u) the pre-activations of z, r and the
 * candidate; `gates` (T·B × 3u) z, r, hh; `inner` (T·B × u) with `resetAfter` the recurrent part of
 * the candidate `h·U_h + b'_h`, else the operand of its product `r ⊙ h_in`; `hs` ((T+1)·B × u) the
 * states (slot 0 the initial one); `hIn` (T·B × u) the state times the recurrent dropout mask (null
 * without one: then it is `hs`'s first T slots).
 */
import type { Activation } from '../activations.js';
import { activationBackward, activationDerivative, type ActivationDerivative } from '../activations-backward.js';
import { gemm } from '../gemm.js';
import { fast, Fn } from './gates.js';
import {
  activationCode,
  columnSums,
  expectLength as expectLen,
  f32,
  fastDeriv,
  fillRows,
  fillTimeMajor,
  fromTimeMajor,
  giveF32,
  gradsScratch,
  isShared,
  partBounds,
  sharedCopy,
  stepMasks,
  stepRows,
  sumParts,
  takeF32,
  transposeInto,
  type StepMasks,
} from './common.js';
import { lastOutput } from './lstm.js';
import { checkGruOptions, type GruForwardOptions, type GruForwardResult } from './gru.js';
import { readyHelpers, shareParts, type Helper } from '../wasm/threads.js';
import { APACK, wasmAlloc, wasmF32, wasmKernels, wasmMark, wasmRelease, type WasmKernels } from '../wasm/backend.js';

/** Options of {@link gruForwardTrain}: those of `gruForward` plus dropout masks. */
export interface GruTrainOptions extends GruForwardOptions {
  /** Input dropout, `batch × inputDim` (0 or 1/(1−rate)), applied at every step. Absent: none. */
  inputMask?: Float32Array;
  /** Recurrent dropout, `batch × units`, multiplied into h before the recurrent products. */
  recurrentMask?: Float32Array;
}

/** What the backward pass needs from the forward pass (opaque to callers; pass it to {@link gruBackward}). */
export interface GruTape {
  readonly batch: number;
  readonly timesteps: number;
  readonly inputDim: number;
  readonly units: number;
  readonly goBackwards: boolean;
  readonly returnSequences: boolean;
  readonly resetAfter: boolean;
  readonly kernel: Float32Array;
  readonly recurrentKernel: Float32Array;
  readonly hasBias: boolean;
  readonly activation: Activation;
  readonly recurrentActivation: Activation;
  /**
   * The input the products saw: time-major in processing order, times the input dropout mask; or, when
   * {@link xsBatchMajor}, the caller's `x` itself (`batch × T × D`, input order; no input mask), which
   * the kernels read in place rather than copy (it must not change before the backward pass).
   */
  readonly xs: Float32Array;
  readonly xsBatchMajor: boolean;
  readonly pre: Float32Array;
  readonly gates: Float32Array;
  readonly inner: Float32Array;
  readonly hs: Float32Array;
  readonly hIn: Float32Array | null;
  readonly inputMask: Float32Array | null;
  readonly recurrentMask: Float32Array | null;
  readonly steps: StepMasks | null;
}

/** What {@link gruForwardTrain} returns. */
export interface GruTrainResult extends GruForwardResult {
  tape: GruTape;
}

/** Options of {@link gruBackward}. */
export interface GruBackwardOptions {
  /** Compute ∂L/∂x (default true). */
  needInputGrad?: boolean;
  /** ∂L/∂h of the final state (e.g. from a `return_state` output), `batch × units`. */
  dhFinal?: Float32Array;
}

/** What {@link gruBackward} returns. */
export interface GruBackwardResult {
  /** ∂L/∂x, `batch × timesteps × inputDim` in input order, or null when not asked for. */
  dx: Float32Array | null;
  /** ∂L/∂kernel, `inputDim × 3u`. */
  dKernel: Float32Array;
  /** ∂L/∂recurrent_kernel, `u × 3u`. */
  dRecurrentKernel: Float32Array;
  /** ∂L/∂bias in the bias' layout (`2 × 3u` with resetAfter, else `3u`), or null without a bias. */
  dBias: Float32Array | null;
  /** ∂L/∂h0 (initial state), `batch × units`. */
  dh0: Float32Array;
}

/** The activation codes of the WebAssembly kernels (linear included), 0 when not inlined there. */
function wasmCode(a: Activation): number {
  return activationCode(a);
}

/** Whether the backward pass reads pre-activations (hard_sigmoid, relu); sigmoid, tanh and linear need only outputs. */
function needsPre(rec: number, act: number): boolean {
  const fromOutput = (c: number) => c === Fn.Sigmoid || c === Fn.Tanh || c === Fn.Linear;
  return !(fromOutput(rec) && fromOutput(act));
}

/** U's column block [c0, c0 + width) as a contiguous `u × width` matrix. */
function columns(U: Float32Array, u: number, stride: number, c0: number, width: number): Float32Array {
  const out = new Float32Array(u * width);
  for (let i = 0; i < u; i++) out.set(U.subarray(i * stride + c0, i * stride + c0 + width), i * width);
  return out;
}

/** Applies an activation to `n` values of `buf` from `off`: inline code, or the activation's own row-wise `apply`. */
function activateRow(fn: Fn, a: Activation, buf: Float32Array, off: number, n: number): void {
  if (fn === Fn.Other) a.apply(buf, off, 1, n);
  else for (let j = 0; j < n; j++) buf[off + j] = fast(fn, buf[off + j]!);
}

/**
 * Runs a GRU like {@link gruForward} and records what {@link gruBackward} needs. Dropout masks, when
 * given, are applied as Keras applies them in training (one mask per sequence, reused at every step).
 *
 * @throws {ShapeMismatchError} if an array has the wrong length.
 * @throws {ConfigError} if a size is not a non-negative integer.
 */
export function gruForwardTrain(x: Float32Array, options: GruTrainOptions): GruTrainResult {
  checkGruOptions('gruForwardTrain', x, options);
  const { batch: B, timesteps: T, inputDim: D, units: u } = options;
  if (options.inputMask !== undefined) expectLength('inputMask', options.inputMask, [B, D]);
  if (options.recurrentMask !== undefined) expectLength('recurrentMask', options.recurrentMask, [B, u]);
  const inputMask = options.inputMask ?? null;
  const recurrentMask = options.recurrentMask ?? null;
  const sm = options.mask !== undefined ? stepMasks(options.mask, B, T, options.goBackwards, options.maskedOutput ?? 'state') : null;
  const rec = wasmCode(options.recurrentActivation);
  const act = wasmCode(options.activation);
  if (T > 0 && B > 0 && u > 0 && rec !== Fn.Other && act !== Fn.Other) {
    const kern = wasmKernels();
    if (kern !== null) return forwardTrainWasm(kern, x, options, inputMask, recurrentMask, rec, act, sm);
  }
  return forwardTrainJs(timeMajor(x, B, T, D, options.goBackwards, inputMask), options, inputMask, recurrentMask, sm);
}

/** The time-major copy (processing order) of `batch × T × D` input, times an input dropout mask. */
function timeMajor(x: Float32Array, B: number, T: number, D: number, goBackwards: boolean, inputMask: Float32Array | null, shared = false): Float32Array {
  const xs = f32(T * B * D, shared);
  fillTimeMajor(x, xs, B, T, D, goBackwards, inputMask);
  return xs;
}

/** The tape's input as time-major rows (the TypeScript backward pass reads it so). */
function tapeInput(tape: GruTape): Float32Array {
  return tape.xsBatchMajor ? timeMajor(tape.xs, tape.batch, tape.timesteps, tape.inputDim, tape.goBackwards, null) : tape.xs;
}

/**
 * Copies the time-major input rows of batch rows [b0, b1) into the kernels' memory at byte address
 * `dst` (`T × (b1 − b0) × D`): from the time-major tape input, or gathered from batch-major `x`.
 */
function gatherInput(mem: Float32Array, dst: number, xs: Float32Array, batchMajor: boolean, B: number, T: number, D: number, goBackwards: boolean, b0: number, b1: number): void {
  const nb = b1 - b0;
  const d0 = dst >> 2;
  for (let s = 0; s < T; s++) {
    if (!batchMajor) {
      mem.set(xs.subarray((s * B + b0) * D, (s * B + b1) * D), d0 + s * nb * D);
      continue;
    }
    const t = goBackwards ? T - 1 - s : s;
    for (let b = b0; b < b1; b++) mem.set(xs.subarray((b * T + t) * D, (b * T + t + 1) * D), d0 + (s * nb + b - b0) * D);
  }
}

function forwardTrainJs(xs: Float32Array, options: GruTrainOptions, inputMask: Float32Array | null, recurrentMask: Float32Array | null, sm: StepMasks | null): GruTrainResult {
  const { batch: B, timesteps: T, inputDim: D, units: u, kernel, recurrentKernel: U, bias, resetAfter, returnSequences } = options;
  const u3 = 3 * u;
  const n = B * u;
  const pre = new Float32Array(T * B * u3);
  if (bias !== null) for (let r = 0; r < T * B; r++) pre.set(bias.subarray(0, u3), r * u3);
  if (T * B > 0) gemm(T * B, u3, D, xs, kernel, pre, { accumulate: bias !== null });
  const gates = new Float32Array(T * B * u3);
  const inner = new Float32Array(T * n);
  const hs = new Float32Array((T + 1) * n);
  if (options.initialH !== undefined) hs.set(options.initialH, 0);
  const hIn = recurrentMask !== null ? new Float32Array(T * n) : null;
  const output = new Float32Array(returnSequences ? B * T * u : n);
  const rb = bias !== null && resetAfter ? bias.subarray(u3, 2 * u3) : null;
  const recFn = activationCode(options.recurrentActivation);
  const actFn = activationCode(options.activation);
  const recA = options.recurrentActivation;
  const actA = options.activation;
  // recurrent products of one step
  const prod = new Float32Array(B * u3);
  const prodH = new Float32Array(n);
  const Uzr = resetAfter ? null : columns(U, u, u3, 0, 2 * u);
  const Uh = resetAfter ? null : columns(U, u, u3, 2 * u, u);
  for (let s = 0; s < T; s++) {
    const hOff = s * n;
    let a = hs;
    let aOff = hOff;
    if (hIn !== null) {
      for (let p = 0; p < n; p++) hIn[hOff + p] = hs[hOff + p]! * recurrentMask![p]!;
      a = hIn;
    }
    if (u > 0) {
      if (resetAfter) gemm(B, u3, u, a, U, prod, { aOffset: aOff });
      else gemm(B, 2 * u, u, a, Uzr!, prod, { aOffset: aOff });
    }
    const kept = (b: number) => sm === null || sm.keep[s * B + b] !== 0;
    for (let b = 0; b < B; b++) {
      if (!kept(b)) continue;
      const p = (s * B + b) * u3;
      const w = resetAfter ? 3 : 2;
      for (let j = 0; j < 2 * u; j++) {
        const rv = prod[b * w * u + j]! + (rb !== null ? rb[j]! : 0);
        pre[p + j] = resetAfter ? pre[p + j]! + Math.fround(rv) : pre[p + j]! + prod[b * w * u + j]!;
      }
      gates.set(pre.subarray(p, p + 2 * u), p);
      activateRow(recFn, recA, gates, p, u);
      activateRow(recFn, recA, gates, p + u, u);
      const io = hOff + b * u;
      if (resetAfter) {
        for (let j = 0; j < u; j++) {
          const ih = Math.fround(prod[b * u3 + 2 * u + j]! + (rb !== null ? rb[2 * u + j]! : 0));
          inner[io + j] = ih;
          pre[p + 2 * u + j] = pre[p + 2 * u + j]! + gates[p + u + j]! * ih;
        }
      } else {
        for (let j = 0; j < u; j++) inner[io + j] = gates[p + u + j]! * a[aOff + b * u + j]!;
      }
    }
    if (!resetAfter && u > 0) {
      gemm(B, u, u, inner, Uh!, prodH, { aOffset: hOff });
      for (let b = 0; b < B; b++) {
        if (!kept(b)) continue;
        const p = (s * B + b) * u3 + 2 * u;
        for (let j = 0; j < u; j++) pre[p + j] = pre[p + j]! + prodH[b * u + j]!;
      }
    }
    for (let b = 0; b < B; b++) {
      const next = hOff + n + b * u;
      if (!kept(b)) {
        hs.copyWithin(next, hOff + b * u, hOff + (b + 1) * u);
      } else {
        const p = (s * B + b) * u3;
        gates.set(pre.subarray(p + 2 * u, p + u3), p + 2 * u);
        activateRow(actFn, actA, gates, p + 2 * u, u);
        for (let j = 0; j < u; j++) {
          const z = gates[p + j]!;
          hs[next + j] = Math.fround(z * hs[hOff + b * u + j]!) + Math.fround(Math.fround(1 - z) * gates[p + 2 * u + j]!);
        }
      }
      if (returnSequences && (sm?.out ? sm.out[s * B + b]! : 1) !== 0) output.set(hs.subarray(next, next + u), (b * T + s) * u);
    }
  }
  const h = hs.slice(T * n, (T + 1) * n);
  if (!returnSequences) lastOutput(output, h, sm, B, T, u);
  return { output, h, tape: tapeOf(options, xs, false, pre, gates, inner, hs, hIn, inputMask, recurrentMask, sm) };
}

function tapeOf(
  options: GruTrainOptions, xs: Float32Array, xsBatchMajor: boolean, pre: Float32Array, gates: Float32Array, inner: Float32Array, hs: Float32Array, hIn: Float32Array | null,
  inputMask: Float32Array | null, recurrentMask: Float32Array | null, sm: StepMasks | null,
): GruTape {
  return {
    batch: options.batch,
    timesteps: options.timesteps,
    inputDim: options.inputDim,
    units: options.units,
    goBackwards: options.goBackwards,
    returnSequences: options.returnSequences,
    resetAfter: options.resetAfter,
    kernel: options.kernel,
    recurrentKernel: options.recurrentKernel,
    hasBias: options.bias !== null,
    activation: options.activation,
    recurrentActivation: options.recurrentActivation,
    xs, xsBatchMajor, pre, gates, inner, hs, hIn, inputMask, recurrentMask,
    steps: sm,
  };
}

/**
 * Backpropagation through time for {@link gruForwardTrain}. `dOutput` is ∂L/∂output in the layout of
 * the forward output (`batch × timesteps × units` with `returnSequences`, processing order, else
 * `batch × units`). The weight gradients are sums over all steps and rows, by GEMMs after the recurrence.
 *
 * @throws {ShapeMismatchError} if `dOutput` or `dhFinal` has the wrong length.
 */
export function gruBackward(tape: GruTape, dOutput: Float32Array, options: GruBackwardOptions = {}): GruBackwardResult {
  const { batch: B, timesteps: T, inputDim: D, units: u } = tape;
  if (releasedTapes.has(tape)) throw new Error('gruBackward: this tape was released (releaseGruTape); run gruForwardTrain again');
  expectLength('dOutput', dOutput, tape.returnSequences ? [B, T, u] : [B, u]);
  if (options.dhFinal !== undefined) expectLength('dhFinal', options.dhFinal, [B, u]);
  const rec = wasmCode(tape.recurrentActivation);
  const act = wasmCode(tape.activation);
  const kern = T > 0 && B > 0 && u > 0 && rec !== Fn.Other && act !== Fn.Other ? wasmKernels() : null;
  const u3 = 3 * u;
  if (kern !== null) {
    const r = backwardWasm(kern, tape, dOutput, options, rec, act);
    const m = gradRows(D, u, tape.resetAfter);
    const sum = sumParts(kern, r.grads, r.parts, m * u3);
    let dBias: Float32Array | null = null;
    if (tape.hasBias) dBias = tape.resetAfter ? sum.slice((D + u) * u3, (D + u + 2) * u3) : sum.slice((D + u) * u3, (D + u + 1) * u3);
    return {
      dx: r.dx,
      dKernel: sum.slice(0, D * u3),
      dRecurrentKernel: sum.slice(D * u3, (D + u) * u3),
      dBias,
      dh0: r.dh0,
    };
  }
  const { dzx, dzh, dh0 } = backwardJs(tape, dOutput, options);
  return weightGradsJs(tape, dzx, dzh, dh0, options);
}

/** Tapes whose arrays went back to the pool (their backward pass would read reused memory). */
const releasedTapes = new WeakSet<GruTape>();

/**
 * Gives a tape's arrays back for reuse by later training passes, once its backward pass is done (the
 * recurrent layers do this after each training step: a fresh multi-megabyte tape per step costs more in
 * page faults than the step's copies). The tape cannot be used afterwards: {@link gruBackward} on it throws.
 */
export function releaseGruTape(tape: GruTape): void {
  if (releasedTapes.has(tape)) return;
  releasedTapes.add(tape);
  giveF32(tape.pre, tape.gates === tape.pre ? null : tape.gates, tape.inner, tape.hs, tape.hIn);
}

/** Rows of one part's gradient sums: [∂W (D) | ∂U (u) | ∂b (1, or 2 with resetAfter)] × 3u. */
function gradRows(D: number, u: number, resetAfter: boolean): number {
  return D + u + (resetAfter ? 2 : 1);
}

/** The recurrence of {@link gruBackward} in TypeScript: ∂L/∂pre of every step (x side and, with resetAfter, h side). */
function backwardJs(tape: GruTape, dOutput: Float32Array, options: GruBackwardOptions): { dzx: Float32Array; dzh: Float32Array | null; dh0: Float32Array } {
  const { batch: B, timesteps: T, units: u, resetAfter } = tape;
  const u3 = 3 * u;
  const n = B * u;
  const rec = activationCode(tape.recurrentActivation);
  const act = activationCode(tape.activation);
  const recD: ActivationDerivative | null = rec === Fn.Other ? activationDerivative(tape.recurrentActivation) : null;
  const actD: ActivationDerivative | null = act === Fn.Other ? activationDerivative(tape.activation) : null;
  const { pre, gates, inner, hs } = tape;
  const a = tape.hIn ?? hs;
  const rm = tape.recurrentMask;
  const sm = tape.steps;
  const fac = (s: number, b: number): number => (sm?.out ? sm.out[s * B + b]! : 1);
  const kept = (s: number, b: number): boolean => sm === null || sm.keep[s * B + b] !== 0;
  const dzx = new Float32Array(T * B * u3);
  const dzh = resetAfter ? new Float32Array(T * B * u3) : null;
  const dh = new Float64Array(n);
  if (options.dhFinal !== undefined) for (let p = 0; p < n; p++) dh[p] = options.dhFinal[p]!;
  if (!tape.returnSequences && T > 0) {
    for (let b = 0; b < B; b++) if (fac(T - 1, b) !== 0) for (let j = 0; j < u; j++) dh[b * u + j] = dh[b * u + j]! + dOutput[b * u + j]!;
  }
  const U = tape.recurrentKernel;
  const Uzr = resetAfter ? null : columns(U, u, u3, 0, 2 * u);
  const Uh = resetAfter ? null : columns(U, u, u3, 2 * u, u);
  const tmp = new Float32Array(n);
  const drh = new Float32Array(n);
  const dph = new Float32Array(B * u); // ∂ pre_h rows (reset_before: operand of the U_h product)
  const dzr = new Float32Array(B * 2 * u);
  const rowX = new Float32Array(u);
  const rowY = new Float32Array(u);
  const rowD = new Float32Array(u);
  const rowOut = new Float32Array(u);
  /** ∂pre = ∂y · act'(pre): inline, elementwise derivative, or the row-wise Jacobian. */
  const through = (fn: Fn, f: Activation, d: ActivationDerivative | null, x0: number, dIn: (j: number) => number, out: (j: number, v: number) => void): void => {
    if (fn === Fn.Other && d === null) {
      for (let j = 0; j < u; j++) {
        rowX[j] = pre[x0 + j]!;
        rowY[j] = gates[x0 + j]!;
        rowD[j] = dIn(j);
      }
      activationBackward(f, rowX, rowY, rowD, u, rowOut);
      for (let j = 0; j < u; j++) out(j, rowOut[j]!);
    } else {
      for (let j = 0; j < u; j++) out(j, dIn(j) * (d === null ? fastDeriv(fn, pre[x0 + j]!, gates[x0 + j]!) : d(pre[x0 + j]!, gates[x0 + j]!)));
    }
  };
  for (let s = T - 1; s >= 0; s--) {
    const hOff = s * n;
    if (tape.returnSequences) {
      for (let b = 0; b < B; b++) {
        if (fac(s, b) === 0) continue;
        const o = (b * T + s) * u;
        for (let j = 0; j < u; j++) dh[b * u + j] = dh[b * u + j]! + dOutput[o + j]!;
      }
    }
    for (let b = 0; b < B; b++) {
      if (!kept(s, b)) {
        // this step's scratch rows enter the products below: zeros for a masked row
        dph.fill(0, b * u, (b + 1) * u);
        dzr.fill(0, b * 2 * u, (b + 1) * 2 * u);
        continue;
      }
      const p = (s * B + b) * u3;
      const hb = b * u;
      through(act, tape.activation, actD, p + 2 * u, (j) => dh[hb + j]! * (1 - gates[p + j]!), (j, v) => {
        dzx[p + 2 * u + j] = v;
        dph[hb + j] = v;
      });
      through(rec, tape.recurrentActivation, recD, p, (j) => dh[hb + j]! * (hs[hOff + hb + j]! - gates[p + 2 * u + j]!), (j, v) => {
        dzx[p + j] = v;
      });
      if (resetAfter) {
        through(rec, tape.recurrentActivation, recD, p + u, (j) => dph[hb + j]! * inner[hOff + hb + j]!, (j, v) => {
          dzx[p + u + j] = v;
        });
        for (let j = 0; j < 2 * u; j++) dzh![p + j] = dzx[p + j]!;
        for (let j = 0; j < u; j++) dzh![p + 2 * u + j] = dzx[p + 2 * u + j]! * gates[p + u + j]!;
      }
    }
    if (resetAfter) {
      if (u > 0) gemm(B, u, u3, dzh!, U, tmp, { aOffset: s * B * u3, transposeB: true });
    } else if (u > 0) {
      gemm(B, u, u, dph, Uh!, drh, { transposeB: true });
      for (let b = 0; b < B; b++) {
        if (!kept(s, b)) continue;
        const p = (s * B + b) * u3;
        const hb = b * u;
        through(rec, tape.recurrentActivation, recD, p + u, (j) => drh[hb + j]! * a[hOff + hb + j]!, (j, v) => {
          dzx[p + u + j] = v;
        });
        for (let j = 0; j < 2 * u; j++) dzr[b * 2 * u + j] = dzx[p + j]!;
      }
      gemm(B, u, 2 * u, dzr, Uzr!, tmp, { transposeB: true });
    }
    for (let b = 0; b < B; b++) {
      if (!kept(s, b)) continue;
      const p = (s * B + b) * u3;
      const hb = b * u;
      for (let j = 0; j < u; j++) {
        let g = tmp[hb + j]!;
        if (!resetAfter) g += drh[hb + j]! * gates[p + u + j]!;
        if (rm !== null) g *= rm[hb + j]!;
        dh[hb + j] = dh[hb + j]! * gates[p + j]! + g;
      }
    }
    // rows that were masked keep dh; their dzx/dzh rows stay 0 (the arrays start zeroed)
  }
  return { dzx, dzh, dh0: Float32Array.from(dh) };
}

/** The weight and bias gradients from ∂L/∂pre (GEMMs over all steps), and ∂L/∂x. */
function weightGradsJs(tape: GruTape, dzx: Float32Array, dzh: Float32Array | null, dh0: Float32Array, options: GruBackwardOptions): GruBackwardResult {
  const { batch: B, timesteps: T, inputDim: D, units: u, resetAfter } = tape;
  const u3 = 3 * u;
  const rows = T * B;
  const dKernel = new Float32Array(D * u3);
  const dRecurrentKernel = new Float32Array(u * u3);
  const a = tape.hIn ?? tape.hs;
  if (rows > 0) {
    if (D > 0) {
      const xT = new Float32Array(D * rows);
      transposeInto(tapeInput(tape), rows, D, xT, 0);
      gemm(D, u3, rows, xT, dzx, dKernel);
    }
    const aT = new Float32Array(u * rows);
    transposeInto(a, rows, u, aT, 0);
    if (resetAfter) gemm(u, u3, rows, aT, dzh!, dRecurrentKernel);
    else {
      const dzr = new Float32Array(rows * 2 * u);
      const dzhh = new Float32Array(rows * u);
      for (let r = 0; r < rows; r++) {
        dzr.set(dzx.subarray(r * u3, r * u3 + 2 * u), r * 2 * u);
        dzhh.set(dzx.subarray(r * u3 + 2 * u, (r + 1) * u3), r * u);
      }
      const gzr = new Float32Array(u * 2 * u);
      gemm(u, 2 * u, rows, aT, dzr, gzr);
      const innerT = new Float32Array(u * rows);
      transposeInto(tape.inner, rows, u, innerT, 0);
      const gh = new Float32Array(u * u);
      gemm(u, u, rows, innerT, dzhh, gh);
      for (let i = 0; i < u; i++) {
        dRecurrentKernel.set(gzr.subarray(i * 2 * u, (i + 1) * 2 * u), i * u3);
        dRecurrentKernel.set(gh.subarray(i * u, (i + 1) * u), i * u3 + 2 * u);
      }
    }
  }
  let dBias: Float32Array | null = null;
  if (tape.hasBias) {
    dBias = new Float32Array(resetAfter ? 2 * u3 : u3);
    dBias.set(columnSums(dzx, rows, u3), 0);
    if (resetAfter) dBias.set(columnSums(dzh!, rows, u3), u3);
  }
  return { dx: options.needInputGrad ?? true ? inputGrad(tape, dzx) : null, dKernel, dRecurrentKernel, dBias, dh0 };
}

/** ∂L/∂x (`batch × timesteps × inputDim`) from the x-side ∂L/∂pre (time-major): dzx·kernelᵀ, back in input order. */
function inputGrad(tape: GruTape, dzx: Float32Array): Float32Array {
  const { batch: B, timesteps: T, inputDim: D, units: u } = tape;
  const dxs = new Float32Array(T * B * D);
  if (T * B > 0 && D > 0) gemm(T * B, D, 3 * u, dzx, tape.kernel, dxs, { transposeB: true });
  const dx = new Float32Array(B * T * D);
  fromTimeMajor(dxs, dx, B, T, D, tape.goBackwards, tape.inputMask);
  return dx;
}

/* ------------------------------------------------------------- WebAssembly and threads --------- */

/** Multiply-adds per call from which a training step's batch is split over helper threads. */
const PARALLEL_MIN_WORK = 4_000_000;

function trainHelpers(B: number, T: number, D: number, u: number): Helper[] {
  if (B < 2 || T * B < 64 || B * T * 3 * u * (D + u) < PARALLEL_MIN_WORK) return [];
  return readyHelpers();
}

/** The arrays of a training forward, written part by part (time-major like the tape). */
interface GruTrainArrays {
  pre: Float32Array;
  gates: Float32Array;
  inner: Float32Array;
  hs: Float32Array;
  hIn: Float32Array | null;
  seq: Float32Array | null;
}

/** A GRU training forward shared with helper threads (arrays over SharedArrayBuffers). Internal. */
export interface GruTrainJob {
  kind: 'gruTrain';
  B: number;
  T: number;
  D: number;
  u: number;
  resetAfter: boolean;
  xs: Float32Array;
  xsBatchMajor: boolean;
  goBackwards: boolean;
  kernel: Float32Array;
  recurrentKernel: Float32Array;
  bias: Float32Array | null;
  initialH: Float32Array | null;
  recurrentMask: Float32Array | null;
  keep: Float32Array | null;
  ofac: Float32Array | null;
  rec: number;
  act: number;
  out: GruTrainArrays;
  bounds: number[];
}

/** A GRU backward pass shared with helper threads. Internal. */
export interface GruBackJob {
  kind: 'gruBack';
  B: number;
  T: number;
  D: number;
  u: number;
  resetAfter: boolean;
  hasBias: boolean;
  pre: Float32Array;
  gates: Float32Array;
  inner: Float32Array;
  hs: Float32Array;
  hIn: Float32Array | null;
  xs: Float32Array;
  xsBatchMajor: boolean;
  /** The kernel `(D, 3u)`: the input gradient is ∂L/∂pre (x side) · kernelᵀ. */
  kernel: Float32Array;
  recurrentKernel: Float32Array;
  recurrentMask: Float32Array | null;
  /** Input dropout (`batch × D`) the input gradient is multiplied by, or null. */
  inputMask: Float32Array | null;
  goBackwards: boolean;
  keep: Float32Array | null;
  ofac: Float32Array | null;
  returnSequences: boolean;
  dOutput: Float32Array;
  dhFinal: Float32Array | null;
  rec: number;
  act: number;
  /** ∂L/∂x (`batch × T × D`, input order), each part writing its rows; null when not asked for. */
  dx: Float32Array | null;
  dh0: Float32Array;
  /** Per part: gradRows(D, u) rows × 3u, summed over the part's rows. */
  grads: Float32Array;
  bounds: number[];
}

/** Part i of a shared GRU training forward or backward (in a helper thread). Internal. */
export function runGruTrainPart(job: GruTrainJob | GruBackJob, i: number): void {
  const kern = wasmKernels();
  if (kern === null) throw new Error('kerasts helper thread: WebAssembly kernels unavailable');
  if (job.kind === 'gruTrain') trainRows(kern, job, job.bounds[i]!, job.bounds[i + 1]!);
  else backRows(kern, job, i, job.bounds[i]!, job.bounds[i + 1]!);
}

/** Packs U for the forward products: reset_after all of U (u × 3u) at `up`; else U_{z,r} at `up`, U_h at `uph`. */
function packForward(kern: WasmKernels, u: number, pu: number, up: number, uph: number, resetAfter: boolean): void {
  if (resetAfter) kern.packB(u, 3 * u, pu, 3 * u, 0, up);
  else {
    kern.packB(u, 2 * u, pu, 3 * u, 0, up);
    kern.packB(u, u, pu + 8 * u, 3 * u, 0, uph);
  }
}

/** Batch rows [b0, b1) of a training forward in the WebAssembly kernels; the rows' tape goes into `job.out`. */
function trainRows(kern: WasmKernels, job: Omit<GruTrainJob, 'kind' | 'bounds'>, b0: number, b1: number): void {
  const { B, T, D, u, resetAfter, out } = job;
  const u3 = 3 * u;
  const nb = b1 - b0;
  const rows = T * nb;
  const n = nb * u;
  const mark = wasmMark();
  const pxs = wasmAlloc(kern, rows * D);
  const pw = wasmAlloc(kern, D * u3);
  const pwp = wasmAlloc(kern, kern.packedBSize(D, u3));
  const pu = wasmAlloc(kern, u * u3);
  const pup = wasmAlloc(kern, kern.packedBSize(u, resetAfter ? u3 : 2 * u));
  const puh = resetAfter ? 0 : wasmAlloc(kern, kern.packedBSize(u, u));
  const ppre = wasmAlloc(kern, rows * u3);
  const pg = wasmAlloc(kern, rows * u3);
  const pin = wasmAlloc(kern, rows * u);
  const phs = wasmAlloc(kern, (T + 1) * n);
  const phin = out.hIn !== null ? wasmAlloc(kern, rows * u) : 0;
  const prb = wasmAlloc(kern, u3);
  const pm = job.recurrentMask !== null ? wasmAlloc(kern, n) : 0;
  const pkeep = job.keep !== null ? wasmAlloc(kern, rows) : 0;
  const pfac = job.ofac !== null ? wasmAlloc(kern, rows) : 0;
  const pseq = out.seq !== null ? wasmAlloc(kern, n * T) : 0;
  const pscr = wasmAlloc(kern, nb * u3);
  const mem = wasmF32(kern);
  if (job.keep !== null) mem.set(stepRows(job.keep, B, T, b0, b1), pkeep >> 2);
  if (job.ofac !== null) mem.set(stepRows(job.ofac, B, T, b0, b1), pfac >> 2);
  const getRows = (src: Float32Array, width: number, dst: number, slots: number): void => {
    for (let s = 0; s < slots; s++) mem.set(src.subarray((s * B + b0) * width, (s * B + b1) * width), (dst >> 2) + s * nb * width);
  };
  const putRows = (src: number, dst: Float32Array, width: number, slots: number): void => {
    for (let s = 0; s < slots; s++) dst.set(mem.subarray((src >> 2) + s * nb * width, (src >> 2) + (s + 1) * nb * width), (s * B + b0) * width);
  };
  gatherInput(mem, pxs, job.xs, job.xsBatchMajor, B, T, D, job.goBackwards, b0, b1);
  mem.set(job.kernel, pw >> 2);
  mem.set(job.recurrentKernel, pu >> 2);
  const bias = job.bias;
  if (bias !== null) fillRows(mem, ppre >> 2, bias.subarray(0, u3), rows, u3);
  if (bias !== null && resetAfter) mem.set(bias.subarray(u3, 2 * u3), prb >> 2);
  else mem.fill(0, prb >> 2, (prb >> 2) + u3);
  if (job.initialH !== null) mem.set(job.initialH.subarray(b0 * u, b1 * u), phs >> 2);
  else mem.fill(0, phs >> 2, (phs >> 2) + n);
  if (pm !== 0) mem.set(job.recurrentMask!.subarray(b0 * u, b1 * u), pm >> 2);
  kern.packB(D, u3, pw, u3, 0, pwp);
  packForward(kern, u, pu, pup, puh, resetAfter);
  if (D > 0) kern.gemmPacked(rows, u3, D, pxs, D, pwp, ppre, u3, bias !== null ? 1 : 0, APACK);
  else if (bias === null) mem.fill(0, ppre >> 2, (ppre >> 2) + rows * u3);
  const h0Zero = job.initialH === null && kern.allFinite(u * u3, pu) === 1 ? 1 : 0;
  kern.gruTrainRun(nb, T, u, ppre, pg, pin, phs, phin, pup, puh, prb, pm, resetAfter ? 1 : 0, job.rec, job.act, APACK, h0Zero, pkeep, pfac, pseq, pscr);
  if (needsPre(job.rec, job.act)) putRows(ppre, out.pre, u3, T);
  putRows(pg, out.gates, u3, T);
  putRows(pin, out.inner, u, T);
  putRows(phs, out.hs, u, T + 1);
  if (out.hIn !== null) putRows(phin, out.hIn, u, T);
  if (out.seq !== null) out.seq.set(mem.subarray(pseq >> 2, (pseq >> 2) + n * T), b0 * T * u);
  wasmRelease(mark);
}

function forwardTrainWasm(
  kern: WasmKernels, x: Float32Array, options: GruTrainOptions, inputMask: Float32Array | null, recurrentMask: Float32Array | null,
  rec: number, act: number, sm: StepMasks | null,
): GruTrainResult {
  const { batch: B, timesteps: T, inputDim: D, units: u, kernel, recurrentKernel, bias, returnSequences, resetAfter } = options;
  const u3 = 3 * u;
  const rows = T * B;
  const n = B * u;
  const helpers = trainHelpers(B, T, D, u);
  const shared = helpers.length > 0;
  // Without input dropout the kernels read x in place (batch-major); with it, the masked time-major copy.
  const batchMajor = inputMask === null;
  const xsTape = batchMajor ? (shared && !isShared(x) ? sharedCopy(x) : x) : timeMajor(x, B, T, D, options.goBackwards, inputMask, shared);
  // the tape's arrays come from the pool (every value is written below); releaseGruTape gives them back
  const gatesOut = takeF32(rows * u3, shared);
  const out: GruTrainArrays = {
    pre: needsPre(rec, act) ? takeF32(rows * u3, shared) : gatesOut,
    gates: gatesOut,
    inner: takeF32(rows * u, shared),
    hs: takeF32((T + 1) * n, shared),
    hIn: recurrentMask !== null ? takeF32(rows * u, shared) : null,
    seq: returnSequences ? f32(n * T, shared) : null,
  };
  const job = {
    B, T, D, u, resetAfter, rec, act, out,
    xs: xsTape, xsBatchMajor: batchMajor, goBackwards: options.goBackwards, kernel, recurrentKernel, bias,
    initialH: options.initialH ?? null,
    recurrentMask,
    keep: sm?.keep ?? null,
    ofac: sm?.out ?? null,
  };
  if (!shared) trainRows(kern, job, 0, B);
  else {
    const bounds = partBounds(B, D, u, 3, resetAfter ? 1 : 0);
    const sjob: GruTrainJob = {
      ...job,
      kind: 'gruTrain',
      bounds,
      kernel: sharedCopy(kernel),
      recurrentKernel: sharedCopy(recurrentKernel),
      bias: bias === null ? null : sharedCopy(bias),
      initialH: job.initialH === null ? null : sharedCopy(job.initialH),
      recurrentMask: recurrentMask === null ? null : sharedCopy(recurrentMask),
      keep: job.keep === null ? null : sharedCopy(job.keep),
      ofac: job.ofac === null ? null : sharedCopy(job.ofac),
    };
    shareParts(helpers, bounds.length - 1, sjob as unknown as Record<string, unknown>, [], (i) => trainRows(kern, job, bounds[i]!, bounds[i + 1]!), () => {});
  }
  const h = out.hs.slice(T * n, (T + 1) * n);
  let output: Float32Array;
  if (out.seq !== null) output = shared ? out.seq.slice() : out.seq;
  else {
    output = new Float32Array(n);
    lastOutput(output, h, sm, B, T, u);
  }
  return { output, h, tape: tapeOf(options, xsTape, batchMajor, out.pre, out.gates, out.inner, out.hs, out.hIn, inputMask, recurrentMask, sm) };
}

/**
 * Part `part` (rows [b0, b1)) of {@link gruBackward} in the WebAssembly kernels: the recurrence, then
 * the part's weight-gradient sums (GEMMs with transposed A on packed ∂pre, and column sums).
 */
function backRows(kern: WasmKernels, job: Omit<GruBackJob, 'kind' | 'bounds'>, part: number, b0: number, b1: number): void {
  const { B, T, u, D, resetAfter } = job;
  const u3 = 3 * u;
  const nb = b1 - b0;
  const rows = T * nb;
  const n = nb * u;
  const m = gradRows(D, u, resetAfter);
  const mark = wasmMark();
  const withPre = needsPre(job.rec, job.act);
  // +4 floats: the backward kernels read whole lanes past a row's last unit (values unused)
  const pg = wasmAlloc(kern, rows * u3 + 4);
  const ppre = withPre ? wasmAlloc(kern, rows * u3 + 4) : pg;
  const pin = wasmAlloc(kern, rows * u + 4);
  const phs = wasmAlloc(kern, (T + 1) * n + 4);
  const phin = job.hIn !== null ? wasmAlloc(kern, rows * u + 4) : 0;
  const pdo = job.returnSequences ? wasmAlloc(kern, nb * T * u) : 0;
  const pdh = wasmAlloc(kern, n + 4);
  const pdzx = wasmAlloc(kern, rows * u3 + 4);
  const pdzh = resetAfter ? wasmAlloc(kern, rows * u3 + 4) : 0;
  const pu = wasmAlloc(kern, u * u3);
  const putp = wasmAlloc(kern, kern.packedBSize(resetAfter ? u3 : 2 * u, u));
  const puhtp = resetAfter ? 0 : wasmAlloc(kern, kern.packedBSize(u, u));
  const pm = job.recurrentMask !== null ? wasmAlloc(kern, n) : 0;
  const pkeep = job.keep !== null ? wasmAlloc(kern, rows) : 0;
  const pfac = job.ofac !== null ? wasmAlloc(kern, rows) : 0;
  const pscr = wasmAlloc(kern, 2 * n + 4);
  const pxs = wasmAlloc(kern, rows * D);
  const pdp = wasmAlloc(kern, kern.packedBSize(rows, u3));
  const pdp2 = resetAfter ? 0 : wasmAlloc(kern, kern.packedBSize(rows, 2 * u));
  const pdp3 = resetAfter ? 0 : wasmAlloc(kern, kern.packedBSize(rows, u));
  const pgr = wasmAlloc(kern, m * u3);
  // the part's input gradient: its ∂pre rows (time-major) times kernelᵀ, computed here so that ∂pre never leaves the kernels
  const withDx = job.dx !== null && D > 0 && rows > 0;
  const pw = withDx ? wasmAlloc(kern, D * u3) : 0;
  const pwtp = withDx ? wasmAlloc(kern, kern.packedBSize(u3, D)) : 0;
  const pdx = withDx ? wasmAlloc(kern, rows * D) : 0;
  const mem = wasmF32(kern);
  if (job.keep !== null) mem.set(stepRows(job.keep, B, T, b0, b1), pkeep >> 2);
  if (job.ofac !== null) mem.set(stepRows(job.ofac, B, T, b0, b1), pfac >> 2);
  const getRows = (src: Float32Array, width: number, dst: number, slots: number): void => {
    for (let s = 0; s < slots; s++) mem.set(src.subarray((s * B + b0) * width, (s * B + b1) * width), (dst >> 2) + s * nb * width);
  };
  if (withPre) getRows(job.pre, u3, ppre, T);
  getRows(job.gates, u3, pg, T);
  getRows(job.inner, u, pin, T);
  getRows(job.hs, u, phs, T + 1);
  if (job.hIn !== null) getRows(job.hIn, u, phin, T);
  if (pdo !== 0) mem.set(job.dOutput.subarray(b0 * T * u, b1 * T * u), pdo >> 2);
  const dh = pdh >> 2;
  for (let p = 0; p < n; p++) {
    const q = b0 * u + p;
    let v = job.dhFinal !== null ? job.dhFinal[q]! : 0;
    if (!job.returnSequences && (job.ofac === null || job.ofac[(T - 1) * B + b0 + Math.floor(p / u)] !== 0)) v += job.dOutput[q]!;
    mem[dh + p] = v;
  }
  mem.set(job.recurrentKernel, pu >> 2);
  if (pm !== 0) mem.set(job.recurrentMask!.subarray(b0 * u, b1 * u), pm >> 2);
  if (resetAfter) kern.packB(u3, u, pu, u3, 1, putp);
  else {
    kern.packB(2 * u, u, pu, u3, 1, putp);
    kern.packB(u, u, pu + 8 * u, u3, 1, puhtp);
  }
  kern.gruBackRun(nb, T, u, ppre, pg, pin, phs, phin, pdo, pdh, pdzx, pdzh, putp, puhtp, pm, resetAfter ? 1 : 0, job.rec, job.act, APACK, pkeep, pfac, pscr);
  // The part's weight gradients, summed over its rows.
  gatherInput(mem, pxs, job.xs, job.xsBatchMajor, B, T, D, job.goBackwards, b0, b1);
  mem.fill(0, pgr >> 2, (pgr >> 2) + m * u3);
  const pa = job.hIn !== null ? phin : phs; // the recurrent products' operand: h·mask, or the states' first T slots
  if (rows > 0) {
    kern.packB(rows, u3, pdzx, u3, 0, pdp);
    if (D > 0) kern.gemmPackedAT(D, u3, rows, pxs, D, pdp, pgr, u3, 0, APACK);
    const dU = pgr + D * u3 * 4;
    if (resetAfter) {
      kern.packB(rows, u3, pdzh, u3, 0, pdp);
      kern.gemmPackedAT(u, u3, rows, pa, u, pdp, dU, u3, 0, APACK);
    } else {
      kern.packB(rows, 2 * u, pdzx, u3, 0, pdp2);
      kern.packB(rows, u, pdzx + 8 * u, u3, 0, pdp3);
      kern.gemmPackedAT(u, 2 * u, rows, pa, u, pdp2, dU, u3, 0, APACK);
      kern.gemmPackedAT(u, u, rows, pin, u, pdp3, dU + 8 * u, u3, 0, APACK);
    }
    if (job.hasBias) {
      kern.addColumnSums(rows, u3, pdzx, u3, pgr + (D + u) * u3 * 4);
      if (resetAfter) kern.addColumnSums(rows, u3, pdzh, u3, pgr + (D + u + 1) * u3 * 4);
    }
  }
  job.grads.set(mem.subarray(pgr >> 2, (pgr >> 2) + m * u3), part * m * u3);
  if (withDx) {
    mem.set(job.kernel, pw >> 2);
    kern.packB(u3, D, pw, u3, 1, pwtp);
    kern.gemmPacked(rows, D, u3, pdzx, u3, pwtp, pdx, D, 0, APACK);
    // back to input order (batch × T × D), times the input dropout mask
    const dx = job.dx!;
    const im = job.inputMask;
    const x0 = pdx >> 2;
    for (let s = 0; s < T; s++) {
      const t = job.goBackwards ? T - 1 - s : s;
      for (let b = b0; b < b1; b++) {
        const src = x0 + (s * nb + b - b0) * D;
        const dst = (b * T + t) * D;
        if (im === null) dx.set(mem.subarray(src, src + D), dst);
        else for (let q = 0, mo = b * D; q < D; q++) dx[dst + q] = mem[src + q]! * im[mo + q]!;
      }
    }
  } else if (job.dx !== null) job.dx.fill(0, b0 * T * D, b1 * T * D);
  job.dh0.set(mem.subarray(dh, dh + n), b0 * u);
  wasmRelease(mark);
}

function backwardWasm(
  kern: WasmKernels, tape: GruTape, dOutput: Float32Array, options: GruBackwardOptions, rec: number, act: number,
): { dx: Float32Array | null; dh0: Float32Array; grads: Float32Array; parts: number } {
  const { batch: B, timesteps: T, inputDim: D, units: u, resetAfter } = tape;
  const n = B * u;
  const helpers = isShared(tape.gates) && isShared(tape.xs) ? trainHelpers(B, T, D, u) : [];
  const shared = helpers.length > 0;
  const bounds = partBounds(B, D, u, 3, resetAfter ? 1 : 0);
  const parts = bounds.length - 1;
  const job = {
    B, T, u, D, resetAfter, rec, act,
    hasBias: tape.hasBias,
    pre: tape.pre,
    gates: tape.gates,
    inner: tape.inner,
    hs: tape.hs,
    hIn: tape.hIn,
    xs: tape.xs,
    xsBatchMajor: tape.xsBatchMajor,
    kernel: tape.kernel,
    recurrentKernel: tape.recurrentKernel,
    recurrentMask: tape.recurrentMask,
    inputMask: tape.inputMask,
    goBackwards: tape.goBackwards,
    keep: tape.steps?.keep ?? null,
    ofac: tape.steps?.out ?? null,
    returnSequences: tape.returnSequences,
    dOutput,
    dhFinal: options.dhFinal ?? null,
    dx: options.needInputGrad ?? true ? f32(B * T * D, shared) : null,
    dh0: f32(n, shared),
    grads: gradsScratch(parts * gradRows(D, u, resetAfter) * 3 * u, shared),
  };
  if (!shared) {
    for (let i = 0; i < parts; i++) backRows(kern, job, i, bounds[i]!, bounds[i + 1]!);
    return { ...job, parts };
  }
  const sjob: GruBackJob = {
    ...job,
    kind: 'gruBack',
    bounds,
    kernel: sharedCopy(tape.kernel),
    recurrentKernel: sharedCopy(tape.recurrentKernel),
    recurrentMask: tape.recurrentMask === null ? null : sharedCopy(tape.recurrentMask),
    inputMask: tape.inputMask === null ? null : sharedCopy(tape.inputMask),
    keep: job.keep === null ? null : sharedCopy(job.keep),
    ofac: job.ofac === null ? null : sharedCopy(job.ofac),
    dOutput: sharedCopy(dOutput),
    dhFinal: job.dhFinal === null ? null : sharedCopy(job.dhFinal),
  };
  shareParts(helpers, parts, sjob as unknown as Record<string, unknown>, [], (i) => backRows(kern, job, i, bounds[i]!, bounds[i + 1]!), () => {});
  return { dx: job.dx, dh0: job.dh0.slice(), grads: job.grads, parts };
}

function expectLength(name: string, arr: Float32Array, shape: readonly number[]): void {
  expectLen('gru (training)', name, arr, shape);
}

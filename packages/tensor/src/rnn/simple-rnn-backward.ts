/**
 * Training forward and backward (backpropagation through time) of a Keras `SimpleRNN`. Tape
 * (time-major, processing order): `pre` (T·B × u) the pre-activations, `hs` ((T+1)·B × u) the states
 * (slot 0 the initial one), `hIn` (T·B × u) the state times the recurrent dropout mask (null without
 * one: then it is `hs`'s first T slots).
 */
import type { Activation } from '../activations.js';
import { activationBackward, activationDerivative } from '../activations-backward.js';
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
  gradsScratch,
  isShared,
  partBounds,
  sharedCopy,
  stepMasks,
  stepRows,
  sumParts,
  transposeInto,
  type StepMasks,
} from './common.js';
import { lastOutput } from './lstm.js';
import { checkSimpleRnnOptions, type SimpleRnnForwardOptions, type SimpleRnnForwardResult } from './simple-rnn.js';
import { readyHelpers, shareParts, type Helper } from '../wasm/threads.js';
import { APACK, wasmAlloc, wasmF32, wasmKernels, wasmMark, wasmRelease, type WasmKernels } from '../wasm/backend.js';

/** Options of {@link simpleRnnForwardTrain}: those of `simpleRnnForward` plus dropout masks. */
export interface SimpleRnnTrainOptions extends SimpleRnnForwardOptions {
  /** Input dropout, `batch × inputDim`, applied at every step. */
  inputMask?: Float32Array;
  /** Recurrent dropout, `batch × units`, multiplied into h before the recurrent product. */
  recurrentMask?: Float32Array;
}

/** What the backward pass needs (opaque; pass it to {@link simpleRnnBackward}). */
export interface SimpleRnnTape {
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
  readonly xs: Float32Array;
  readonly pre: Float32Array;
  readonly hs: Float32Array;
  readonly hIn: Float32Array | null;
  readonly inputMask: Float32Array | null;
  readonly recurrentMask: Float32Array | null;
  readonly steps: StepMasks | null;
}

/** What {@link simpleRnnForwardTrain} returns. */
export interface SimpleRnnTrainResult extends SimpleRnnForwardResult {
  tape: SimpleRnnTape;
}

/** Options of {@link simpleRnnBackward}. */
export interface SimpleRnnBackwardOptions {
  needInputGrad?: boolean;
  /** ∂L/∂h of the final state, `batch × units`. */
  dhFinal?: Float32Array;
}

/** What {@link simpleRnnBackward} returns. */
export interface SimpleRnnBackwardResult {
  dx: Float32Array | null;
  /** `inputDim × u`. */
  dKernel: Float32Array;
  /** `u × u`. */
  dRecurrentKernel: Float32Array;
  /** `u`, or null without a bias. */
  dBias: Float32Array | null;
  dh0: Float32Array;
}

/**
 * Runs a SimpleRNN like {@link simpleRnnForward} and records what {@link simpleRnnBackward} needs.
 *
 * @throws {ShapeMismatchError} if an array has the wrong length.
 */
export function simpleRnnForwardTrain(x: Float32Array, options: SimpleRnnTrainOptions): SimpleRnnTrainResult {
  checkSimpleRnnOptions('simpleRnnForwardTrain', x, options);
  const { batch: B, timesteps: T, inputDim: D, units: u } = options;
  if (options.inputMask !== undefined) expectLength('inputMask', options.inputMask, [B, D]);
  if (options.recurrentMask !== undefined) expectLength('recurrentMask', options.recurrentMask, [B, u]);
  const inputMask = options.inputMask ?? null;
  const recurrentMask = options.recurrentMask ?? null;
  const sm = options.mask !== undefined ? stepMasks(options.mask, B, T, options.goBackwards, options.maskedOutput ?? 'state') : null;
  const xs = new Float32Array(T * B * D);
  fillTimeMajor(x, xs, B, T, D, options.goBackwards, inputMask);
  const act = activationCode(options.activation);
  if (T > 0 && B > 0 && u > 0 && act !== Fn.Other) {
    const kern = wasmKernels();
    if (kern !== null) return forwardTrainWasm(kern, xs, options, inputMask, recurrentMask, act, sm);
  }
  const { kernel, recurrentKernel: U, bias, returnSequences } = options;
  const n = B * u;
  const pre = new Float32Array(T * n);
  if (bias !== null) for (let r = 0; r < T * B; r++) pre.set(bias, r * u);
  if (T * B > 0) gemm(T * B, u, D, xs, kernel, pre, { accumulate: bias !== null });
  const hs = new Float32Array((T + 1) * n);
  if (options.initialH !== undefined) hs.set(options.initialH, 0);
  const hIn = recurrentMask !== null ? new Float32Array(T * n) : null;
  const output = new Float32Array(returnSequences ? B * T * u : n);
  const prod = new Float32Array(n);
  for (let s = 0; s < T; s++) {
    const hOff = s * n;
    let a = hs;
    if (hIn !== null) {
      for (let p = 0; p < n; p++) hIn[hOff + p] = hs[hOff + p]! * recurrentMask![p]!;
      a = hIn;
    }
    if (u > 0) gemm(B, u, u, a, U, prod, { aOffset: hOff });
    for (let b = 0; b < B; b++) {
      const next = hOff + n + b * u;
      if (sm !== null && sm.keep[s * B + b] === 0) hs.copyWithin(next, hOff + b * u, hOff + (b + 1) * u);
      else {
        const p = (s * B + b) * u;
        for (let j = 0; j < u; j++) pre[p + j] = pre[p + j]! + prod[b * u + j]!;
        hs.set(pre.subarray(p, p + u), next);
        if (act === Fn.Other) options.activation.apply(hs, next, 1, u);
        else for (let j = 0; j < u; j++) hs[next + j] = fast(act, hs[next + j]!);
      }
      if (returnSequences && (sm?.out ? sm.out[s * B + b]! : 1) !== 0) output.set(hs.subarray(next, next + u), (b * T + s) * u);
    }
  }
  const h = hs.slice(T * n, (T + 1) * n);
  if (!returnSequences) lastOutput(output, h, sm, B, T, u);
  return { output, h, tape: tapeOf(options, xs, pre, hs, hIn, inputMask, recurrentMask, sm) };
}

function tapeOf(
  options: SimpleRnnTrainOptions, xs: Float32Array, pre: Float32Array, hs: Float32Array, hIn: Float32Array | null,
  inputMask: Float32Array | null, recurrentMask: Float32Array | null, sm: StepMasks | null,
): SimpleRnnTape {
  return {
    batch: options.batch,
    timesteps: options.timesteps,
    inputDim: options.inputDim,
    units: options.units,
    goBackwards: options.goBackwards,
    returnSequences: options.returnSequences,
    kernel: options.kernel,
    recurrentKernel: options.recurrentKernel,
    hasBias: options.bias !== null,
    activation: options.activation,
    xs, pre, hs, hIn, inputMask, recurrentMask,
    steps: sm,
  };
}

/**
 * Backpropagation through time for {@link simpleRnnForwardTrain} (`dOutput` in the forward output's
 * layout).
 *
 * @throws {ShapeMismatchError} if `dOutput` or `dhFinal` has the wrong length.
 */
export function simpleRnnBackward(tape: SimpleRnnTape, dOutput: Float32Array, options: SimpleRnnBackwardOptions = {}): SimpleRnnBackwardResult {
  const { batch: B, timesteps: T, inputDim: D, units: u } = tape;
  expectLength('dOutput', dOutput, tape.returnSequences ? [B, T, u] : [B, u]);
  if (options.dhFinal !== undefined) expectLength('dhFinal', options.dhFinal, [B, u]);
  const act = activationCode(tape.activation);
  const kern = T > 0 && B > 0 && u > 0 && act !== Fn.Other ? wasmKernels() : null;
  if (kern !== null) {
    const r = backwardWasm(kern, tape, dOutput, options, act);
    const sum = sumParts(kern, r.grads, r.parts, (D + u + 1) * u);
    return {
      dx: r.dz === null ? null : inputGrad(tape, r.dz),
      dKernel: sum.slice(0, D * u),
      dRecurrentKernel: sum.slice(D * u, (D + u) * u),
      dBias: tape.hasBias ? sum.slice((D + u) * u) : null,
      dh0: r.dh0,
    };
  }
  // TypeScript: ∂L/∂pre step by step, then the weight gradients by GEMMs
  const n = B * u;
  const { pre, hs } = tape;
  const sm = tape.steps;
  const fac = (s: number, b: number): number => (sm?.out ? sm.out[s * B + b]! : 1);
  const kept = (s: number, b: number): boolean => sm === null || sm.keep[s * B + b] !== 0;
  const d = act === Fn.Other ? activationDerivative(tape.activation) : null;
  const dz = new Float32Array(T * n);
  const dh = new Float64Array(n);
  if (options.dhFinal !== undefined) for (let p = 0; p < n; p++) dh[p] = options.dhFinal[p]!;
  if (!tape.returnSequences && T > 0) {
    for (let b = 0; b < B; b++) if (fac(T - 1, b) !== 0) for (let j = 0; j < u; j++) dh[b * u + j] = dh[b * u + j]! + dOutput[b * u + j]!;
  }
  const prev = new Float32Array(n);
  const rowX = new Float32Array(u);
  const rowY = new Float32Array(u);
  const rowD = new Float32Array(u);
  const rowOut = new Float32Array(u);
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
      if (!kept(s, b)) continue;
      const p = hOff + b * u;
      const y = hOff + n + b * u;
      if (act === Fn.Other && d === null) {
        for (let j = 0; j < u; j++) {
          rowX[j] = pre[p + j]!;
          rowY[j] = hs[y + j]!;
          rowD[j] = dh[b * u + j]!;
        }
        activationBackward(tape.activation, rowX, rowY, rowD, u, rowOut);
        dz.set(rowOut, p);
      } else {
        for (let j = 0; j < u; j++) dz[p + j] = dh[b * u + j]! * (d === null ? fastDeriv(act, pre[p + j]!, hs[y + j]!) : d(pre[p + j]!, hs[y + j]!));
      }
    }
    if (u > 0) gemm(B, u, u, dz, tape.recurrentKernel, prev, { aOffset: hOff, transposeB: true });
    for (let b = 0; b < B; b++) {
      if (!kept(s, b)) continue;
      for (let j = 0; j < u; j++) dh[b * u + j] = tape.recurrentMask !== null ? prev[b * u + j]! * tape.recurrentMask[b * u + j]! : prev[b * u + j]!;
    }
  }
  const rows = T * B;
  const dKernel = new Float32Array(D * u);
  const dRecurrentKernel = new Float32Array(u * u);
  if (rows > 0) {
    if (D > 0) {
      const xT = new Float32Array(D * rows);
      transposeInto(tape.xs, rows, D, xT, 0);
      gemm(D, u, rows, xT, dz, dKernel);
    }
    const aT = new Float32Array(u * rows);
    transposeInto(tape.hIn ?? hs, rows, u, aT, 0);
    gemm(u, u, rows, aT, dz, dRecurrentKernel);
  }
  return {
    dx: options.needInputGrad ?? true ? inputGrad(tape, dz) : null,
    dKernel,
    dRecurrentKernel,
    dBias: tape.hasBias ? columnSums(dz, rows, u) : null,
    dh0: Float32Array.from(dh),
  };
}

function inputGrad(tape: SimpleRnnTape, dz: Float32Array): Float32Array {
  const { batch: B, timesteps: T, inputDim: D, units: u } = tape;
  const dxs = new Float32Array(T * B * D);
  if (T * B > 0 && D > 0) gemm(T * B, D, u, dz, tape.kernel, dxs, { transposeB: true });
  const dx = new Float32Array(B * T * D);
  fromTimeMajor(dxs, dx, B, T, D, tape.goBackwards, tape.inputMask);
  return dx;
}

/* ------------------------------------------------------------- WebAssembly and threads --------- */

function trainHelpers(B: number, T: number, D: number, u: number): Helper[] {
  if (B < 2 || T * B < 64 || B * T * u * (D + u) < 4_000_000) return [];
  return readyHelpers();
}

/** A SimpleRNN training forward shared with helper threads. Internal. */
export interface SimpleRnnTrainJob {
  kind: 'simpleRnnTrain';
  B: number;
  T: number;
  D: number;
  u: number;
  xs: Float32Array;
  kernel: Float32Array;
  recurrentKernel: Float32Array;
  bias: Float32Array | null;
  initialH: Float32Array | null;
  recurrentMask: Float32Array | null;
  keep: Float32Array | null;
  ofac: Float32Array | null;
  act: number;
  out: { pre: Float32Array; hs: Float32Array; hIn: Float32Array | null; seq: Float32Array | null };
  bounds: number[];
}

/** A SimpleRNN backward pass shared with helper threads. Internal. */
export interface SimpleRnnBackJob {
  kind: 'simpleRnnBack';
  B: number;
  T: number;
  D: number;
  u: number;
  hasBias: boolean;
  pre: Float32Array;
  hs: Float32Array;
  hIn: Float32Array | null;
  xs: Float32Array;
  recurrentKernel: Float32Array;
  recurrentMask: Float32Array | null;
  keep: Float32Array | null;
  ofac: Float32Array | null;
  returnSequences: boolean;
  dOutput: Float32Array;
  dhFinal: Float32Array | null;
  act: number;
  dz: Float32Array | null;
  dh0: Float32Array;
  grads: Float32Array;
  bounds: number[];
}

/** Part i of a shared SimpleRNN training forward or backward (in a helper thread). Internal. */
export function runSimpleRnnTrainPart(job: SimpleRnnTrainJob | SimpleRnnBackJob, i: number): void {
  const kern = wasmKernels();
  if (kern === null) throw new Error('kerasts helper thread: WebAssembly kernels unavailable');
  if (job.kind === 'simpleRnnTrain') trainRows(kern, job, job.bounds[i]!, job.bounds[i + 1]!);
  else backRows(kern, job, i, job.bounds[i]!, job.bounds[i + 1]!);
}

function trainRows(kern: WasmKernels, job: Omit<SimpleRnnTrainJob, 'kind' | 'bounds'>, b0: number, b1: number): void {
  const { B, T, D, u, out } = job;
  const nb = b1 - b0;
  const rows = T * nb;
  const n = nb * u;
  const mark = wasmMark();
  const pxs = wasmAlloc(kern, rows * D);
  const pw = wasmAlloc(kern, D * u);
  const pwp = wasmAlloc(kern, kern.packedBSize(D, u));
  const pu = wasmAlloc(kern, u * u);
  const pup = wasmAlloc(kern, kern.packedBSize(u, u));
  const ppre = wasmAlloc(kern, rows * u);
  const phs = wasmAlloc(kern, (T + 1) * n);
  const phin = out.hIn !== null ? wasmAlloc(kern, rows * u) : 0;
  const pm = job.recurrentMask !== null ? wasmAlloc(kern, n) : 0;
  const pkeep = job.keep !== null ? wasmAlloc(kern, rows) : 0;
  const pfac = job.ofac !== null ? wasmAlloc(kern, rows) : 0;
  const pseq = out.seq !== null ? wasmAlloc(kern, n * T) : 0;
  const mem = wasmF32(kern);
  if (job.keep !== null) mem.set(stepRows(job.keep, B, T, b0, b1), pkeep >> 2);
  if (job.ofac !== null) mem.set(stepRows(job.ofac, B, T, b0, b1), pfac >> 2);
  const getRows = (src: Float32Array, width: number, dst: number, slots: number): void => {
    for (let s = 0; s < slots; s++) mem.set(src.subarray((s * B + b0) * width, (s * B + b1) * width), (dst >> 2) + s * nb * width);
  };
  const putRows = (src: number, dst: Float32Array, width: number, slots: number): void => {
    for (let s = 0; s < slots; s++) dst.set(mem.subarray((src >> 2) + s * nb * width, (src >> 2) + (s + 1) * nb * width), (s * B + b0) * width);
  };
  getRows(job.xs, D, pxs, T);
  mem.set(job.kernel, pw >> 2);
  mem.set(job.recurrentKernel, pu >> 2);
  if (job.bias !== null) fillRows(mem, ppre >> 2, job.bias, rows, u);
  if (job.initialH !== null) mem.set(job.initialH.subarray(b0 * u, b1 * u), phs >> 2);
  else mem.fill(0, phs >> 2, (phs >> 2) + n);
  if (pm !== 0) mem.set(job.recurrentMask!.subarray(b0 * u, b1 * u), pm >> 2);
  kern.packB(D, u, pw, u, 0, pwp);
  kern.packB(u, u, pu, u, 0, pup);
  if (D > 0) kern.gemmPacked(rows, u, D, pxs, D, pwp, ppre, u, job.bias !== null ? 1 : 0, APACK);
  else if (job.bias === null) mem.fill(0, ppre >> 2, (ppre >> 2) + rows * u);
  const h0Zero = job.initialH === null && kern.allFinite(u * u, pu) === 1 ? 1 : 0;
  kern.rnnTrainRun(nb, T, u, ppre, phs, phin, pup, pm, job.act, APACK, h0Zero, pkeep, pfac, pseq);
  putRows(ppre, out.pre, u, T);
  putRows(phs, out.hs, u, T + 1);
  if (out.hIn !== null) putRows(phin, out.hIn, u, T);
  if (out.seq !== null) out.seq.set(mem.subarray(pseq >> 2, (pseq >> 2) + n * T), b0 * T * u);
  wasmRelease(mark);
}

function forwardTrainWasm(
  kern: WasmKernels, xs: Float32Array, options: SimpleRnnTrainOptions, inputMask: Float32Array | null, recurrentMask: Float32Array | null,
  act: number, sm: StepMasks | null,
): SimpleRnnTrainResult {
  const { batch: B, timesteps: T, inputDim: D, units: u, kernel, recurrentKernel, bias, returnSequences } = options;
  const rows = T * B;
  const n = B * u;
  const helpers = trainHelpers(B, T, D, u);
  const shared = helpers.length > 0;
  const xsTape = shared ? sharedCopy(xs) : xs;
  const out = {
    pre: f32(rows * u, shared),
    hs: f32((T + 1) * n, shared),
    hIn: recurrentMask !== null ? f32(rows * u, shared) : null,
    seq: returnSequences ? f32(n * T, shared) : null,
  };
  const job = {
    B, T, D, u, act, out,
    xs: xsTape, kernel, recurrentKernel, bias,
    initialH: options.initialH ?? null,
    recurrentMask,
    keep: sm?.keep ?? null,
    ofac: sm?.out ?? null,
  };
  if (!shared) trainRows(kern, job, 0, B);
  else {
    const bounds = partBounds(B, D, u, 1);
    const sjob: SimpleRnnTrainJob = {
      ...job,
      kind: 'simpleRnnTrain',
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
  return { output, h, tape: tapeOf(options, xsTape, out.pre, out.hs, out.hIn, inputMask, recurrentMask, sm) };
}

function backRows(kern: WasmKernels, job: Omit<SimpleRnnBackJob, 'kind' | 'bounds'>, part: number, b0: number, b1: number): void {
  const { B, T, u, D } = job;
  const nb = b1 - b0;
  const rows = T * nb;
  const n = nb * u;
  const m = D + u + 1;
  const mark = wasmMark();
  // +4 floats: the backward kernel reads whole lanes past a row's last unit (values unused)
  const ppre = wasmAlloc(kern, rows * u + 4);
  const phs = wasmAlloc(kern, (T + 1) * n + 4);
  const phin = job.hIn !== null ? wasmAlloc(kern, rows * u) : 0;
  const pdo = job.returnSequences ? wasmAlloc(kern, nb * T * u) : 0;
  const pdh = wasmAlloc(kern, n + 4);
  const pdz = wasmAlloc(kern, rows * u + 4);
  const pu = wasmAlloc(kern, u * u);
  const putp = wasmAlloc(kern, kern.packedBSize(u, u));
  const pm = job.recurrentMask !== null ? wasmAlloc(kern, n) : 0;
  const pkeep = job.keep !== null ? wasmAlloc(kern, rows) : 0;
  const pfac = job.ofac !== null ? wasmAlloc(kern, rows) : 0;
  const pscr = wasmAlloc(kern, n);
  const pxs = wasmAlloc(kern, rows * D);
  const pdp = wasmAlloc(kern, kern.packedBSize(rows, u));
  const pgr = wasmAlloc(kern, m * u);
  const mem = wasmF32(kern);
  if (job.keep !== null) mem.set(stepRows(job.keep, B, T, b0, b1), pkeep >> 2);
  if (job.ofac !== null) mem.set(stepRows(job.ofac, B, T, b0, b1), pfac >> 2);
  const getRows = (src: Float32Array, width: number, dst: number, slots: number): void => {
    for (let s = 0; s < slots; s++) mem.set(src.subarray((s * B + b0) * width, (s * B + b1) * width), (dst >> 2) + s * nb * width);
  };
  getRows(job.pre, u, ppre, T);
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
  kern.packB(u, u, pu, u, 1, putp);
  kern.rnnBackRun(nb, T, u, ppre, phs, pdo, pdh, pdz, putp, pm, job.act, APACK, pkeep, pfac, pscr);
  getRows(job.xs, D, pxs, T);
  mem.fill(0, pgr >> 2, (pgr >> 2) + m * u);
  if (rows > 0) {
    kern.packB(rows, u, pdz, u, 0, pdp);
    if (D > 0) kern.gemmPackedAT(D, u, rows, pxs, D, pdp, pgr, u, 0, APACK);
    kern.gemmPackedAT(u, u, rows, job.hIn !== null ? phin : phs, u, pdp, pgr + D * u * 4, u, 0, APACK);
    if (job.hasBias) kern.addColumnSums(rows, u, pdz, u, pgr + (D + u) * u * 4);
  }
  job.grads.set(mem.subarray(pgr >> 2, (pgr >> 2) + m * u), part * m * u);
  if (job.dz !== null) {
    for (let s = 0; s < T; s++) job.dz.set(mem.subarray((pdz >> 2) + s * nb * u, (pdz >> 2) + (s + 1) * nb * u), (s * B + b0) * u);
  }
  job.dh0.set(mem.subarray(dh, dh + n), b0 * u);
  wasmRelease(mark);
}

function backwardWasm(
  kern: WasmKernels, tape: SimpleRnnTape, dOutput: Float32Array, options: SimpleRnnBackwardOptions, act: number,
): { dz: Float32Array | null; dh0: Float32Array; grads: Float32Array; parts: number } {
  const { batch: B, timesteps: T, inputDim: D, units: u } = tape;
  const n = B * u;
  const helpers = isShared(tape.pre) && isShared(tape.xs) ? trainHelpers(B, T, D, u) : [];
  const shared = helpers.length > 0;
  const bounds = partBounds(B, D, u, 1);
  const parts = bounds.length - 1;
  const job = {
    B, T, u, D, act,
    hasBias: tape.hasBias,
    pre: tape.pre,
    hs: tape.hs,
    hIn: tape.hIn,
    xs: tape.xs,
    recurrentKernel: tape.recurrentKernel,
    recurrentMask: tape.recurrentMask,
    keep: tape.steps?.keep ?? null,
    ofac: tape.steps?.out ?? null,
    returnSequences: tape.returnSequences,
    dOutput,
    dhFinal: options.dhFinal ?? null,
    dz: options.needInputGrad ?? true ? f32(T * n, shared) : null,
    dh0: f32(n, shared),
    grads: gradsScratch(parts * (D + u + 1) * u, shared),
  };
  if (!shared) {
    for (let i = 0; i < parts; i++) backRows(kern, job, i, bounds[i]!, bounds[i + 1]!);
    return { ...job, parts };
  }
  const sjob: SimpleRnnBackJob = {
    ...job,
    kind: 'simpleRnnBack',
    bounds,
    recurrentKernel: sharedCopy(tape.recurrentKernel),
    recurrentMask: tape.recurrentMask === null ? null : sharedCopy(tape.recurrentMask),
    keep: job.keep === null ? null : sharedCopy(job.keep),
    ofac: job.ofac === null ? null : sharedCopy(job.ofac),
    dOutput: sharedCopy(dOutput),
    dhFinal: job.dhFinal === null ? null : sharedCopy(job.dhFinal),
  };
  shareParts(helpers, parts, sjob as unknown as Record<string, unknown>, [], (i) => backRows(kern, job, i, bounds[i]!, bounds[i + 1]!), () => {});
  return { dz: job.dz, dh0: job.dh0.slice(), grads: job.grads, parts };
}

function expectLength(name: string, arr: Float32Array, shape: readonly number[]): void {
  expectLen('simpleRnn (training)', name, arr, shape);
}

/**
 * The forward pass of a Keras `LSTM` layer over plain float32 buffers.
 */
import type { Activation } from '../activations.js';
import { gemm, type GemmOptions } from '../gemm.js';
import { fast, Fn } from './gates.js';
import { ACTIVATION_BY_CODE, activationCode as code, checkSizes, expectLength as expectLen, fillRows, guidedBounds, stepMasks, type MaskedOutput, type StepMasks } from './common.js';
import { readyHelpers, shareParts, type Helper } from '../wasm/threads.js';
import { packedWeights } from '../wasm/pack-cache.js';
import { APACK, wasmAlloc, wasmF32, wasmKernels, wasmMark, wasmRelease, wasmThresholds, type WasmKernels } from '../wasm/backend.js';

/** Inputs of {@link lstmForward}: sizes, weights as Keras stores them, activations and flags. */
export interface LstmForwardOptions {
  batch: number;
  timesteps: number;
  inputDim: number;
  units: number;
  /** `(inputDim, 4·units)` row-major; the column blocks are the gates i, f, c, o. */
  kernel: Float32Array;
  /** `(units, 4·units)` row-major, same gate blocks. */
  recurrentKernel: Float32Array;
  /** `(4·units)`, or null for `use_bias=False`. */
  bias: Float32Array | null;
  /** Applied to the cell candidate and to the cell state before the output gate (Keras `activation`, default tanh). */
  activation: Activation;
  /** Applied to the i, f, o gates (Keras `recurrent_activation`). */
  recurrentActivation: Activation;
  /** Output every step's h (`batch × timesteps × units`) rather than only the last (`batch × units`). */
  returnSequences: boolean;
  /** Process the steps from last to first. */
  goBackwards: boolean;
  /** Initial hidden state, `batch × units` (zeros when absent). */
  initialH?: Float32Array;
  /** Initial cell state, `batch × units` (zeros when absent). */
  initialC?: Float32Array;
  /**
   * Timestep mask, `batch × timesteps` in input order (0 = masked, as Keras' `_keras_mask`): a masked
   * step leaves h and c unchanged. Absent: every step counts.
   */
  mask?: Float32Array;
  /** What a masked step outputs (default `'state'`, Keras 3); see {@link MaskedOutput}. */
  maskedOutput?: MaskedOutput;
  /**
   * `kernel` and `recurrentKernel` are long-lived weights whose in-place changes are announced with
   * `markWeightsChanged` (as layers' weights are): their packed panels may be kept between calls
   * (see `packCacheStats`). Default false: packed per call.
   */
  cacheWeights?: boolean;
}

/** What {@link lstmForward} returns. */
export interface LstmForwardResult {
  /** `batch × timesteps × units` if `returnSequences`, else `batch × units` (the last h). */
  output: Float32Array;
  /** The final hidden state, `batch × units`. */
  h: Float32Array;
  /** The final cell state, `batch × units`. */
  c: Float32Array;
}


/**
 * Runs an LSTM over `x` (`batch × timesteps × inputDim`, row-major) as Keras does:
 * `z = x_t·W + h·U + b`; `i = σ(z_i)`, `f = σ(z_f)`, `c = f⊙c + i⊙act(z_c)`, `o = σ(z_o)`, `h = o⊙act(c)`
 * with σ the recurrent activation and gate blocks in the order i, f, c, o.
 *
 * With `goBackwards` the steps run from `T−1` down to 0 and a returned sequence is in processing
 * order (output step 0 belongs to input step `T−1`), as in Keras.
 *
 * The input projection of all timesteps is one GEMM up front; each step is then one GEMM of h with U
 * accumulated into that projection, followed by one fused loop over the gates. Nothing is allocated
 * per step.
 *
 * @throws {ShapeMismatchError} if an array has the wrong length.
 * @throws {ConfigError} if a size is not a non-negative integer.
 */
export function lstmForward(x: Float32Array, options: LstmForwardOptions): LstmForwardResult {
  const { batch, timesteps: T, inputDim, units: u, kernel, recurrentKernel, bias } = options;
  checkSizes('lstmForward', { batch, timesteps: T, inputDim, units: u });
  const u4 = 4 * u;
  expectLength('input', x, [batch, T, inputDim]);
  expectLength('kernel', kernel, [inputDim, u4]);
  expectLength('recurrentKernel', recurrentKernel, [u, u4]);
  if (bias !== null) expectLength('bias', bias, [u4]);
  if (options.initialH !== undefined) expectLength('initialH', options.initialH, [batch, u]);
  if (options.initialC !== undefined) expectLength('initialC', options.initialC, [batch, u]);
  if (options.mask !== undefined) expectLength('mask', options.mask, [batch, T]);

  const rec = code(options.recurrentActivation);
  const act = code(options.activation);
  if (T > 0 && batch > 0 && u > 0 && rec !== Fn.Other && act !== Fn.Other && u * u * T >= wasmThresholds.lstm) {
    const kern = wasmKernels();
    if (kern !== null) {
      // Split big batches over helper threads when every weight is reused often enough to pay for
      // sending it (batch·T uses per call).
      if (batch >= 2 && T * batch >= PARALLEL_MIN_REUSE && batch * T * u4 * (inputDim + u) >= PARALLEL_MIN_WORK) {
        const helpers = readyHelpers();
        if (helpers.length > 0) return lstmParallel(kern, x, options, rec, act, helpers);
      }
      return lstmWasm(kern, x, options, rec, act);
    }
  }

  const h = options.initialH !== undefined ? options.initialH.slice() : new Float32Array(batch * u);
  const c = options.initialC !== undefined ? options.initialC.slice() : new Float32Array(batch * u);
  const returnSequences = options.returnSequences;
  const output = new Float32Array(returnSequences ? batch * T * u : batch * u);
  if (T === 0 || batch === 0) {
    if (!returnSequences) output.set(h);
    return { output, h, c };
  }

  // 1. Time-major copy of the input (T × batch × inputDim) in processing order, so that the rows of
  //    one step are contiguous for the per-step GEMM.
  let xs: Float32Array;
  if (batch === 1 && !options.goBackwards) {
    xs = x;
  } else {
    xs = new Float32Array(T * batch * inputDim);
    for (let s = 0; s < T; s++) {
      const t = options.goBackwards ? T - 1 - s : s;
      for (let b = 0; b < batch; b++) {
        const src = (b * T + t) * inputDim;
        const dst = (s * batch + b) * inputDim;
        for (let q = 0; q < inputDim; q++) xs[dst + q] = x[src + q]!;
      }
    }
  }

  // 2. Gates of every step: bias + x_t·W for all steps at once (T·batch × 4u).
  const gates = new Float32Array(T * batch * u4);
  if (bias !== null) for (let r = 0; r < T * batch; r++) gates.set(bias, r * u4);
  gemm(T * batch, u4, inputDim, xs, kernel, gates, { accumulate: bias !== null });

  const recAct = options.recurrentActivation;
  const cellAct = options.activation;
  // Scratch for act(c) when the cell activation is not inlined.
  const actC = act === Fn.Other ? new Float32Array(u) : null;
  const stepGemm: GemmOptions = { cOffset: 0, accumulate: true };
  const sm = options.mask !== undefined ? stepMasks(options.mask, batch, T, options.goBackwards, options.maskedOutput ?? 'state') : null;

  for (let s = 0; s < T; s++) {
    const gOff = s * batch * u4;
    // 3. z += h·U for this step's rows (h starts at the initial state).
    stepGemm.cOffset = gOff;
    if (u > 0) gemm(batch, u4, u, h, recurrentKernel, gates, stepGemm);
    for (let b = 0; b < batch; b++) {
      const g = gOff + b * u4;
      const hc = b * u;
      if (sm !== null && sm.keep[s * batch + b] === 0) {
        // a masked step keeps the state; its output is the state times the step's factor
        if (returnSequences) {
          const o = (b * T + s) * u;
          const f = sm.out === null ? 1 : sm.out[s * batch + b]!;
          for (let j = 0; j < u; j++) output[o + j] = f === 0 ? 0 : h[hc + j]!;
        }
        continue;
      }
      if (rec === Fn.Other) {
        recAct.apply(gates, g, 2, u); // i, f: two rows of u, so softmax-like activations act per gate
        recAct.apply(gates, g + 3 * u, 1, u); // o
      }
      if (act === Fn.Other) cellAct.apply(gates, g + 2 * u, 1, u); // candidate
      // 4. Fused gate math.
      for (let j = 0; j < u; j++) {
        let zi = gates[g + j]!;
        let zf = gates[g + u + j]!;
        let zc = gates[g + 2 * u + j]!;
        let zo = gates[g + 3 * u + j]!;
        if (rec !== Fn.Other) {
          zi = fast(rec, zi);
          zf = fast(rec, zf);
          zo = fast(rec, zo);
        }
        if (act !== Fn.Other) zc = fast(act, zc);
        // Round the state to float32 as Keras keeps it, then use the stored value.
        c[hc + j] = zf * c[hc + j]! + zi * zc;
        if (actC === null) {
          h[hc + j] = zo * fast(act, c[hc + j]!);
        } else {
          gates[g + 3 * u + j] = zo; // keep o for the second pass below
        }
      }
      if (actC !== null) {
        for (let j = 0; j < u; j++) actC[j] = c[hc + j]!;
        cellAct.apply(actC, 0, 1, u);
        for (let j = 0; j < u; j++) h[hc + j] = gates[g + 3 * u + j]! * actC[j]!;
      }
      if (returnSequences) {
        const o = (b * T + s) * u;
        const f = sm?.out ? sm.out[s * batch + b]! : 1;
        for (let j = 0; j < u; j++) output[o + j] = f === 0 ? 0 : h[hc + j]!;
      }
    }
  }
  if (!returnSequences) lastOutput(output, h, sm, batch, T, u);
  return { output, h, c };
}

/**
 * The output of a layer without `return_sequences`: the final h, times the last step's output
 * factor when masked steps output zeros (`'zero'`, or `'previous'` before any unmasked step).
 */
export function lastOutput(output: Float32Array, h: Float32Array, sm: StepMasks | null, batch: number, T: number, u: number): void {
  output.set(h);
  if (sm?.out && T > 0) {
    for (let b = 0; b < batch; b++) if (sm.out[(T - 1) * batch + b] === 0) output.fill(0, b * u, (b + 1) * u);
  }
}

/** Multiply-adds per call from which a batch is split over helper threads. */
const PARALLEL_MIN_WORK = 4_000_000;
/** Minimum batch·timesteps (uses of each weight per call) for splitting: the weights are copied to each helper. */
const PARALLEL_MIN_REUSE = 64;

/** An LSTM call shared with helper threads: copies of the input and options, activations as codes. Internal. */
export interface LstmJob {
  kind: 'lstm';
  x: Float32Array;
  options: Omit<LstmForwardOptions, 'activation' | 'recurrentActivation'>;
  rec: Fn;
  act: Fn;
  bounds: number[];
}

/** Batch rows [b0, b1) of an LSTM call, computed on their own. */
function lstmRows(kern: WasmKernels | null, x: Float32Array, options: LstmForwardOptions, rec: Fn, act: Fn, b0: number, b1: number): LstmForwardResult {
  const { timesteps: T, inputDim, units: u } = options;
  const part: LstmForwardOptions = { ...options, batch: b1 - b0 };
  delete part.initialH;
  delete part.initialC;
  delete part.mask;
  if (options.initialH !== undefined) part.initialH = options.initialH.subarray(b0 * u, b1 * u);
  if (options.initialC !== undefined) part.initialC = options.initialC.subarray(b0 * u, b1 * u);
  if (options.mask !== undefined) part.mask = options.mask.subarray(b0 * T, b1 * T);
  const xs = x.subarray(b0 * T * inputDim, b1 * T * inputDim);
  return kern === null ? lstmForward(xs, part) : lstmWasm(kern, xs, part, rec, act);
}

/** Part i of a shared LSTM call (in a helper thread). Internal. */
export function runLstmPart(job: LstmJob, i: number): LstmForwardResult {
  const options: LstmForwardOptions = { ...job.options, recurrentActivation: ACTIVATION_BY_CODE[job.rec]!, activation: ACTIVATION_BY_CODE[job.act]! };
  return lstmRows(wasmKernels(), job.x, options, job.rec, job.act, job.bounds[i]!, job.bounds[i + 1]!);
}

/**
 * Shares the batch between the calling thread and the helpers, in parts of rows claimed dynamically
 * (threads.ts shareParts): helpers get a copy of the input and weights. Every sample is computed
 * exactly as on one thread.
 */
function lstmParallel(kern: WasmKernels, x: Float32Array, options: LstmForwardOptions, rec: Fn, act: Fn, helpers: Helper[]): LstmForwardResult {
  const { batch, timesteps: T, units: u, returnSequences } = options;
  const bounds = guidedBounds(batch, helpers.length + 1);
  const parts = bounds.length - 1;
  const outRow = returnSequences ? T * u : u;
  const output = new Float32Array(batch * outRow);
  const h = new Float32Array(batch * u);
  const c = new Float32Array(batch * u);
  const put = (b0: number, r: { output: Float32Array; h: Float32Array; c: Float32Array }) => {
    output.set(r.output, b0 * outRow);
    h.set(r.h, b0 * u);
    c.set(r.c, b0 * u);
  };
  // helpers get copies of the weights: nothing of theirs is worth keeping
  const { activation: _a, recurrentActivation: _r, cacheWeights: _c, ...plain } = options;
  const job: LstmJob = { kind: 'lstm', x: x.slice(), options: plain, rec, act, bounds };
  shareParts<{ part: number; output: Float32Array; h: Float32Array; c: Float32Array }>(
    helpers,
    parts,
    job as unknown as Record<string, unknown>,
    [job.x.buffer],
    (i) => put(bounds[i]!, lstmRows(kern, x, options, rec, act, bounds[i]!, bounds[i + 1]!)),
    (r) => put(bounds[r.part]!, r),
  );
  return { output, h, c };
}

/**
 * The whole layer in the WebAssembly kernels: the input (time-major), both kernels (packed), the gates
 * of every step and the state live in the kernels' memory; the input projection is one GEMM, then each
 * step is a GEMM of h with U and the fused SIMD gate math, with no call back to JavaScript.
 */
function lstmWasm(kern: WasmKernels, x: Float32Array, options: LstmForwardOptions, rec: Fn, act: Fn): LstmForwardResult {
  const { batch, timesteps: T, inputDim, units: u, kernel, recurrentKernel, bias, returnSequences, goBackwards } = options;
  const u4 = 4 * u;
  const rows = T * batch;
  const mark = wasmMark();
  // Packed kernels first (kept panels join the pinned region only while nothing else is allocated),
  // then all other memory before making views (growing detaches them).
  const cache = options.cacheWeights === true;
  const wpk = cache ? packedWeights(kern, kernel, inputDim, u4, 0, u4, false) : null;
  const upk = cache ? packedWeights(kern, recurrentKernel, u, u4, 0, u4, false) : null;
  const pxs = wasmAlloc(kern, rows * inputDim);
  const pw = cache ? 0 : wasmAlloc(kern, inputDim * u4);
  const pwp = wpk !== null ? wpk.p : wasmAlloc(kern, kern.packedBSize(inputDim, u4));
  const pu = cache ? 0 : wasmAlloc(kern, u * u4);
  const pup = upk !== null ? upk.p : wasmAlloc(kern, kern.packedBSize(u, u4));
  const pz = wasmAlloc(kern, rows * u4);
  const ph = wasmAlloc(kern, batch * u);
  const pcs = wasmAlloc(kern, batch * u);
  const outLen = returnSequences ? batch * T * u : 0;
  const pout = returnSequences ? wasmAlloc(kern, outLen) : 0;
  const sm = options.mask !== undefined ? stepMasks(options.mask, batch, T, goBackwards, options.maskedOutput ?? 'state') : null;
  const pkeep = sm !== null ? wasmAlloc(kern, rows) : 0;
  const pfac = sm?.out ? wasmAlloc(kern, rows) : 0;
  const pscr = sm !== null ? wasmAlloc(kern, 2 * batch * u) : 0;
  const mem = wasmF32(kern);
  if (sm !== null) mem.set(sm.keep, pkeep >> 2);
  if (sm?.out) mem.set(sm.out, pfac >> 2);
  // Time-major input in processing order.
  const xs0 = pxs >> 2;
  if ((batch === 1 || T === 1) && !goBackwards) {
    // time-major is batch-major here
    mem.set(x, xs0);
  } else {
    for (let s = 0; s < T; s++) {
      const t = goBackwards ? T - 1 - s : s;
      for (let b = 0; b < batch; b++) {
        const src = (b * T + t) * inputDim;
        const dst = xs0 + (s * batch + b) * inputDim;
        for (let q = 0; q < inputDim; q++) mem[dst + q] = x[src + q]!;
      }
    }
  }
  if (!cache) {
    mem.set(kernel, pw >> 2);
    mem.set(recurrentKernel, pu >> 2);
  }
  const z0 = pz >> 2;
  if (bias !== null) fillRows(mem, z0, bias, rows, u4);
  if (options.initialH !== undefined) mem.set(options.initialH, ph >> 2);
  else mem.fill(0, ph >> 2, (ph >> 2) + batch * u);
  if (options.initialC !== undefined) mem.set(options.initialC, pcs >> 2);
  else mem.fill(0, pcs >> 2, (pcs >> 2) + batch * u);
  if (!cache) {
    kern.packB(inputDim, u4, pw, u4, 0, pwp);
    kern.packB(u, u4, pu, u4, 0, pup);
  }
  if (inputDim > 0) kern.gemmPacked(rows, u4, inputDim, pxs, inputDim, pwp, pz, u4, bias !== null ? 1 : 0, APACK);
  else if (bias === null) mem.fill(0, z0, z0 + rows * u4);
  const uFinite = upk !== null ? upk.allFinite : kern.allFinite(u * u4, pu) === 1;
  const h0Zero = options.initialH === undefined && uFinite ? 1 : 0;
  kern.lstmRun(batch, T, u, pz, pup, ph, pcs, rec, act, pout, returnSequences ? 1 : 0, APACK, h0Zero, pkeep, pfac, pscr);
  const h = mem.slice(ph >> 2, (ph >> 2) + batch * u);
  const c = mem.slice(pcs >> 2, (pcs >> 2) + batch * u);
  let output: Float32Array;
  if (returnSequences) output = mem.slice(pout >> 2, (pout >> 2) + outLen);
  else {
    output = new Float32Array(batch * u);
    lastOutput(output, h, sm, batch, T, u);
  }
  wasmRelease(mark);
  return { output, h, c };
}

function expectLength(name: string, arr: Float32Array, shape: readonly number[]): void {
  expectLen('lstmForward', name, arr, shape);
}

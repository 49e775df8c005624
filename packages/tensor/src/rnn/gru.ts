/**
 * The forward pass of a Keras `GRU` layer over plain float32 buffers (inference). Training (a forward
 * pass that keeps a tape, and backpropagation through time) is in gru-backward.ts.
 */
import type { Activation } from '../activations.js';
import { Fn } from './gates.js';
import { ACTIVATION_BY_CODE, activationCode, checkSizes, expectLength as expectLen, fillRows, guidedBounds, stepMasks, type MaskedOutput } from './common.js';
import { lastOutput } from './lstm.js';
import { gruForwardTrain } from './gru-backward.js';
import { readyHelpers, shareParts, type Helper } from '../wasm/threads.js';
import { packedWeights } from '../wasm/pack-cache.js';
import { APACK, wasmAlloc, wasmF32, wasmKernels, wasmMark, wasmRelease, type WasmKernels } from '../wasm/backend.js';

/** Inputs of {@link gruForward}: sizes, weights as Keras stores them, activations and flags. */
export interface GruForwardOptions {
  batch: number;
  timesteps: number;
  inputDim: number;
  units: number;
  /** `(inputDim, 3·units)` row-major; the column blocks are z (update), r (reset), h (candidate). */
  kernel: Float32Array;
  /** `(units, 3·units)` row-major, same blocks. */
  recurrentKernel: Float32Array;
  /**
   * `resetAfter`: `(2, 3·units)`, the input bias then the recurrent bias (Keras 3 / tf.keras 2 layout);
   * otherwise `(3·units)` (Keras 1/2). Null for `use_bias=False`.
   */
  bias: Float32Array | null;
  /**
   * Keras' `reset_after`: true applies the reset gate after the recurrent product,
   * `hh = act(x·W_h + b_h + r ⊙ (h·U_h + b'_h))`; false before it, `hh = act(x·W_h + b_h + (r ⊙ h)·U_h)`.
   */
  resetAfter: boolean;
  /** Applied to the candidate (Keras `activation`, default tanh). */
  activation: Activation;
  /** Applied to the z and r gates (Keras `recurrent_activation`). */
  recurrentActivation: Activation;
  /** Output every step's h (`batch × timesteps × units`) rather than only the last (`batch × units`). */
  returnSequences: boolean;
  /** Process the steps from last to first (a returned sequence is in processing order, as in Keras). */
  goBackwards: boolean;
  /** Initial state, `batch × units` (zeros when absent). */
  initialH?: Float32Array;
  /** Timestep mask, `batch × timesteps` in input order (0 = masked): a masked step keeps h. */
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

/** What {@link gruForward} returns. */
export interface GruForwardResult {
  /** `batch × timesteps × units` if `returnSequences`, else `batch × units`. */
  output: Float32Array;
  /** The final state, `batch × units`. */
  h: Float32Array;
}

/** Checks the sizes and lengths of GRU options (shared with the training pass). */
export function checkGruOptions(kernelName: string, x: Float32Array, options: GruForwardOptions): void {
  const { batch, timesteps: T, inputDim, units: u } = options;
  checkSizes(kernelName, { batch, timesteps: T, inputDim, units: u });
  const e = (name: string, arr: Float32Array, shape: readonly number[]) => expectLen(kernelName, name, arr, shape);
  e('input', x, [batch, T, inputDim]);
  e('kernel', options.kernel, [inputDim, 3 * u]);
  e('recurrentKernel', options.recurrentKernel, [u, 3 * u]);
  if (options.bias !== null) e('bias', options.bias, options.resetAfter ? [2, 3 * u] : [3 * u]);
  if (options.initialH !== undefined) e('initialH', options.initialH, [batch, u]);
  if (options.mask !== undefined) e('mask', options.mask, [batch, T]);
}

/**
 * Runs a GRU over `x` (`batch × timesteps × inputDim`, row-major) as Keras does, gate blocks z, r, h:
 * `z = σ(x·W_z + b_z + h·U_z [+ b'_z])`, `r` likewise, the candidate `hh` as {@link GruForwardOptions.resetAfter}
 * says, then `h = z ⊙ h + (1 − z) ⊙ hh`, with σ the recurrent activation.
 *
 * The input projection of all timesteps is one GEMM up front; on the WebAssembly backend the whole
 * recurrence runs in the module (per step one GEMM of h with U — two with `resetAfter=false` — and
 * SIMD gate math), large batches shared with helper threads. Nothing is allocated per step.
 *
 * @throws {ShapeMismatchError} if an array has the wrong length.
 * @throws {ConfigError} if a size is not a non-negative integer.
 */
export function gruForward(x: Float32Array, options: GruForwardOptions): GruForwardResult {
  checkGruOptions('gruForward', x, options);
  const { batch, timesteps: T, inputDim, units: u } = options;
  const rec = activationCode(options.recurrentActivation);
  const act = activationCode(options.activation);
  if (T > 0 && batch > 0 && u > 0 && rec !== Fn.Other && act !== Fn.Other) {
    const kern = wasmKernels();
    if (kern !== null) {
      if (batch >= 2 && T * batch >= PARALLEL_MIN_REUSE && batch * T * 3 * u * (inputDim + u) >= PARALLEL_MIN_WORK) {
        const helpers = readyHelpers();
        if (helpers.length > 0) return gruParallel(kern, x, options, rec, act, helpers);
      }
      return gruWasm(kern, x, options, rec, act);
    }
  }
  // The TypeScript path is the training forward without its tape.
  const r = gruForwardTrain(x, options);
  return { output: r.output, h: r.h };
}

/** Multiply-adds per call from which a batch is split over helper threads. */
const PARALLEL_MIN_WORK = 4_000_000;
/** Minimum batch·timesteps (uses of each weight per call) for splitting. */
const PARALLEL_MIN_REUSE = 64;

/** A GRU call shared with helper threads: copies of the input and options, activations as codes. Internal. */
export interface GruJob {
  kind: 'gru';
  x: Float32Array;
  options: Omit<GruForwardOptions, 'activation' | 'recurrentActivation'>;
  rec: Fn;
  act: Fn;
  bounds: number[];
}

/** Batch rows [b0, b1) of a GRU call, computed on their own. */
function gruRows(kern: WasmKernels, x: Float32Array, options: GruForwardOptions, rec: Fn, act: Fn, b0: number, b1: number): GruForwardResult {
  const { timesteps: T, inputDim, units: u } = options;
  const part: GruForwardOptions = { ...options, batch: b1 - b0 };
  delete part.initialH;
  delete part.mask;
  if (options.initialH !== undefined) part.initialH = options.initialH.subarray(b0 * u, b1 * u);
  if (options.mask !== undefined) part.mask = options.mask.subarray(b0 * T, b1 * T);
  return gruWasm(kern, x.subarray(b0 * T * inputDim, b1 * T * inputDim), part, rec, act);
}

/** Part i of a shared GRU call (in a helper thread). Internal. */
export function runGruPart(job: GruJob, i: number): GruForwardResult {
  const kern = wasmKernels();
  if (kern === null) throw new Error('kerasts helper thread: WebAssembly kernels unavailable');
  const options: GruForwardOptions = { ...job.options, recurrentActivation: ACTIVATION_BY_CODE[job.rec]!, activation: ACTIVATION_BY_CODE[job.act]! };
  return gruRows(kern, job.x, options, job.rec, job.act, job.bounds[i]!, job.bounds[i + 1]!);
}

/** Shares the batch between the calling thread and the helpers (see lstm.ts); every sample is computed exactly as on one thread. */
function gruParallel(kern: WasmKernels, x: Float32Array, options: GruForwardOptions, rec: Fn, act: Fn, helpers: Helper[]): GruForwardResult {
  const { batch, timesteps: T, units: u, returnSequences } = options;
  const bounds = guidedBounds(batch, helpers.length + 1);
  const outRow = returnSequences ? T * u : u;
  const output = new Float32Array(batch * outRow);
  const h = new Float32Array(batch * u);
  const put = (b0: number, r: { output: Float32Array; h: Float32Array }) => {
    output.set(r.output, b0 * outRow);
    h.set(r.h, b0 * u);
  };
  // helpers get copies of the weights: nothing of theirs is worth keeping
  const { activation: _a, recurrentActivation: _r, cacheWeights: _c, ...plain } = options;
  const job: GruJob = { kind: 'gru', x: x.slice(), options: plain, rec, act, bounds };
  shareParts<{ part: number; output: Float32Array; h: Float32Array }>(
    helpers,
    bounds.length - 1,
    job as unknown as Record<string, unknown>,
    [job.x.buffer],
    (i) => put(bounds[i]!, gruRows(kern, x, options, rec, act, bounds[i]!, bounds[i + 1]!)),
    (r) => put(bounds[r.part]!, r),
  );
  return { output, h };
}

/**
 * The GRU in the WebAssembly kernels: the input (time-major), the packed kernels, the input projection
 * of every step and the state live in the kernels' memory; the projection is one GEMM, then `gruRun`
 * runs every step with no call back to JavaScript.
 */
function gruWasm(kern: WasmKernels, x: Float32Array, options: GruForwardOptions, rec: Fn, act: Fn): GruForwardResult {
  const { batch, timesteps: T, inputDim: D, units: u, kernel, recurrentKernel, bias, returnSequences, goBackwards, resetAfter } = options;
  const u3 = 3 * u;
  const rows = T * batch;
  const mark = wasmMark();
  // packed kernels first (kept panels join the pinned region only while nothing else is allocated)
  const cache = options.cacheWeights === true;
  const wpk = cache ? packedWeights(kern, kernel, D, u3, 0, u3, false) : null;
  const upk = cache ? packedWeights(kern, recurrentKernel, u, resetAfter ? u3 : 2 * u, 0, u3, false) : null;
  const uhpk = cache && !resetAfter ? packedWeights(kern, recurrentKernel, u, u, 2 * u, u3, false) : null;
  const pxs = wasmAlloc(kern, rows * D);
  const pw = cache ? 0 : wasmAlloc(kern, D * u3);
  const pwp = wpk !== null ? wpk.p : wasmAlloc(kern, kern.packedBSize(D, u3));
  const pu = cache ? 0 : wasmAlloc(kern, u * u3);
  const pup = upk !== null ? upk.p : wasmAlloc(kern, kern.packedBSize(u, resetAfter ? u3 : 2 * u));
  const puh = resetAfter ? 0 : uhpk !== null ? uhpk.p : wasmAlloc(kern, kern.packedBSize(u, u));
  const pz = wasmAlloc(kern, rows * u3);
  const prb = wasmAlloc(kern, u3);
  const ph = wasmAlloc(kern, batch * u);
  const outLen = returnSequences ? batch * T * u : 0;
  const pout = returnSequences ? wasmAlloc(kern, outLen) : 0;
  const sm = options.mask !== undefined ? stepMasks(options.mask, batch, T, goBackwards, options.maskedOutput ?? 'state') : null;
  const pkeep = sm !== null ? wasmAlloc(kern, rows) : 0;
  const pfac = sm?.out ? wasmAlloc(kern, rows) : 0;
  const pscr = wasmAlloc(kern, batch * 4 * u);
  const mem = wasmF32(kern);
  if (sm !== null) mem.set(sm.keep, pkeep >> 2);
  if (sm?.out) mem.set(sm.out, pfac >> 2);
  const xs0 = pxs >> 2;
  if ((batch === 1 || T === 1) && !goBackwards) mem.set(x, xs0);
  else {
    for (let s = 0; s < T; s++) {
      const t = goBackwards ? T - 1 - s : s;
      for (let b = 0; b < batch; b++) {
        const src = (b * T + t) * D;
        mem.set(x.subarray(src, src + D), xs0 + (s * batch + b) * D);
      }
    }
  }
  if (!cache) {
    mem.set(kernel, pw >> 2);
    mem.set(recurrentKernel, pu >> 2);
  }
  const z0 = pz >> 2;
  if (bias !== null) fillRows(mem, z0, bias.subarray(0, u3), rows, u3);
  if (bias !== null && resetAfter) mem.set(bias.subarray(u3, 2 * u3), prb >> 2);
  else mem.fill(0, prb >> 2, (prb >> 2) + u3);
  if (options.initialH !== undefined) mem.set(options.initialH, ph >> 2);
  else mem.fill(0, ph >> 2, (ph >> 2) + batch * u);
  if (!cache) {
    kern.packB(D, u3, pw, u3, 0, pwp);
    if (resetAfter) kern.packB(u, u3, pu, u3, 0, pup);
    else {
      kern.packB(u, 2 * u, pu, u3, 0, pup);
      kern.packB(u, u, pu + 8 * u, u3, 0, puh);
    }
  }
  if (D > 0) kern.gemmPacked(rows, u3, D, pxs, D, pwp, pz, u3, bias !== null ? 1 : 0, APACK);
  else if (bias === null) mem.fill(0, z0, z0 + rows * u3);
  const uFinite = upk !== null ? upk.allFinite && (uhpk === null || uhpk.allFinite) : kern.allFinite(u * u3, pu) === 1;
  const h0Zero = options.initialH === undefined && uFinite ? 1 : 0;
  kern.gruRun(batch, T, u, pz, pup, puh, ph, prb, resetAfter ? 1 : 0, rec, act, pout, returnSequences ? 1 : 0, APACK, h0Zero, pkeep, pfac, pscr);
  const h = mem.slice(ph >> 2, (ph >> 2) + batch * u);
  let output: Float32Array;
  if (returnSequences) output = mem.slice(pout >> 2, (pout >> 2) + outLen);
  else {
    output = new Float32Array(batch * u);
    lastOutput(output, h, sm, batch, T, u);
  }
  wasmRelease(mark);
  return { output, h };
}

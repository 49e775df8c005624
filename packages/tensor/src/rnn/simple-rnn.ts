/**
 * The forward pass of a Keras `SimpleRNN` layer over plain float32 buffers (inference):
 * `h = act(x_t·W + b + h·U)`. Training is in simple-rnn-backward.ts.
 */
import type { Activation } from '../activations.js';
import { Fn } from './gates.js';
import { ACTIVATION_BY_CODE, activationCode, checkSizes, expectLength as expectLen, fillRows, guidedBounds, stepMasks, type MaskedOutput } from './common.js';
import { lastOutput } from './lstm.js';
import { simpleRnnForwardTrain } from './simple-rnn-backward.js';
import { readyHelpers, shareParts, type Helper } from '../wasm/threads.js';
import { packedWeights } from '../wasm/pack-cache.js';
import { APACK, wasmAlloc, wasmF32, wasmKernels, wasmMark, wasmRelease, type WasmKernels } from '../wasm/backend.js';

/** Inputs of {@link simpleRnnForward}. */
export interface SimpleRnnForwardOptions {
  batch: number;
  timesteps: number;
  inputDim: number;
  units: number;
  /** `(inputDim, units)` row-major. */
  kernel: Float32Array;
  /** `(units, units)` row-major. */
  recurrentKernel: Float32Array;
  /** `(units)`, or null for `use_bias=False`. */
  bias: Float32Array | null;
  /** Keras `activation` (default tanh). */
  activation: Activation;
  returnSequences: boolean;
  goBackwards: boolean;
  /** Initial state, `batch × units` (zeros when absent). */
  initialH?: Float32Array;
  /** Timestep mask, `batch × timesteps` in input order (0 = masked): a masked step keeps h. */
  mask?: Float32Array;
  /** What a masked step outputs (default `'state'`, Keras 3). */
  maskedOutput?: MaskedOutput;
  /**
   * `kernel` and `recurrentKernel` are long-lived weights whose in-place changes are announced with
   * `markWeightsChanged` (as layers' weights are): their packed panels may be kept between calls
   * (see `packCacheStats`). Default false: packed per call.
   */
  cacheWeights?: boolean;
}

/** What {@link simpleRnnForward} returns. */
export interface SimpleRnnForwardResult {
  output: Float32Array;
  /** The final state, `batch × units`. */
  h: Float32Array;
}

/** Checks the sizes and lengths of SimpleRNN options (shared with the training pass). */
export function checkSimpleRnnOptions(kernelName: string, x: Float32Array, options: SimpleRnnForwardOptions): void {
  const { batch, timesteps: T, inputDim, units: u } = options;
  checkSizes(kernelName, { batch, timesteps: T, inputDim, units: u });
  const e = (name: string, arr: Float32Array, shape: readonly number[]) => expectLen(kernelName, name, arr, shape);
  e('input', x, [batch, T, inputDim]);
  e('kernel', options.kernel, [inputDim, u]);
  e('recurrentKernel', options.recurrentKernel, [u, u]);
  if (options.bias !== null) e('bias', options.bias, [u]);
  if (options.initialH !== undefined) e('initialH', options.initialH, [batch, u]);
  if (options.mask !== undefined) e('mask', options.mask, [batch, T]);
}

/**
 * Runs a SimpleRNN over `x` (`batch × timesteps × inputDim`) as Keras does: `h = act(x_t·W + b + h·U)`.
 * The input projection of all steps is one GEMM; on the WebAssembly backend the recurrence runs in the
 * module, large batches shared with helper threads. Nothing is allocated per step.
 *
 * @throws {ShapeMismatchError} if an array has the wrong length.
 * @throws {ConfigError} if a size is not a non-negative integer.
 */
export function simpleRnnForward(x: Float32Array, options: SimpleRnnForwardOptions): SimpleRnnForwardResult {
  checkSimpleRnnOptions('simpleRnnForward', x, options);
  const { batch, timesteps: T, inputDim, units: u } = options;
  const act = activationCode(options.activation);
  if (T > 0 && batch > 0 && u > 0 && act !== Fn.Other) {
    const kern = wasmKernels();
    if (kern !== null) {
      if (batch >= 2 && T * batch >= 64 && batch * T * u * (inputDim + u) >= 4_000_000) {
        const helpers = readyHelpers();
        if (helpers.length > 0) return simpleRnnParallel(kern, x, options, act, helpers);
      }
      return simpleRnnWasm(kern, x, options, act);
    }
  }
  const r = simpleRnnForwardTrain(x, options);
  return { output: r.output, h: r.h };
}

/** A SimpleRNN call shared with helper threads. Internal. */
export interface SimpleRnnJob {
  kind: 'simpleRnn';
  x: Float32Array;
  options: Omit<SimpleRnnForwardOptions, 'activation'>;
  act: Fn;
  bounds: number[];
}

function simpleRnnRows(kern: WasmKernels, x: Float32Array, options: SimpleRnnForwardOptions, act: Fn, b0: number, b1: number): SimpleRnnForwardResult {
  const { timesteps: T, inputDim, units: u } = options;
  const part: SimpleRnnForwardOptions = { ...options, batch: b1 - b0 };
  delete part.initialH;
  delete part.mask;
  if (options.initialH !== undefined) part.initialH = options.initialH.subarray(b0 * u, b1 * u);
  if (options.mask !== undefined) part.mask = options.mask.subarray(b0 * T, b1 * T);
  return simpleRnnWasm(kern, x.subarray(b0 * T * inputDim, b1 * T * inputDim), part, act);
}

/** Part i of a shared SimpleRNN call (in a helper thread). Internal. */
export function runSimpleRnnPart(job: SimpleRnnJob, i: number): SimpleRnnForwardResult {
  const kern = wasmKernels();
  if (kern === null) throw new Error('kerasts helper thread: WebAssembly kernels unavailable');
  return simpleRnnRows(kern, job.x, { ...job.options, activation: ACTIVATION_BY_CODE[job.act]! }, job.act, job.bounds[i]!, job.bounds[i + 1]!);
}

function simpleRnnParallel(kern: WasmKernels, x: Float32Array, options: SimpleRnnForwardOptions, act: Fn, helpers: Helper[]): SimpleRnnForwardResult {
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
  const { activation: _a, cacheWeights: _c, ...plain } = options;
  const job: SimpleRnnJob = { kind: 'simpleRnn', x: x.slice(), options: plain, act, bounds };
  shareParts<{ part: number; output: Float32Array; h: Float32Array }>(
    helpers,
    bounds.length - 1,
    job as unknown as Record<string, unknown>,
    [job.x.buffer],
    (i) => put(bounds[i]!, simpleRnnRows(kern, x, options, act, bounds[i]!, bounds[i + 1]!)),
    (r) => put(bounds[r.part]!, r),
  );
  return { output, h };
}

function simpleRnnWasm(kern: WasmKernels, x: Float32Array, options: SimpleRnnForwardOptions, act: Fn): SimpleRnnForwardResult {
  const { batch, timesteps: T, inputDim: D, units: u, kernel, recurrentKernel, bias, returnSequences, goBackwards } = options;
  const rows = T * batch;
  const mark = wasmMark();
  // packed kernels first (kept panels join the pinned region only while nothing else is allocated)
  const cache = options.cacheWeights === true;
  const wpk = cache ? packedWeights(kern, kernel, D, u, 0, u, false) : null;
  const upk = cache ? packedWeights(kern, recurrentKernel, u, u, 0, u, false) : null;
  const pxs = wasmAlloc(kern, rows * D);
  const pw = cache ? 0 : wasmAlloc(kern, D * u);
  const pwp = wpk !== null ? wpk.p : wasmAlloc(kern, kern.packedBSize(D, u));
  const pu = cache ? 0 : wasmAlloc(kern, u * u);
  const pup = upk !== null ? upk.p : wasmAlloc(kern, kern.packedBSize(u, u));
  const pz = wasmAlloc(kern, rows * u);
  const ph = wasmAlloc(kern, batch * u);
  const outLen = returnSequences ? batch * T * u : 0;
  const pout = returnSequences ? wasmAlloc(kern, outLen) : 0;
  const sm = options.mask !== undefined ? stepMasks(options.mask, batch, T, goBackwards, options.maskedOutput ?? 'state') : null;
  const pkeep = sm !== null ? wasmAlloc(kern, rows) : 0;
  const pfac = sm?.out ? wasmAlloc(kern, rows) : 0;
  const pscr = sm !== null ? wasmAlloc(kern, batch * u) : 0;
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
  if (bias !== null) fillRows(mem, z0, bias, rows, u);
  if (options.initialH !== undefined) mem.set(options.initialH, ph >> 2);
  else mem.fill(0, ph >> 2, (ph >> 2) + batch * u);
  if (!cache) {
    kern.packB(D, u, pw, u, 0, pwp);
    kern.packB(u, u, pu, u, 0, pup);
  }
  if (D > 0) kern.gemmPacked(rows, u, D, pxs, D, pwp, pz, u, bias !== null ? 1 : 0, APACK);
  else if (bias === null) mem.fill(0, z0, z0 + rows * u);
  const uFinite = upk !== null ? upk.allFinite : kern.allFinite(u * u, pu) === 1;
  const h0Zero = options.initialH === undefined && uFinite ? 1 : 0;
  kern.rnnRun(batch, T, u, pz, pup, ph, act, pout, returnSequences ? 1 : 0, APACK, h0Zero, pkeep, pfac, pscr);
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

/**
 * What the recurrent kernels (LSTM, GRU, SimpleRNN) share: argument checks, the time-major input copy,
 * timestep masks turned into per-step flags, the batch parts of training calls and their gradient
 * sums, and shared-memory helpers for helper threads.
 */
import { HARD_SIGMOID_KERAS2, HARD_SIGMOID_KERAS3, LINEAR, RELU, SIGMOID, TANH, type Activation } from '../activations.js';
import { ConfigError, ShapeMismatchError } from '../errors.js';
import { Fn } from './gates.js';
import { wasmAlloc, wasmF32, wasmMark, wasmRelease, type WasmKernels } from '../wasm/backend.js';
export { giveF32, takeF32 } from '../buffer-pool.js';

/**
 * What a recurrent layer outputs at a masked timestep (the state is carried over in every case):
 * - `'state'`: the carried state h (Keras 3 without `unroll`; Keras ≤ 2.2 with the TensorFlow backend).
 *   Before the first unmasked step that is the initial state.
 * - `'previous'`: the previous step's output, zeros before the first unmasked step (tf.keras 2,
 *   Keras 2.3, Keras 3 with `unroll=True`). It differs from `'state'` only before the first
 *   unmasked step of a sequence that starts from a non-zero state.
 * - `'zero'`: zeros (`zero_output_for_mask=True`, which Bidirectional sets when it returns sequences).
 */
export type MaskedOutput = 'state' | 'previous' | 'zero';

/** Throws a ConfigError unless every size is a non-negative integer. */
export function checkSizes(kernel: string, sizes: Readonly<Record<string, number>>): void {
  for (const [name, v] of Object.entries(sizes)) {
    if (!Number.isInteger(v) || v < 0) throw new ConfigError(`${kernel}: ${name} must be a non-negative integer, got ${v}`);
  }
}

/** Throws a ShapeMismatchError unless `arr` holds exactly the product of `shape` values. */
export function expectLength(kernel: string, name: string, arr: Float32Array, shape: readonly number[]): void {
  let size = 1;
  for (const d of shape) size *= d;
  if (arr.length !== size) throw new ShapeMismatchError(`${kernel}: ${name} has ${arr.length} values, expected ${size}`, shape, [arr.length]);
}

/**
 * Checks a dropout mask that is either shared by every gate (`batch × width`) or given per gate
 * (`gates × batch × width`, gate-major); returns the number of blocks (1 or `gates`).
 */
export function maskBlocks(kernel: string, name: string, mask: Float32Array, batch: number, width: number, gates: number): number {
  if (mask.length === batch * width) return 1;
  if (gates > 1 && mask.length === gates * batch * width) return gates;
  throw new ShapeMismatchError(`${kernel}: ${name} has ${mask.length} values, expected ${batch * width} (all gates) or ${gates * batch * width} (one block per gate)`, [batch, width], [mask.length]);
}

/** The code of an activation the kernels compute inline, `Fn.Other` for any other. */
export function activationCode(a: Activation): Fn {
  if (a === SIGMOID) return Fn.Sigmoid;
  if (a === HARD_SIGMOID_KERAS3) return Fn.HardSigmoid3;
  if (a === HARD_SIGMOID_KERAS2) return Fn.HardSigmoid2;
  if (a === TANH) return Fn.Tanh;
  if (a === RELU) return Fn.Relu;
  if (a === LINEAR) return Fn.Linear;
  return Fn.Other;
}

/** The activation of an inlined code (for helper threads, which receive codes). */
export const ACTIVATION_BY_CODE: Partial<Record<Fn, Activation>> = {
  [Fn.Sigmoid]: SIGMOID,
  [Fn.HardSigmoid3]: HARD_SIGMOID_KERAS3,
  [Fn.HardSigmoid2]: HARD_SIGMOID_KERAS2,
  [Fn.Tanh]: TANH,
  [Fn.Relu]: RELU,
  [Fn.Linear]: LINEAR,
};

/** Derivative of an inlined activation from its input x and output y. */
export function fastDeriv(fn: Fn, x: number, y: number): number {
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
 * Timestep masks in processing order, as the kernels use them: `keep[s·batch + b]` is 1 where input
 * step t(s) of sample b is unmasked (t(s) = s, or T−1−s with `goBackwards`), else 0; `out` (null
 * for `'state'`) holds the factor each step's carried state is multiplied by to give its output.
 */
export interface StepMasks {
  readonly keep: Float32Array;
  readonly out: Float32Array | null;
}

/**
 * The per-step masks of a `batch × timesteps` mask (input order, nonzero = kept, as Keras turns a
 * mask into booleans), or null when every step is kept (the unmasked path is then exactly right).
 */
export function stepMasks(mask: Float32Array, batch: number, T: number, goBackwards: boolean, rule: MaskedOutput): StepMasks | null {
  let all = true;
  for (let i = 0; i < mask.length; i++) {
    if (mask[i] === 0) {
      all = false;
      break;
    }
  }
  if (all) return null;
  const keep = new Float32Array(T * batch);
  for (let s = 0; s < T; s++) {
    const t = goBackwards ? T - 1 - s : s;
    for (let b = 0; b < batch; b++) keep[s * batch + b] = mask[b * T + t] === 0 ? 0 : 1;
  }
  let out: Float32Array | null = null;
  if (rule === 'zero') out = keep;
  else if (rule === 'previous') {
    out = new Float32Array(T * batch);
    for (let b = 0; b < batch; b++) {
      let seen = 0;
      for (let s = 0; s < T; s++) {
        if (keep[s * batch + b] !== 0) seen = 1;
        out[s * batch + b] = seen;
      }
    }
  }
  return { keep, out };
}

/** Columns [b0, b1) of every row of a `T × batch` step array (the steps of a part of the batch). */
export function stepRows(a: Float32Array, batch: number, T: number, b0: number, b1: number): Float32Array {
  const n = b1 - b0;
  if (n === batch) return a;
  const out = new Float32Array(T * n);
  for (let s = 0; s < T; s++) out.set(a.subarray(s * batch + b0, s * batch + b1), s * n);
  return out;
}

/** Time-major copy (`T × batch × D`, processing order) of `batch × T × D` input, times a `batch × D` dropout mask when given. */
export function fillTimeMajor(x: Float32Array, xs: Float32Array, B: number, T: number, D: number, goBackwards: boolean, inputMask: Float32Array | null, maskOffset = 0): void {
  for (let s = 0; s < T; s++) {
    const t = goBackwards ? T - 1 - s : s;
    for (let b = 0; b < B; b++) {
      const src = (b * T + t) * D;
      const dst = (s * B + b) * D;
      if (inputMask === null) {
        xs.set(x.subarray(src, src + D), dst);
      } else {
        const m = maskOffset + b * D;
        for (let q = 0; q < D; q++) xs[dst + q] = x[src + q]! * inputMask[m + q]!;
      }
    }
  }
}

/** Writes `src` (`T × batch × D`, processing order) back into `dst` (`batch × T × D`, input order), times a `batch × D` mask when given, adding when `add`. */
export function fromTimeMajor(src: Float32Array, dst: Float32Array, B: number, T: number, D: number, goBackwards: boolean, mask: Float32Array | null, maskOffset = 0, add = false): void {
  for (let s = 0; s < T; s++) {
    const t = goBackwards ? T - 1 - s : s;
    for (let b = 0; b < B; b++) {
      const o = (s * B + b) * D;
      const d = (b * T + t) * D;
      if (mask === null && !add) {
        dst.set(src.subarray(o, o + D), d);
        continue;
      }
      const m = maskOffset + b * D;
      for (let q = 0; q < D; q++) {
        const v = mask === null ? src[o + q]! : src[o + q]! * mask[m + q]!;
        dst[d + q] = add ? dst[d + q]! + v : v;
      }
    }
  }
}

/** Writes the `cols × rows` transpose of the `rows × cols` matrix `a` (from `aOff`) into `t` from `off`, in cache-sized tiles. */
export function transposeInto(a: Float32Array, rows: number, cols: number, t: Float32Array, off: number, aOff = 0): void {
  const TB = 32;
  for (let r0 = 0; r0 < rows; r0 += TB) {
    const r1 = r0 + TB < rows ? r0 + TB : rows;
    for (let c0 = 0; c0 < cols; c0 += TB) {
      const c1 = c0 + TB < cols ? c0 + TB : cols;
      for (let r = r0; r < r1; r++) {
        const src = aOff + r * cols;
        for (let c = c0; c < c1; c++) t[off + c * rows + r] = a[src + c]!;
      }
    }
  }
}

/** Column sums of a `rows × n` matrix (row stride `ld`, from `off`), summed in double, rounded once. */
export function columnSums(a: Float32Array, rows: number, n: number, ld = n, off = 0): Float32Array {
  const acc = new Float64Array(n);
  for (let r = 0; r < rows; r++) {
    const o = off + r * ld;
    for (let j = 0; j < n; j++) acc[j] = acc[j]! + a[o + j]!;
  }
  return Float32Array.from(acc);
}

/** Fills `rows` rows of `width` floats at float index `z0` of the kernels' memory with `bias` (doubling copies). */
export function fillRows(mem: Float32Array, z0: number, bias: Float32Array, rows: number, width: number): void {
  mem.set(bias, z0);
  const total = rows * width;
  for (let len = width; len < total; len *= 2) mem.copyWithin(z0 + len, z0, z0 + Math.min(len, total - len));
}

/**
 * The sum of `parts` consecutive rows of `width` values, added in row order (the parts do not depend on
 * the number of threads, so neither does the sum), in WebAssembly.
 */
export function sumParts(kern: WasmKernels, rows: Float32Array, parts: number, width: number): Float32Array {
  const mark = wasmMark();
  const src = wasmAlloc(kern, parts * width);
  const dst = wasmAlloc(kern, width);
  const mem = wasmF32(kern);
  mem.set(rows.subarray(0, parts * width), src >> 2);
  mem.fill(0, dst >> 2, (dst >> 2) + width);
  kern.addColumnSums(parts, width, src, width, dst);
  const out = mem.slice(dst >> 2, (dst >> 2) + width);
  wasmRelease(mark);
  return out;
}

let gradsPool: Float32Array | null = null;
const GRADS_POOL_MAX_FLOATS = 4 * 1024 * 1024;

/**
 * Scratch for the parts' weight gradients, reused between calls (allocating and zeroing a fresh
 * SharedArrayBuffer per training step cost more than the sums). Never returned to callers: every part
 * overwrites its slot and {@link sumParts} copies the sum out before the next call.
 */
export function gradsScratch(n: number, shared: boolean): Float32Array {
  // only small scratch is kept between calls (a large layer's would pin its memory for good)
  if (n > GRADS_POOL_MAX_FLOATS) return f32(n, shared);
  const ok = gradsPool !== null && gradsPool.length >= n && isShared(gradsPool) === shared;
  if (!ok) gradsPool = f32(n, shared);
  return gradsPool!.length === n ? gradsPool! : gradsPool!.subarray(0, n);
}

/** Whether an array lives in a SharedArrayBuffer (false where the global does not exist). */
export function isShared(a: Float32Array): boolean {
  // `typeof` first: pages that are not cross-origin isolated have no SharedArrayBuffer at all
  return typeof SharedArrayBuffer === 'function' && a.buffer instanceof SharedArrayBuffer;
}

/** A float32 array of n values, over a SharedArrayBuffer when `shared` (helpers then write into it). */
export function f32(n: number, shared: boolean): Float32Array {
  return shared ? new Float32Array(new SharedArrayBuffer(4 * n)) : new Float32Array(n);
}

/** A copy of `a` over a SharedArrayBuffer. */
export function sharedCopy(a: Float32Array): Float32Array {
  const s = f32(a.length, true);
  s.set(a);
  return s;
}

/** Floats all parts' weight-gradient sums may take together (each part holds a full-size gradient). */
const PART_GRADS_MAX_FLOATS = 32 * 1024 * 1024;

/**
 * Batch bounds of the parts of a training call (forward or backward): about 8 rows each, at most 16
 * parts, and fewer for large layers so that the parts' gradient sums ((D + u + 1)·width floats each,
 * width = gates·u) stay under 128 MB (an LSTM of 1024 units gets 3). They depend on the sizes only,
 * never on the number of threads: each part sums its own rows' weight gradients and the parts' sums
 * are added in part order, so gradients are the same on one thread or several.
 */
export function partBounds(B: number, D: number, u: number, gates = 4, extraRows = 0): number[] {
  const byMemory = Math.floor(PART_GRADS_MAX_FLOATS / ((D + u + 1 + extraRows) * gates * u));
  const parts = Math.max(1, Math.min(16, Math.ceil(B / 8), byMemory));
  const bounds: number[] = [];
  for (let p = 0; p <= parts; p++) bounds.push(Math.round((p * B) / parts));
  return bounds;
}

/**
 * Batch bounds for `threads` threads claiming parts of an inference call dynamically: big parts first,
 * then halving, three rounds (e.g. 64 rows, 2 threads: 20 20 8 8 4 4), so that a thread the OS runs
 * late leaves at most a small part to wait for. Rows are independent, so the split never changes a result.
 */
export function guidedBounds(batch: number, threads: number): number[] {
  const weights: number[] = [];
  for (const w of [4, 2, 1]) for (let t = 0; t < threads; t++) weights.push(w);
  const total = weights.reduce((x, y) => x + y, 0);
  const bounds = [0];
  if (batch < 4 * total) {
    // small batches: equal parts
    const parts = Math.min(batch, 2 * threads);
    for (let p = 1; p <= parts; p++) bounds.push(Math.round((p * batch) / parts));
    return bounds;
  }
  // sizes in multiples of 4 rows (the GEMM's 4-row tiles; a part's last 1–3 rows take a slower path):
  // rounded down, the rest handed out 4 rows at a time to the big parts, the last 1–3 rows to the first
  const sizes = weights.map((w) => Math.floor((w * batch) / total / 4) * 4);
  let rest = batch - sizes.reduce((x, y) => x + y, 0);
  for (let i = 0; rest >= 4; i = (i + 1) % threads, rest -= 4) sizes[i]! += 4;
  sizes[0]! += rest;
  for (const n of sizes) bounds.push(bounds[bounds.length - 1]! + n);
  return bounds;
}

/**
 * Element-wise optimizer updates on raw float32 arrays, in WebAssembly SIMD for large variables. Every
 * operation rounds to float32 once, in both paths, so both give the same bits (and Keras' float32
 * update rules).
 */
import { ShapeMismatchError } from '../errors.js';
import { wasmAlloc, wasmF32, wasmKernels, wasmMark, wasmRelease } from '../wasm/backend.js';
import { markWeightsChanged } from '../wasm/pack-cache.js';

const f = Math.fround;

/** Values from which an update runs in WebAssembly (copying in and out costs less than it saves). */
const WASM_MIN = 2048;
/** Values per WebAssembly call of a large update (5 arrays × 32 KB: within a core's L2 cache). */
const ADAM_CHUNK = 8192;

/** The float32 constants of one Adam step (see {@link adamUpdate}). */
export interface AdamStepConstants {
  /** lr·√(1 − β₂ᵗ) / (1 − β₁ᵗ), rounded to float32. */
  alpha: number;
  /** 1 − β₁. */
  c1: number;
  /** 1 − β₂. */
  c2: number;
  /** ε. */
  epsilon: number;
}

/**
 * One Adam step in place, as Keras 3 computes it: `m += (g − m)·c1`, `v += (g² − v)·c2`, with amsgrad
 * `vhat = max(vhat, v)` (then used for v), and `w −= m·alpha / (√v + ε)`.
 *
 * @throws {ShapeMismatchError} if the arrays differ in length.
 */
export function adamUpdate(
  w: Float32Array,
  g: Float32Array,
  m: Float32Array,
  v: Float32Array,
  vhat: Float32Array | null,
  k: AdamStepConstants,
): void {
  const n = w.length;
  for (const [name, a] of [['gradient', g], ['m', m], ['v', v], ['vhat', vhat]] as const) {
    if (a !== null && a.length !== n) throw new ShapeMismatchError(`adamUpdate: ${name} has ${a.length} values for ${n} weights`, [n], [a.length]);
  }
  const alpha = f(k.alpha), c1 = f(k.c1), c2 = f(k.c2), eps = f(k.epsilon);
  // w changes in place: its packed copies (wasm/pack-cache.ts) must not be used again
  markWeightsChanged(w);
  const kern = n >= WASM_MIN ? wasmKernels() : null;
  if (kern !== null) {
    // In chunks that stay in cache: a large variable (an Embedding's table) then crosses main memory
    // once each way instead of through a variable-sized copy in the kernels' memory. Element-wise, so
    // the chunking never changes a value.
    const chunk = Math.min(n, ADAM_CHUNK);
    const mark = wasmMark();
    const pw = wasmAlloc(kern, chunk), pg = wasmAlloc(kern, chunk), pm = wasmAlloc(kern, chunk), pv = wasmAlloc(kern, chunk);
    const ph = vhat !== null ? wasmAlloc(kern, chunk) : 0;
    const mem = wasmF32(kern);
    for (let o = 0; o < n; o += chunk) {
      const len = Math.min(chunk, n - o);
      mem.set(w.subarray(o, o + len), pw >> 2);
      mem.set(g.subarray(o, o + len), pg >> 2);
      mem.set(m.subarray(o, o + len), pm >> 2);
      mem.set(v.subarray(o, o + len), pv >> 2);
      if (vhat !== null) mem.set(vhat.subarray(o, o + len), ph >> 2);
      kern.adamStep(len, pw, pg, pm, pv, ph, alpha, c1, c2, eps);
      w.set(mem.subarray(pw >> 2, (pw >> 2) + len), o);
      m.set(mem.subarray(pm >> 2, (pm >> 2) + len), o);
      v.set(mem.subarray(pv >> 2, (pv >> 2) + len), o);
      if (vhat !== null) vhat.set(mem.subarray(ph >> 2, (ph >> 2) + len), o);
    }
    wasmRelease(mark);
    return;
  }
  for (let p = 0; p < n; p++) {
    const gp = g[p]!;
    m[p] = f(m[p]! + f(f(gp - m[p]!) * c1));
    v[p] = f(v[p]! + f(f(f(gp * gp) - v[p]!) * c2));
    let vv = v[p]!;
    if (vhat !== null) {
      if (vv > vhat[p]!) vhat[p] = vv;
      vv = vhat[p]!;
    }
    w[p] = f(w[p]! - f(f(m[p]! * alpha) / f(f(Math.sqrt(vv)) + eps)));
  }
}

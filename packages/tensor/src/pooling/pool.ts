/**
 * Max and average pooling over 1 to 3 spatial axes of channels-last data, forward and backward, as
 * Keras 3 computes them on JAX (`lax.reduce_window`): padded positions never win a max; an average
 * divides by the window size (`valid`) or by the number of input positions in the window (`same`).
 * The max-pooling gradient goes to the first maximum of each window in window order (XLA's
 * select-and-scatter with `>=`), so ties are resolved as JAX resolves them.
 */
import { takeF32, takeI32 } from '../buffer-pool.js';
import { ConfigError, ShapeMismatchError } from '../errors.js';
import { prod, type WindowGeometry } from '../conv/geometry.js';
import { geoInts, geom3, type Geom3 } from '../conv/im2col.js';
import { wasmAlloc, wasmF32, wasmKernels, wasmMark, wasmRelease, type WasmKernels } from '../wasm/backend.js';

/** A pooling: batch, window geometry (dilation 1) and channels. */
export interface PoolSpec {
  readonly batch: number;
  readonly geometry: WindowGeometry;
  readonly channels: number;
}

/** What {@link poolForward} returns. */
export interface PoolResult {
  /** `(batch, *outSize, channels)`. */
  output: Float32Array;
  /**
   * Max pooling: for every output value, the flat index into the input of the value it took (−1 for a
   * window with no input position). Average pooling: null.
   */
  argmax: Int32Array | null;
  /** Average pooling: the divisor of every output position (per position, not per channel). */
  counts: Float32Array | null;
}

interface Dims {
  batch: number;
  g: Geom3;
  c: number;
  inPos: number;
  outPos: number;
}

function dims(spec: PoolSpec): Dims {
  const { batch, channels: c } = spec;
  if (!Number.isInteger(batch) || batch < 0) throw new ConfigError(`pooling: batch must be a non-negative integer, got ${batch}`);
  if (!Number.isInteger(c) || c < 1) throw new ConfigError(`pooling: channels must be a positive integer, got ${c}`);
  const geo = spec.geometry;
  if (geo.inSize.length < 1 || geo.inSize.length > 3) throw new ConfigError(`pooling: 1 to 3 spatial axes are supported, got ${geo.inSize.length}`);
  return { batch, g: geom3(geo), c, inPos: prod(geo.inSize), outPos: prod(geo.outSize) };
}

/**
 * Pools `x` (`(batch, *inSize, channels)`). `mode` `max` keeps the argmax for the backward pass; `avg`
 * keeps the divisors.
 */
export function poolForward(x: Float32Array, spec: PoolSpec, mode: 'max' | 'avg', keepArgmax = true): PoolResult {
  const d = dims(spec);
  const { c } = d;
  if (x.length !== d.batch * d.inPos * c) throw new ShapeMismatchError(`pooling: input has ${x.length} values, expected ${d.batch * d.inPos * c}`, [d.batch * d.inPos * c], [x.length]);
  const { inD, inH, inW, outD, outH, outW, kD, kH, kW, sD, sH, sW, pD, pH, pW } = d.g;
  const total = d.batch * d.outPos;
  if (mode === 'max') {
    const kern = wasmKernels();
    // every value is written by the kernel: a pooled buffer (see convForward) when it runs
    const y = kern !== null && total > 0 ? takeF32(total * c, false) : new Float32Array(total * c);
    // every index is written too (the caller may give it back with recycleInt32 after the backward pass)
    const argmax = keepArgmax ? (kern !== null && total > 0 ? takeI32(total * c) : new Int32Array(total * c)) : null;
    if (kern !== null && total > 0) maxPoolWasm(kern, x, d, y, argmax);
    else if (argmax) maxPoolArgmax(x, d, y, argmax);
    else maxPool(x, d, y);
    return { output: y, argmax, counts: null };
  }
  const y = new Float32Array(total * c);
  const counts = new Float32Array(d.outPos);
  // Scratch for one output position's running sums (no allocation per element).
  const acc = new Float64Array(c);
  let o = 0;
  for (let n = 0; n < d.batch; n++) {
    const xn = n * inD * inH * inW;
    let pos = 0;
    for (let od = 0; od < outD; od++) {
      const d0 = od * sD - pD;
      const dA = Math.max(0, d0), dB = Math.min(inD, d0 + kD);
      for (let oh = 0; oh < outH; oh++) {
        const h0 = oh * sH - pH;
        const hA = Math.max(0, h0), hB = Math.min(inH, h0 + kH);
        for (let ow = 0; ow < outW; ow++, o++, pos++) {
          const w0 = ow * sW - pW;
          const wA = Math.max(0, w0), wB = Math.min(inW, w0 + kW);
          const yo = o * c;
          acc.fill(0);
          let cnt = 0;
          for (let id = dA; id < dB; id++) {
            for (let ih = hA; ih < hB; ih++) {
              let xi = (xn + (id * inH + ih) * inW + wA) * c;
              for (let iw = wA; iw < wB; iw++, xi += c) {
                cnt++;
                for (let ch = 0; ch < c; ch++) acc[ch] = Math.fround(acc[ch]! + x[xi + ch]!);
              }
            }
          }
          if (n === 0) counts[pos] = cnt;
          for (let ch = 0; ch < c; ch++) y[yo + ch] = acc[ch]! / cnt;
        }
      }
    }
  }
  return { output: y, argmax: null, counts };
}

/**
 * Max pooling in WebAssembly (branch-free SIMD maxima: compare-and-branch loops over random data
 * mispredict half the time). Same values and argmax as {@link maxPoolArgmax}.
 */
function maxPoolWasm(kern: WasmKernels, x: Float32Array, d: Dims, y: Float32Array, argmax: Int32Array | null): void {
  const mark = wasmMark();
  const px = wasmAlloc(kern, x.length);
  const py = wasmAlloc(kern, y.length);
  const pa = argmax ? wasmAlloc(kern, y.length) : 0;
  const pgeo = wasmAlloc(kern, 18);
  const mem = wasmF32(kern);
  mem.set(x, px >> 2);
  new Int32Array(mem.buffer, pgeo, 18).set(geoInts(d.g));
  kern.maxPool(px, pgeo, d.c, d.batch, py, pa);
  y.set(mem.subarray(py >> 2, (py >> 2) + y.length));
  if (argmax) argmax.set(new Int32Array(mem.buffer, pa, y.length));
  wasmRelease(mark);
}

/**
 * Max pooling into `y`, without allocating: each output row starts as the window's first input row and
 * takes every later value that is strictly greater (the first maximum wins; NaN propagates). A window
 * with no input position gives −∞.
 */
function maxPool(x: Float32Array, d: Dims, y: Float32Array): void {
  const { c } = d;
  const { inD, inH, inW, outD, outH, outW, kD, kH, kW, sD, sH, sW, pD, pH, pW } = d.g;
  let yo = 0;
  for (let n = 0; n < d.batch; n++) {
    const xn = n * inD * inH * inW;
    for (let od = 0; od < outD; od++) {
      const d0 = od * sD - pD;
      const dA = d0 > 0 ? d0 : 0, dB = d0 + kD < inD ? d0 + kD : inD;
      for (let oh = 0; oh < outH; oh++) {
        const h0 = oh * sH - pH;
        const hA = h0 > 0 ? h0 : 0, hB = h0 + kH < inH ? h0 + kH : inH;
        for (let ow = 0; ow < outW; ow++, yo += c) {
          const w0 = ow * sW - pW;
          const wA = w0 > 0 ? w0 : 0, wB = w0 + kW < inW ? w0 + kW : inW;
          if (dA >= dB || hA >= hB || wA >= wB) {
            y.fill(-Infinity, yo, yo + c);
            continue;
          }
          let first = true;
          for (let id = dA; id < dB; id++) {
            for (let ih = hA; ih < hB; ih++) {
              let xi = (xn + (id * inH + ih) * inW + wA) * c;
              for (let iw = wA; iw < wB; iw++, xi += c) {
                if (first) {
                  for (let ch = 0; ch < c; ch++) y[yo + ch] = x[xi + ch]!;
                  first = false;
                  continue;
                }
                for (let ch = 0; ch < c; ch++) {
                  const v = x[xi + ch]!;
                  const b = y[yo + ch]!;
                  if (v > b || (v !== v && b === b)) y[yo + ch] = v;
                }
              }
            }
          }
        }
      }
    }
  }
}

/** {@link maxPool} that also records, per output value, the flat input index it took (−1: none). */
function maxPoolArgmax(x: Float32Array, d: Dims, y: Float32Array, argmax: Int32Array): void {
  const { c } = d;
  const { inD, inH, inW, outD, outH, outW, kD, kH, kW, sD, sH, sW, pD, pH, pW } = d.g;
  let yo = 0;
  for (let n = 0; n < d.batch; n++) {
    const xn = n * inD * inH * inW;
    for (let od = 0; od < outD; od++) {
      const d0 = od * sD - pD;
      const dA = d0 > 0 ? d0 : 0, dB = d0 + kD < inD ? d0 + kD : inD;
      for (let oh = 0; oh < outH; oh++) {
        const h0 = oh * sH - pH;
        const hA = h0 > 0 ? h0 : 0, hB = h0 + kH < inH ? h0 + kH : inH;
        for (let ow = 0; ow < outW; ow++, yo += c) {
          const w0 = ow * sW - pW;
          const wA = w0 > 0 ? w0 : 0, wB = w0 + kW < inW ? w0 + kW : inW;
          y.fill(-Infinity, yo, yo + c);
          argmax.fill(-1, yo, yo + c);
          for (let id = dA; id < dB; id++) {
            for (let ih = hA; ih < hB; ih++) {
              let xi = (xn + (id * inH + ih) * inW + wA) * c;
              for (let iw = wA; iw < wB; iw++, xi += c) {
                for (let ch = 0; ch < c; ch++) {
                  const v = x[xi + ch]!;
                  const b = y[yo + ch]!;
                  // strictly greater: the first maximum in window order wins; NaN propagates
                  if (v > b || (v !== v && b === b)) {
                    y[yo + ch] = v;
                    argmax[yo + ch] = xi + ch;
                  }
                }
              }
            }
          }
        }
      }
    }
  }
}

/**
 * ∂L/∂x of max pooling: each output gradient goes to the input value its window took (summed in output
 * order where windows overlap).
 */
export function maxPoolBackward(dy: Float32Array, argmax: Int32Array, inputSize: number): Float32Array {
  if (dy.length !== argmax.length) throw new ShapeMismatchError(`maxPoolBackward: ${dy.length} gradients for ${argmax.length} outputs`, [argmax.length], [dy.length]);
  const kern = dy.length > 0 ? wasmKernels() : null;
  if (kern !== null) {
    // zeroed and scattered in the kernels' memory (already mapped) and copied into a pooled buffer:
    // a fresh zeroed multi-megabyte array per training step costs more in page faults than the scatter
    const mark = wasmMark();
    const pdy = wasmAlloc(kern, dy.length);
    const pa = wasmAlloc(kern, dy.length);
    const pdx = wasmAlloc(kern, inputSize);
    const mem = wasmF32(kern);
    mem.set(dy, pdy >> 2);
    new Int32Array(mem.buffer, pa, dy.length).set(argmax);
    kern.maxPoolBackward(pdy, pa, dy.length, pdx, inputSize);
    const dx = takeF32(inputSize, false);
    dx.set(mem.subarray(pdx >> 2, (pdx >> 2) + inputSize));
    wasmRelease(mark);
    return dx;
  }
  const dx = new Float32Array(inputSize);
  for (let i = 0; i < dy.length; i++) {
    const j = argmax[i]!;
    if (j >= 0) dx[j] = dx[j]! + dy[i]!;
  }
  return dx;
}

/** ∂L/∂x of average pooling: each output gradient divided by its window's divisor, spread over the window. */
export function avgPoolBackward(dy: Float32Array, counts: Float32Array, spec: PoolSpec): Float32Array {
  const d = dims(spec);
  const { c } = d;
  if (dy.length !== d.batch * d.outPos * c) throw new ShapeMismatchError(`avgPoolBackward: gradient has ${dy.length} values, expected ${d.batch * d.outPos * c}`, [d.batch * d.outPos * c], [dy.length]);
  const { inD, inH, inW, outD, outH, outW, kD, kH, kW, sD, sH, sW, pD, pH, pW } = d.g;
  const dx = new Float32Array(d.batch * d.inPos * c);
  const share = new Float32Array(c);
  let o = 0;
  for (let n = 0; n < d.batch; n++) {
    const xn = n * inD * inH * inW;
    let pos = 0;
    for (let od = 0; od < outD; od++) {
      const d0 = od * sD - pD;
      const dA = Math.max(0, d0), dB = Math.min(inD, d0 + kD);
      for (let oh = 0; oh < outH; oh++) {
        const h0 = oh * sH - pH;
        const hA = Math.max(0, h0), hB = Math.min(inH, h0 + kH);
        for (let ow = 0; ow < outW; ow++, o++, pos++) {
          const w0 = ow * sW - pW;
          const wA = Math.max(0, w0), wB = Math.min(inW, w0 + kW);
          const div = counts[pos]!;
          for (let ch = 0; ch < c; ch++) share[ch] = dy[o * c + ch]! / div;
          for (let id = dA; id < dB; id++) {
            for (let ih = hA; ih < hB; ih++) {
              let xi = (xn + (id * inH + ih) * inW + wA) * c;
              for (let iw = wA; iw < wB; iw++, xi += c) {
                for (let ch = 0; ch < c; ch++) dx[xi + ch] = dx[xi + ch]! + share[ch]!;
              }
            }
          }
        }
      }
    }
  }
  return dx;
}

/**
 * Depthwise convolution (1 to 3 spatial axes, channels-last): every input channel `c` is convolved
 * with its own `depthMultiplier` filters, giving output channels `c·M + m` (Keras' kernel layout
 * `(k..., channels, M)`). A direct kernel: the work per output is `taps·M`, too little for a GEMM.
 */
import { ConfigError, ShapeMismatchError } from '../errors.js';
import { prod, type WindowGeometry } from './geometry.js';
import { geom3, type Geom3 } from './im2col.js';

/** A depthwise convolution: batch, window geometry, channels and depth multiplier. */
export interface DepthwiseSpec {
  readonly batch: number;
  readonly geometry: WindowGeometry;
  readonly channels: number;
  readonly depthMultiplier: number;
}

interface Dims {
  batch: number;
  g: Geom3;
  c: number;
  m: number;
  taps: number;
  inPos: number;
  outPos: number;
}

function dims(spec: DepthwiseSpec): Dims {
  const { batch, channels: c, depthMultiplier: m } = spec;
  for (const [k, v] of [['batch', batch], ['channels', c], ['depthMultiplier', m]] as const) {
    if (!Number.isInteger(v) || v < (k === 'batch' ? 0 : 1)) throw new ConfigError(`depthwise convolution: ${k} must be a positive integer, got ${v}`);
  }
  const geo = spec.geometry;
  if (geo.inSize.length < 1 || geo.inSize.length > 3) throw new ConfigError(`depthwise convolution: 1 to 3 spatial axes are supported, got ${geo.inSize.length}`);
  return { batch, g: geom3(geo), c, m, taps: prod(geo.window), inPos: prod(geo.inSize), outPos: prod(geo.outSize) };
}

function expect(what: string, arr: Float32Array, n: number): void {
  if (arr.length !== n) throw new ShapeMismatchError(`depthwise convolution: ${what} has ${arr.length} values, expected ${n}`, [n], [arr.length]);
}

/**
 * Visits every (output position, kernel tap) pair whose input position is inside the input:
 * `fn(outIndex, inIndex, tap)` with positions counted over the batch.
 */
function eachTap(d: Dims, fn: (o: number, i: number, tap: number) => void): void {
  const { inD, inH, inW, outD, outH, outW, kD, kH, kW, sD, sH, sW, dD, dH, dW, pD, pH, pW } = d.g;
  let o = 0;
  for (let n = 0; n < d.batch; n++) {
    const xn = n * inD * inH * inW;
    for (let od = 0; od < outD; od++) {
      for (let oh = 0; oh < outH; oh++) {
        for (let ow = 0; ow < outW; ow++, o++) {
          let tap = 0;
          for (let kd = 0; kd < kD; kd++) {
            const id = od * sD + kd * dD - pD;
            for (let kh = 0; kh < kH; kh++) {
              const ih = oh * sH + kh * dH - pH;
              for (let kw = 0; kw < kW; kw++, tap++) {
                const iw = ow * sW + kw * dW - pW;
                if (id < 0 || id >= inD || ih < 0 || ih >= inH || iw < 0 || iw >= inW) continue;
                fn(o, xn + (id * inH + ih) * inW + iw, tap);
              }
            }
          }
        }
      }
    }
  }
}

/** `z = depthwise(x, kernel) + bias`: `(batch, *inSize, C)` → `(batch, *outSize, C·M)`. */
export function depthwiseForward(x: Float32Array, kernel: Float32Array, bias: Float32Array | null, spec: DepthwiseSpec): Float32Array {
  const d = dims(spec);
  const { c, m } = d;
  const cm = c * m;
  expect('input', x, d.batch * d.inPos * c);
  expect('kernel', kernel, d.taps * cm);
  if (bias !== null) expect('bias', bias, cm);
  const y = new Float32Array(d.batch * d.outPos * cm);
  if (bias !== null) for (let o = 0; o < d.batch * d.outPos; o++) y.set(bias, o * cm);
  eachTap(d, (o, i, tap) => {
    const yo = o * cm, xi = i * c, wo = tap * cm;
    if (m === 1) {
      for (let ch = 0; ch < c; ch++) y[yo + ch] = y[yo + ch]! + x[xi + ch]! * kernel[wo + ch]!;
    } else {
      for (let ch = 0; ch < c; ch++) {
        const xv = x[xi + ch]!;
        for (let k = 0; k < m; k++) y[yo + ch * m + k] = y[yo + ch * m + k]! + xv * kernel[wo + ch * m + k]!;
      }
    }
  });
  return y;
}

/** ∂L/∂x of {@link depthwiseForward}. */
export function depthwiseBackwardInput(dz: Float32Array, kernel: Float32Array, spec: DepthwiseSpec): Float32Array {
  const d = dims(spec);
  const { c, m } = d;
  const cm = c * m;
  expect('output gradient', dz, d.batch * d.outPos * cm);
  expect('kernel', kernel, d.taps * cm);
  const dx = new Float32Array(d.batch * d.inPos * c);
  eachTap(d, (o, i, tap) => {
    const zo = o * cm, xi = i * c, wo = tap * cm;
    for (let ch = 0; ch < c; ch++) {
      let s = 0;
      for (let k = 0; k < m; k++) s += dz[zo + ch * m + k]! * kernel[wo + ch * m + k]!;
      dx[xi + ch] = dx[xi + ch]! + s;
    }
  });
  return dx;
}

/** ∂L/∂kernel of {@link depthwiseForward}. */
export function depthwiseBackwardKernel(x: Float32Array, dz: Float32Array, spec: DepthwiseSpec): Float32Array {
  const d = dims(spec);
  const { c, m } = d;
  const cm = c * m;
  expect('input', x, d.batch * d.inPos * c);
  expect('output gradient', dz, d.batch * d.outPos * cm);
  const dk = new Float32Array(d.taps * cm);
  eachTap(d, (o, i, tap) => {
    const zo = o * cm, xi = i * c, wo = tap * cm;
    for (let ch = 0; ch < c; ch++) {
      const xv = x[xi + ch]!;
      for (let k = 0; k < m; k++) dk[wo + ch * m + k] = dk[wo + ch * m + k]! + xv * dz[zo + ch * m + k]!;
    }
  });
  return dk;
}

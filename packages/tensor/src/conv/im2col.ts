/**
 * im2col and col2im over channels-last data of 1 to 3 spatial axes, written once for three axes (fewer
 * axes are size-1 axes in front). A row of the column matrix holds one output position's window,
 * ordered (kernel position, channel) — the row-major order of a Keras kernel `(k..., in, out)`, so the
 * convolution is `cols · kernel` with the kernel read as a `(prod(k)·in) × out` matrix.
 */
import type { WindowGeometry } from './geometry.js';

/** A window geometry padded to three spatial axes (leading axes of size 1). @internal */
export interface Geom3 {
  inD: number; inH: number; inW: number;
  outD: number; outH: number; outW: number;
  kD: number; kH: number; kW: number;
  sD: number; sH: number; sW: number;
  dD: number; dH: number; dW: number;
  pD: number; pH: number; pW: number;
}

/** The three-axis form of a 1-, 2- or 3-axis geometry. @internal */
export function geom3(g: WindowGeometry): Geom3 {
  const r = g.inSize.length;
  const at = (v: readonly number[], i: number, dflt: number): number => (i - (3 - r) >= 0 ? v[i - (3 - r)]! : dflt);
  return {
    inD: at(g.inSize, 0, 1), inH: at(g.inSize, 1, 1), inW: at(g.inSize, 2, 1),
    outD: at(g.outSize, 0, 1), outH: at(g.outSize, 1, 1), outW: at(g.outSize, 2, 1),
    kD: at(g.window, 0, 1), kH: at(g.window, 1, 1), kW: at(g.window, 2, 1),
    sD: at(g.strides, 0, 1), sH: at(g.strides, 1, 1), sW: at(g.strides, 2, 1),
    dD: at(g.dilations, 0, 1), dH: at(g.dilations, 1, 1), dW: at(g.dilations, 2, 1),
    pD: at(g.padBefore, 0, 0), pH: at(g.padBefore, 1, 0), pW: at(g.padBefore, 2, 0),
  };
}

/** A geometry's 18 sizes as the WebAssembly kernels read them (scripts/asm/kernels.ts `im2col`). @internal */
export function geoInts(g: Geom3): number[] {
  return [g.inD, g.inH, g.inW, g.outD, g.outH, g.outW, g.kD, g.kH, g.kW, g.sD, g.sH, g.sW, g.dD, g.dH, g.dW, g.pD, g.pH, g.pW];
}

/**
 * Writes the column rows of samples `n0..n1` (channels `c0..c0+cg` of `channels`) into `cols` from
 * `colsOff`: `(n1−n0)·outD·outH·outW` rows of `kD·kH·kW·cg` values; padded positions are 0.
 */
export function im2col(x: Float32Array, g: Geom3, channels: number, c0: number, cg: number, n0: number, n1: number, cols: Float32Array, colsOff: number): void {
  const { inD, inH, inW, outD, outH, outW, kD, kH, kW, sD, sH, sW, dD, dH, dW, pD, pH, pW } = g;
  const rowW = kW * cg;
  let o = colsOff;
  for (let n = n0; n < n1; n++) {
    const xn = n * inD * inH * inW;
    for (let od = 0; od < outD; od++) {
      for (let oh = 0; oh < outH; oh++) {
        for (let ow = 0; ow < outW; ow++) {
          for (let kd = 0; kd < kD; kd++) {
            const id = od * sD + kd * dD - pD;
            if (id < 0 || id >= inD) {
              cols.fill(0, o, o + kH * rowW);
              o += kH * rowW;
              continue;
            }
            for (let kh = 0; kh < kH; kh++) {
              const ih = oh * sH + kh * dH - pH;
              if (ih < 0 || ih >= inH) {
                cols.fill(0, o, o + rowW);
                o += rowW;
                continue;
              }
              const base = (xn + (id * inH + ih) * inW) * channels + c0;
              for (let kw = 0; kw < kW; kw++) {
                const iw = ow * sW + kw * dW - pW;
                if (iw < 0 || iw >= inW) {
                  for (let c = 0; c < cg; c++) cols[o + c] = 0;
                } else {
                  const src = base + iw * channels;
                  if (cg < 16) for (let c = 0; c < cg; c++) cols[o + c] = x[src + c]!;
                  else cols.set(x.subarray(src, src + cg), o);
                }
                o += cg;
              }
            }
          }
        }
      }
    }
  }
}

/**
 * The adjoint of {@link im2col}: adds the column rows of samples `n0..n1` (from `colsOff`) into
 * channels `c0..c0+cg` of `x` at the positions they were read from (padded positions are dropped).
 */
export function col2im(cols: Float32Array, colsOff: number, g: Geom3, channels: number, c0: number, cg: number, n0: number, n1: number, x: Float32Array): void {
  const { inD, inH, inW, outD, outH, outW, kD, kH, kW, sD, sH, sW, dD, dH, dW, pD, pH, pW } = g;
  const rowW = kW * cg;
  let o = colsOff;
  for (let n = n0; n < n1; n++) {
    const xn = n * inD * inH * inW;
    for (let od = 0; od < outD; od++) {
      for (let oh = 0; oh < outH; oh++) {
        for (let ow = 0; ow < outW; ow++) {
          for (let kd = 0; kd < kD; kd++) {
            const id = od * sD + kd * dD - pD;
            if (id < 0 || id >= inD) {
              o += kH * rowW;
              continue;
            }
            for (let kh = 0; kh < kH; kh++) {
              const ih = oh * sH + kh * dH - pH;
              if (ih < 0 || ih >= inH) {
                o += rowW;
                continue;
              }
              const base = (xn + (id * inH + ih) * inW) * channels + c0;
              for (let kw = 0; kw < kW; kw++) {
                const iw = ow * sW + kw * dW - pW;
                if (iw >= 0 && iw < inW) {
                  const dst = base + iw * channels;
                  for (let c = 0; c < cg; c++) x[dst + c] = x[dst + c]! + cols[o + c]!;
                }
                o += cg;
              }
            }
          }
        }
      }
    }
  }
}

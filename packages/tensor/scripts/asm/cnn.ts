// AssemblyScript: direct convolution for short window rows (few input channels), optionally with the
// max pooling that follows it fused in, and the max-pooling gradient (src/conv/conv.ts and
// src/pooling/pool.ts drive them).
//
// An entry file of the kernels' module of its own (../build-wasm.mjs compiles every entry into one
// module), so that kernels written in parallel do not collide in kernels.ts.
//
// Why a direct convolution: with a window row of k = taps·channels values (9 for a 3×3 window over one
// channel) im2col + GEMM spends its time writing and re-reading the column matrix and the output (the
// GEMM's C is read and written once per k block), not multiplying. Here each output position gathers
// its k inputs once and keeps its output channels in registers.
//
// Exactness: every output value is computed as the GEMM computes it (kernels.ts kernel4x8 / storeRow):
// s = 0; s += x[t]·w[t, j] for t = 0..k−1 in order (a multiply, then an add: no fused multiply-add);
// then s + bias[j]; then the activation as `activate` applies it. So the results are bit for bit those
// of im2col + GEMM (k ≤ 256, one k block), and a fused max pool gives what maxPool (without argmax)
// gives on the stored output.

/** relu as kernels.ts vact(5): pmax(x, 0). */
// @ts-ignore: decorator
@inline
function vrelu(x: v128): v128 {
  return f32x4.pmax(x, f32x4.splat(0));
}

/**
 * The output channels of one conv position: dst[j] = act(Σ_t x_t·w[t, j] + bias[j]) for j < cout, where
 * x_t is the float at byte address xb + offs[t] (offs: k i32). w: k×cout row-major (Keras' kernel read
 * as a matrix); bias: cout floats or 0; relu: act 5 (anything else is linear). From channel j0 on.
 */
// @ts-ignore: decorator
@inline
function position(xb: usize, offs: usize, k: i32, w: usize, cout: i32, bias: usize, relu: bool, dst: usize, j0: i32 = 0): void {
  const rowB = <usize>cout << 2;
  let j = j0;
  for (; j + 16 <= cout; j += 16) {
    const jo = <usize>j << 2;
    let s0 = f32x4.splat(0), s1 = f32x4.splat(0), s2 = f32x4.splat(0), s3 = f32x4.splat(0);
    let wp = w + jo;
    for (let t = 0; t < k; t++) {
      const a = v128.load32_splat(xb + <usize>load<i32>(offs + (<usize>t << 2)));
      s0 = f32x4.add(s0, f32x4.mul(a, v128.load(wp)));
      s1 = f32x4.add(s1, f32x4.mul(a, v128.load(wp, 16)));
      s2 = f32x4.add(s2, f32x4.mul(a, v128.load(wp, 32)));
      s3 = f32x4.add(s3, f32x4.mul(a, v128.load(wp, 48)));
      wp += rowB;
    }
    if (bias != 0) {
      s0 = f32x4.add(s0, v128.load(bias + jo));
      s1 = f32x4.add(s1, v128.load(bias + jo, 16));
      s2 = f32x4.add(s2, v128.load(bias + jo, 32));
      s3 = f32x4.add(s3, v128.load(bias + jo, 48));
    }
    if (relu) {
      s0 = vrelu(s0);
      s1 = vrelu(s1);
      s2 = vrelu(s2);
      s3 = vrelu(s3);
    }
    v128.store(dst + jo, s0);
    v128.store(dst + jo, s1, 16);
    v128.store(dst + jo, s2, 32);
    v128.store(dst + jo, s3, 48);
  }
  for (; j + 4 <= cout; j += 4) {
    const jo = <usize>j << 2;
    let s = f32x4.splat(0);
    let wp = w + jo;
    for (let t = 0; t < k; t++) {
      s = f32x4.add(s, f32x4.mul(v128.load32_splat(xb + <usize>load<i32>(offs + (<usize>t << 2))), v128.load(wp)));
      wp += rowB;
    }
    if (bias != 0) s = f32x4.add(s, v128.load(bias + jo));
    if (relu) s = vrelu(s);
    v128.store(dst + jo, s);
  }
  for (; j < cout; j++) {
    const jo = <usize>j << 2;
    let s: f32 = 0;
    let wp = w + jo;
    for (let t = 0; t < k; t++) {
      s = s + load<f32>(xb + <usize>load<i32>(offs + (<usize>t << 2))) * load<f32>(wp);
      wp += rowB;
    }
    if (bias != 0) s = s + load<f32>(bias + jo);
    if (relu) s = f32x4.extract_lane(vrelu(f32x4.splat(s)), 0);
    store<f32>(dst + jo, s);
  }
}

/**
 * position() for two positions at once whose windows start at byte addresses xa and xb (interior
 * positions, the same tap offsets): each weight row loaded once serves both. Every output value is
 * computed exactly as position() computes it. With maxInto, da's channels take the maximum of
 * themselves, the first position's and the second's, in that order (a max pooling's window order; db
 * is then scratch for channels past the last multiple of 16).
 */
// @ts-ignore: decorator
@inline
function position2(xa: usize, xb: usize, offs: usize, k: i32, w: usize, cout: i32, bias: usize, relu: bool, da: usize, db: usize, maxInto: bool): void {
  const rowB = <usize>cout << 2;
  let j = 0;
  for (; j + 16 <= cout; j += 16) {
    const jo = <usize>j << 2;
    let s0 = f32x4.splat(0), s1 = f32x4.splat(0), s2 = f32x4.splat(0), s3 = f32x4.splat(0);
    let r0 = f32x4.splat(0), r1 = f32x4.splat(0), r2 = f32x4.splat(0), r3 = f32x4.splat(0);
    let wp = w + jo;
    for (let t = 0; t < k; t++) {
      const off = <usize>load<i32>(offs + (<usize>t << 2));
      const a = v128.load32_splat(xa + off);
      const b = v128.load32_splat(xb + off);
      const w0 = v128.load(wp), w1 = v128.load(wp, 16);
      s0 = f32x4.add(s0, f32x4.mul(a, w0));
      r0 = f32x4.add(r0, f32x4.mul(b, w0));
      s1 = f32x4.add(s1, f32x4.mul(a, w1));
      r1 = f32x4.add(r1, f32x4.mul(b, w1));
      const w2 = v128.load(wp, 32), w3 = v128.load(wp, 48);
      s2 = f32x4.add(s2, f32x4.mul(a, w2));
      r2 = f32x4.add(r2, f32x4.mul(b, w2));
      s3 = f32x4.add(s3, f32x4.mul(a, w3));
      r3 = f32x4.add(r3, f32x4.mul(b, w3));
      wp += rowB;
    }
    if (bias != 0) {
      const b0 = v128.load(bias + jo), b1 = v128.load(bias + jo, 16), b2 = v128.load(bias + jo, 32), b3 = v128.load(bias + jo, 48);
      s0 = f32x4.add(s0, b0);
      s1 = f32x4.add(s1, b1);
      s2 = f32x4.add(s2, b2);
      s3 = f32x4.add(s3, b3);
      r0 = f32x4.add(r0, b0);
      r1 = f32x4.add(r1, b1);
      r2 = f32x4.add(r2, b2);
      r3 = f32x4.add(r3, b3);
    }
    if (relu) {
      s0 = vrelu(s0);
      s1 = vrelu(s1);
      s2 = vrelu(s2);
      s3 = vrelu(s3);
      r0 = vrelu(r0);
      r1 = vrelu(r1);
      r2 = vrelu(r2);
      r3 = vrelu(r3);
    }
    if (maxInto) {
      v128.store(da + jo, f32x4.max(f32x4.max(v128.load(da + jo), s0), r0));
      v128.store(da + jo, f32x4.max(f32x4.max(v128.load(da + jo, 16), s1), r1), 16);
      v128.store(da + jo, f32x4.max(f32x4.max(v128.load(da + jo, 32), s2), r2), 32);
      v128.store(da + jo, f32x4.max(f32x4.max(v128.load(da + jo, 48), s3), r3), 48);
    } else {
      v128.store(da + jo, s0);
      v128.store(da + jo, s1, 16);
      v128.store(da + jo, s2, 32);
      v128.store(da + jo, s3, 48);
      v128.store(db + jo, r0);
      v128.store(db + jo, r1, 16);
      v128.store(db + jo, r2, 32);
      v128.store(db + jo, r3, 48);
    }
  }
  if (j < cout) {
    // the remaining channels one position at a time
    if (maxInto) {
      position(xa, offs, k, w, cout, bias, relu, db, j);
      maxRow(da, db, j, cout);
      position(xb, offs, k, w, cout, bias, relu, db, j);
      maxRow(da, db, j, cout);
    } else {
      position(xa, offs, k, w, cout, bias, relu, da, j);
      position(xb, offs, k, w, cout, bias, relu, db, j);
    }
  }
}

/** dst[c] = max(dst[c], src[c]) for j0 ≤ c < n, as maxPool takes a window's next value (NaN wins). */
// @ts-ignore: decorator
@inline
function maxRow(dst: usize, src: usize, j0: i32, n: i32): void {
  const c4 = j0 + ((n - j0) & ~3);
  for (let j = j0; j < c4; j += 4) {
    const o = <usize>j << 2;
    v128.store(dst + o, f32x4.max(v128.load(dst + o), v128.load(src + o)));
  }
  for (let j = c4; j < n; j++) {
    const o = <usize>j << 2;
    // as maxPool's scalar channels: a greater value or a NaN replaces
    const m = load<f32>(dst + o), v = load<f32>(src + o);
    if (v > m || (v != v && m == m)) store<f32>(dst + o, v);
  }
}

/**
 * Gathers the window of conv position (n, od, oh, ow) into xb: taps in (kd, kh, kw) order, each
 * `cin` channels; positions outside the input are 0 (as im2col writes them). g: 18 i32 as im2col's.
 */
// @ts-ignore: decorator
@inline
function gather(x: usize, g: usize, cin: i32, n: i32, od: i32, oh: i32, ow: i32, xb: usize): void {
  const inD = load<i32>(g), inH = load<i32>(g, 4), inW = load<i32>(g, 8);
  const kD = load<i32>(g, 24), kH = load<i32>(g, 28), kW = load<i32>(g, 32);
  const sD = load<i32>(g, 36), sH = load<i32>(g, 40), sW = load<i32>(g, 44);
  const dD = load<i32>(g, 48), dH = load<i32>(g, 52), dW = load<i32>(g, 56);
  const pD = load<i32>(g, 60), pH = load<i32>(g, 64), pW = load<i32>(g, 68);
  const cb = <usize>cin << 2;
  const xn = x + ((<usize>n * <usize>inD * <usize>inH * <usize>inW * <usize>cin) << 2);
  let o = xb;
  for (let kd = 0; kd < kD; kd++) {
    const id = od * sD + kd * dD - pD;
    for (let kh = 0; kh < kH; kh++) {
      const ih = oh * sH + kh * dH - pH;
      const rowIn = id >= 0 && id < inD && ih >= 0 && ih < inH;
      const base = xn + ((<usize>(id * inH + ih) * <usize>inW * <usize>cin) << 2);
      for (let kw = 0; kw < kW; kw++) {
        const iw = ow * sW + kw * dW - pW;
        if (rowIn && iw >= 0 && iw < inW) {
          const src = base + <usize>iw * cb;
          for (let c = 0; c < cin; c++) store<f32>(o + (<usize>c << 2), load<f32>(src + (<usize>c << 2)));
        } else {
          for (let c = 0; c < cin; c++) store<f32>(o + (<usize>c << 2), 0);
        }
        o += cb;
      }
    }
  }
}

/**
 * Direct convolution of samples [n0, n1) (x indexed from sample 0, y from sample n0): y (…, out…, cout)
 * = act(conv(x, w) + bias). g: the conv geometry (18 i32 as im2col's); w: k×cout (k = taps·cin ≤ 256);
 * bias: cout floats or 0; act: 5 relu, else linear; xb: scratch of 3k floats (a gathered border window
 * and two tables of tap offsets).
 *
 * With pool ≠ 0 (18 i32: the max pooling's geometry over the conv output, dilations 1), y receives the
 * max-pooled result instead (…, pooled…, cout): each pooled value is the maximum (f32x4.max, from −∞) of
 * the conv outputs in its window, as maxPool computes it on the stored output; conv outputs no window
 * covers are never computed. tmp: scratch of cout floats.
 */
export function convDirect(
  x: usize, g: usize, cin: i32, n0: i32, n1: i32, w: usize, cout: i32, bias: usize, act: i32, y: usize, pool: usize, xb: usize, tmp: usize,
): void {
  const inD = load<i32>(g), inH = load<i32>(g, 4), inW = load<i32>(g, 8);
  const kD = load<i32>(g, 24), kH = load<i32>(g, 28), kW = load<i32>(g, 32);
  const sD = load<i32>(g, 36), sH = load<i32>(g, 40), sW = load<i32>(g, 44);
  const dD = load<i32>(g, 48), dH = load<i32>(g, 52), dW = load<i32>(g, 56);
  const pD = load<i32>(g, 60), pH = load<i32>(g, 64), pW = load<i32>(g, 68);
  const k = kD * kH * kW * cin;
  // offsets of the taps: into xb (a gathered border window) and from a window's first input (interior)
  const ident = xb + (<usize>k << 2);
  const inner = ident + (<usize>k << 2);
  let t = 0;
  for (let kd = 0; kd < kD; kd++) {
    for (let kh = 0; kh < kH; kh++) {
      for (let kw = 0; kw < kW; kw++) {
        for (let c = 0; c < cin; c++, t++) {
          store<i32>(ident + (<usize>t << 2), t << 2);
          store<i32>(inner + (<usize>t << 2), ((((kd * dD) * inH + kh * dH) * inW + kw * dW) * cin + c) << 2);
        }
      }
    }
  }
  const relu = act == 5;
  const rowB = <usize>cout << 2;
  const spanD = (kD - 1) * dD, spanH = (kH - 1) * dH, spanW = (kW - 1) * dW;
  const perSample = <usize>inD * <usize>inH * <usize>inW * <usize>cin;
  if (pool == 0) {
    const outD = load<i32>(g, 12), outH = load<i32>(g, 16), outW = load<i32>(g, 20);
    let yo = y;
    for (let n = n0; n < n1; n++) {
      const xn = x + (<usize>n * perSample << 2);
      for (let od = 0; od < outD; od++) {
        const id0 = od * sD - pD;
        const inDok = id0 >= 0 && id0 + spanD < inD;
        for (let oh = 0; oh < outH; oh++) {
          const ih0 = oh * sH - pH;
          const inHok = inDok && ih0 >= 0 && ih0 + spanH < inH;
          for (let ow = 0; ow < outW; ow++) {
            const iw0 = ow * sW - pW;
            if (inHok && iw0 >= 0 && iw0 + sW + spanW < inW && ow + 1 < outW) {
              // two interior positions side by side
              const xa = xn + (<usize>(((id0 * inH + ih0) * inW + iw0) * cin) << 2);
              position2(xa, xa + (<usize>(sW * cin) << 2), inner, k, w, cout, bias, relu, yo, yo + rowB, false);
              yo += rowB;
              ow++;
            } else if (inHok && iw0 >= 0 && iw0 + spanW < inW) {
              position(xn + (<usize>(((id0 * inH + ih0) * inW + iw0) * cin) << 2), inner, k, w, cout, bias, relu, yo);
            } else {
              gather(x, g, cin, n, od, oh, ow, xb);
              position(xb, ident, k, w, cout, bias, relu, yo);
            }
            yo += rowB;
          }
        }
      }
    }
    return;
  }
  const cD = load<i32>(pool), cH = load<i32>(pool, 4), cW = load<i32>(pool, 8);
  const qD = load<i32>(pool, 12), qH = load<i32>(pool, 16), qW = load<i32>(pool, 20);
  const wD = load<i32>(pool, 24), wH = load<i32>(pool, 28), wW = load<i32>(pool, 32);
  const tD = load<i32>(pool, 36), tH = load<i32>(pool, 40), tW = load<i32>(pool, 44);
  const uD = load<i32>(pool, 60), uH = load<i32>(pool, 64), uW = load<i32>(pool, 68);
  const c4 = cout & ~3;
  const ninf = f32x4.splat(-Infinity);
  let yo = y;
  for (let n = n0; n < n1; n++) {
    const xn = x + (<usize>n * perSample << 2);
    for (let qd = 0; qd < qD; qd++) {
      const d0 = qd * tD - uD;
      const dA = max(d0, 0), dB = min(d0 + wD, cD);
      for (let qh = 0; qh < qH; qh++) {
        const h0 = qh * tH - uH;
        const hA = max(h0, 0), hB = min(h0 + wH, cH);
        for (let qw = 0; qw < qW; qw++) {
          const w0 = qw * tW - uW;
          const wA = max(w0, 0), wB = min(w0 + wW, cW);
          for (let j = 0; j < c4; j += 4) v128.store(yo + (<usize>j << 2), ninf);
          for (let j = c4; j < cout; j++) store<f32>(yo + (<usize>j << 2), -Infinity);
          for (let od = dA; od < dB; od++) {
            const id0 = od * sD - pD;
            const inDok = id0 >= 0 && id0 + spanD < inD;
            for (let oh = hA; oh < hB; oh++) {
              const ih0 = oh * sH - pH;
              const inHok = inDok && ih0 >= 0 && ih0 + spanH < inH;
              for (let ow = wA; ow < wB; ow++) {
                const iw0 = ow * sW - pW;
                if (inHok && iw0 >= 0 && iw0 + sW + spanW < inW && ow + 1 < wB) {
                  // two interior positions side by side, taken into the maximum in window order
                  const xa = xn + (<usize>(((id0 * inH + ih0) * inW + iw0) * cin) << 2);
                  position2(xa, xa + (<usize>(sW * cin) << 2), inner, k, w, cout, bias, relu, yo, tmp, true);
                  ow++;
                  continue;
                }
                if (inHok && iw0 >= 0 && iw0 + spanW < inW) {
                  position(xn + (<usize>(((id0 * inH + ih0) * inW + iw0) * cin) << 2), inner, k, w, cout, bias, relu, tmp);
                } else {
                  gather(x, g, cin, n, od, oh, ow, xb);
                  position(xb, ident, k, w, cout, bias, relu, tmp);
                }
                for (let j = 0; j < c4; j += 4) {
                  const o = <usize>j << 2;
                  v128.store(yo + o, f32x4.max(v128.load(yo + o), v128.load(tmp + o)));
                }
                for (let j = c4; j < cout; j++) {
                  const o = <usize>j << 2;
                  // as maxPool's scalar channels: a greater value or a NaN replaces
                  const m = load<f32>(yo + o), v = load<f32>(tmp + o);
                  if (v > m || (v != v && m == m)) store<f32>(yo + o, v);
                }
              }
            }
          }
          yo += rowB;
        }
      }
    }
  }
}

/**
 * The max-pooling gradient: dx (nx floats) = 0, then dx[argmax[i]] += dy[i] for i < n in order (an
 * index outside [0, nx), e.g. −1 for an empty window: dropped), as src/pooling/pool.ts maxPoolBackward sums.
 */
export function maxPoolBackward(dy: usize, am: usize, n: i32, dx: usize, nx: i32): void {
  memory.fill(dx, 0, <usize>nx << 2);
  for (let i = 0; i < n; i++) {
    const j = load<i32>(am + (<usize>i << 2));
    if (j >= 0 && j < nx) {
      const p = dx + (<usize>j << 2);
      store<f32>(p, load<f32>(p) + load<f32>(dy + (<usize>i << 2)));
    }
  }
}

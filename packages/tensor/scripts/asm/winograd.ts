// AssemblyScript: Winograd F(2×2, 3×3) convolution (src/conv/winograd.ts drives it).
//
// A second entry file of the kernels' module (../build-wasm.mjs compiles kernels.ts and this file into
// one module); the GEMM comes from kernels.ts.
//
// A 3×3, stride-1 convolution computes each 2×2 block of outputs ("tile") from the 4×4 block of inputs
// under it with 16 products per channel pair instead of 36: V = Bᵀ d B per input tile and channel,
// M[ξ] = V[ξ] · U[ξ] for each of the 16 positions ξ (a GEMM over channels, U = G g Gᵀ the transformed
// kernel, packed by the caller), then Y = Aᵀ M A. The transforms use only 0, ±1 (and ±½ in G, applied
// once to the kernel by the caller), so rounding stays close to the direct convolution's.
//
// Channels-last data: a pixel's channels are contiguous, so both transforms run four channels at a time.
// Input and output channel counts must be multiples of 4 (the caller checks).

import { gemmPacked, packedBSize } from './kernels';

/**
 * Bytes between the V[ξ] (c = C) or M[ξ] (c = K) of a block of tb tiles: tb·c floats and 16 more, so
 * that the transforms' 16 or 36 accesses a tile apart do not all fall in one cache set (a stride of a
 * multiple of 4 KiB made F(4×4) 15% slower). The caller allocates (tb·c + 16) floats per ξ.
 */
// @ts-ignore: decorator
@inline
function xiStride(tb: i32, c: i32): usize {
  return (<usize>tb * <usize>c + 16) << 2;
}

/**
 * Winograd F(2×2, 3×3) convolution of `nb` samples.
 *
 * x: (nb, H, W, C) at byte address x; y: (nb, OH, OW, K). geo points to 8 i32: H W C OH OW padTop
 * padLeft K. up: the 16 packed U[ξ] (packB of C × K each, one after the other). bias: K floats, or 0.
 * act: 5 relu, else linear. zero: C zeros (read for input positions outside the image). v, m: scratch
 * of 16·(tb·C + 16) and 16·(tb·K + 16) floats; tb: tiles per block (a multiple of 4). ap: the GEMM's
 * packed-A scratch.
 *
 * pool ≠ 0: a 2×2, stride-2 max pooling of the output is fused in (y: (nb, OH/2, OW/2, K), sizes
 * rounded down): each tile is one pooling window, whose maximum (f32x4.max in window order, as maxPool)
 * is taken of the very values the unfused kernel would store.
 *
 * Each output value is computed the same way whatever tb, nb or the tile's position in its block.
 */
export function winogradConv(
  x: usize, nb: i32, geo: usize, up: usize, bias: usize, act: i32, y: usize, zero: usize, v: usize, m: usize, tb: i32, ap: usize, pool: i32,
): void {
  const H = load<i32>(geo), W = load<i32>(geo, 4), C = load<i32>(geo, 8);
  const OH = load<i32>(geo, 12), OW = load<i32>(geo, 16);
  const pT = load<i32>(geo, 20), pL = load<i32>(geo, 24), K = load<i32>(geo, 28);
  const TH = (OH + 1) >> 1, TW = (OW + 1) >> 1;
  const perSample = TH * TW;
  const total = nb * perSample;
  const psz = <usize>packedBSize(C, K) << 2;
  for (let t0 = 0; t0 < total; t0 += tb) {
    const rows = min(tb, total - t0);
    inputTransform(x, H, W, C, pT, pL, TW, perSample, t0, rows, zero, v, tb);
    const vStride = xiStride(tb, C);
    const mStride = xiStride(tb, K);
    for (let xi = 0; xi < 16; xi++) {
      gemmPacked(rows, K, C, v + <usize>xi * vStride, C, up + <usize>xi * psz, m + <usize>xi * mStride, K, 0, ap);
    }
    if (pool != 0) outputTransformPool(y, OH, OW, K, TW, perSample, t0, rows, bias, act, m, tb);
    else outputTransform(y, OH, OW, K, TW, perSample, t0, rows, bias, act, m, tb);
  }
}

/** V[ξ][r][c] for tiles t0..t0+rows (r = t − t0): Bᵀ d B of each tile's 4×4 input block. */
function inputTransform(
  x: usize, H: i32, W: i32, C: i32, pT: i32, pL: i32, TW: i32, perSample: i32, t0: i32, rows: i32, zero: usize, v: usize, tb: i32,
): void {
  const Cb = <usize>C << 2;
  const xs = xiStride(tb, C); // bytes between the V[ξ]
  for (let r = 0; r < rows; r++) {
    const t = t0 + r;
    const n = t / perSample;
    const q = t - n * perSample;
    const th = q / TW;
    const tw = q - th * TW;
    const ih0 = 2 * th - pT, iw0 = 2 * tw - pL;
    const xn = x + <usize>n * <usize>H * <usize>W * Cb;
    // the 16 input pixels (outside the image: the zero row, so the loop below has no branches)
    let p0: usize = zero, p1: usize = zero, p2: usize = zero, p3: usize = zero;
    let p4: usize = zero, p5: usize = zero, p6: usize = zero, p7: usize = zero;
    let p8: usize = zero, p9: usize = zero, p10: usize = zero, p11: usize = zero;
    let p12: usize = zero, p13: usize = zero, p14: usize = zero, p15: usize = zero;
    const c0 = iw0 >= 0 && iw0 < W, c1 = iw0 + 1 >= 0 && iw0 + 1 < W, c2 = iw0 + 2 >= 0 && iw0 + 2 < W, c3 = iw0 + 3 >= 0 && iw0 + 3 < W;
    for (let i = 0; i < 4; i++) {
      const ih = ih0 + i;
      if (ih < 0 || ih >= H) continue;
      const row = xn + <usize>(ih * W + iw0) * Cb;
      const a0: usize = c0 ? row : zero, a1: usize = c1 ? row + Cb : zero, a2: usize = c2 ? row + 2 * Cb : zero, a3: usize = c3 ? row + 3 * Cb : zero;
      if (i == 0) { p0 = a0; p1 = a1; p2 = a2; p3 = a3; }
      else if (i == 1) { p4 = a0; p5 = a1; p6 = a2; p7 = a3; }
      else if (i == 2) { p8 = a0; p9 = a1; p10 = a2; p11 = a3; }
      else { p12 = a0; p13 = a1; p14 = a2; p15 = a3; }
    }
    let o = v + <usize>r * Cb;
    for (let c = 0; c < C; c += 4) {
      const cb = <usize>c << 2;
      // rows of Bᵀ d: s0 = d0 − d2, s1 = d1 + d2, s2 = d2 − d1, s3 = d1 − d3 (d_i the input rows)
      const d00 = v128.load(p0 + cb), d01 = v128.load(p1 + cb), d02 = v128.load(p2 + cb), d03 = v128.load(p3 + cb);
      const d10 = v128.load(p4 + cb), d11 = v128.load(p5 + cb), d12 = v128.load(p6 + cb), d13 = v128.load(p7 + cb);
      const d20 = v128.load(p8 + cb), d21 = v128.load(p9 + cb), d22 = v128.load(p10 + cb), d23 = v128.load(p11 + cb);
      const s00 = f32x4.sub(d00, d20), s01 = f32x4.sub(d01, d21), s02 = f32x4.sub(d02, d22), s03 = f32x4.sub(d03, d23);
      const s10 = f32x4.add(d10, d20), s11 = f32x4.add(d11, d21), s12 = f32x4.add(d12, d22), s13 = f32x4.add(d13, d23);
      const s20 = f32x4.sub(d20, d10), s21 = f32x4.sub(d21, d11), s22 = f32x4.sub(d22, d12), s23 = f32x4.sub(d23, d13);
      const d30 = v128.load(p12 + cb), d31 = v128.load(p13 + cb), d32 = v128.load(p14 + cb), d33 = v128.load(p15 + cb);
      const s30 = f32x4.sub(d10, d30), s31 = f32x4.sub(d11, d31), s32 = f32x4.sub(d12, d32), s33 = f32x4.sub(d13, d33);
      // then the same on the columns of each row
      v128.store(o, f32x4.sub(s00, s02));
      v128.store(o + xs, f32x4.add(s01, s02));
      v128.store(o + 2 * xs, f32x4.sub(s02, s01));
      v128.store(o + 3 * xs, f32x4.sub(s01, s03));
      v128.store(o + 4 * xs, f32x4.sub(s10, s12));
      v128.store(o + 5 * xs, f32x4.add(s11, s12));
      v128.store(o + 6 * xs, f32x4.sub(s12, s11));
      v128.store(o + 7 * xs, f32x4.sub(s11, s13));
      v128.store(o + 8 * xs, f32x4.sub(s20, s22));
      v128.store(o + 9 * xs, f32x4.add(s21, s22));
      v128.store(o + 10 * xs, f32x4.sub(s22, s21));
      v128.store(o + 11 * xs, f32x4.sub(s21, s23));
      v128.store(o + 12 * xs, f32x4.sub(s30, s32));
      v128.store(o + 13 * xs, f32x4.add(s31, s32));
      v128.store(o + 14 * xs, f32x4.sub(s32, s31));
      v128.store(o + 15 * xs, f32x4.sub(s31, s33));
      o += 16;
    }
  }
}

/** y of tiles t0..t0+rows from M: Aᵀ M A + bias, then the activation; outputs past OH, OW are dropped. */
function outputTransform(
  y: usize, OH: i32, OW: i32, K: i32, TW: i32, perSample: i32, t0: i32, rows: i32, bias: usize, act: i32, m: usize, tb: i32,
): void {
  const Kb = <usize>K << 2;
  const ms = xiStride(tb, K); // bytes between the M[ξ]
  const relu = act == 5;
  const zv = f32x4.splat(0);
  for (let r = 0; r < rows; r++) {
    const t = t0 + r;
    const n = t / perSample;
    const q = t - n * perSample;
    const th = q / TW;
    const tw = q - th * TW;
    const oh = 2 * th, ow = 2 * tw;
    const right = ow + 1 < OW, below = oh + 1 < OH;
    const y00 = y + (<usize>n * <usize>OH * <usize>OW + <usize>(oh * OW + ow)) * Kb;
    const y10 = y00 + <usize>OW * Kb;
    let s = m + <usize>r * Kb;
    for (let k = 0; k < K; k += 4) {
      const kb = <usize>k << 2;
      // rows of Aᵀ M: t0 = m0 + m1 + m2, t1 = m1 − m2 − m3 (m_i the rows of M)
      const m00 = v128.load(s), m01 = v128.load(s + ms), m02 = v128.load(s + 2 * ms), m03 = v128.load(s + 3 * ms);
      const m10 = v128.load(s + 4 * ms), m11 = v128.load(s + 5 * ms), m12 = v128.load(s + 6 * ms), m13 = v128.load(s + 7 * ms);
      const m20 = v128.load(s + 8 * ms), m21 = v128.load(s + 9 * ms), m22 = v128.load(s + 10 * ms), m23 = v128.load(s + 11 * ms);
      const m30 = v128.load(s + 12 * ms), m31 = v128.load(s + 13 * ms), m32 = v128.load(s + 14 * ms), m33 = v128.load(s + 15 * ms);
      const u0 = f32x4.add(f32x4.add(m00, m10), m20), u1 = f32x4.add(f32x4.add(m01, m11), m21);
      const u2 = f32x4.add(f32x4.add(m02, m12), m22), u3 = f32x4.add(f32x4.add(m03, m13), m23);
      const w0 = f32x4.sub(f32x4.sub(m10, m20), m30), w1 = f32x4.sub(f32x4.sub(m11, m21), m31);
      const w2 = f32x4.sub(f32x4.sub(m12, m22), m32), w3 = f32x4.sub(f32x4.sub(m13, m23), m33);
      // then the same on the columns
      let r00 = f32x4.add(f32x4.add(u0, u1), u2), r01 = f32x4.sub(f32x4.sub(u1, u2), u3);
      let r10 = f32x4.add(f32x4.add(w0, w1), w2), r11 = f32x4.sub(f32x4.sub(w1, w2), w3);
      if (bias != 0) {
        const b = v128.load(bias + kb);
        r00 = f32x4.add(r00, b);
        r01 = f32x4.add(r01, b);
        r10 = f32x4.add(r10, b);
        r11 = f32x4.add(r11, b);
      }
      if (relu) {
        r00 = f32x4.pmax(r00, zv);
        r01 = f32x4.pmax(r01, zv);
        r10 = f32x4.pmax(r10, zv);
        r11 = f32x4.pmax(r11, zv);
      }
      v128.store(y00 + kb, r00);
      if (right) v128.store(y00 + Kb + kb, r01);
      if (below) {
        v128.store(y10 + kb, r10);
        if (right) v128.store(y10 + Kb + kb, r11);
      }
      s += 16;
    }
  }
}

/** As outputTransform, each tile's 2×2 outputs max-pooled into one (tiles past OH/2, OW/2 dropped). */
function outputTransformPool(
  y: usize, OH: i32, OW: i32, K: i32, TW: i32, perSample: i32, t0: i32, rows: i32, bias: usize, act: i32, m: usize, tb: i32,
): void {
  const Kb = <usize>K << 2;
  const ms = xiStride(tb, K);
  const relu = act == 5;
  const zv = f32x4.splat(0);
  const PH = OH >> 1, PW = OW >> 1;
  for (let r = 0; r < rows; r++) {
    const t = t0 + r;
    const n = t / perSample;
    const q = t - n * perSample;
    const th = q / TW;
    const tw = q - th * TW;
    if (th >= PH || tw >= PW) continue;
    const yo = y + (<usize>n * <usize>PH * <usize>PW + <usize>(th * PW + tw)) * Kb;
    let s = m + <usize>r * Kb;
    for (let k = 0; k < K; k += 4) {
      const kb = <usize>k << 2;
      const m00 = v128.load(s), m01 = v128.load(s + ms), m02 = v128.load(s + 2 * ms), m03 = v128.load(s + 3 * ms);
      const m10 = v128.load(s + 4 * ms), m11 = v128.load(s + 5 * ms), m12 = v128.load(s + 6 * ms), m13 = v128.load(s + 7 * ms);
      const m20 = v128.load(s + 8 * ms), m21 = v128.load(s + 9 * ms), m22 = v128.load(s + 10 * ms), m23 = v128.load(s + 11 * ms);
      const m30 = v128.load(s + 12 * ms), m31 = v128.load(s + 13 * ms), m32 = v128.load(s + 14 * ms), m33 = v128.load(s + 15 * ms);
      const u0 = f32x4.add(f32x4.add(m00, m10), m20), u1 = f32x4.add(f32x4.add(m01, m11), m21);
      const u2 = f32x4.add(f32x4.add(m02, m12), m22), u3 = f32x4.add(f32x4.add(m03, m13), m23);
      const w0 = f32x4.sub(f32x4.sub(m10, m20), m30), w1 = f32x4.sub(f32x4.sub(m11, m21), m31);
      const w2 = f32x4.sub(f32x4.sub(m12, m22), m32), w3 = f32x4.sub(f32x4.sub(m13, m23), m33);
      let r00 = f32x4.add(f32x4.add(u0, u1), u2), r01 = f32x4.sub(f32x4.sub(u1, u2), u3);
      let r10 = f32x4.add(f32x4.add(w0, w1), w2), r11 = f32x4.sub(f32x4.sub(w1, w2), w3);
      if (bias != 0) {
        const b = v128.load(bias + kb);
        r00 = f32x4.add(r00, b);
        r01 = f32x4.add(r01, b);
        r10 = f32x4.add(r10, b);
        r11 = f32x4.add(r11, b);
      }
      if (relu) {
        r00 = f32x4.pmax(r00, zv);
        r01 = f32x4.pmax(r01, zv);
        r10 = f32x4.pmax(r10, zv);
        r11 = f32x4.pmax(r11, zv);
      }
      v128.store(yo + kb, f32x4.max(f32x4.max(f32x4.max(r00, r01), r10), r11));
      s += 16;
    }
  }
}

// ---------------------------------------------------------------------------------------------------
// Winograd F(4×4, 3×3): each 4×4 block of outputs from the 6×6 block of inputs under it, 36 products per
// channel pair instead of 144 (2.25× fewer than F(2×2)'s 64 per 4×4 outputs). Interpolation points 0, 1,
// −1, 2, −½ (and ∞), picked for accuracy: on the W6 model's second convolution the worst error against a
// float64 reference is 2.7× smaller than with 0, ±1, ±2 (7e-7 against 1.9e-6; F(2×2): 1.8e-7). The
// matrices, scaled so that Bᵀ and Aᵀ hold small integers (G, with the fractions, is applied to the
// kernel by the caller in double precision):
//
//   Bᵀ = [2  3 −4 −3  2  0]    Aᵀ = [1  1  1  1  8  0]
//        [0 −2 −5 −1  2  0]         [0  1 −1  2 −4  0]
//        [0  2  1 −5  2  0]         [0  1  1  4  2  0]
//        [0 −1 −2  1  2  0]         [0  1 −1  8 −1  1]
//        [0  2 −1 −2  1  0]
//        [0  2  3 −4 −3  2]

/**
 * Winograd F(4×4, 3×3) convolution of `nb` samples: winogradConv's arguments, with up the 36 packed
 * U[ξ], v and m scratch of 36·(tb·C + 16) and 36·(tb·K + 16) floats, and tmp a scratch of 144 floats. pool ≠ 0: a
 * 2×2, stride-2 max pooling fused in (each tile holds four pooling windows).
 */
export function winograd4Conv(
  x: usize, nb: i32, geo: usize, up: usize, bias: usize, act: i32, y: usize, zero: usize, v: usize, m: usize, tb: i32, ap: usize, pool: i32, tmp: usize,
): void {
  const H = load<i32>(geo), W = load<i32>(geo, 4), C = load<i32>(geo, 8);
  const OH = load<i32>(geo, 12), OW = load<i32>(geo, 16);
  const pT = load<i32>(geo, 20), pL = load<i32>(geo, 24), K = load<i32>(geo, 28);
  const TH = (OH + 3) >> 2, TW = (OW + 3) >> 2;
  const perSample = TH * TW;
  const total = nb * perSample;
  const psz = <usize>packedBSize(C, K) << 2;
  const vStride = xiStride(tb, C);
  const mStride = xiStride(tb, K);
  for (let t0 = 0; t0 < total; t0 += tb) {
    const rows = min(tb, total - t0);
    inputTransform4(x, H, W, C, pT, pL, TW, perSample, t0, rows, zero, v, tb, tmp);
    for (let xi = 0; xi < 36; xi++) {
      gemmPacked(rows, K, C, v + <usize>xi * vStride, C, up + <usize>xi * psz, m + <usize>xi * mStride, K, 0, ap);
    }
    outputTransform4(y, OH, OW, K, TW, perSample, t0, rows, bias, act, m, tb, pool, tmp);
  }
}

/** Bᵀ applied to d0..d5; the six results stored at o, o + st, …, o + 5·st. */
// @ts-ignore: decorator
@inline
function bt6(d0: v128, d1: v128, d2: v128, d3: v128, d4: v128, d5: v128, o: usize, st: usize, c2: v128, c3: v128, c4: v128, c5: v128): void {
  const d13 = f32x4.sub(d1, d3), d42 = f32x4.sub(d4, d2);
  v128.store(o, f32x4.sub(f32x4.add(f32x4.mul(f32x4.add(d0, d4), c2), f32x4.mul(d13, c3)), f32x4.mul(d2, c4)));
  v128.store(o + st, f32x4.sub(f32x4.sub(f32x4.mul(f32x4.sub(d4, d1), c2), f32x4.mul(d2, c5)), d3));
  v128.store(o + 2 * st, f32x4.sub(f32x4.add(f32x4.mul(f32x4.add(d1, d4), c2), d2), f32x4.mul(d3, c5)));
  v128.store(o + 3 * st, f32x4.sub(f32x4.mul(d42, c2), d13));
  v128.store(o + 4 * st, f32x4.add(f32x4.mul(d13, c2), d42));
  v128.store(o + 5 * st, f32x4.sub(f32x4.add(f32x4.mul(f32x4.add(d1, d5), c2), f32x4.mul(f32x4.sub(d2, d4), c3)), f32x4.mul(d3, c4)));
}

/** V[ξ][r][c] for tiles t0..t0+rows: Bᵀ d B of each tile's 6×6 input block (rows first, through tmp). */
function inputTransform4(
  x: usize, H: i32, W: i32, C: i32, pT: i32, pL: i32, TW: i32, perSample: i32, t0: i32, rows: i32, zero: usize, v: usize, tb: i32, tmp: usize,
): void {
  const Cb = <usize>C << 2;
  const xs = xiStride(tb, C); // bytes between the V[ξ]
  const c2 = f32x4.splat(2), c3 = f32x4.splat(3), c4 = f32x4.splat(4), c5 = f32x4.splat(5);
  for (let r = 0; r < rows; r++) {
    const t = t0 + r;
    const n = t / perSample;
    const q = t - n * perSample;
    const th = q / TW;
    const tw = q - th * TW;
    const ih0 = 4 * th - pT, iw0 = 4 * tw - pL;
    const xn = x + <usize>n * <usize>H * <usize>W * Cb;
    const o = v + <usize>r * Cb;
    for (let c = 0; c < C; c += 4) {
      const cb = <usize>c << 2;
      // rows: tmp[i][j] = (Bᵀ applied along the row i of the block)[j] (outside the image: zeros)
      for (let i = 0; i < 6; i++) {
        const ih = ih0 + i;
        const rowOk = ih >= 0 && ih < H;
        const row = xn + <usize>(ih * W + iw0) * Cb + cb;
        const z = zero + cb;
        const a0: usize = rowOk && iw0 >= 0 && iw0 < W ? row : z;
        const a1: usize = rowOk && iw0 + 1 >= 0 && iw0 + 1 < W ? row + Cb : z;
        const a2: usize = rowOk && iw0 + 2 >= 0 && iw0 + 2 < W ? row + 2 * Cb : z;
        const a3: usize = rowOk && iw0 + 3 >= 0 && iw0 + 3 < W ? row + 3 * Cb : z;
        const a4: usize = rowOk && iw0 + 4 >= 0 && iw0 + 4 < W ? row + 4 * Cb : z;
        const a5: usize = rowOk && iw0 + 5 >= 0 && iw0 + 5 < W ? row + 5 * Cb : z;
        bt6(v128.load(a0), v128.load(a1), v128.load(a2), v128.load(a3), v128.load(a4), v128.load(a5), tmp + (<usize>i << 4), 96, c2, c3, c4, c5);
      }
      // then the columns: V[6a + j] = Σ_i Bᵀ[a][i] tmp[i][j]
      for (let j = 0; j < 6; j++) {
        const s = tmp + <usize>j * 96;
        bt6(v128.load(s), v128.load(s, 16), v128.load(s, 32), v128.load(s, 48), v128.load(s, 64), v128.load(s, 80), o + cb + <usize>j * xs, 6 * xs, c2, c3, c4, c5);
      }
    }
  }
}

/** Aᵀ applied to m0..m5; the four results stored at o, o + st, o + 2·st, o + 3·st. */
// @ts-ignore: decorator
@inline
function at6(m0: v128, m1: v128, m2: v128, m3: v128, m4: v128, m5: v128, o: usize, st: usize, c2: v128, c4: v128, c8: v128): void {
  const s = f32x4.add(m1, m2), d = f32x4.sub(m1, m2);
  v128.store(o, f32x4.add(f32x4.add(f32x4.add(m0, s), m3), f32x4.mul(m4, c8)));
  v128.store(o + st, f32x4.sub(f32x4.add(d, f32x4.mul(m3, c2)), f32x4.mul(m4, c4)));
  v128.store(o + 2 * st, f32x4.add(f32x4.add(s, f32x4.mul(m3, c4)), f32x4.mul(m4, c2)));
  v128.store(o + 3 * st, f32x4.add(f32x4.sub(f32x4.add(d, f32x4.mul(m3, c8)), m4), m5));
}

/**
 * y of tiles t0..t0+rows from M: Aᵀ M A + bias, then the activation; outputs past OH, OW are dropped.
 * With pool, the 2×2 maxima (f32x4.max in window order) of those values instead, windows past OH/2,
 * OW/2 dropped.
 */
function outputTransform4(
  y: usize, OH: i32, OW: i32, K: i32, TW: i32, perSample: i32, t0: i32, rows: i32, bias: usize, act: i32, m: usize, tb: i32, pool: i32, tmp: usize,
): void {
  const Kb = <usize>K << 2;
  const ms = xiStride(tb, K); // bytes between the M[ξ]
  const relu = act == 5;
  const zv = f32x4.splat(0);
  const c2 = f32x4.splat(2), c4 = f32x4.splat(4), c8 = f32x4.splat(8);
  const PH = OH >> 1, PW = OW >> 1;
  for (let r = 0; r < rows; r++) {
    const t = t0 + r;
    const n = t / perSample;
    const q = t - n * perSample;
    const th = q / TW;
    const tw = q - th * TW;
    const oh = 4 * th, ow = 4 * tw;
    // valid rows and columns of the tile (of its pooled 2×2 with pool)
    const nh = pool != 0 ? min(2, PH - 2 * th) : min(4, OH - oh);
    const nw = pool != 0 ? min(2, PW - 2 * tw) : min(4, OW - ow);
    if (nh <= 0 || nw <= 0) continue;
    const yRow = pool != 0 ? <usize>PW * Kb : <usize>OW * Kb;
    const y0 = pool != 0
      ? y + (<usize>n * <usize>PH * <usize>PW + <usize>(2 * th * PW + 2 * tw)) * Kb
      : y + (<usize>n * <usize>OH * <usize>OW + <usize>(oh * OW + ow)) * Kb;
    const s0 = m + <usize>r * Kb;
    for (let k = 0; k < K; k += 4) {
      const kb = <usize>k << 2;
      const s = s0 + kb;
      // rows of Aᵀ M: tmp[i][j] for i < 4, j < 6 (column j of M is M[j], M[6 + j], …)
      for (let j = 0; j < 6; j++) {
        const sj = s + <usize>j * ms;
        at6(v128.load(sj), v128.load(sj + 6 * ms), v128.load(sj + 12 * ms), v128.load(sj + 18 * ms), v128.load(sj + 24 * ms), v128.load(sj + 30 * ms), tmp + (<usize>j << 4), 96, c2, c4, c8);
      }
      // then each row's columns, bias and activation, stored (or pooled with the row before)
      const b = bias != 0 ? v128.load(bias + kb) : zv;
      let p0 = zv, p1 = zv, p2 = zv, p3 = zv;
      for (let i = 0; i < 4; i++) {
        const si = tmp + <usize>i * 96;
        const w0 = v128.load(si), w1 = v128.load(si, 16), w2 = v128.load(si, 32), w3 = v128.load(si, 48), w4 = v128.load(si, 64), w5 = v128.load(si, 80);
        const e = f32x4.add(w1, w2), d = f32x4.sub(w1, w2);
        let v0 = f32x4.add(f32x4.add(f32x4.add(w0, e), w3), f32x4.mul(w4, c8));
        let v1 = f32x4.sub(f32x4.add(d, f32x4.mul(w3, c2)), f32x4.mul(w4, c4));
        let v2 = f32x4.add(f32x4.add(e, f32x4.mul(w3, c4)), f32x4.mul(w4, c2));
        let v3 = f32x4.add(f32x4.sub(f32x4.add(d, f32x4.mul(w3, c8)), w4), w5);
        if (bias != 0) {
          v0 = f32x4.add(v0, b);
          v1 = f32x4.add(v1, b);
          v2 = f32x4.add(v2, b);
          v3 = f32x4.add(v3, b);
        }
        if (relu) {
          v0 = f32x4.pmax(v0, zv);
          v1 = f32x4.pmax(v1, zv);
          v2 = f32x4.pmax(v2, zv);
          v3 = f32x4.pmax(v3, zv);
        }
        if (pool != 0) {
          if ((i & 1) == 0) {
            p0 = v0; p1 = v1; p2 = v2; p3 = v3;
          } else if ((i >> 1) < nh) {
            // the window's values in its order: row 2a (p), then row 2a + 1 (v)
            const o = y0 + <usize>(i >> 1) * yRow + kb;
            v128.store(o, f32x4.max(f32x4.max(f32x4.max(p0, p1), v0), v1));
            if (nw > 1) v128.store(o + Kb, f32x4.max(f32x4.max(f32x4.max(p2, p3), v2), v3));
          }
        } else if (i < nh) {
          const o = y0 + <usize>i * yRow + kb;
          v128.store(o, v0);
          if (nw > 1) v128.store(o + Kb, v1);
          if (nw > 2) v128.store(o + 2 * Kb, v2);
          if (nw > 3) v128.store(o + 3 * Kb, v3);
        }
      }
    }
  }
}

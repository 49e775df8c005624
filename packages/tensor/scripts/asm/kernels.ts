// AssemblyScript source of the WASM SIMD kernels of @kerasts/tensor.
//
// Compiled by ../build-wasm.mjs into ../../src/wasm/kernels-wasm.ts (a base64 string), so that `tsc -b`
// alone builds the package and the module loads without file access. Not part of the TypeScript build.
//
// Memory is managed by the JavaScript side (src/wasm/backend.ts): every pointer below is a byte address
// in the one exported memory, chosen by a bump allocator in JS. The module itself allocates nothing.
//
// Everything is single precision: products and sums are rounded to float32 at each step (as XLA and
// TensorFlow do), not accumulated in double as the pure-TypeScript kernels do.

/** Steps of k per packed block of B (a 8×KC micro-panel of B is 8 KiB and stays in L1). */
const KC: i32 = 256;
/** Rows of A packed per block (MC×KC floats = 256 KiB, kept in L2). */
const MC: i32 = 256;

/** Address of a 4×8 float tile used to store partial tiles (set by JS through setScratch). */
let TILE: usize = 0;

export function setScratch(p: usize): void {
  TILE = p;
  K = p + 128;
  initConstants();
}

/** Floats needed to pack a k×n B: ceil(n/8)·8·k. */
export function packedBSize(k: i32, n: i32): i32 {
  return ((n + 7) & ~7) * k;
}

/**
 * Packs B for gemmPacked. B is k×n row-major with row stride ldb, or with trans≠0 it is stored n×k
 * (row j of the stored matrix is column j of B) with row stride ldb.
 * Layout: for each block of KC steps of k starting at pc (block length kcb), at float offset pc·np8,
 * the panels of 8 columns one after the other, each kcb×8 floats (k-major), zero-padded past n.
 */
export function packB(k: i32, n: i32, b: usize, ldb: i32, trans: i32, dst: usize): void {
  const np8 = (n + 7) & ~7;
  for (let pc = 0; pc < k; pc += KC) {
    const kcb = min(KC, k - pc);
    let d = dst + (<usize>pc * <usize>np8 << 2);
    for (let j0 = 0; j0 < n; j0 += 8) {
      const nr = min(8, n - j0);
      if (trans == 0) {
        let s = b + ((<usize>pc * <usize>ldb + <usize>j0) << 2);
        const ldbb = <usize>ldb << 2;
        if (nr == 8) {
          for (let p = 0; p < kcb; p++) {
            v128.store(d, v128.load(s));
            v128.store(d, v128.load(s, 16), 16);
            s += ldbb;
            d += 32;
          }
        } else {
          for (let p = 0; p < kcb; p++) {
            for (let jj = 0; jj < 8; jj++) store<f32>(d + (<usize>jj << 2), jj < nr ? load<f32>(s + (<usize>jj << 2)) : 0);
            s += ldbb;
            d += 32;
          }
        }
      } else {
        // stored n×k: element (p, j) at b + (j·ldb + p)·4
        const s = b + ((<usize>j0 * <usize>ldb + <usize>pc) << 2);
        const ldbb = <usize>ldb << 2;
        let p = 0;
        if (nr == 8) {
          // 4 steps of k at a time: two 4×4 transposes of the panel's 8 stored rows
          for (; p + 3 < kcb; p += 4) {
            const sp = s + (<usize>p << 2);
            transpose4(sp, ldbb, d, 32);
            transpose4(sp + 4 * ldbb, ldbb, d + 16, 32);
            d += 128;
          }
        }
        for (; p < kcb; p++) {
          const sp = s + (<usize>p << 2);
          for (let jj = 0; jj < 8; jj++) store<f32>(d + (<usize>jj << 2), jj < nr ? load<f32>(sp + <usize>jj * ldbb) : 0);
          d += 32;
        }
      }
    }
  }
}

/**
 * Loads 4 rows of 4 floats (at src, row stride srcStride bytes) and stores their transpose as 4 rows
 * of 4 floats at dst (row stride dstStride bytes).
 */
// @ts-ignore: decorator
@inline
function transpose4(src: usize, srcStride: usize, dst: usize, dstStride: usize): void {
  const x0 = v128.load(src);
  const x1 = v128.load(src + srcStride);
  const x2 = v128.load(src + 2 * srcStride);
  const x3 = v128.load(src + 3 * srcStride);
  const t0 = v128.shuffle<f32>(x0, x1, 0, 4, 1, 5);
  const t1 = v128.shuffle<f32>(x2, x3, 0, 4, 1, 5);
  const t2 = v128.shuffle<f32>(x0, x1, 2, 6, 3, 7);
  const t3 = v128.shuffle<f32>(x2, x3, 2, 6, 3, 7);
  v128.store(dst, v128.shuffle<f32>(t0, t1, 0, 1, 4, 5));
  v128.store(dst + dstStride, v128.shuffle<f32>(t0, t1, 2, 3, 6, 7));
  v128.store(dst + 2 * dstStride, v128.shuffle<f32>(t2, t3, 0, 1, 4, 5));
  v128.store(dst + 3 * dstStride, v128.shuffle<f32>(t2, t3, 2, 3, 6, 7));
}

/** Packs rows [0, m4) (m4 a multiple of 4) × kcb columns of A (row stride lda) into panels of 4 rows, k-major. */
function packA(m4: i32, kcb: i32, a: usize, lda: i32, dst: usize): void {
  const ldab = <usize>lda << 2;
  let d = dst;
  for (let i = 0; i < m4; i += 4) {
    const r0 = a + <usize>i * ldab;
    const r1 = r0 + ldab;
    const r2 = r1 + ldab;
    const r3 = r2 + ldab;
    let p = 0;
    for (; p + 3 < kcb; p += 4) {
      const o = <usize>p << 2;
      // 4×4 transpose: rows of A become k-steps of the panel
      const x0 = v128.load(r0 + o);
      const x1 = v128.load(r1 + o);
      const x2 = v128.load(r2 + o);
      const x3 = v128.load(r3 + o);
      const t0 = v128.shuffle<f32>(x0, x1, 0, 4, 1, 5);
      const t1 = v128.shuffle<f32>(x2, x3, 0, 4, 1, 5);
      const t2 = v128.shuffle<f32>(x0, x1, 2, 6, 3, 7);
      const t3 = v128.shuffle<f32>(x2, x3, 2, 6, 3, 7);
      v128.store(d, v128.shuffle<f32>(t0, t1, 0, 1, 4, 5));
      v128.store(d, v128.shuffle<f32>(t0, t1, 2, 3, 6, 7), 16);
      v128.store(d, v128.shuffle<f32>(t2, t3, 0, 1, 4, 5), 32);
      v128.store(d, v128.shuffle<f32>(t2, t3, 2, 3, 6, 7), 48);
      d += 64;
    }
    for (; p < kcb; p++) {
      const o = <usize>p << 2;
      store<f32>(d, load<f32>(r0 + o));
      store<f32>(d, load<f32>(r1 + o), 4);
      store<f32>(d, load<f32>(r2 + o), 8);
      store<f32>(d, load<f32>(r3 + o), 12);
      d += 16;
    }
  }
}

/** Stores (or adds, with beta) one 8-wide row of a tile, nr valid columns. */
// @ts-ignore: decorator
@inline
function storeRow(c: usize, lo: v128, hi: v128, beta: bool, nr: i32): void {
  if (nr == 8) {
    if (beta) {
      lo = f32x4.add(lo, v128.load(c));
      hi = f32x4.add(hi, v128.load(c, 16));
    }
    v128.store(c, lo);
    v128.store(c, hi, 16);
  } else {
    v128.store(TILE, lo);
    v128.store(TILE, hi, 16);
    for (let j = 0; j < nr; j++) {
      const o = <usize>j << 2;
      const v = load<f32>(TILE + o);
      store<f32>(c + o, beta ? load<f32>(c + o) + v : v);
    }
  }
}

/** C[4×nr] (row stride ldc) (+)= packed A panel (kc×4) · packed B panel (kc×8). */
function kernel4x8(kc: i32, ap: usize, bp: usize, c: usize, ldc: i32, beta: bool, nr: i32): void {
  let c00 = f32x4.splat(0), c01 = f32x4.splat(0);
  let c10 = f32x4.splat(0), c11 = f32x4.splat(0);
  let c20 = f32x4.splat(0), c21 = f32x4.splat(0);
  let c30 = f32x4.splat(0), c31 = f32x4.splat(0);
  for (let p = 0; p < kc; p++) {
    const b0 = v128.load(bp);
    const b1 = v128.load(bp, 16);
    let a = v128.load32_splat(ap);
    c00 = f32x4.add(c00, f32x4.mul(a, b0));
    c01 = f32x4.add(c01, f32x4.mul(a, b1));
    a = v128.load32_splat(ap, 4);
    c10 = f32x4.add(c10, f32x4.mul(a, b0));
    c11 = f32x4.add(c11, f32x4.mul(a, b1));
    a = v128.load32_splat(ap, 8);
    c20 = f32x4.add(c20, f32x4.mul(a, b0));
    c21 = f32x4.add(c21, f32x4.mul(a, b1));
    a = v128.load32_splat(ap, 12);
    c30 = f32x4.add(c30, f32x4.mul(a, b0));
    c31 = f32x4.add(c31, f32x4.mul(a, b1));
    ap += 16;
    bp += 32;
  }
  const ldcb = <usize>ldc << 2;
  storeRow(c, c00, c01, beta, nr);
  storeRow(c + ldcb, c10, c11, beta, nr);
  storeRow(c + 2 * ldcb, c20, c21, beta, nr);
  storeRow(c + 3 * ldcb, c30, c31, beta, nr);
}

/**
 * One row of C (+)= one unpacked row of A (kc contiguous floats) · packed B panel (kc×8). Sums run over
 * k in the same order as in kernel4x8, so a row's result does not depend on how many rows are computed.
 */
function kernel1x8(kc: i32, a: usize, bp: usize, c: usize, beta: bool, nr: i32): void {
  let s0 = f32x4.splat(0), s1 = f32x4.splat(0);
  for (let p = 0; p < kc; p++) {
    const x = v128.load32_splat(a);
    s0 = f32x4.add(s0, f32x4.mul(x, v128.load(bp)));
    s1 = f32x4.add(s1, f32x4.mul(x, v128.load(bp, 16)));
    a += 4;
    bp += 32;
  }
  storeRow(c, s0, s1, beta, nr);
}

/** As kernel1x8 over four consecutive full panels (32 columns): four times the independent sums. */
function kernel1x32(kc: i32, a: usize, bp: usize, c: usize, beta: bool): void {
  const ps = <usize>kc << 5; // bytes between panels
  let s0 = f32x4.splat(0), s1 = f32x4.splat(0), s2 = f32x4.splat(0), s3 = f32x4.splat(0);
  let s4 = f32x4.splat(0), s5 = f32x4.splat(0), s6 = f32x4.splat(0), s7 = f32x4.splat(0);
  let b1 = bp + ps;
  let b2 = b1 + ps;
  let b3 = b2 + ps;
  for (let p = 0; p < kc; p++) {
    const x = v128.load32_splat(a);
    s0 = f32x4.add(s0, f32x4.mul(x, v128.load(bp)));
    s1 = f32x4.add(s1, f32x4.mul(x, v128.load(bp, 16)));
    s2 = f32x4.add(s2, f32x4.mul(x, v128.load(b1)));
    s3 = f32x4.add(s3, f32x4.mul(x, v128.load(b1, 16)));
    s4 = f32x4.add(s4, f32x4.mul(x, v128.load(b2)));
    s5 = f32x4.add(s5, f32x4.mul(x, v128.load(b2, 16)));
    s6 = f32x4.add(s6, f32x4.mul(x, v128.load(b3)));
    s7 = f32x4.add(s7, f32x4.mul(x, v128.load(b3, 16)));
    a += 4;
    bp += 32;
    b1 += 32;
    b2 += 32;
    b3 += 32;
  }
  storeRow(c, s0, s1, beta, 8);
  storeRow(c + 32, s2, s3, beta, 8);
  storeRow(c + 64, s4, s5, beta, 8);
  storeRow(c + 96, s6, s7, beta, 8);
}

/**
 * C[m×n] (row stride ldc) = (accumulate ? C : 0) + A[m×k] (row stride lda) · B, with B packed by
 * packB (k, n). ap is scratch for MC×KC floats of packed A. k must be > 0.
 */
export function gemmPacked(m: i32, n: i32, k: i32, a: usize, lda: i32, bp: usize, c: usize, ldc: i32, accumulate: i32, ap: usize): void {
  gemmBlocked(m, n, k, a, lda, false, bp, c, ldc, accumulate, ap);
}

/**
 * As gemmPacked with A given transposed: A is stored k×m (row stride lda), so C = Aᵀ·B. This is the
 * shape of a weight gradient (inputsᵀ·∂L/∂outputs) summed over rows, without transposing first.
 */
export function gemmPackedAT(m: i32, n: i32, k: i32, a: usize, lda: i32, bp: usize, c: usize, ldc: i32, accumulate: i32, ap: usize): void {
  gemmBlocked(m, n, k, a, lda, true, bp, c, ldc, accumulate, ap);
}

/** Packs columns [0, m4) of a stored k×m A (row stride lda) as panels of 4 rows of Aᵀ, k-major. */
function packAT(m4: i32, kcb: i32, a: usize, lda: i32, dst: usize): void {
  const ldab = <usize>lda << 2;
  let d = dst;
  for (let i = 0; i < m4; i += 4) {
    let s = a + (<usize>i << 2);
    for (let p = 0; p < kcb; p++) {
      v128.store(d, v128.load(s));
      s += ldab;
      d += 16;
    }
  }
}

function gemmBlocked(m: i32, n: i32, k: i32, a: usize, lda: i32, transA: bool, bp: usize, c: usize, ldc: i32, accumulate: i32, ap: usize): void {
  const np8 = (n + 7) & ~7;
  const ldab = <usize>lda << 2;
  const ldcb = <usize>ldc << 2;
  for (let pc = 0; pc < k; pc += KC) {
    const kcb = min(KC, k - pc);
    const beta = accumulate != 0 || pc > 0;
    const bblk = bp + (<usize>pc * <usize>np8 << 2);
    for (let ic = 0; ic < m; ic += MC) {
      const mcb = min(MC, m - ic);
      const m4 = mcb & ~3;
      // the block of A: rows ic.., columns pc.. (stored transposed: rows pc.., columns ic..)
      const ablk = transA ? a + <usize>pc * ldab + (<usize>ic << 2) : a + <usize>ic * ldab + (<usize>pc << 2);
      if (m4 > 0) {
        if (transA) packAT(m4, kcb, ablk, lda, ap);
        else packA(m4, kcb, ablk, lda, ap);
      }
      const cblk = c + <usize>ic * ldcb;
      if (m4 > 0) {
        for (let jr = 0; jr < n; jr += 8) {
          const nr = min(8, n - jr);
          const bpan = bblk + (<usize>jr * <usize>kcb << 2);
          const cj = cblk + (<usize>jr << 2);
          for (let ir = 0; ir < m4; ir += 4) {
            kernel4x8(kcb, ap + (<usize>ir * <usize>kcb << 2), bpan, cj + <usize>ir * ldcb, ldc, beta, nr);
          }
        }
      }
      for (let ir = m4; ir < mcb; ir++) {
        let arow = ablk + <usize>ir * ldab;
        if (transA) {
          // gather the row of Aᵀ (a column of the stored A) after the packed panels
          arow = ap + (<usize>m4 * <usize>kcb << 2);
          let s = ablk + (<usize>ir << 2);
          for (let p = 0; p < kcb; p++) {
            store<f32>(arow + (<usize>p << 2), load<f32>(s));
            s += ldab;
          }
        }
        const crow = cblk + <usize>ir * ldcb;
        let jr = 0;
        for (; jr + 32 <= n; jr += 32) kernel1x32(kcb, arow, bblk + (<usize>jr * <usize>kcb << 2), crow + (<usize>jr << 2), beta);
        for (; jr < n; jr += 8) kernel1x8(kcb, arow, bblk + (<usize>jr * <usize>kcb << 2), crow + (<usize>jr << 2), beta, min(8, n - jr));
      }
    }
  }
}

/** dst[j] += Σ_r src[r·ld + j] for j < n, summed over r in order (a bias gradient). */
export function addColumnSums(rows: i32, n: i32, src: usize, ld: i32, dst: usize): void {
  const n4 = n & ~3;
  const ldb = <usize>ld << 2;
  let j = 0;
  for (; j < n4; j += 4) {
    const o = <usize>j << 2;
    let acc = v128.load(dst + o);
    let s = src + o;
    for (let r = 0; r < rows; r++) {
      acc = f32x4.add(acc, v128.load(s));
      s += ldb;
    }
    v128.store(dst + o, acc);
  }
  for (; j < n; j++) {
    const o = <usize>j << 2;
    let acc = load<f32>(dst + o);
    let s = src + o;
    for (let r = 0; r < rows; r++) {
      acc += load<f32>(s);
      s += ldb;
    }
    store<f32>(dst + o, acc);
  }
}

// ---------------------------------------------------------------------------------------------------
// Activations on f32x4 (Cephes single-precision algorithms, ~1–2 ulp)

const LOG2E: f32 = 1.44269504088896341;
const EXP_C1: f32 = 0.693359375;
const EXP_C2: f32 = -2.12194440e-4;

/** 1.5·2^23: adding it rounds a float of magnitude < 2^22 to an integer held in the low mantissa bits. */
const ROUND_MAGIC: f32 = 12582912.0;

/**
 * The constants of the activations live in memory (at TILE + 128, written by setScratch) and are
 * broadcast from there: V8 materialises a v128.const with several instructions at every use, while a
 * broadcast load is one, and the optimiser cannot fold memory loads back into constants.
 */
let K: usize = 0;

function initConstants(): void {
  store<f32>(K + 0, <f32>-87.0);
  store<f32>(K + 4, <f32>88.0);
  store<f32>(K + 8, <f32>LOG2E);
  store<f32>(K + 12, <f32>ROUND_MAGIC);
  store<f32>(K + 16, <f32>EXP_C1);
  store<f32>(K + 20, <f32>EXP_C2);
  store<f32>(K + 24, <f32>0.000198756915);
  store<f32>(K + 28, <f32>0.0013981999507);
  store<f32>(K + 32, <f32>0.0083334519073);
  store<f32>(K + 36, <f32>0.041665795894);
  store<f32>(K + 40, <f32>0.16666665459);
  store<f32>(K + 44, <f32>0.50000001201);
  store<f32>(K + 48, <f32>1.0);
  store<f32>(K + 52, <f32>2.0);
  store<f32>(K + 56, <f32>-0.00570498872745);
  store<f32>(K + 60, <f32>0.0206390887954);
  store<f32>(K + 64, <f32>-0.0537397155531);
  store<f32>(K + 68, <f32>0.133314422036);
  store<f32>(K + 72, <f32>-0.333332819422);
  store<f32>(K + 76, <f32>0.625);
  store<f32>(K + 80, <f32>3.0);
  store<f32>(K + 84, <f32>0.16666666666666666);
  store<f32>(K + 88, <f32>0.2);
  store<f32>(K + 92, <f32>0.5);
  store<f32>(K + 96, <f32>0.0);
  store<f32>(K + 100, <f32>6.0);
}

// @ts-ignore: decorator
@inline
function vexp(x: v128): v128 {
  // pmax/pmin are one instruction each (min/max need NaN fix-ups); x first keeps a NaN a NaN
  x = f32x4.pmin(f32x4.pmax(x, v128.load32_splat(K, 0)), v128.load32_splat(K, 4));
  // n = round(x·log2 e) through the magic constant: its bits are 0x4B400000 + n
  const t = f32x4.add(f32x4.mul(x, v128.load32_splat(K, 8)), v128.load32_splat(K, 12));
  const n = f32x4.sub(t, v128.load32_splat(K, 12));
  x = f32x4.sub(x, f32x4.mul(n, v128.load32_splat(K, 16)));
  x = f32x4.sub(x, f32x4.mul(n, v128.load32_splat(K, 20)));
  const z = f32x4.mul(x, x);
  let y = v128.load32_splat(K, 24);
  y = f32x4.add(f32x4.mul(y, x), v128.load32_splat(K, 28));
  y = f32x4.add(f32x4.mul(y, x), v128.load32_splat(K, 32));
  y = f32x4.add(f32x4.mul(y, x), v128.load32_splat(K, 36));
  y = f32x4.add(f32x4.mul(y, x), v128.load32_splat(K, 40));
  y = f32x4.add(f32x4.mul(y, x), v128.load32_splat(K, 44));
  y = f32x4.add(f32x4.add(f32x4.mul(y, z), x), v128.load32_splat(K, 48));
  // 2^n: (n + 127) << 23 = (bits(t) − 0x4B400000 + 127) << 23
  const e = i32x4.shl(i32x4.add(t, i32x4.splat(127 - 0x4b400000)), 23);
  return f32x4.mul(y, e);
}

// @ts-ignore: decorator
@inline
function vsigmoid(x: v128): v128 {
  const one = v128.load32_splat(K, 48);
  return f32x4.div(one, f32x4.add(one, vexp(f32x4.neg(x))));
}

// @ts-ignore: decorator
@inline
function vtanh(x: v128): v128 {
  // |x| < 0.625: odd polynomial; else sign(x)·(1 − 2/(e^{2|x|} + 1))
  const ax = f32x4.abs(x);
  const z = f32x4.mul(x, x);
  let p = v128.load32_splat(K, 56);
  p = f32x4.add(f32x4.mul(p, z), v128.load32_splat(K, 60));
  p = f32x4.add(f32x4.mul(p, z), v128.load32_splat(K, 64));
  p = f32x4.add(f32x4.mul(p, z), v128.load32_splat(K, 68));
  p = f32x4.add(f32x4.mul(p, z), v128.load32_splat(K, 72));
  const small = f32x4.add(f32x4.mul(f32x4.mul(p, z), x), x);
  const one = v128.load32_splat(K, 48);
  const e = vexp(f32x4.add(ax, ax));
  let big = f32x4.sub(one, f32x4.div(v128.load32_splat(K, 52), f32x4.add(e, one)));
  // copy the sign of x
  big = v128.or(big, v128.and(x, i32x4.splat(<i32>0x80000000)));
  return v128.bitselect(small, big, f32x4.lt(ax, v128.load32_splat(K, 76)));
}

/** Activation codes (same numbering as src/lstm.ts): 1 sigmoid, 2 hard_sigmoid (Keras 3), 3 hard_sigmoid (Keras 2), 4 tanh, 5 relu, 6 linear. */
// @ts-ignore: decorator
@inline
function vact(code: i32, x: v128): v128 {
  switch (code) {
    case 1:
      return vsigmoid(x);
    case 2:
      return f32x4.pmin(f32x4.pmax(f32x4.div(f32x4.add(x, v128.load32_splat(K, 80)), v128.load32_splat(K, 100)), v128.load32_splat(K, 96)), v128.load32_splat(K, 48));
    case 3:
      return f32x4.pmin(f32x4.pmax(f32x4.add(f32x4.mul(x, v128.load32_splat(K, 88)), v128.load32_splat(K, 92)), v128.load32_splat(K, 96)), v128.load32_splat(K, 48));
    case 4:
      return vtanh(x);
    case 5:
      return f32x4.pmax(x, v128.load32_splat(K, 96));
    default:
      return x;
  }
}

/** Applies activation `code` in place to n floats at p. */
export function activate(code: i32, p: usize, n: i32): void {
  let i = 0;
  for (; i + 3 < n; i += 4) {
    const q = p + (<usize>i << 2);
    v128.store(q, vact(code, v128.load(q)));
  }
  for (; i < n; i++) {
    const q = p + (<usize>i << 2);
    store<f32>(q, f32x4.extract_lane(vact(code, f32x4.splat(load<f32>(q))), 0));
  }
}

// @ts-ignore: decorator
@inline
function cell(rec: i32, act: i32, zi: v128, zf: v128, zc: v128, zo: v128, cOld: v128, cp: usize, hp: usize, op: usize): void {
  const i = vact(rec, zi);
  const f = vact(rec, zf);
  const o = vact(rec, zo);
  const g = vact(act, zc);
  const cn = f32x4.add(f32x4.mul(f, cOld), f32x4.mul(i, g));
  const h = f32x4.mul(o, vact(act, cn));
  v128.store(cp, cn);
  v128.store(hp, h);
  if (op != 0) v128.store(op, h);
}

/**
 * The gate math of one LSTM step for `batch` rows: z (row stride 4u, blocks i f c o) → c, h (row
 * stride u) updated in place; h also copied to out + b·outStride floats when out ≠ 0.
 */
export function lstmCell(batch: i32, u: i32, z: usize, c: usize, h: usize, rec: i32, act: i32, out: usize, outStride: i32): void {
  const ub = <usize>u << 2;
  if (rec == 1 && act == 4 && (u & 3) == 0) {
    lstmCellSigmoidTanh(batch, u, z, c, h, out, outStride);
    return;
  }
  for (let b = 0; b < batch; b++) {
    const zr = z + <usize>b * 4 * ub;
    const cr = c + <usize>b * ub;
    const hr = h + <usize>b * ub;
    const orow = out != 0 ? out + (<usize>b * <usize>outStride << 2) : 0;
    let j = 0;
    for (; j + 3 < u; j += 4) {
      const o = <usize>j << 2;
      const zp = zr + o;
      cell(rec, act, v128.load(zp), v128.load(zp + ub), v128.load(zp + 2 * ub), v128.load(zp + 3 * ub), v128.load(cr + o), cr + o, hr + o, orow != 0 ? orow + o : 0);
    }
    for (; j < u; j++) {
      const o = <usize>j << 2;
      const zp = zr + o;
      cell(
        rec,
        act,
        f32x4.splat(load<f32>(zp)),
        f32x4.splat(load<f32>(zp + ub)),
        f32x4.splat(load<f32>(zp + 2 * ub)),
        f32x4.splat(load<f32>(zp + 3 * ub)),
        f32x4.splat(load<f32>(cr + o)),
        TILE,
        TILE + 16,
        0,
      );
      store<f32>(cr + o, load<f32>(TILE));
      store<f32>(hr + o, load<f32>(TILE + 16));
      if (orow != 0) store<f32>(orow + o, load<f32>(TILE + 16));
    }
  }
}

/** lstmCell for the default activations (sigmoid gates, tanh cell) and units a multiple of 4. */
function lstmCellSigmoidTanh(batch: i32, u: i32, z: usize, c: usize, h: usize, out: usize, outStride: i32): void {
  const ub = <usize>u << 2;
  for (let b = 0; b < batch; b++) {
    let zp = z + <usize>b * 4 * ub;
    let cp = c + <usize>b * ub;
    let hp = h + <usize>b * ub;
    let op = out != 0 ? out + (<usize>b * <usize>outStride << 2) : 0;
    const end = cp + ub;
    while (cp < end) {
      const i = vsigmoid(v128.load(zp));
      const f = vsigmoid(v128.load(zp + ub));
      const g = vtanh(v128.load(zp + 2 * ub));
      const o = vsigmoid(v128.load(zp + 3 * ub));
      const cn = f32x4.add(f32x4.mul(f, v128.load(cp)), f32x4.mul(i, g));
      const hn = f32x4.mul(o, vtanh(cn));
      v128.store(cp, cn);
      v128.store(hp, hn);
      if (op != 0) {
        v128.store(op, hn);
        op += 16;
      }
      zp += 16;
      cp += 16;
      hp += 16;
    }
  }
}

/**
 * Timestep masks (all recurrent kernels): `keep` ≠ 0 points at T·batch floats in processing order,
 * 0 where step s of row b is masked. A masked row keeps its state (the step's new state is dropped,
 * as Keras' `where(mask, new, old)` does). `ofac` ≠ 0 points at T·batch output factors (0 or 1): a
 * step's output is the carried state times its factor (zero_output_for_mask, or zeros before the
 * first unmasked step as tf.keras outputs them); without it the output is the carried state.
 */

/** Copies row b's state back from the scratch copy where step s of b is masked (rows of `width` floats). */
// @ts-ignore: decorator
@inline
function restoreMasked(batch: i32, ks: usize, dst: usize, src: usize, width: usize): void {
  for (let b = 0; b < batch; b++) {
    if (load<f32>(ks + (<usize>b << 2)) == 0) memory.copy(dst + <usize>b * width, src + <usize>b * width, width);
  }
}

/** Writes row b of the step's output (out + (b·T + s)·u floats): the state h times the output factor. */
// @ts-ignore: decorator
@inline
function writeOutputs(batch: i32, T: i32, s: i32, u: i32, h: usize, out: usize, fs: usize): void {
  const ub = <usize>u << 2;
  for (let b = 0; b < batch; b++) {
    const orow = out + (<usize>b * <usize>T + <usize>s) * ub;
    if (fs != 0 && load<f32>(fs + (<usize>b << 2)) == 0) memory.fill(orow, 0, ub);
    else memory.copy(orow, h + <usize>b * ub, ub);
  }
}

/**
 * The whole LSTM recurrence: for each of T steps, z_s += h·U (U packed by packB(u, 4u)), then the
 * fused gate math. z holds T·batch rows of 4u (the input projection plus bias, time-major); h and c
 * (batch×u) hold the initial state and get the final one. With seq ≠ 0 every step's output is
 * written to out (batch×T×u); apScratch is the packed-A scratch of gemmPacked. h0Zero ≠ 0 says the
 * initial h is zero and U finite, so the first step's h·U adds exact zeros and is skipped (for
 * one-step models that is the whole recurrent product). keep/ofac: timestep masks (see above);
 * scratch: 2·batch·u floats, used with masks.
 */
export function lstmRun(
  batch: i32, T: i32, u: i32, z: usize, up: usize, h: usize, c: usize, rec: i32, act: i32, out: usize, seq: i32, apScratch: usize, h0Zero: i32,
  keep: usize, ofac: usize, scratch: usize,
): void {
  const step = <usize>batch * <usize>u * 16;
  const stepH = <usize>batch * <usize>u * 4;
  const ub = <usize>u << 2;
  for (let s = 0; s < T; s++) {
    const zs = z + <usize>s * step;
    if (u > 0 && (s > 0 || h0Zero == 0)) gemmPacked(batch, 4 * u, u, h, u, up, zs, 4 * u, 1, apScratch);
    if (keep == 0) {
      lstmCell(batch, u, zs, c, h, rec, act, seq != 0 ? out + (<usize>s * <usize>u << 2) : 0, seq != 0 ? T * u : 0);
      continue;
    }
    const ks = keep + (<usize>s * <usize>batch << 2);
    memory.copy(scratch, h, stepH);
    memory.copy(scratch + stepH, c, stepH);
    lstmCell(batch, u, zs, c, h, rec, act, 0, 0);
    restoreMasked(batch, ks, h, scratch, ub);
    restoreMasked(batch, ks, c, scratch + stepH, ub);
    if (seq != 0) writeOutputs(batch, T, s, u, h, out, ofac != 0 ? ofac + (<usize>s * <usize>batch << 2) : 0);
  }
}

// ---------------------------------------------------------------------------------------------------
// LSTM training: forward with a tape, and backpropagation through time

/**
 * The training forward of an LSTM (see src/rnn/lstm-backward.ts): for each of T steps, hIn_s = h (times the
 * recurrent mask when mask ≠ 0), pre_s += hIn_s·U (U packed by packB(u, 4u)), gates_s = activations of
 * pre_s, c_{s+1} = f·c_s + i·g, actC_s = act(c_{s+1}), h = o·actC_s. pre and gates hold T·batch rows
 * of 4u; c holds (T+1)·batch·u (slot 0 the initial state); hIn and actC T·batch·u; h batch·u (initial
 * state in, final out). keep/ofac: timestep masks (a masked row keeps h and c: c_{s+1} = c_s; its
 * gates are not used by the backward pass); out ≠ 0: every step's output (batch×T×u); scratch:
 * batch·u floats, used with masks.
 */
export function lstmTrainRun(
  batch: i32, T: i32, u: i32, pre: usize, gates: usize, c: usize, hIn: usize, actC: usize, h: usize,
  up: usize, mask: usize, rec: i32, act: i32, apScratch: usize, h0Zero: i32,
  keep: usize, ofac: usize, out: usize, scratch: usize,
): void {
  const n = batch * u;
  const ub = <usize>u << 2;
  const stepZ = <usize>n * 16;
  const stepH = <usize>n << 2;
  for (let s = 0; s < T; s++) {
    const hs = hIn + <usize>s * stepH;
    if (mask == 0) memory.copy(hs, h, stepH);
    else {
      for (let p = 0; p < n; p++) {
        const o = <usize>p << 2;
        store<f32>(hs + o, load<f32>(h + o) * load<f32>(mask + o));
      }
    }
    const zs = pre + <usize>s * stepZ;
    const gs = gates + <usize>s * stepZ;
    if (u > 0 && (s > 0 || h0Zero == 0)) gemmPacked(batch, 4 * u, u, hs, u, up, zs, 4 * u, 1, apScratch);
    memory.copy(gs, zs, stepZ);
    const cp0 = c + <usize>s * stepH;
    const cn0 = cp0 + stepH;
    const ac0 = actC + <usize>s * stepH;
    if (keep != 0) memory.copy(scratch, h, stepH);
    for (let b = 0; b < batch; b++) {
      const g = gs + <usize>b * 4 * ub;
      const rb = <usize>b * ub;
      let j = 0;
      for (; j + 3 < u; j += 4) {
        const o = <usize>j << 2;
        const gi = vact(rec, v128.load(g + o));
        const gf = vact(rec, v128.load(g + ub + o));
        const gc = vact(act, v128.load(g + 2 * ub + o));
        const go = vact(rec, v128.load(g + 3 * ub + o));
        v128.store(g + o, gi);
        v128.store(g + ub + o, gf);
        v128.store(g + 2 * ub + o, gc);
        v128.store(g + 3 * ub + o, go);
        const cn = f32x4.add(f32x4.mul(gf, v128.load(cp0 + rb + o)), f32x4.mul(gi, gc));
        v128.store(cn0 + rb + o, cn);
        const ac = vact(act, cn);
        v128.store(ac0 + rb + o, ac);
        v128.store(h + rb + o, f32x4.mul(go, ac));
      }
      for (; j < u; j++) {
        const o = <usize>j << 2;
        const gi = f32x4.extract_lane(vact(rec, f32x4.splat(load<f32>(g + o))), 0);
        const gf = f32x4.extract_lane(vact(rec, f32x4.splat(load<f32>(g + ub + o))), 0);
        const gc = f32x4.extract_lane(vact(act, f32x4.splat(load<f32>(g + 2 * ub + o))), 0);
        const go = f32x4.extract_lane(vact(rec, f32x4.splat(load<f32>(g + 3 * ub + o))), 0);
        store<f32>(g + o, gi);
        store<f32>(g + ub + o, gf);
        store<f32>(g + 2 * ub + o, gc);
        store<f32>(g + 3 * ub + o, go);
        const cn = gf * load<f32>(cp0 + rb + o) + gi * gc;
        store<f32>(cn0 + rb + o, cn);
        const ac = f32x4.extract_lane(vact(act, f32x4.splat(cn)), 0);
        store<f32>(ac0 + rb + o, ac);
        store<f32>(h + rb + o, go * ac);
      }
    }
    if (keep != 0) {
      const ks = keep + (<usize>s * <usize>batch << 2);
      restoreMasked(batch, ks, h, scratch, ub);
      restoreMasked(batch, ks, cn0, cp0, ub);
    }
    if (out != 0) writeOutputs(batch, T, s, u, h, out, ofac != 0 ? ofac + (<usize>s * <usize>batch << 2) : 0);
  }
}

/** Derivative of activation `code` from its input x and output y (same codes as vact). */
// @ts-ignore: decorator
@inline
function vderiv(code: i32, x: v128, y: v128): v128 {
  const one = v128.load32_splat(K, 48);
  const zero = v128.load32_splat(K, 96);
  switch (code) {
    case 1:
      return f32x4.mul(y, f32x4.sub(one, y));
    case 2: {
      const three = v128.load32_splat(K, 80);
      const inside = v128.and(f32x4.gt(x, f32x4.neg(three)), f32x4.lt(x, three));
      return v128.bitselect(v128.load32_splat(K, 84), zero, inside);
    }
    case 3: {
      const lim = f32x4.splat(<f32>2.5);
      const inside = v128.and(f32x4.gt(x, f32x4.neg(lim)), f32x4.lt(x, lim));
      return v128.bitselect(v128.load32_splat(K, 88), zero, inside);
    }
    case 4:
      return f32x4.sub(one, f32x4.mul(y, y));
    case 5:
      return v128.bitselect(one, zero, f32x4.gt(x, zero));
    default:
      return one;
  }
}

// @ts-ignore: decorator
@inline
function backCell(
  rec: i32, act: i32, g: usize, z: usize, dzp: usize, ub: usize, o: usize, cPrev: usize, cNew: usize, ac: usize, dh: usize, dc: usize,
): void {
  const gi = v128.load(g + o);
  const gf = v128.load(g + ub + o);
  const gc = v128.load(g + 2 * ub + o);
  const go = v128.load(g + 3 * ub + o);
  const dhv = v128.load(dh + o);
  const acv = v128.load(ac + o);
  // ∂L/∂c_t: carried gradient plus the path through h = o·act(c)
  const dcv = f32x4.add(v128.load(dc + o), f32x4.mul(f32x4.mul(dhv, go), vderiv(act, v128.load(cNew + o), acv)));
  const dO = f32x4.mul(dhv, acv);
  const dI = f32x4.mul(dcv, gc);
  const dF = f32x4.mul(dcv, v128.load(cPrev + o));
  const dC = f32x4.mul(dcv, gi);
  v128.store(dc + o, f32x4.mul(dcv, gf));
  v128.store(dzp + o, f32x4.mul(dI, vderiv(rec, v128.load(z + o), gi)));
  v128.store(dzp + ub + o, f32x4.mul(dF, vderiv(rec, v128.load(z + ub + o), gf)));
  v128.store(dzp + 2 * ub + o, f32x4.mul(dC, vderiv(act, v128.load(z + 2 * ub + o), gc)));
  v128.store(dzp + 3 * ub + o, f32x4.mul(dO, vderiv(rec, v128.load(z + 3 * ub + o), go)));
}

/**
 * Backpropagation through time over the tape of lstmTrainRun. dh, dc (batch·u) hold the gradients of
 * the final state in and those of the initial state out. With dOut ≠ 0 (returnSequences), dOut is
 * batch×T×u and row (b, s), times its output factor (ofac), is added to dh before step s. dz
 * (T·batch rows of 4u) gets ∂L/∂pre; utp is U packed for dz·Uᵀ (packB(4u, u, U, 4u, trans 1)); mask
 * the recurrent mask or 0. keep: timestep masks (a masked row's dz is 0 and its dh, dc pass to the
 * step before unchanged); scratch: batch·u floats, used with masks. Uses 272 bytes at TILE + 512 as
 * scratch when u is not a multiple of 4.
 */
export function lstmBackRun(
  batch: i32, T: i32, u: i32, pre: usize, gates: usize, c: usize, actC: usize, dOut: usize,
  dh: usize, dc: usize, dz: usize, utp: usize, mask: usize, rec: i32, act: i32, apScratch: usize,
  keep: usize, ofac: usize, scratch: usize,
): void {
  const n = batch * u;
  const ub = <usize>u << 2;
  const stepZ = <usize>n * 16;
  const stepH = <usize>n << 2;
  for (let s = T - 1; s >= 0; s--) {
    const ks = keep != 0 ? keep + (<usize>s * <usize>batch << 2) : 0;
    if (dOut != 0) addStepGrads(batch, T, s, u, dOut, dh, ofac != 0 ? ofac + (<usize>s * <usize>batch << 2) : 0);
    const zs = pre + <usize>s * stepZ;
    const gs = gates + <usize>s * stepZ;
    const dzs = dz + <usize>s * stepZ;
    const cp0 = c + <usize>s * stepH;
    const cn0 = cp0 + stepH;
    const ac0 = actC + <usize>s * stepH;
    for (let b = 0; b < batch; b++) {
      const rz = <usize>b * 4 * ub;
      const rb = <usize>b * ub;
      if (ks != 0 && load<f32>(ks + (<usize>b << 2)) == 0) {
        memory.fill(dzs + rz, 0, 4 * ub);
        continue;
      }
      let j = 0;
      for (; j + 3 < u; j += 4) {
        backCell(rec, act, gs + rz, zs + rz, dzs + rz, ub, <usize>j << 2, cp0 + rb, cn0 + rb, ac0 + rb, dh + rb, dc + rb);
      }
      if (j < u) {
        // the last u mod 4 columns through the tile: gather each gate's lanes, run backCell on lanes
        // of the tile, scatter back (lanes past u are zero and ignored)
        const t = TILE + 512;
        const tub: usize = 16;
        for (let q: usize = 0; q < 272; q += 4) store<f32>(t + q, 0);
        for (let jj = j; jj < u; jj++) {
          const o = <usize>jj << 2;
          const l = <usize>(jj - j) << 2;
          for (let gk: usize = 0; gk < 4; gk++) {
            store<f32>(t + gk * tub + l, load<f32>(gs + rz + gk * ub + o));
            store<f32>(t + 64 + gk * tub + l, load<f32>(zs + rz + gk * ub + o));
          }
          store<f32>(t + 128 + l, load<f32>(cp0 + rb + o));
          store<f32>(t + 144 + l, load<f32>(cn0 + rb + o));
          store<f32>(t + 160 + l, load<f32>(ac0 + rb + o));
          store<f32>(t + 176 + l, load<f32>(dh + rb + o));
          store<f32>(t + 192 + l, load<f32>(dc + rb + o));
        }
        backCell(rec, act, t, t + 64, t + 208, tub, 0, t + 128, t + 144, t + 160, t + 176, t + 192);
        for (let jj = j; jj < u; jj++) {
          const o = <usize>jj << 2;
          const l = <usize>(jj - j) << 2;
          for (let gk: usize = 0; gk < 4; gk++) store<f32>(dzs + rz + gk * ub + o, load<f32>(t + 208 + gk * tub + l));
          store<f32>(dc + rb + o, load<f32>(t + 192 + l));
        }
      }
    }
    if (ks != 0) memory.copy(scratch, dh, stepH);
    // ∂L/∂h_{s−1} = dz_s·Uᵀ, through the recurrent mask
    if (u > 0) gemmPacked(batch, u, 4 * u, dzs, 4 * u, utp, dh, u, 0, apScratch);
    if (mask != 0) scaleInPlace(n, dh, mask);
    if (ks != 0) restoreMasked(batch, ks, dh, scratch, ub);
  }
}

/** p[i] *= m[i] for n floats. */
function scaleInPlace(n: i32, p: usize, m: usize): void {
  let i = 0;
  for (; i + 3 < n; i += 4) {
    const o = <usize>i << 2;
    v128.store(p + o, f32x4.mul(v128.load(p + o), v128.load(m + o)));
  }
  for (; i < n; i++) {
    const o = <usize>i << 2;
    store<f32>(p + o, load<f32>(p + o) * load<f32>(m + o));
  }
}

/** dh[b] += dOut[b, s] (dOut batch×T×u), for rows whose output factor (fs ≠ 0) is not 0. */
function addStepGrads(batch: i32, T: i32, s: i32, u: i32, dOut: usize, dh: usize, fs: usize): void {
  const ub = <usize>u << 2;
  for (let b = 0; b < batch; b++) {
    if (fs != 0 && load<f32>(fs + (<usize>b << 2)) == 0) continue;
    const src = dOut + (<usize>b * <usize>T + <usize>s) * ub;
    const dst = dh + <usize>b * ub;
    let j = 0;
    for (; j + 3 < u; j += 4) {
      const o = <usize>j << 2;
      v128.store(dst + o, f32x4.add(v128.load(dst + o), v128.load(src + o)));
    }
    for (; j < u; j++) {
      const o = <usize>j << 2;
      store<f32>(dst + o, load<f32>(dst + o) + load<f32>(src + o));
    }
  }
}

// ---------------------------------------------------------------------------------------------------
// GRU (gate blocks z, r, h; see src/rnn/gru.ts)

/**
 * The GRU update on 4 lanes: z = rec(pz), r = rec(pr), hh = act(xh + r·ih) with reset_after (ih the
 * recurrent part of the candidate, recurrent bias included), h' = z·h + (1 − z)·hh, in Keras' order.
 */
// @ts-ignore: decorator
@inline
function gruMix(z: v128, h: v128, hh: v128): v128 {
  return f32x4.add(f32x4.mul(z, h), f32x4.mul(f32x4.sub(v128.load32_splat(K, 48), z), hh));
}

/**
 * The whole GRU recurrence (inference). gx holds T·batch rows of 3u (x·W plus the input bias,
 * time-major, blocks z r h); h (batch×u) the initial state in, the final state out.
 * reset_after ≠ 0: per step inner = h·U (U packed by packB(u, 3u) at up), then z = rec(x_z + (inner_z + rb_z)),
 * r likewise, hh = act(x_h + r·(inner_h + rb_h)) (rb: the recurrent bias, 3u floats, zeros without a bias).
 * reset_after = 0: gx_{z,r} += h·U_{z,r} (up = packB(u, 2u) of U's first 2u columns), r·h, then
 * gx_h += (r·h)·U_h (uph = packB(u, u) of U's last u columns), hh = act(gx_h).
 * h' = z·h + (1 − z)·hh. seq ≠ 0: every step's output to out (batch×T×u). keep/ofac: timestep masks.
 * scratch: batch·4u floats. h0Zero: as lstmRun.
 */
export function gruRun(
  batch: i32, T: i32, u: i32, gx: usize, up: usize, uph: usize, h: usize, rb: usize, resetAfter: i32, rec: i32, act: i32,
  out: usize, seq: i32, ap: usize, h0Zero: i32, keep: usize, ofac: usize, scratch: usize,
): void {
  const ub = <usize>u << 2;
  const rowZ = 3 * ub;
  const stepZ = <usize>batch * rowZ;
  const stepH = <usize>batch * ub;
  const inner = scratch; // batch×3u (reset_after) or batch×u r·h (reset_before)
  const hOld = scratch + stepZ;
  for (let s = 0; s < T; s++) {
    const gs = gx + <usize>s * stepZ;
    const first = s == 0 && h0Zero != 0;
    if (keep != 0) memory.copy(hOld, h, stepH);
    if (resetAfter != 0) {
      if (!first && u > 0) gemmPacked(batch, 3 * u, u, h, u, up, inner, 3 * u, 0, ap);
      else memory.fill(inner, 0, stepZ);
      for (let b = 0; b < batch; b++) {
        const g = gs + <usize>b * rowZ;
        const ip = inner + <usize>b * rowZ;
        const hp = h + <usize>b * ub;
        let j = 0;
        for (; j + 3 < u; j += 4) {
          const o = <usize>j << 2;
          const z = vact(rec, f32x4.add(v128.load(g + o), f32x4.add(v128.load(ip + o), v128.load(rb + o))));
          const r = vact(rec, f32x4.add(v128.load(g + ub + o), f32x4.add(v128.load(ip + ub + o), v128.load(rb + ub + o))));
          const ih = f32x4.add(v128.load(ip + 2 * ub + o), v128.load(rb + 2 * ub + o));
          const hh = vact(act, f32x4.add(v128.load(g + 2 * ub + o), f32x4.mul(r, ih)));
          v128.store(hp + o, gruMix(z, v128.load(hp + o), hh));
        }
        for (; j < u; j++) {
          const o = <usize>j << 2;
          const z = vact(rec, f32x4.splat(load<f32>(g + o) + (load<f32>(ip + o) + load<f32>(rb + o))));
          const r = vact(rec, f32x4.splat(load<f32>(g + ub + o) + (load<f32>(ip + ub + o) + load<f32>(rb + ub + o))));
          const ih = f32x4.splat(load<f32>(ip + 2 * ub + o) + load<f32>(rb + 2 * ub + o));
          const hh = vact(act, f32x4.add(f32x4.splat(load<f32>(g + 2 * ub + o)), f32x4.mul(r, ih)));
          store<f32>(hp + o, f32x4.extract_lane(gruMix(z, f32x4.splat(load<f32>(hp + o)), hh), 0));
        }
      }
    } else {
      if (!first && u > 0) gemmPacked(batch, 2 * u, u, h, u, up, gs, 3 * u, 1, ap);
      for (let b = 0; b < batch; b++) {
        const g = gs + <usize>b * rowZ;
        const hp = h + <usize>b * ub;
        const rp = inner + <usize>b * ub;
        let j = 0;
        for (; j + 3 < u; j += 4) {
          const o = <usize>j << 2;
          v128.store(g + o, vact(rec, v128.load(g + o)));
          v128.store(rp + o, f32x4.mul(vact(rec, v128.load(g + ub + o)), v128.load(hp + o)));
        }
        for (; j < u; j++) {
          const o = <usize>j << 2;
          store<f32>(g + o, f32x4.extract_lane(vact(rec, f32x4.splat(load<f32>(g + o))), 0));
          store<f32>(rp + o, f32x4.extract_lane(vact(rec, f32x4.splat(load<f32>(g + ub + o))), 0) * load<f32>(hp + o));
        }
      }
      if (!first && u > 0) gemmPacked(batch, u, u, inner, u, uph, gs + 2 * ub, 3 * u, 1, ap);
      for (let b = 0; b < batch; b++) {
        const g = gs + <usize>b * rowZ;
        const hp = h + <usize>b * ub;
        let j = 0;
        for (; j + 3 < u; j += 4) {
          const o = <usize>j << 2;
          v128.store(hp + o, gruMix(v128.load(g + o), v128.load(hp + o), vact(act, v128.load(g + 2 * ub + o))));
        }
        for (; j < u; j++) {
          const o = <usize>j << 2;
          const hh = vact(act, f32x4.splat(load<f32>(g + 2 * ub + o)));
          store<f32>(hp + o, f32x4.extract_lane(gruMix(f32x4.splat(load<f32>(g + o)), f32x4.splat(load<f32>(hp + o)), hh), 0));
        }
      }
    }
    if (keep != 0) restoreMasked(batch, keep + (<usize>s * <usize>batch << 2), h, hOld, ub);
    if (seq != 0) writeOutputs(batch, T, s, u, h, out, ofac != 0 ? ofac + (<usize>s * <usize>batch << 2) : 0);
  }
}

/**
 * The GRU training forward (see src/rnn/gru.ts): as gruRun, keeping the tape. pre (T·batch×3u) holds
 * x·W + b in and the pre-activations of z, r, h out; gates (T·batch×3u) z, r, hh; inner (T·batch×u)
 * the recurrent part of the candidate times nothing (reset_after: h·U_h + rb_h) or the operand of its
 * product (reset_before: r·h_in); hs ((T+1)·batch×u) the states, slot 0 the initial state. mask ≠ 0:
 * recurrent dropout (batch×u): the recurrent products take h·mask, kept in hIn (T·batch×u). keep/ofac:
 * timestep masks (a masked row's state is carried: hs_{s+1} = hs_s); out ≠ 0: every step's output.
 * scratch: batch·3u floats.
 */
export function gruTrainRun(
  batch: i32, T: i32, u: i32, pre: usize, gates: usize, inner: usize, hs: usize, hIn: usize, up: usize, uph: usize, rb: usize,
  mask: usize, resetAfter: i32, rec: i32, act: i32, ap: usize, h0Zero: i32, keep: usize, ofac: usize, out: usize, scratch: usize,
): void {
  const n = batch * u;
  const ub = <usize>u << 2;
  const rowZ = 3 * ub;
  const stepZ = <usize>batch * rowZ;
  const stepH = <usize>n << 2;
  for (let s = 0; s < T; s++) {
    const hp0 = hs + <usize>s * stepH;
    const hn0 = hp0 + stepH;
    let a = hp0;
    if (mask != 0) {
      a = hIn + <usize>s * stepH;
      for (let p = 0; p < n; p++) {
        const o = <usize>p << 2;
        store<f32>(a + o, load<f32>(hp0 + o) * load<f32>(mask + o));
      }
    }
    const ps = pre + <usize>s * stepZ;
    const gs = gates + <usize>s * stepZ;
    const is = inner + <usize>s * stepH;
    const first = s == 0 && h0Zero != 0;
    if (resetAfter != 0) {
      if (!first && u > 0) gemmPacked(batch, 3 * u, u, a, u, up, scratch, 3 * u, 0, ap);
      else memory.fill(scratch, 0, stepZ);
      for (let b = 0; b < batch; b++) {
        const p = ps + <usize>b * rowZ;
        const g = gs + <usize>b * rowZ;
        const sp = scratch + <usize>b * rowZ;
        const ip = is + <usize>b * ub;
        const hp = hp0 + <usize>b * ub;
        const hn = hn0 + <usize>b * ub;
        let j = 0;
        for (; j + 3 < u; j += 4) {
          const o = <usize>j << 2;
          const pz = f32x4.add(v128.load(p + o), f32x4.add(v128.load(sp + o), v128.load(rb + o)));
          const pr = f32x4.add(v128.load(p + ub + o), f32x4.add(v128.load(sp + ub + o), v128.load(rb + ub + o)));
          const z = vact(rec, pz);
          const r = vact(rec, pr);
          const ih = f32x4.add(v128.load(sp + 2 * ub + o), v128.load(rb + 2 * ub + o));
          const ph = f32x4.add(v128.load(p + 2 * ub + o), f32x4.mul(r, ih));
          const hh = vact(act, ph);
          v128.store(p + o, pz);
          v128.store(p + ub + o, pr);
          v128.store(p + 2 * ub + o, ph);
          v128.store(g + o, z);
          v128.store(g + ub + o, r);
          v128.store(g + 2 * ub + o, hh);
          v128.store(ip + o, ih);
          v128.store(hn + o, gruMix(z, v128.load(hp + o), hh));
        }
        for (; j < u; j++) {
          const o = <usize>j << 2;
          const pz = load<f32>(p + o) + (load<f32>(sp + o) + load<f32>(rb + o));
          const pr = load<f32>(p + ub + o) + (load<f32>(sp + ub + o) + load<f32>(rb + ub + o));
          const z = f32x4.extract_lane(vact(rec, f32x4.splat(pz)), 0);
          const r = f32x4.extract_lane(vact(rec, f32x4.splat(pr)), 0);
          const ih = load<f32>(sp + 2 * ub + o) + load<f32>(rb + 2 * ub + o);
          const ph = load<f32>(p + 2 * ub + o) + r * ih;
          const hh = f32x4.extract_lane(vact(act, f32x4.splat(ph)), 0);
          store<f32>(p + o, pz);
          store<f32>(p + ub + o, pr);
          store<f32>(p + 2 * ub + o, ph);
          store<f32>(g + o, z);
          store<f32>(g + ub + o, r);
          store<f32>(g + 2 * ub + o, hh);
          store<f32>(ip + o, ih);
          store<f32>(hn + o, z * load<f32>(hp + o) + (1 - z) * hh);
        }
      }
    } else {
      if (!first && u > 0) gemmPacked(batch, 2 * u, u, a, u, up, ps, 3 * u, 1, ap);
      for (let b = 0; b < batch; b++) {
        const p = ps + <usize>b * rowZ;
        const g = gs + <usize>b * rowZ;
        const ip = is + <usize>b * ub;
        const ap0 = a + <usize>b * ub;
        let j = 0;
        for (; j + 3 < u; j += 4) {
          const o = <usize>j << 2;
          const z = vact(rec, v128.load(p + o));
          const r = vact(rec, v128.load(p + ub + o));
          v128.store(g + o, z);
          v128.store(g + ub + o, r);
          v128.store(ip + o, f32x4.mul(r, v128.load(ap0 + o)));
        }
        for (; j < u; j++) {
          const o = <usize>j << 2;
          const z = f32x4.extract_lane(vact(rec, f32x4.splat(load<f32>(p + o))), 0);
          const r = f32x4.extract_lane(vact(rec, f32x4.splat(load<f32>(p + ub + o))), 0);
          store<f32>(g + o, z);
          store<f32>(g + ub + o, r);
          store<f32>(ip + o, r * load<f32>(ap0 + o));
        }
      }
      if (!first && u > 0) gemmPacked(batch, u, u, is, u, uph, ps + 2 * ub, 3 * u, 1, ap);
      for (let b = 0; b < batch; b++) {
        const p = ps + <usize>b * rowZ;
        const g = gs + <usize>b * rowZ;
        const hp = hp0 + <usize>b * ub;
        const hn = hn0 + <usize>b * ub;
        let j = 0;
        for (; j + 3 < u; j += 4) {
          const o = <usize>j << 2;
          const hh = vact(act, v128.load(p + 2 * ub + o));
          v128.store(g + 2 * ub + o, hh);
          v128.store(hn + o, gruMix(v128.load(g + o), v128.load(hp + o), hh));
        }
        for (; j < u; j++) {
          const o = <usize>j << 2;
          const hh = f32x4.extract_lane(vact(act, f32x4.splat(load<f32>(p + 2 * ub + o))), 0);
          store<f32>(g + 2 * ub + o, hh);
          const z = load<f32>(g + o);
          store<f32>(hn + o, z * load<f32>(hp + o) + (1 - z) * hh);
        }
      }
    }
    if (keep != 0) restoreMasked(batch, keep + (<usize>s * <usize>batch << 2), hn0, hp0, ub);
    if (out != 0) writeOutputs(batch, T, s, u, hn0, out, ofac != 0 ? ofac + (<usize>s * <usize>batch << 2) : 0);
  }
}

/**
 * Backpropagation through time over the tape of gruTrainRun. dh (batch·u): ∂L/∂final state in, ∂L/∂initial
 * state out. dOut ≠ 0: ∂L/∂outputs (batch×T×u), row (b, s) times its output factor added before step s.
 * dzx (T·batch×3u) gets ∂L/∂pre (the x side: x·W + b); with reset_after, dzh (T·batch×3u) gets ∂L/∂(h·U + b_rec)
 * (the h block times r). utp: reset_after Uᵀ packed (packB(3u, u, U, 3u, 1)); reset_before U_{z,r}ᵀ
 * (packB(2u, u, U, 3u, 1)) and uhtp U_hᵀ (packB(u, u, U + 2u, 3u, 1)). mask: recurrent dropout or 0;
 * keep/ofac: timestep masks (a masked row's dzx, dzh are 0 and its dh passes through). scratch: batch·4u floats.
 */
export function gruBackRun(
  batch: i32, T: i32, u: i32, pre: usize, gates: usize, inner: usize, hs: usize, hIn: usize, dOut: usize, dh: usize,
  dzx: usize, dzh: usize, utp: usize, uhtp: usize, mask: usize, resetAfter: i32, rec: i32, act: i32, ap: usize,
  keep: usize, ofac: usize, scratch: usize,
): void {
  const n = batch * u;
  const ub = <usize>u << 2;
  const rowZ = 3 * ub;
  const stepZ = <usize>batch * rowZ;
  const stepH = <usize>n << 2;
  const tmp = scratch; // batch×u: the recurrent products' ∂h
  const drh = scratch + stepH; // batch×u: ∂(r·h) (reset_before)
  const one = f32x4.splat(1);
  for (let s = T - 1; s >= 0; s--) {
    const ks = keep != 0 ? keep + (<usize>s * <usize>batch << 2) : 0;
    if (dOut != 0) addStepGrads(batch, T, s, u, dOut, dh, ofac != 0 ? ofac + (<usize>s * <usize>batch << 2) : 0);
    const hp0 = hs + <usize>s * stepH;
    const a0 = mask != 0 ? hIn + <usize>s * stepH : hp0;
    const ps = pre + <usize>s * stepZ;
    const gs = gates + <usize>s * stepZ;
    const is = inner + <usize>s * stepH;
    const dxs = dzx + <usize>s * stepZ;
    const dhs = resetAfter != 0 ? dzh + <usize>s * stepZ : 0;
    for (let b = 0; b < batch; b++) {
      const rz = <usize>b * rowZ;
      if (ks != 0 && load<f32>(ks + (<usize>b << 2)) == 0) {
        memory.fill(dxs + rz, 0, rowZ);
        if (dhs != 0) memory.fill(dhs + rz, 0, rowZ);
        continue;
      }
      const rb = <usize>b * ub;
      let j = 0;
      for (; j < u; j += 4) {
        // the last u mod 4 lanes read past the row: into the next row or the buffers' 16-byte padding, never used
        const o = <usize>j << 2;
        const z = v128.load(gs + rz + o);
        const r = v128.load(gs + rz + ub + o);
        const hh = v128.load(gs + rz + 2 * ub + o);
        const d = v128.load(dh + rb + o);
        const dz = f32x4.mul(d, f32x4.sub(v128.load(hp0 + rb + o), hh));
        const dph = f32x4.mul(f32x4.mul(d, f32x4.sub(one, z)), vderiv(act, v128.load(ps + rz + 2 * ub + o), hh));
        const dpz = f32x4.mul(dz, vderiv(rec, v128.load(ps + rz + o), z));
        storeLanes(dxs + rz + o, dpz, u - j);
        storeLanes(dxs + rz + 2 * ub + o, dph, u - j);
        if (resetAfter != 0) {
          const dpr = f32x4.mul(f32x4.mul(dph, v128.load(is + rb + o)), vderiv(rec, v128.load(ps + rz + ub + o), r));
          storeLanes(dxs + rz + ub + o, dpr, u - j);
          storeLanes(dhs + rz + o, dpz, u - j);
          storeLanes(dhs + rz + ub + o, dpr, u - j);
          storeLanes(dhs + rz + 2 * ub + o, f32x4.mul(dph, r), u - j);
        }
      }
    }
    if (resetAfter != 0) {
      if (u > 0) gemmPacked(batch, u, 3 * u, dhs, 3 * u, utp, tmp, u, 0, ap);
    } else if (u > 0) {
      // ∂(r·h) = dph·U_hᵀ, then dr and ∂pre_r, then the z, r blocks' product
      gemmPacked(batch, u, u, dxs + 2 * ub, 3 * u, uhtp, drh, u, 0, ap);
      for (let b = 0; b < batch; b++) {
        if (ks != 0 && load<f32>(ks + (<usize>b << 2)) == 0) continue;
        const rz = <usize>b * rowZ;
        const rb = <usize>b * ub;
        for (let j = 0; j < u; j += 4) {
          const o = <usize>j << 2;
          const r = v128.load(gs + rz + ub + o);
          const dpr = f32x4.mul(f32x4.mul(v128.load(drh + rb + o), v128.load(a0 + rb + o)), vderiv(rec, v128.load(ps + rz + ub + o), r));
          storeLanes(dxs + rz + ub + o, dpr, u - j);
        }
      }
      gemmPacked(batch, u, 2 * u, dxs, 3 * u, utp, tmp, u, 0, ap);
    }
    // ∂h_prev = dh·z + (recurrent products)·mask, rows that were not masked
    for (let b = 0; b < batch; b++) {
      if (ks != 0 && load<f32>(ks + (<usize>b << 2)) == 0) continue;
      const rz = <usize>b * rowZ;
      const rb = <usize>b * ub;
      for (let j = 0; j < u; j++) {
        const o = <usize>j << 2;
        let g = load<f32>(tmp + rb + o);
        if (resetAfter == 0) g += load<f32>(drh + rb + o) * load<f32>(gs + rz + ub + o);
        if (mask != 0) g *= load<f32>(mask + rb + o);
        store<f32>(dh + rb + o, load<f32>(dh + rb + o) * load<f32>(gs + rz + o) + g);
      }
    }
  }
}

/** Stores the first min(4, lanes) lanes of v at p. */
// @ts-ignore: decorator
@inline
function storeLanes(p: usize, v: v128, lanes: i32): void {
  if (lanes >= 4) v128.store(p, v);
  else {
    store<f32>(p, f32x4.extract_lane(v, 0));
    if (lanes > 1) store<f32>(p + 4, f32x4.extract_lane(v, 1));
    if (lanes > 2) store<f32>(p + 8, f32x4.extract_lane(v, 2));
  }
}

// ---------------------------------------------------------------------------------------------------
// SimpleRNN: h' = act(x·W + b + h·U)

/**
 * The SimpleRNN recurrence (inference): z holds T·batch rows of u (x·W + b, time-major); per step
 * z_s += h·U (U packed by packB(u, u)), h = act(z_s). seq/out, keep/ofac, h0Zero as lstmRun; scratch:
 * batch·u floats.
 */
export function rnnRun(
  batch: i32, T: i32, u: i32, z: usize, up: usize, h: usize, act: i32, out: usize, seq: i32, ap: usize, h0Zero: i32,
  keep: usize, ofac: usize, scratch: usize,
): void {
  const ub = <usize>u << 2;
  const stepH = <usize>batch * ub;
  const n = batch * u;
  for (let s = 0; s < T; s++) {
    const zs = z + <usize>s * stepH;
    if (u > 0 && (s > 0 || h0Zero == 0)) gemmPacked(batch, u, u, h, u, up, zs, u, 1, ap);
    if (keep != 0) memory.copy(scratch, h, stepH);
    activateInto(act, zs, h, n);
    if (keep != 0) restoreMasked(batch, keep + (<usize>s * <usize>batch << 2), h, scratch, ub);
    if (seq != 0) writeOutputs(batch, T, s, u, h, out, ofac != 0 ? ofac + (<usize>s * <usize>batch << 2) : 0);
  }
}

/** dst[i] = act(src[i]) for n floats. */
function activateInto(code: i32, src: usize, dst: usize, n: i32): void {
  let i = 0;
  for (; i + 3 < n; i += 4) {
    const q = <usize>i << 2;
    v128.store(dst + q, vact(code, v128.load(src + q)));
  }
  for (; i < n; i++) {
    const q = <usize>i << 2;
    store<f32>(dst + q, f32x4.extract_lane(vact(code, f32x4.splat(load<f32>(src + q))), 0));
  }
}

/**
 * The SimpleRNN training forward: pre (T·batch×u) holds x·W + b in and the pre-activations out; hs
 * ((T+1)·batch×u) the states, slot 0 the initial one. mask ≠ 0: recurrent dropout, h·mask kept in hIn.
 * keep/ofac: timestep masks; out ≠ 0: every step's output.
 */
export function rnnTrainRun(
  batch: i32, T: i32, u: i32, pre: usize, hs: usize, hIn: usize, up: usize, mask: usize, act: i32, ap: usize, h0Zero: i32,
  keep: usize, ofac: usize, out: usize,
): void {
  const n = batch * u;
  const ub = <usize>u << 2;
  const stepH = <usize>n << 2;
  for (let s = 0; s < T; s++) {
    const hp0 = hs + <usize>s * stepH;
    const hn0 = hp0 + stepH;
    let a = hp0;
    if (mask != 0) {
      a = hIn + <usize>s * stepH;
      for (let p = 0; p < n; p++) {
        const o = <usize>p << 2;
        store<f32>(a + o, load<f32>(hp0 + o) * load<f32>(mask + o));
      }
    }
    const ps = pre + <usize>s * stepH;
    if (u > 0 && (s > 0 || h0Zero == 0)) gemmPacked(batch, u, u, a, u, up, ps, u, 1, ap);
    activateInto(act, ps, hn0, n);
    if (keep != 0) restoreMasked(batch, keep + (<usize>s * <usize>batch << 2), hn0, hp0, ub);
    if (out != 0) writeOutputs(batch, T, s, u, hn0, out, ofac != 0 ? ofac + (<usize>s * <usize>batch << 2) : 0);
  }
}

/**
 * Backpropagation through time over the tape of rnnTrainRun: dh (batch·u) ∂L/∂final state in,
 * ∂L/∂initial state out; dz (T·batch×u) gets ∂L/∂pre; utp = Uᵀ packed (packB(u, u, U, u, 1)); mask:
 * recurrent dropout or 0; keep/ofac: timestep masks; scratch: batch·u floats.
 */
export function rnnBackRun(
  batch: i32, T: i32, u: i32, pre: usize, hs: usize, dOut: usize, dh: usize, dz: usize, utp: usize, mask: usize, act: i32, ap: usize,
  keep: usize, ofac: usize, scratch: usize,
): void {
  const n = batch * u;
  const ub = <usize>u << 2;
  const stepH = <usize>n << 2;
  for (let s = T - 1; s >= 0; s--) {
    const ks = keep != 0 ? keep + (<usize>s * <usize>batch << 2) : 0;
    if (dOut != 0) addStepGrads(batch, T, s, u, dOut, dh, ofac != 0 ? ofac + (<usize>s * <usize>batch << 2) : 0);
    const ps = pre + <usize>s * stepH;
    const hn0 = hs + <usize>(s + 1) * stepH;
    const dzs = dz + <usize>s * stepH;
    for (let b = 0; b < batch; b++) {
      const rb = <usize>b * ub;
      if (ks != 0 && load<f32>(ks + (<usize>b << 2)) == 0) {
        memory.fill(dzs + rb, 0, ub);
        continue;
      }
      for (let j = 0; j < u; j += 4) {
        const o = rb + (<usize>j << 2);
        storeLanes(dzs + o, f32x4.mul(v128.load(dh + o), vderiv(act, v128.load(ps + o), v128.load(hn0 + o))), u - j);
      }
    }
    if (ks != 0) memory.copy(scratch, dh, stepH);
    if (u > 0) gemmPacked(batch, u, u, dzs, u, utp, dh, u, 0, ap);
    if (mask != 0) scaleInPlace(n, dh, mask);
    if (ks != 0) restoreMasked(batch, ks, dh, scratch, ub);
  }
}

// ---------------------------------------------------------------------------------------------------
// Optimizer updates

/**
 * One Adam step on n values, in place: m += (g − m)·c1; v += (g² − v)·c2; (with vh: vh = max(vh, v));
 * w −= m·alpha / (√v + eps). Every operation is one float32 rounding, as in the TypeScript loop, so
 * both give the same bits. vh = 0: no amsgrad.
 */
export function adamStep(n: i32, w: usize, g: usize, m: usize, v: usize, vh: usize, alpha: f32, c1: f32, c2: f32, eps: f32): void {
  const va = f32x4.splat(alpha);
  const v1 = f32x4.splat(c1);
  const v2 = f32x4.splat(c2);
  const ve = f32x4.splat(eps);
  const n4 = n & ~3;
  let i = 0;
  for (; i < n4; i += 4) {
    const o = <usize>i << 2;
    const gp = v128.load(g + o);
    let mp = v128.load(m + o);
    let vp = v128.load(v + o);
    mp = f32x4.add(mp, f32x4.mul(f32x4.sub(gp, mp), v1));
    vp = f32x4.add(vp, f32x4.mul(f32x4.sub(f32x4.mul(gp, gp), vp), v2));
    v128.store(m + o, mp);
    v128.store(v + o, vp);
    let vv = vp;
    if (vh != 0) {
      // vv > vh ? vv : vh (a NaN v leaves vh as it is, as the TypeScript comparison does)
      vv = f32x4.pmax(v128.load(vh + o), vp);
      v128.store(vh + o, vv);
    }
    const wp = v128.load(w + o);
    v128.store(w + o, f32x4.sub(wp, f32x4.div(f32x4.mul(mp, va), f32x4.add(f32x4.sqrt(vv), ve))));
  }
  for (; i < n; i++) {
    const o = <usize>i << 2;
    const gp = load<f32>(g + o);
    let mp = load<f32>(m + o);
    let vp = load<f32>(v + o);
    mp = mp + (gp - mp) * c1;
    vp = vp + (gp * gp - vp) * c2;
    store<f32>(m + o, mp);
    store<f32>(v + o, vp);
    let vv = vp;
    if (vh != 0) {
      const old = load<f32>(vh + o);
      vv = vp > old ? vp : old;
      store<f32>(vh + o, vv);
    }
    store<f32>(w + o, load<f32>(w + o) - (mp * alpha) / (sqrt<f32>(vv) + eps));
  }
}

/** 1 when the n floats at p are all finite (no NaN or ±Inf), else 0. */
export function allFinite(n: i32, p: usize): i32 {
  const zero = f32x4.splat(0);
  let bad = v128.splat<i32>(0);
  const n4 = n & ~3;
  let i = 0;
  for (; i < n4; i += 4) {
    const t = f32x4.mul(v128.load(p + (<usize>i << 2)), zero); // 0 for finite, NaN otherwise
    bad = v128.or(bad, f32x4.ne(t, t));
  }
  if (v128.any_true(bad)) return 0;
  for (; i < n; i++) {
    const t = load<f32>(p + (<usize>i << 2)) * 0;
    if (t != t) return 0;
  }
  return 1;
}

// ---------------------------------------------------------------------------------------------------
// Convolution: im2col into the column matrix the GEMM reads (src/conv/conv.ts)

/** Copies n floats from src to dst (short runs inline; long ones with memory.copy). */
// @ts-ignore: decorator
@inline
function copyFloats(dst: usize, src: usize, n: i32): void {
  if (n >= 32) {
    memory.copy(dst, src, <usize>n << 2);
    return;
  }
  let i = 0;
  for (; i + 3 < n; i += 4) v128.store(dst + (<usize>i << 2), v128.load(src + (<usize>i << 2)));
  for (; i < n; i++) store<f32>(dst + (<usize>i << 2), load<f32>(src + (<usize>i << 2)));
}

/** Writes n zeros at dst. */
// @ts-ignore: decorator
@inline
function zeroFloats(dst: usize, n: i32): void {
  if (n >= 32) {
    memory.fill(dst, 0, <usize>n << 2);
    return;
  }
  for (let i = 0; i < n; i++) store<f32>(dst + (<usize>i << 2), 0);
}

/**
 * im2col over channels-last data of 1 to 3 spatial axes (as src/conv/im2col.ts, whose order it
 * follows): the column rows of samples [n0, n1) of x (channels c0..c0+cg of `channels`) into cols, one
 * row per output position holding its window ordered (kernel position, channel); padded positions are
 * 0. geo points to 18 i32: inD inH inW outD outH outW kD kH kW sD sH sW dD dH dW pD pH pW.
 */
export function im2col(x: usize, geo: usize, channels: i32, c0: i32, cg: i32, n0: i32, n1: i32, cols: usize): void {
  const inD = load<i32>(geo), inH = load<i32>(geo, 4), inW = load<i32>(geo, 8);
  const outD = load<i32>(geo, 12), outH = load<i32>(geo, 16), outW = load<i32>(geo, 20);
  const kD = load<i32>(geo, 24), kH = load<i32>(geo, 28), kW = load<i32>(geo, 32);
  const sD = load<i32>(geo, 36), sH = load<i32>(geo, 40), sW = load<i32>(geo, 44);
  const dD = load<i32>(geo, 48), dH = load<i32>(geo, 52), dW = load<i32>(geo, 56);
  const pD = load<i32>(geo, 60), pH = load<i32>(geo, 64), pW = load<i32>(geo, 68);
  const rowW = kW * cg;
  const rowWb = <usize>rowW << 2;
  const cgb = <usize>cg << 2;
  // a window row is one contiguous run of the input when it covers every channel without dilation
  const whole = dW == 1 && cg == channels;
  let o = cols;
  for (let n = n0; n < n1; n++) {
    const xn = x + ((<usize>n * <usize>inD * <usize>inH * <usize>inW * <usize>channels + <usize>c0) << 2);
    for (let od = 0; od < outD; od++) {
      for (let oh = 0; oh < outH; oh++) {
        for (let ow = 0; ow < outW; ow++) {
          const iw0 = ow * sW - pW;
          for (let kd = 0; kd < kD; kd++) {
            const id = od * sD + kd * dD - pD;
            if (id < 0 || id >= inD) {
              zeroFloats(o, kH * rowW);
              o += <usize>kH * rowWb;
              continue;
            }
            for (let kh = 0; kh < kH; kh++) {
              const ih = oh * sH + kh * dH - pH;
              if (ih < 0 || ih >= inH) {
                zeroFloats(o, rowW);
                o += rowWb;
                continue;
              }
              const base = xn + ((<usize>(id * inH + ih) * <usize>inW * <usize>channels) << 2);
              if (whole && iw0 >= 0 && iw0 + kW <= inW) {
                copyFloats(o, base + ((<usize>iw0 * <usize>channels) << 2), rowW);
                o += rowWb;
                continue;
              }
              for (let kw = 0; kw < kW; kw++) {
                const iw = iw0 + kw * dW;
                if (iw < 0 || iw >= inW) zeroFloats(o, cg);
                else copyFloats(o, base + ((<usize>iw * <usize>channels) << 2), cg);
                o += cgb;
              }
            }
          }
        }
      }
    }
  }
}

// ---------------------------------------------------------------------------------------------------
// Max pooling (src/pooling/pool.ts, global-pool.ts): branch-free SIMD maxima. f32x4.max propagates NaN
// as the TypeScript loops do; of +0 and −0 it takes +0 (the loops keep the first), equal values anyway.

/**
 * Max pooling over channels-last data: y (batch, out…, c) from x (batch, in…, c), geometry at geo as for
 * im2col (dilations are ignored). With am ≠ 0, also the flat input index (i32) of the value each output
 * took: the first maximum in window order (strictly greater replaces; a NaN replaces a number), −1 for
 * a window with no input position (its output is −∞).
 */
export function maxPool(x: usize, geo: usize, c: i32, batch: i32, y: usize, am: usize): void {
  const inD = load<i32>(geo), inH = load<i32>(geo, 4), inW = load<i32>(geo, 8);
  const outD = load<i32>(geo, 12), outH = load<i32>(geo, 16), outW = load<i32>(geo, 20);
  const kD = load<i32>(geo, 24), kH = load<i32>(geo, 28), kW = load<i32>(geo, 32);
  const sD = load<i32>(geo, 36), sH = load<i32>(geo, 40), sW = load<i32>(geo, 44);
  const pD = load<i32>(geo, 60), pH = load<i32>(geo, 64), pW = load<i32>(geo, 68);
  const c4 = c & ~3;
  const ninf = f32x4.splat(-Infinity);
  let yo = y;
  let ao = am;
  for (let n = 0; n < batch; n++) {
    const xn = n * inD * inH * inW;
    for (let od = 0; od < outD; od++) {
      const d0 = od * sD - pD;
      const dA = max(d0, 0), dB = min(d0 + kD, inD);
      for (let oh = 0; oh < outH; oh++) {
        const h0 = oh * sH - pH;
        const hA = max(h0, 0), hB = min(h0 + kH, inH);
        for (let ow = 0; ow < outW; ow++) {
          const w0 = ow * sW - pW;
          const wA = max(w0, 0), wB = min(w0 + kW, inW);
          for (let ch = 0; ch < c4; ch += 4) {
            let m = ninf;
            let at = i32x4.splat(-1);
            for (let id = dA; id < dB; id++) {
              for (let ih = hA; ih < hB; ih++) {
                let xi = (xn + (id * inH + ih) * inW + wA) * c + ch;
                for (let iw = wA; iw < wB; iw++, xi += c) {
                  const v = v128.load(x + (<usize>xi << 2));
                  if (am != 0) {
                    const take = v128.or(f32x4.gt(v, m), v128.and(f32x4.ne(v, v), f32x4.eq(m, m)));
                    m = v128.bitselect(v, m, take);
                    at = v128.bitselect(i32x4.add(i32x4.splat(xi), i32x4(0, 1, 2, 3)), at, take);
                  } else {
                    m = f32x4.max(m, v);
                  }
                }
              }
            }
            v128.store(yo + (<usize>ch << 2), m);
            if (am != 0) v128.store(ao + (<usize>ch << 2), at);
          }
          for (let ch = c4; ch < c; ch++) {
            let m: f32 = -Infinity;
            let at: i32 = -1;
            for (let id = dA; id < dB; id++) {
              for (let ih = hA; ih < hB; ih++) {
                let xi = (xn + (id * inH + ih) * inW + wA) * c + ch;
                for (let iw = wA; iw < wB; iw++, xi += c) {
                  const v = load<f32>(x + (<usize>xi << 2));
                  if (v > m || (v != v && m == m)) {
                    m = v;
                    at = xi;
                  }
                }
              }
            }
            store<f32>(yo + (<usize>ch << 2), m);
            if (am != 0) store<i32>(ao + (<usize>ch << 2), at);
          }
          yo += <usize>c << 2;
          ao += <usize>c << 2;
        }
      }
    }
  }
}

/** Global max pooling: y (batch, c) = the maximum over positions of x (batch, positions, c); NaN propagates. */
export function globalMaxPool(x: usize, batch: i32, positions: i32, c: i32, y: usize): void {
  const c4 = c & ~3;
  const rowB = <usize>c << 2;
  for (let n = 0; n < batch; n++) {
    const xn = x + <usize>n * <usize>positions * rowB;
    const yn = y + <usize>n * rowB;
    for (let ch = 0; ch < c4; ch += 4) {
      let m = f32x4.splat(-Infinity);
      let p = xn + (<usize>ch << 2);
      for (let i = 0; i < positions; i++, p += rowB) m = f32x4.max(m, v128.load(p));
      v128.store(yn + (<usize>ch << 2), m);
    }
    for (let ch = c4; ch < c; ch++) {
      let m: f32 = -Infinity;
      let p = xn + (<usize>ch << 2);
      for (let i = 0; i < positions; i++, p += rowB) m = max<f32>(m, load<f32>(p));
      store<f32>(yn + (<usize>ch << 2), m);
    }
  }
}

/** dst[i] += src[i] for n floats. */
// @ts-ignore: decorator
@inline
function addFloats(dst: usize, src: usize, n: i32): void {
  let i = 0;
  for (; i + 3 < n; i += 4) {
    const o = <usize>i << 2;
    v128.store(dst + o, f32x4.add(v128.load(dst + o), v128.load(src + o)));
  }
  for (; i < n; i++) {
    const o = <usize>i << 2;
    store<f32>(dst + o, load<f32>(dst + o) + load<f32>(src + o));
  }
}

/**
 * The adjoint of im2col (as src/conv/im2col.ts col2im, in the same order): adds the column rows of
 * samples [n0, n1) into channels c0..c0+cg of x at the positions they were read from (padded positions
 * are dropped). x is indexed from sample 0.
 */
export function col2im(cols: usize, geo: usize, channels: i32, c0: i32, cg: i32, n0: i32, n1: i32, x: usize): void {
  const inD = load<i32>(geo), inH = load<i32>(geo, 4), inW = load<i32>(geo, 8);
  const outD = load<i32>(geo, 12), outH = load<i32>(geo, 16), outW = load<i32>(geo, 20);
  const kD = load<i32>(geo, 24), kH = load<i32>(geo, 28), kW = load<i32>(geo, 32);
  const sD = load<i32>(geo, 36), sH = load<i32>(geo, 40), sW = load<i32>(geo, 44);
  const dD = load<i32>(geo, 48), dH = load<i32>(geo, 52), dW = load<i32>(geo, 56);
  const pD = load<i32>(geo, 60), pH = load<i32>(geo, 64), pW = load<i32>(geo, 68);
  const rowW = kW * cg;
  const rowWb = <usize>rowW << 2;
  const cgb = <usize>cg << 2;
  const whole = dW == 1 && cg == channels;
  let o = cols;
  for (let n = n0; n < n1; n++) {
    const xn = x + ((<usize>n * <usize>inD * <usize>inH * <usize>inW * <usize>channels + <usize>c0) << 2);
    for (let od = 0; od < outD; od++) {
      for (let oh = 0; oh < outH; oh++) {
        for (let ow = 0; ow < outW; ow++) {
          const iw0 = ow * sW - pW;
          for (let kd = 0; kd < kD; kd++) {
            const id = od * sD + kd * dD - pD;
            if (id < 0 || id >= inD) {
              o += <usize>kH * rowWb;
              continue;
            }
            for (let kh = 0; kh < kH; kh++) {
              const ih = oh * sH + kh * dH - pH;
              if (ih < 0 || ih >= inH) {
                o += rowWb;
                continue;
              }
              const base = xn + ((<usize>(id * inH + ih) * <usize>inW * <usize>channels) << 2);
              if (whole && iw0 >= 0 && iw0 + kW <= inW) {
                addFloats(base + ((<usize>iw0 * <usize>channels) << 2), o, rowW);
                o += rowWb;
                continue;
              }
              for (let kw = 0; kw < kW; kw++) {
                const iw = iw0 + kw * dW;
                if (iw >= 0 && iw < inW) addFloats(base + ((<usize>iw * <usize>channels) << 2), o, cg);
                o += cgb;
              }
            }
          }
        }
      }
    }
  }
}

/** dx = x > 0 ? dy : 0 for n floats (the relu gradient, branch-free; dx may be dy). */
export function reluBackward(x: usize, dy: usize, dx: usize, n: i32): void {
  const zero = f32x4.splat(0);
  let i = 0;
  for (; i + 3 < n; i += 4) {
    const o = <usize>i << 2;
    v128.store(dx + o, v128.and(v128.load(dy + o), f32x4.gt(v128.load(x + o), zero)));
  }
  for (; i < n; i++) {
    const o = <usize>i << 2;
    store<f32>(dx + o, load<f32>(x + o) > 0 ? load<f32>(dy + o) : 0);
  }
}

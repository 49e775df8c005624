import { describe, expect, it } from 'vitest';
import { ConfigError, Random, ShapeMismatchError, gemm, matmul, tensor } from '../src/index.js';

/** The obvious triple loop, in double precision. */
function naive(m: number, n: number, k: number, a: Float32Array, b: Float32Array, transposeB: boolean): Float64Array {
  const c = new Float64Array(m * n);
  for (let i = 0; i < m; i++) {
    for (let j = 0; j < n; j++) {
      let s = 0;
      for (let p = 0; p < k; p++) s += a[i * k + p]! * (transposeB ? b[j * k + p]! : b[p * n + j]!);
      c[i * n + j] = s;
    }
  }
  return c;
}

function randomArray(rng: Random, n: number): Float32Array {
  return rng.fill(new Float32Array(n), () => rng.uniformRange(-1, 1));
}

function expectClose(actual: Float32Array, actualOffset: number, expected: Float64Array, k: number): void {
  const tol = 1e-6 * Math.max(1, k);
  let worst = 0;
  for (let i = 0; i < expected.length; i++) {
    worst = Math.max(worst, Math.abs(actual[actualOffset + i]! - expected[i]!));
  }
  expect(worst).toBeLessThanOrEqual(tol);
}

const SIZES = [1, 2, 3, 4, 5, 7, 8, 33, 130];

describe('gemm', () => {
  const rng = new Random(7);

  it('matches a naive triple loop on odd and even sizes', () => {
    for (const m of SIZES) {
      for (const n of [1, 7, 33, 130, 300]) {
        for (const k of [1, 3, 7, 33, 130, 260]) {
          if (m * n * k > 3_000_000) continue;
          const a = randomArray(rng, m * k);
          const b = randomArray(rng, k * n);
          const c = new Float32Array(m * n).fill(123); // overwritten without accumulate
          gemm(m, n, k, a, b, c);
          expectClose(c, 0, naive(m, n, k, a, b, false), k);
        }
      }
    }
  });

  it('handles transposeB', () => {
    for (const m of SIZES) {
      for (const n of [1, 3, 4, 7, 33, 130]) {
        for (const k of [1, 7, 33, 130]) {
          const a = randomArray(rng, m * k);
          const bt = randomArray(rng, n * k);
          const c = new Float32Array(m * n).fill(-5);
          gemm(m, n, k, a, bt, c, { transposeB: true });
          expectClose(c, 0, naive(m, n, k, a, bt, true), k);
        }
      }
    }
  });

  it('accumulates into C', () => {
    for (const transposeB of [false, true]) {
      for (const [m, n, k] of [
        [1, 1, 1],
        [7, 33, 130],
        [130, 7, 33],
        [5, 300, 9],
      ] as const) {
        const a = randomArray(rng, m * k);
        const b = randomArray(rng, k * n);
        const c0 = randomArray(rng, m * n);
        const c = c0.slice();
        gemm(m, n, k, a, b, c, { accumulate: true, transposeB });
        const want = naive(m, n, k, a, b, transposeB).map((v, i) => v + c0[i]!);
        expectClose(c, 0, want, k);
      }
    }
  });

  it('honours offsets and leaves everything else alone', () => {
    for (const transposeB of [false, true]) {
      for (const [m, n, k] of [
        [3, 5, 7],
        [33, 7, 130],
        [4, 130, 1],
      ] as const) {
        const aOffset = 3;
        const bOffset = 11;
        const cOffset = 5;
        const a = randomArray(rng, aOffset + m * k + 4);
        const b = randomArray(rng, bOffset + k * n + 2);
        const c = new Float32Array(cOffset + m * n + 6).fill(42);
        const accumulate = m === 3;
        const before = c.slice();
        gemm(m, n, k, a, b, c, { aOffset, bOffset, cOffset, transposeB, accumulate });
        const want = naive(m, n, k, a.subarray(aOffset), b.subarray(bOffset), transposeB).map((v) => (accumulate ? v + 42 : v));
        expectClose(c, cOffset, want, k);
        for (let i = 0; i < cOffset; i++) expect(c[i]).toBe(before[i]);
        for (let i = cOffset + m * n; i < c.length; i++) expect(c[i]).toBe(before[i]);
      }
    }
  });

  it('handles empty dimensions', () => {
    const c = new Float32Array(6).fill(3);
    gemm(2, 3, 0, new Float32Array(0), new Float32Array(0), c);
    expect(Array.from(c)).toEqual([0, 0, 0, 0, 0, 0]);
    c.fill(3);
    gemm(2, 3, 0, new Float32Array(0), new Float32Array(0), c, { accumulate: true });
    expect(Array.from(c)).toEqual([3, 3, 3, 3, 3, 3]);
    gemm(0, 3, 4, new Float32Array(0), new Float32Array(12), new Float32Array(0));
  });

  it('computes exact small products', () => {
    const a = new Float32Array([1, 2, 3, 4, 5, 6]); // 2×3
    const b = new Float32Array([7, 8, 9, 10, 11, 12]); // 3×2
    const c = new Float32Array(4);
    gemm(2, 2, 3, a, b, c);
    expect(Array.from(c)).toEqual([58, 64, 139, 154]);
    gemm(2, 2, 3, a, new Float32Array([7, 9, 11, 8, 10, 12]), c, { transposeB: true });
    expect(Array.from(c)).toEqual([58, 64, 139, 154]);
  });

  it('rejects arrays that are too short and bad sizes', () => {
    expect(() => gemm(2, 2, 2, new Float32Array(3), new Float32Array(4), new Float32Array(4))).toThrow(ShapeMismatchError);
    expect(() => gemm(2, 2, 2, new Float32Array(4), new Float32Array(4), new Float32Array(4), { cOffset: 1 })).toThrow(
      ShapeMismatchError,
    );
    expect(() => gemm(2, 3, 2, new Float32Array(4), new Float32Array(5), new Float32Array(6), { transposeB: true })).toThrow(
      /B needs 6/,
    );
    expect(() => gemm(-1, 2, 2, new Float32Array(4), new Float32Array(4), new Float32Array(4))).toThrow(ConfigError);
    expect(() => gemm(1.5, 2, 2, new Float32Array(4), new Float32Array(4), new Float32Array(4))).toThrow(ConfigError);
  });
});

describe('matmul', () => {
  it('multiplies rank-2 tensors', () => {
    const a = tensor([
      [1, 2, 3],
      [4, 5, 6],
    ]);
    const b = tensor([
      [7, 8],
      [9, 10],
      [11, 12],
    ]);
    const c = matmul(a, b);
    expect(c.shape).toEqual([2, 2]);
    expect(c.toArray()).toEqual([
      [58, 64],
      [139, 154],
    ]);
    expect(matmul(a, a, { transposeB: true }).toArray()).toEqual([
      [14, 32],
      [32, 77],
    ]);
    expect(() => matmul(a, a)).toThrow(ShapeMismatchError);
    expect(() => matmul(tensor([1, 2]), b)).toThrow(ShapeMismatchError);
  });
});

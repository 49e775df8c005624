/**
 * The pack cache (src/wasm/pack-cache.ts): packed weight panels kept between calls, keyed by the
 * weight's Float32Array and its weight version. Every kept result must equal a call that packs afresh
 * (the same panels, so bit for bit), a changed version must never reuse old panels, and the kernels'
 * memory must not grow when weights change again and again (freed panels are reused).
 */
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import {
  Random,
  adamUpdate,
  clearPackCache,
  convForward,
  denseForward,
  gemm,
  getActivation,
  getBackend,
  gruForward,
  lstmForward,
  markWeightsChanged,
  packCacheStats,
  releasePackedWeights,
  setPackCacheLimit,
  simpleRnnForward,
  weightVersion,
  windowGeometry,
} from '../src/index.js';

const rnd = new Random(7);
const values = (n: number, scale = 0.5): Float32Array => Float32Array.from({ length: n }, () => (rnd.uniform() - 0.5) * 2 * scale);
const tanh = getActivation('tanh');
const sigmoid = getActivation('sigmoid');

beforeEach(() => clearPackCache());
afterEach(() => {
  clearPackCache();
  setPackCacheLimit(1024 * 1024 * 1024);
});

describe('pack cache', () => {
  it('runs on the WebAssembly backend (else these tests check nothing)', () => {
    expect(getBackend()).toBe('wasm');
  });

  it('weight versions start at 0 and count markWeightsChanged calls', () => {
    const a = new Float32Array(4);
    expect(weightVersion(a)).toBe(0);
    markWeightsChanged(a);
    markWeightsChanged(a, a);
    expect(weightVersion(a)).toBe(3);
    expect(weightVersion(new Float32Array(4))).toBe(0);
  });

  it('gemm with cacheB: kept panels give the packed-per-call result, and a change in place is seen once marked', () => {
    const m = 5, k = 40, n = 48; // n·k ≥ 1024: the WebAssembly path
    const a = values(m * k), b = values(k * n);
    const fresh = (bb: Float32Array) => {
      const c = new Float32Array(m * n);
      gemm(m, n, k, a, bb.slice(), c);
      return c;
    };
    const cached = () => {
      const c = new Float32Array(m * n);
      gemm(m, n, k, a, b, c, { cacheB: true });
      return c;
    };
    const s0 = packCacheStats();
    expect(cached()).toEqual(fresh(b));
    expect(cached()).toEqual(fresh(b));
    const s1 = packCacheStats();
    expect(s1.misses - s0.misses).toBe(1);
    expect(s1.hits - s0.hits).toBe(1);
    expect(s1.entries).toBe(1);
    b[3] = b[3]! + 1;
    markWeightsChanged(b);
    expect(cached()).toEqual(fresh(b));
    expect(packCacheStats().misses - s1.misses).toBe(1);
  });

  it('an unannounced in-place change is not seen (why every mutation path must bump the version)', () => {
    const m = 4, k = 32, n = 32;
    const a = values(m * k), b = values(k * n);
    const c0 = new Float32Array(m * n);
    gemm(m, n, k, a, b, c0, { cacheB: true });
    b.fill(0);
    const c1 = new Float32Array(m * n);
    gemm(m, n, k, a, b, c1, { cacheB: true });
    expect(c1).toEqual(c0); // stale, as documented
    markWeightsChanged(b);
    gemm(m, n, k, a, b, c1, { cacheB: true });
    expect(c1.every((v) => v === 0)).toBe(true);
  });

  it('transposed B and offsets are kept under their own layout', () => {
    const m = 3, k = 36, n = 40;
    const a = values(m * k), big = values(7 + n * k);
    const want = new Float32Array(m * n);
    gemm(m, n, k, a, big.slice(), want, { transposeB: true, bOffset: 7 });
    for (let i = 0; i < 2; i++) {
      const c = new Float32Array(m * n);
      gemm(m, n, k, a, big, c, { transposeB: true, bOffset: 7, cacheB: true });
      expect(c).toEqual(want);
    }
  });

  it('without cacheB nothing is kept', () => {
    const b = values(32 * 40);
    const before = packCacheStats();
    gemm(2, 40, 32, values(64), b, new Float32Array(80));
    expect(packCacheStats().entries).toBe(before.entries);
    expect(packCacheStats().misses).toBe(before.misses);
  });

  it('re-packing after each change reuses the freed panels: the kept bytes stay constant', () => {
    const k = 64, n = 64;
    const a = values(4 * k), b = values(k * n);
    const c = new Float32Array(4 * n);
    gemm(4, n, k, a, b, c, { cacheB: true });
    const bytes = packCacheStats().bytes;
    expect(bytes).toBeGreaterThanOrEqual(k * n * 4);
    for (let i = 0; i < 20; i++) {
      b[i] = -b[i]!;
      markWeightsChanged(b);
      gemm(4, n, k, a, b, c, { cacheB: true });
      const want = new Float32Array(4 * n);
      gemm(4, n, k, a, b.slice(), want);
      expect(c).toEqual(want);
    }
    expect(packCacheStats().bytes).toBe(bytes);
    expect(packCacheStats().entries).toBe(1);
  });

  it('over the limit panels are packed per call (same results), clearPackCache frees everything', () => {
    setPackCacheLimit(0);
    const a = values(4 * 32), b = values(32 * 64);
    const c = new Float32Array(4 * 64), want = new Float32Array(4 * 64);
    gemm(4, 64, 32, a, b, c, { cacheB: true });
    gemm(4, 64, 32, a, b.slice(), want);
    expect(c).toEqual(want);
    expect(packCacheStats().entries).toBe(0);
    setPackCacheLimit(1 << 30);
    gemm(4, 64, 32, a, b, c, { cacheB: true });
    expect(packCacheStats().entries).toBe(1);
    clearPackCache();
    expect(packCacheStats()).toMatchObject({ entries: 0, bytes: 0 });
    gemm(4, 64, 32, a, b, c, { cacheB: true });
    expect(c).toEqual(want);
    expect(() => setPackCacheLimit(-1)).toThrow(RangeError);
  });

  it('an array kept again after clearPackCache is counted (and cleared) again; releasePackedWeights frees one array', () => {
    const a = values(4 * 32), b = values(32 * 40), b2 = values(32 * 40);
    const c = new Float32Array(4 * 40);
    gemm(4, 40, 32, a, b, c, { cacheB: true });
    clearPackCache();
    gemm(4, 40, 32, a, b, c, { cacheB: true });
    gemm(4, 40, 32, a, b2, c, { cacheB: true });
    expect(packCacheStats().entries).toBe(2);
    releasePackedWeights(b);
    expect(packCacheStats().entries).toBe(1);
    clearPackCache();
    expect(packCacheStats()).toMatchObject({ entries: 0, bytes: 0 });
  });

  it('adamUpdate marks the weights it changes', () => {
    const w = values(16);
    const v0 = weightVersion(w);
    adamUpdate(w, values(16), new Float32Array(16), new Float32Array(16), null, { alpha: 0.01, c1: 0.1, c2: 0.001, epsilon: 1e-7 });
    expect(weightVersion(w)).toBe(v0 + 1);
  });
});

describe('kernels with cacheWeights equal the packed-per-call kernels, before and after a change', () => {
  const B = 3, T = 5, D = 12, u = 16;
  const x = values(B * T * D, 1);

  /** Runs `call(cache)` with and without the cache, changes the weights in place (marked), and again. */
  function check(weights: Float32Array[], call: (cache: boolean) => Float32Array): void {
    for (let round = 0; round < 3; round++) {
      const want = call(false);
      expect(call(true)).toEqual(want);
      expect(call(true)).toEqual(want); // served from the cache
      for (const w of weights) {
        for (let i = round; i < w.length; i += 5) w[i] = w[i]! * -1.5;
        markWeightsChanged(w);
      }
    }
  }

  it('lstmForward', () => {
    const kernel = values(D * 4 * u), recurrentKernel = values(u * 4 * u), bias = values(4 * u);
    check([kernel, recurrentKernel], (cacheWeights) =>
      lstmForward(x, { batch: B, timesteps: T, inputDim: D, units: u, kernel, recurrentKernel, bias, activation: tanh, recurrentActivation: sigmoid, returnSequences: true, goBackwards: false, cacheWeights }).output,
    );
  });

  for (const resetAfter of [true, false]) {
    it(`gruForward (resetAfter ${resetAfter}: ${resetAfter ? 'one panel set' : 'two column slices of U'})`, () => {
      const kernel = values(D * 3 * u), recurrentKernel = values(u * 3 * u), bias = values(resetAfter ? 6 * u : 3 * u);
      check([kernel, recurrentKernel], (cacheWeights) =>
        gruForward(x, { batch: B, timesteps: T, inputDim: D, units: u, kernel, recurrentKernel, bias, activation: tanh, recurrentActivation: sigmoid, returnSequences: true, goBackwards: false, resetAfter, cacheWeights }).output,
      );
    });
  }

  it('simpleRnnForward', () => {
    const kernel = values(D * u), recurrentKernel = values(u * u), bias = values(u);
    check([kernel, recurrentKernel], (cacheWeights) =>
      simpleRnnForward(x, { batch: B, timesteps: T, inputDim: D, units: u, kernel, recurrentKernel, bias, activation: tanh, returnSequences: true, goBackwards: false, cacheWeights }).output,
    );
  });

  it('denseForward', () => {
    const kernel = values(32 * 40), bias = values(40);
    const xs = values(6 * 32, 1);
    check([kernel], (cacheWeights) => denseForward(xs, 6, 32, 40, kernel, bias, tanh, { cacheWeights }));
  });

  it('convForward', () => {
    const cin = 8, cout = 48, win = 3, L = 7;
    const kernel = values(win * cin * cout), bias = values(cout);
    const xs = values(2 * L * cin, 1);
    const spec = { batch: 2, geometry: windowGeometry([L], [win], [1], [1], 'same'), inChannels: cin, outChannels: cout, groups: 1 };
    check([kernel], (cacheWeights) => convForward(xs, kernel, bias, spec, { cacheWeights }));
  });
});

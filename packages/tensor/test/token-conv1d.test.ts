/**
 * The token-projection convolution (conv/token-projection.ts + conv/token-conv1d.ts) against the im2col
 * convolution of the embedded sequence (convForward, which conv.test.ts checks against Keras 3), in both
 * backends and over the geometries a Conv1D can have; and the table's bookkeeping: lazy rows, weight
 * versions, release with the pack cache. (Whole models against Keras: io-json's token-conv fixtures.)
 */
import { afterEach, describe, expect, it } from 'vitest';
import {
  clearPackCache,
  convForward,
  embeddingForward,
  getActivation,
  markWeightsChanged,
  Random,
  releasePackedWeights,
  setBackend,
  setTokenProjectionLimit,
  tokenConv1d,
  tokenProjection,
  tokenProjectionBytes,
  tokenProjectionStats,
  windowGeometry,
  type PaddingMode,
} from '../src/index.js';

afterEach(() => {
  setBackend('wasm');
  setTokenProjectionLimit(64 * 1024 * 1024);
  clearPackCache();
});

function rand(seed: number, n: number, scale: number): Float32Array {
  const r = new Random(seed);
  return r.fill(new Float32Array(n), () => r.uniformRange(-scale, scale));
}

function relDiff(a: Float32Array, b: Float32Array): number {
  expect(a.length).toBe(b.length);
  let m = 0, s = 1;
  for (let i = 0; i < a.length; i++) {
    m = Math.max(m, Math.abs(a[i]! - b[i]!));
    s = Math.max(s, Math.abs(b[i]!));
  }
  return m / s;
}

const V = 40, D = 12, B = 3, S = 17;
const tokens = Int32Array.from({ length: B * S }, (_, i) => (i * 13 + 5) % V);

/** The same convolution the ordinary way: gather the embedding rows, then im2col + GEMM. */
function reference(E: Float32Array, W: Float32Array, bias: Float32Array | null, taps: number, F: number, padding: PaddingMode, stride: number, dilation: number, act: string): Float32Array {
  const geometry = windowGeometry([S], [taps], [stride], [dilation], padding);
  return convForward(embeddingForward(tokens, E, V, D).slice(), W, bias, { batch: B, geometry, inChannels: D, outChannels: F }, { activation: getActivation(act) });
}

describe('tokenConv1d equals the convolution of the embedded sequence', () => {
  const cases: [PaddingMode, number, number, number, number, string, boolean][] = [
    // padding, taps, stride, dilation, filters, activation, bias
    ['valid', 5, 1, 1, 16, 'relu', true],
    ['valid', 3, 2, 1, 7, 'linear', true], // filters not a multiple of 4: the scalar tail
    ['same', 4, 3, 1, 9, 'tanh', false],
    ['same', 3, 1, 4, 8, 'relu', true], // windows wider than the padding on both sides
    ['causal', 3, 1, 2, 5, 'softmax', true],
    ['causal', 1, 1, 1, 4, 'linear', true],
  ];
  for (const backend of ['wasm', 'js'] as const) {
    for (const [padding, taps, stride, dilation, F, act, withBias] of cases) {
      it(`${backend}: ${padding}, kernel ${taps}, stride ${stride}, dilation ${dilation}, ${F} filters, ${act}${withBias ? '' : ', no bias'}`, () => {
        setBackend(backend);
        const E = rand(1, V * D, 1), W = rand(2, taps * D * F, 0.5), bias = withBias ? rand(3, F, 0.5) : null;
        const want = reference(E, W, bias, taps, F, padding, stride, dilation, act);
        const P = tokenProjection(E, V, D, W, taps, F, tokens)!;
        expect(P).not.toBeNull();
        expect(P.address >= 0).toBe(backend === 'wasm');
        const y = tokenConv1d(tokens, B, P, windowGeometry([S], [taps], [stride], [dilation], padding), F, bias, getActivation(act));
        expect(relDiff(y, want)).toBeLessThanOrEqual(1e-6);
      });
    }
  }
  it('the two backends agree (rows summed in float32 in tap order, or in double)', () => {
    const E = rand(4, V * D, 1), W = rand(5, 3 * D * 8, 0.5);
    const geometry = windowGeometry([S], [3], [1], [1], 'same');
    const run = (): Float32Array => tokenConv1d(tokens, B, tokenProjection(E, V, D, W, 3, 8, tokens)!, geometry, 8, null).slice();
    const wasm = run();
    setBackend('js');
    expect(relDiff(run(), wasm)).toBeLessThanOrEqual(1e-6);
  });
});

describe('the projection table', () => {
  it('computes a row only for tokens not seen before', () => {
    const E = rand(6, V * D, 1), W = rand(7, 2 * D * 4, 0.5);
    const r0 = tokenProjectionStats().rowsComputed;
    const P = tokenProjection(E, V, D, W, 2, 4, Int32Array.of(3, 3, 9))!;
    expect(tokenProjectionStats().rowsComputed - r0).toBe(2);
    expect([P.slots[3]! >= 0, P.slots[9]! >= 0, P.slots[4]]).toEqual([true, true, -1]);
    tokenProjection(E, V, D, W, 2, 4, Int32Array.of(9, 4, 3));
    expect(tokenProjectionStats().rowsComputed - r0).toBe(3);
  });

  it('forgets its rows when a weight changes in place (markWeightsChanged)', () => {
    const E = rand(8, V * D, 1), W = rand(9, 2 * D * 4, 0.5);
    const geometry = windowGeometry([S], [2], [1], [1], 'valid');
    tokenProjection(E, V, D, W, 2, 4, tokens);
    for (const changed of [E, W]) {
      changed[0] = 5; // token 0's embedding / the first kernel tap
      changed[D * 4 + 1] = -3;
      markWeightsChanged(changed);
      const y = tokenConv1d(tokens, B, tokenProjection(E, V, D, W, 2, 4, tokens)!, geometry, 4, null);
      expect(relDiff(y, reference(E, W, null, 2, 4, 'valid', 1, 1, 'linear'))).toBeLessThanOrEqual(1e-6);
    }
  });

  it('is freed by clearPackCache and by releasePackedWeights of either array, and counts its bytes', () => {
    const E = rand(10, V * D, 1), W = rand(11, 3 * D * 4, 0.5), W2 = rand(12, 3 * D * 4, 0.5);
    const before = tokenProjectionStats();
    tokenProjection(E, V, D, W, 3, 4, tokens);
    tokenProjection(E, V, D, W2, 3, 4, tokens);
    expect(tokenProjectionStats().tables - before.tables).toBe(2);
    expect(tokenProjectionStats().bytes - before.bytes).toBe(2 * tokenProjectionBytes(V, D, 3, 4));
    expect(tokenProjectionBytes(20000, 128, 5, 128)).toBeLessThan(64 * 1024 * 1024); // W7's table fits the default cap
    releasePackedWeights(W2);
    expect(tokenProjectionStats().tables - before.tables).toBe(1);
    releasePackedWeights(E);
    expect(tokenProjectionStats().tables - before.tables).toBe(0);
    tokenProjection(E, V, D, W, 3, 4, tokens);
    clearPackCache();
    expect(tokenProjectionStats()).toMatchObject({ tables: 0, bytes: 0 });
  });

  it('is not made past the cap (null: the caller convolves as usual); 0 turns it off', () => {
    const E = rand(13, V * D, 1), W = rand(14, 3 * D * 4, 0.5);
    setTokenProjectionLimit(tokenProjectionBytes(V, D, 3, 4) - 1);
    expect(tokenProjection(E, V, D, W, 3, 4, tokens)).toBeNull();
    setTokenProjectionLimit(0);
    expect(tokenProjection(E, V, D, W, 3, 4, tokens)).toBeNull();
    setTokenProjectionLimit(tokenProjectionBytes(V, D, 3, 4));
    expect(tokenProjection(E, V, D, W, 3, 4, tokens)).not.toBeNull();
    expect(() => setTokenProjectionLimit(-1)).toThrow(RangeError);
  });

  it('drops the least recently used table to make room for a new one under the cap', () => {
    clearPackCache();
    const one = tokenProjectionBytes(V, D, 3, 4);
    setTokenProjectionLimit(2 * one);
    const W = rand(16, 3 * D * 4, 0.5);
    const [EA, EB, EC] = [rand(17, V * D, 1), rand(18, V * D, 1), rand(19, V * D, 1)];
    const a = tokenProjection(EA, V, D, W, 3, 4, tokens);
    tokenProjection(EB, V, D, W, 3, 4, tokens);
    expect(tokenProjection(EA, V, D, W, 3, 4, tokens)).toBe(a); // EA used last: EB is now the oldest
    const r0 = tokenProjectionStats().rowsComputed;
    expect(tokenProjection(EC, V, D, W, 3, 4, tokens)).not.toBeNull();
    expect(tokenProjectionStats()).toMatchObject({ tables: 2, bytes: 2 * one });
    expect(tokenProjection(EA, V, D, W, 3, 4, tokens)).toBe(a); // kept, no rows recomputed
    expect(tokenProjectionStats().rowsComputed - r0).toBe(new Set(tokens).size);
    expect(tokenProjection(EB, V, D, W, 3, 4, tokens)).not.toBeNull(); // EB was dropped: made again, EC dropped
    expect(tokenProjectionStats()).toMatchObject({ tables: 2, bytes: 2 * one });
    clearPackCache();
    setTokenProjectionLimit(64 * 1024 * 1024);
  });

  it('checks its sizes (typed errors)', () => {
    const E = rand(15, V * D, 1);
    expect(() => tokenProjection(E, V, D, new Float32Array(7), 3, 4, tokens)).toThrow(/kernel has 7 values/);
    expect(() => tokenProjection(E, V + 1, D, new Float32Array(3 * D * 4), 3, 4, tokens)).toThrow(/embeddings have/);
  });
});

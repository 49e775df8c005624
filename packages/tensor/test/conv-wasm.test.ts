/**
 * The WebAssembly convolution (forward and both gradients), max-pooling, relu-gradient and
 * bias-gradient paths against the pure-TypeScript ones (which conv.test.ts and the activation tests
 * check against Keras 3 / jax.vjp): geometries the JAX fixtures do not all cover (1-D windows read in
 * place, causal and same padding, strides, dilations, 3-D, a fused relu, NaN and empty windows), and a
 * convolution shared with a helper thread giving the single-thread bits.
 */
import { afterEach, describe, expect, it } from 'vitest';
// The helper threads load the built module (a worker cannot import the TypeScript sources), so this
// test runs against dist/ — `pnpm test` builds first.
// @ts-expect-error: dist has no declarations resolved from the test folder's point of view
import * as dist from '../dist/index.js';
// @ts-expect-error: as above
import { threadStats } from '../dist/wasm/threads.js';
// @ts-expect-error: as above
import { convThreads } from '../dist/conv/conv.js';
import type * as Src from '../src/index.js';

const t = dist as typeof Src;

afterEach(() => {
  t.setBackend('wasm');
  t.setThreads(2);
});

function rand(seed: number, n: number, scale: number): Float32Array {
  const r = new t.Random(seed);
  return r.fill(new Float32Array(n), () => r.uniformRange(-scale, scale));
}

/** max |a − b| / max(1, max |b|). */
function relDiff(a: Float32Array, b: Float32Array): number {
  expect(a.length).toBe(b.length);
  let m = 0, s = 1;
  for (let i = 0; i < a.length; i++) {
    m = Math.max(m, Math.abs(a[i]! - b[i]!));
    s = Math.max(s, Math.abs(b[i]!));
  }
  return m / s;
}

function both<T>(f: () => T): { wasm: T; js: T } {
  t.setBackend('wasm');
  const wasm = f();
  t.setBackend('js');
  const js = f();
  t.setBackend('wasm');
  return { wasm, js };
}

interface ConvCase {
  name: string;
  inSize: number[];
  window: number[];
  strides: number[];
  dilations: number[];
  padding: Src.PaddingMode;
  cin: number;
  cout: number;
}

const convCases: ConvCase[] = [
  { name: '1-D valid, stride 1 (window rows read in place)', inSize: [23], window: [5], strides: [1], dilations: [1], padding: 'valid', cin: 12, cout: 10 },
  { name: '1-D causal', inSize: [17], window: [3], strides: [1], dilations: [2], padding: 'causal', cin: 5, cout: 7 },
  { name: '1-D same, stride 2', inSize: [20], window: [4], strides: [2], dilations: [1], padding: 'same', cin: 3, cout: 9 },
  { name: '2-D valid, one input channel', inSize: [12, 11], window: [3, 3], strides: [1, 1], dilations: [1, 1], padding: 'valid', cin: 1, cout: 13 },
  { name: '2-D same, strides 2×1, dilation 1×2', inSize: [9, 10], window: [3, 2], strides: [2, 1], dilations: [1, 2], padding: 'same', cin: 6, cout: 33 },
  { name: '3-D same', inSize: [5, 6, 4], window: [2, 3, 2], strides: [1, 2, 1], dilations: [1, 1, 1], padding: 'same', cin: 4, cout: 8 },
];

describe('WebAssembly convolution and max pooling', () => {
  for (const c of convCases) {
    it(`convolution matches the TypeScript path: ${c.name}`, () => {
      const batch = 3;
      const geometry = t.windowGeometry(c.inSize, c.window, c.strides, c.dilations, c.padding);
      const spec: Src.ConvSpec = { batch, geometry, inChannels: c.cin, outChannels: c.cout };
      const inPos = c.inSize.reduce((a, b) => a * b, 1);
      const taps = c.window.reduce((a, b) => a * b, 1);
      const x = rand(1, batch * inPos * c.cin, 1), k = rand(2, taps * c.cin * c.cout, 0.5), bias = rand(3, c.cout, 0.2);
      const plain = both(() => t.convForward(x, k, bias, spec));
      expect(relDiff(plain.wasm, plain.js)).toBeLessThan(1e-6);
      const relu = both(() => t.convForward(x, k, bias, spec, { activation: t.getActivation('relu') }));
      expect(relDiff(relu.wasm, relu.js)).toBeLessThan(1e-6);
      expect(relu.wasm.every((v) => v >= 0)).toBe(true);
      expect(plain.wasm.some((v) => v < 0)).toBe(true); // relu did something
      // an activation the kernel does not fuse is applied after it
      const tanh = t.convForward(x, k, bias, spec, { activation: t.getActivation('tanh') });
      expect(relDiff(tanh, plain.wasm.map(Math.tanh))).toBeLessThan(1e-6);
      const noBias = both(() => t.convForward(x, k, null, spec));
      expect(relDiff(noBias.wasm, noBias.js)).toBeLessThan(1e-6);
      // the backward passes (col2im in WebAssembly; the kernel gradient packed from the stored columns)
      const dz = rand(11, plain.wasm.length, 1);
      const dx = both(() => t.convBackwardInput(dz, k, spec));
      expect(relDiff(dx.wasm, dx.js)).toBeLessThan(1e-6);
      const dk = both(() => t.convBackwardKernel(x, dz, spec));
      expect(relDiff(dk.wasm, dk.js)).toBeLessThan(1e-6);
    });
  }

  it('max pooling: values and argmax as the TypeScript loops, NaN propagating, empty windows −∞', () => {
    for (const [inSize, window, strides, padding] of [
      [[9, 8], [2, 3], [2, 2], 'same'],
      [[7, 7], [3, 3], [1, 2], 'valid'],
      [[10], [4], [3], 'same'],
      [[4, 5, 6], [2, 2, 3], [2, 1, 3], 'same'],
    ] as [number[], number[], number[], 'same' | 'valid'][]) {
      const batch = 2, channels = 7; // 7: the SIMD lanes and the scalar tail
      const geometry = t.windowGeometry(inSize, window, strides, window.map(() => 1), padding);
      const x = rand(4, batch * inSize.reduce((a, b) => a * b, 1) * channels, 3).map((v) => Math.round(v)); // ties
      x[5] = NaN;
      x[channels * 3 + 6] = NaN;
      const spec = { batch, geometry, channels };
      for (const keep of [true, false]) {
        const r = both(() => t.poolForward(x, spec, 'max', keep));
        // equal values; of −0 and +0 f32x4.max may take either (the loops keep the first)
        expect(Array.from(r.wasm.output, (v) => v + 0)).toEqual(Array.from(r.js.output, (v) => v + 0));
        if (keep) expect(Array.from(r.wasm.argmax!)).toEqual(Array.from(r.js.argmax!));
        else expect(r.wasm.argmax).toBeNull();
        expect(r.wasm.output.some((v) => Number.isNaN(v))).toBe(true);
      }
    }
    // a window that covers only padding (a pool of 1 with stride 3 over 'same' padding cannot; use a
    // geometry by hand): −∞ and argmax −1, as the TypeScript path
    const geometry: Src.WindowGeometry = { inSize: [2], outSize: [3], window: [1], strides: [1], dilations: [1], padBefore: [1] };
    const r = both(() => t.poolForward(Float32Array.from([1, 2, 3, 4, 5, 6, 7, 8]), { batch: 1, geometry, channels: 4 }, 'max', true));
    expect(Array.from(r.wasm.output)).toEqual(Array.from(r.js.output));
    expect(Array.from(r.wasm.argmax!)).toEqual(Array.from(r.js.argmax!));
    expect(r.wasm.output[0]).toBe(-Infinity);
  });

  it('the relu gradient and the bias gradient: the same bits as the TypeScript loops', () => {
    const n = 5000 * 3; // over the size from which WebAssembly is used; not a multiple of 4 × 8
    const x = rand(12, n, 1), dy = rand(13, n, 2);
    x[7] = NaN;
    x[8] = 0;
    x[9] = -0;
    dy[10] = NaN;
    const relu = t.getActivation('relu');
    const r = both(() => t.activationBackward(relu, x, x, dy, 3));
    expect(Array.from(r.wasm)).toEqual(Array.from(r.js));
    expect(r.wasm[7]).toBe(0);
    const inPlace = dy.slice();
    t.activationBackward(relu, x, x, inPlace, 3, inPlace);
    expect(Array.from(inPlace)).toEqual(Array.from(r.js));
    const b = both(() => t.biasGradient(dy.subarray(0, 4999 * 3), 4999, 3));
    expect(Array.from(b.wasm)).toEqual(Array.from(b.js));
    const b2 = both(() => t.biasGradient(dy, 1000, 15));
    expect(Array.from(b2.wasm)).toEqual(Array.from(b2.js));
  });

  it('global max pooling as the TypeScript loop, NaN propagating', () => {
    const batch = 3, positions = 11, channels = 10;
    const x = rand(5, batch * positions * channels, 2);
    x[positions * channels + 3] = NaN;
    const r = both(() => t.globalMaxPool(x, batch, positions, channels));
    expect(Array.from(r.wasm)).toEqual(Array.from(r.js));
    expect(Number.isNaN(r.wasm[channels + 3]!)).toBe(true);
  });

  it('a convolution shared with a helper thread gives exactly the single-thread result', async () => {
    // 20 samples of 30×30×8 through 3×3×8×32 (Winograd), shared whatever the size
    const threads = convThreads as { minWork: number };
    const minWork = threads.minWork;
    threads.minWork = 0;
    const batch = 20;
    const geometry = t.windowGeometry([30, 30], [3, 3], [1, 1], [1, 1], 'valid');
    const spec: Src.ConvSpec = { batch, geometry, inChannels: 8, outChannels: 32 };
    const x = rand(6, batch * 900 * 8, 1), k = rand(7, 72 * 32, 0.3), bias = rand(8, 32, 0.1);
    const relu = t.getActivation('relu');
    t.setThreads(1);
    const one = t.convForward(x, k, bias, spec, { activation: relu });
    t.setThreads(2);
    const stats = threadStats as { jobs: number; helperParts: number };
    const before = stats.helperParts;
    let two = t.convForward(x, k, bias, spec, { activation: relu }); // starts the helper
    for (let i = 0; i < 200 && stats.helperParts === before; i++) {
      await new Promise((r) => setTimeout(r, 25));
      two = t.convForward(x, k, bias, spec, { activation: relu });
    }
    expect(stats.helperParts).toBeGreaterThan(before);
    expect(Array.from(two)).toEqual(Array.from(one));
    // a 1-D convolution read in place, shared
    const g1 = t.windowGeometry([200], [5], [1], [1], 'valid');
    const spec1: Src.ConvSpec = { batch: 16, geometry: g1, inChannels: 64, outChannels: 64 };
    const x1 = rand(9, 16 * 200 * 64, 1), k1 = rand(10, 5 * 64 * 64, 0.2);
    t.setThreads(1);
    const one1 = t.convForward(x1, k1, null, spec1);
    t.setThreads(2);
    const jobs = stats.jobs;
    const two1 = t.convForward(x1, k1, null, spec1);
    expect(stats.jobs).toBe(jobs + 1);
    expect(Array.from(two1)).toEqual(Array.from(one1));
    threads.minWork = minWork;
  });
});

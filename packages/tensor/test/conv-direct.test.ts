/**
 * The direct WebAssembly convolution for short window rows (scripts/asm/cnn.ts convDirect) against
 * im2col + GEMM (which conv.test.ts checks against Keras 3 and conv-wasm.test.ts against the TypeScript
 * loops): the same bits for every geometry (padding, strides, dilations, 1-D to 3-D, channel counts
 * around the SIMD widths, bias or none, relu or linear); the fused max pooling (convMaxPoolForward)
 * against convForward then poolForward; the WebAssembly max-pooling gradient against the TypeScript one;
 * the one-call convolution backward pass (convBackward) against the separate gradient functions.
 */
import { afterEach, describe, expect, it } from 'vitest';
// @ts-expect-error: dist has no declarations resolved from the test folder's point of view
import * as dist from '../dist/index.js';
// @ts-expect-error: as above
import { convTuning } from '../dist/conv/conv.js';
import type * as Src from '../src/index.js';

const t = dist as typeof Src;
const tuning = convTuning as { directMaxK: number };
const DIRECT_MAX_K = tuning.directMaxK;

afterEach(() => {
  t.setBackend('wasm');
  tuning.directMaxK = DIRECT_MAX_K;
});

function rand(seed: number, n: number, scale: number): Float32Array {
  const r = new t.Random(seed);
  return r.fill(new Float32Array(n), () => r.uniformRange(-scale, scale));
}

/** The convolution through im2col + GEMM (the direct path switched off). */
function viaGemm<T>(f: () => T): T {
  tuning.directMaxK = 0;
  try {
    return f();
  } finally {
    tuning.directMaxK = DIRECT_MAX_K;
  }
}

interface Case {
  name: string;
  inSize: number[];
  window: number[];
  strides: number[];
  dilations: number[];
  padding: Src.PaddingMode;
  cin: number;
  cout: number;
}

const cases: Case[] = [
  { name: '2-D 3×3 valid, one channel, 32 filters (an MNIST first layer)', inSize: [12, 11], window: [3, 3], strides: [1, 1], dilations: [1, 1], padding: 'valid', cin: 1, cout: 32 },
  { name: '2-D 3×3 same, 3 channels, 37 filters (16-, 4- and 1-wide tails)', inSize: [9, 10], window: [3, 3], strides: [1, 1], dilations: [1, 1], padding: 'same', cin: 3, cout: 37 },
  { name: '2-D strides 2×1, dilation 1×2, same, 2 channels, 5 filters', inSize: [9, 10], window: [3, 2], strides: [2, 1], dilations: [1, 2], padding: 'same', cin: 2, cout: 5 },
  { name: '1-D causal, dilation 2', inSize: [17], window: [3], strides: [1], dilations: [2], padding: 'causal', cin: 5, cout: 7 },
  { name: '1-D same, stride 2, 3 filters', inSize: [20], window: [4], strides: [2], dilations: [1], padding: 'same', cin: 3, cout: 3 },
  { name: '3-D same', inSize: [5, 6, 4], window: [2, 3, 2], strides: [1, 2, 1], dilations: [1, 1, 1], padding: 'same', cin: 1, cout: 16 },
];

function setup(c: Case, batch = 3) {
  const geometry = t.windowGeometry(c.inSize, c.window, c.strides, c.dilations, c.padding);
  const spec: Src.ConvSpec = { batch, geometry, inChannels: c.cin, outChannels: c.cout };
  const inPos = c.inSize.reduce((a, b) => a * b, 1);
  const taps = c.window.reduce((a, b) => a * b, 1);
  return { spec, geometry, taps, x: rand(1, batch * inPos * c.cin, 1), k: rand(2, taps * c.cin * c.cout, 0.5), bias: rand(3, c.cout, 0.2) };
}

describe('direct convolution (short window rows)', () => {
  it('covers the cases below: their window rows are within the direct limit', () => {
    for (const c of cases) expect(c.window.reduce((a, b) => a * b, 1) * c.cin).toBeLessThanOrEqual(DIRECT_MAX_K);
  });

  for (const c of cases) {
    it(`the same bits as im2col + GEMM: ${c.name}`, () => {
      const { spec, x, k, bias } = setup(c);
      const relu = t.getActivation('relu');
      for (const b of [bias, null]) {
        for (const options of [{}, { activation: relu }]) {
          const direct = t.convForward(x, k, b, spec, options);
          const gemm = viaGemm(() => t.convForward(x, k, b, spec, options));
          expect(Array.from(direct)).toEqual(Array.from(gemm));
        }
      }
      // and within float32 rounding of the pure-TypeScript loops
      t.setBackend('js');
      const js = t.convForward(x, k, bias, spec);
      t.setBackend('wasm');
      const direct = t.convForward(x, k, bias, spec);
      for (let i = 0; i < js.length; i++) expect(Math.abs(direct[i]! - js[i]!)).toBeLessThan(1e-5);
    });
  }

  it('NaN and infinity in the input reach the outputs as through the GEMM', () => {
    const c = cases[1]!;
    const { spec, x, k, bias } = setup(c);
    x[4] = NaN;
    x[40] = Infinity;
    const relu = t.getActivation('relu');
    const direct = t.convForward(x, k, bias, spec, { activation: relu });
    const gemm = viaGemm(() => t.convForward(x, k, bias, spec, { activation: relu }));
    expect(Array.from(direct)).toEqual(Array.from(gemm));
    expect(direct.some((v) => Number.isNaN(v))).toBe(true);
  });
});

describe('convolution with its max pooling fused (convMaxPoolForward)', () => {
  const pools: [string, number, number, 'valid' | 'same'][] = [
    ['2×2 valid (odd sizes: the last conv row and column are never pooled)', 2, 2, 'valid'],
    ['3×3 stride 2 same (overlapping, padded windows)', 3, 2, 'same'],
    ['2×2 stride 1 valid', 2, 1, 'valid'],
  ];
  for (const c of [cases[0]!, cases[1]!, cases[2]!]) {
    for (const [pname, size, stride, padding] of pools) {
      it(`= poolForward(convForward(...)) bit for bit: ${c.name}; pool ${pname}`, () => {
        const { spec, x, k, bias } = setup(c);
        const convOut = spec.geometry.outSize;
        const pool = t.windowGeometry(convOut, convOut.map(() => size), convOut.map(() => stride), convOut.map(() => 1), padding);
        const relu = t.getActivation('relu');
        for (const options of [{ activation: relu }, {}]) {
          const z = t.convForward(x, k, bias, spec, options);
          const ref = t.poolForward(z, { batch: spec.batch, geometry: pool, channels: c.cout }, 'max', false).output;
          const fused = t.convMaxPoolForward(x, k, bias, spec, pool, options);
          expect(Array.from(fused)).toEqual(Array.from(ref));
          // the fallback (im2col + GEMM, then the pooling) gives the same
          const slow = viaGemm(() => t.convMaxPoolForward(x, k, bias, spec, pool, options));
          expect(Array.from(slow)).toEqual(Array.from(ref));
        }
      });
    }
  }

  it('refuses a pooling whose input is not the convolution output', () => {
    const { spec, x, k, bias } = setup(cases[0]!);
    const pool = t.windowGeometry([12, 11], [2, 2], [2, 2], [1, 1], 'valid');
    expect(() => t.convMaxPoolForward(x, k, bias, spec, pool)).toThrow(t.ShapeMismatchError);
  });
});

describe('max-pooling gradient in WebAssembly', () => {
  it('the same bits as the TypeScript scatter: overlapping windows summed in order, empty windows dropped', () => {
    for (const [inSize, window, strides, padding] of [
      [[9, 8], [3, 3], [2, 1], 'same'],
      [[26, 26], [2, 2], [2, 2], 'valid'],
      [[11, 11], [2, 2], [2, 2], 'valid'],
      [[10], [4], [3], 'same'],
    ] as [number[], number[], number[], 'same' | 'valid'][]) {
      const batch = 2, channels = 6;
      const geometry = t.windowGeometry(inSize, window, strides, window.map(() => 1), padding);
      const n = batch * inSize.reduce((a, b) => a * b, 1) * channels;
      const x = rand(4, n, 3).map((v) => Math.round(v)); // ties: the first maximum takes the gradient
      const r = t.poolForward(x, { batch, geometry, channels }, 'max', true);
      const dy = rand(5, r.output.length, 1);
      t.setBackend('js');
      const js = t.maxPoolBackward(dy, r.argmax!, n);
      t.setBackend('wasm');
      const wasm = t.maxPoolBackward(dy, r.argmax!, n);
      expect(Array.from(wasm)).toEqual(Array.from(js));
      expect(wasm.some((v) => v !== 0)).toBe(true);
    }
    // −1 (a window over padding only) and an index past the input are dropped, as by the loop
    const dy = Float32Array.from([1, 2, 3, 4]);
    const argmax = Int32Array.from([-1, 0, 9, 0]);
    t.setBackend('js');
    const js = t.maxPoolBackward(dy, argmax, 3);
    t.setBackend('wasm');
    expect(Array.from(t.maxPoolBackward(dy, argmax, 3))).toEqual(Array.from(js));
    expect(Array.from(js)).toEqual([6, 0, 0]);
  });
});

describe('convBackward: the convolution backward pass in one call', () => {
  const relu = () => t.getActivation('relu');
  const backCases: Case[] = [
    cases[0]!,
    cases[2]!,
    { name: '2-D 3×3 valid, 32 → 24 channels (im2col + GEMM)', inSize: [9, 8], window: [3, 3], strides: [1, 1], dilations: [1, 1], padding: 'valid', cin: 32, cout: 24 },
    { name: '1-D pointwise', inSize: [7], window: [1], strides: [1], dilations: [1], padding: 'valid', cin: 5, cout: 6 },
  ];
  for (const c of backCases) {
    it(`the same bits as relu', convBackwardKernel, biasGradient and convBackwardInput: ${c.name}`, () => {
      const { spec, x, k, bias } = setup(c);
      const y = t.convForward(x, k, bias, spec, { activation: relu() });
      const dy = rand(6, y.length, 1);
      const rows = y.length / c.cout;
      for (const backend of ['wasm', 'js'] as const) {
        t.setBackend(backend);
        const dz = t.activationBackward(relu(), y, y, dy, c.cout);
        const r = t.convBackward(x, dy, k, spec, { reluOutput: y, bias: true });
        expect(Array.from(r.dKernel!)).toEqual(Array.from(t.convBackwardKernel(x, dz, spec)));
        expect(Array.from(r.dBias!)).toEqual(Array.from(t.biasGradient(dz, rows, c.cout)));
        expect(Array.from(r.dInput!)).toEqual(Array.from(t.convBackwardInput(dz, k, spec)));
        // without the relu, and only some of the gradients
        const plain = t.convBackward(x, dy, k, spec, { input: false });
        expect(plain.dInput).toBeNull();
        expect(plain.dBias).toBeNull();
        expect(Array.from(plain.dKernel!)).toEqual(Array.from(t.convBackwardKernel(x, dy, spec)));
        const onlyInput = t.convBackward(x, dy, k, spec, { kernel: false });
        expect(onlyInput.dKernel).toBeNull();
        expect(Array.from(onlyInput.dInput!)).toEqual(Array.from(t.convBackwardInput(dy, k, spec)));
      }
      t.setBackend('wasm');
    });
  }

  it('checks the lengths it is given', () => {
    const { spec, x, k } = setup(cases[0]!);
    const dy = new Float32Array(3 * 10 * 9 * 32);
    expect(() => t.convBackward(x, dy.subarray(1), k, spec)).toThrow(t.ShapeMismatchError);
    expect(() => t.convBackward(x, dy, k, spec, { reluOutput: dy.subarray(2) })).toThrow(t.ShapeMismatchError);
  });
});

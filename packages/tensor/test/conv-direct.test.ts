/**
 * The direct WebAssembly convolution for short window rows (scripts/asm/cnn.ts convDirect) against
 * im2col + GEMM (which conv.test.ts checks against Keras 3 and conv-wasm.test.ts against the TypeScript
 * loops): the same bits for every geometry (padding, strides, dilations, 1-D to 3-D, channel counts
 * around the SIMD widths, bias or none, relu or linear); the fused max pooling (convMaxPoolForward)
 * against convForward then poolForward; the WebAssembly max-pooling gradient against the TypeScript one.
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

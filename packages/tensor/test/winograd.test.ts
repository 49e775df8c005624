/**
 * The Winograd F(2×2, 3×3) and F(4×4, 3×3) convolution paths (src/conv/winograd.ts,
 * scripts/asm/winograd.ts): against Keras 3.15.1 at batches shared with helper threads
 * (tools/oracle/fixtures/winograd, made by tools/oracle/gen_winograd_fixtures.py), against the
 * pure-TypeScript convolution over odd sizes and both paddings, bit-identical across thread counts and
 * pack-cache hits, the transformed kernel invalidated with the weight version, non-finite samples given
 * to the direct path, and a 2×2 max pooling fused into the output transform bit for bit as the two calls.
 */
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
// The helper threads load the built module, so this test runs against dist/ (as conv-wasm.test.ts).
// @ts-expect-error: dist has no declarations resolved from the test folder's point of view
import * as dist from '../dist/index.js';
// @ts-expect-error: as above
import { threadStats } from '../dist/wasm/threads.js';
// @ts-expect-error: as above
import { convThreads } from '../dist/conv/conv.js';
import type * as Src from '../src/index.js';

const t = dist as typeof Src;
const threads = convThreads as { minWork: number };
const MIN_WORK = threads.minWork;

afterEach(() => {
  t.setBackend('wasm');
  t.setThreads(2);
  t.winogradOptions.enabled = true;
  t.winogradOptions.tile = 'auto';
  threads.minWork = MIN_WORK;
});

/** Worst relative difference allowed against the TypeScript convolution, per output tile side. */
const TOL = { 2: 2e-6, 4: 5e-6 } as const;

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

/** Calls f with the Winograd path, the direct WebAssembly path and the pure-TypeScript one. */
function three<T>(f: () => T): { wino: T; direct: T; js: T } {
  t.winogradOptions.enabled = true;
  const wino = f();
  t.winogradOptions.enabled = false;
  const direct = f();
  t.winogradOptions.enabled = true;
  t.setBackend('js');
  const js = f();
  t.setBackend('wasm');
  return { wino, direct, js };
}

function spec2d(batch: number, inSize: number[], padding: Src.PaddingMode, cin: number, cout: number): Src.ConvSpec {
  return { batch, geometry: t.windowGeometry(inSize, [3, 3], [1, 1], [1, 1], padding), inChannels: cin, outChannels: cout };
}

const fixtureDir = join(import.meta.dirname, '..', '..', '..', 'tools', 'oracle', 'fixtures', 'winograd');

interface Fixture {
  name: string;
  layer: { filters: number; padding: Src.PaddingMode; activation: string; use_bias: boolean };
  input_shape: number[];
  samples: { index: number[]; value: number[] };
  max_abs: number;
}

/** The fixtures' formulas (gen_winograd_fixtures.py): float64 arithmetic, then float32. */
const formula = {
  input: (n: number) => Float32Array.from({ length: n }, (_, i) => ((i * 7919) % 2003) / 1001.5 - 1),
  kernel: (n: number) => Float32Array.from({ length: n }, (_, i) => (((i * 104729) % 1009) / 1009 - 0.5) * 0.25),
  bias: (n: number) => Float32Array.from({ length: n }, (_, j) => (((j * 31) % 17) / 17 - 0.5) * 0.2),
};

describe('Winograd F(2×2, 3×3) and F(4×4, 3×3) convolution', () => {
  const fixtures = readdirSync(fixtureDir)
    .filter((f) => f.endsWith('.json'))
    .map((f) => JSON.parse(readFileSync(join(fixtureDir, f), 'utf8')) as Fixture);

  it('has the Keras fixtures', () => expect(fixtures.length).toBeGreaterThanOrEqual(2));

  for (const fx of fixtures) {
    it(`predicts what Keras 3.15.1 predicts with helper threads: ${fx.name}`, async () => {
      const [batch, h, w, cin] = fx.input_shape as [number, number, number, number];
      const cout = fx.layer.filters;
      const spec = spec2d(batch, [h, w], fx.layer.padding, cin, cout);
      const x = formula.input(batch * h * w * cin), k = formula.kernel(9 * cin * cout), bias = fx.layer.use_bias ? formula.bias(cout) : null;
      const act = t.getActivation(fx.layer.activation);
      const run = () => t.convForward(x, k, bias, spec, { activation: act, cacheWeights: true });
      const stats = threadStats as { helperParts: number };
      const before = stats.helperParts;
      t.setThreads(2);
      threads.minWork = 0; // (shared with a helper whatever the size)
      let y = run(); // starts the helper
      for (let i = 0; i < 200 && stats.helperParts === before; i++) {
        await new Promise((r) => setTimeout(r, 25));
        y = run();
      }
      expect(stats.helperParts).toBeGreaterThan(before);
      const worst = (out: Float32Array) => fx.samples.index.reduce((m, idx, j) => Math.max(m, Math.abs(out[idx]! - fx.samples.value[j]!)), 0) / Math.max(1, fx.max_abs);
      const dWino = worst(y);
      t.setThreads(1);
      expect(Array.from(run())).toEqual(Array.from(y)); // the same bits on one thread
      const tiles: Record<number, number> = {};
      for (const tile of [2, 4] as const) {
        t.winogradOptions.tile = tile;
        tiles[tile] = worst(run());
        expect(tiles[tile]).toBeLessThanOrEqual(1e-5);
      }
      t.winogradOptions.tile = 'auto';
      t.winogradOptions.enabled = false;
      const dDirect = worst(run());
      console.log(`${fx.name}: worst |Δ| vs Keras: Winograd (auto) ${dWino.toExponential(2)}, F(2×2) ${tiles[2]!.toExponential(2)}, F(4×4) ${tiles[4]!.toExponential(2)}, direct ${dDirect.toExponential(2)}`);
      expect(dWino).toBeLessThanOrEqual(1e-5);
      expect(dDirect).toBeLessThanOrEqual(1e-5);
    });
  }

  const cases: [string, number, number[], Src.PaddingMode, number, number][] = [
    ['valid, odd output (partial tiles)', 3, [13, 13], 'valid', 32, 64],
    ['same, odd width', 2, [9, 10], 'same', 16, 8],
    ['valid, one row of tiles', 2, [4, 7], 'valid', 20, 12],
    ['same, 2×2 input (one tile, padded all round)', 4, [2, 2], 'same', 16, 4],
    ['more than 256 input channels (GEMM blocks over k)', 1, [5, 6], 'same', 260, 8],
    ['4 input and 4 output channels', 3, [8, 9], 'same', 4, 4],
  ];
  for (const [name, batch, inSize, padding, cin, cout] of cases) {
    for (const tile of [2, 4] as const) {
      it(`matches the TypeScript convolution in ${tile}×${tile} tiles: ${name}`, () => {
        t.winogradOptions.tile = tile;
        const spec = spec2d(batch, inSize, padding, cin, cout);
        const x = rand(1, batch * inSize[0]! * inSize[1]! * cin, 1), k = rand(2, 9 * cin * cout, 0.3), bias = rand(3, cout, 0.2);
        for (const activation of [undefined, t.getActivation('relu')]) {
          const r = three(() => t.convForward(x, k, bias, spec, { activation, cacheWeights: true }));
          expect(relDiff(r.wino, r.js)).toBeLessThan(TOL[tile]);
          expect(relDiff(r.direct, r.js)).toBeLessThan(2e-6);
          // (and the Winograd path ran: its roundings differ from the direct sums somewhere)
          expect(Array.from(r.wino)).not.toEqual(Array.from(r.direct));
        }
        const noBias = three(() => t.convForward(x, k, null, spec));
        expect(relDiff(noBias.wino, noBias.js)).toBeLessThan(TOL[tile]);
      });
    }
  }

  it('takes 4×4 tiles where they need fewer products, 2×2 tiles elsewhere', () => {
    const tileOf = (outH: number, outW: number): number => {
      const spec = spec2d(2, [outH + 2, outW + 2], 'valid', 8, 8);
      const x = rand(1, 2 * (outH + 2) * (outW + 2) * 8, 1), k = rand(2, 72 * 8, 0.3);
      const y = t.convForward(x, k, null, spec);
      const bits = (tile: 2 | 4) => ((t.winogradOptions.tile = tile), Array.from(t.convForward(x, k, null, spec)));
      const f2 = bits(2), f4 = bits(4);
      t.winogradOptions.tile = 'auto';
      expect(f2).not.toEqual(f4);
      return Array.from(y).every((v, i) => Object.is(v, f4[i])) ? 4 : 2;
    };
    // the W6 model's second convolution (11×11 outputs), 3×3 and 4×4 outputs (one 4×4 tile), large
    expect([tileOf(11, 11), tileOf(3, 4), tileOf(4, 4), tileOf(28, 28)]).toEqual([4, 4, 4, 4]);
    // 2×2 outputs (a 4×4 tile would be three quarters waste), 5×5 and 6×6 (as many products either way)
    expect([tileOf(2, 2), tileOf(5, 5), tileOf(6, 6), tileOf(2, 9)]).toEqual([2, 2, 2, 2]);
  });

  it('takes the tile a call asks for (training asks for 2×2), on one thread and shared with helpers', () => {
    // the W6 model's second convolution, where 'auto' takes 4×4 tiles
    const spec = spec2d(6, [13, 13], 'valid', 32, 64);
    const x = rand(3, 6 * 13 * 13 * 32, 1), k = rand(4, 9 * 32 * 64, 0.2);
    const bits = (tile: 2 | 4) => ((t.winogradOptions.tile = tile), Array.from(t.convForward(x, k, null, spec)));
    const f2 = bits(2), f4 = bits(4);
    t.winogradOptions.tile = 'auto';
    expect(f2).not.toEqual(f4);
    expect(Array.from(t.convForward(x, k, null, spec))).toEqual(f4);
    expect(Array.from(t.convForward(x, k, null, spec, { winogradTile: 2 }))).toEqual(f2);
    threads.minWork = 0;
    expect(Array.from(t.convForward(x, k, null, spec, { winogradTile: 2 }))).toEqual(f2);
    // the input gradient of a 3×3 stride-1 convolution is a Winograd convolution too, in 2×2 tiles
    const dz = rand(5, 6 * 11 * 11 * 64, 1);
    const dx = t.convBackwardInput(dz, k, spec);
    t.winogradOptions.tile = 4;
    expect(Array.from(t.convBackwardInput(dz, k, spec))).toEqual(Array.from(dx));
  });

  describe('with a 2×2, stride-2 max pooling fused into the output transform', () => {
    const poolCases: [string, number, number[], Src.PaddingMode, number, number][] = [
      ['the W6 model\'s second convolution (11×11: the last row and column dropped)', 5, [13, 13], 'valid', 32, 64],
      ['same, even sizes', 3, [8, 12], 'same', 8, 16],
      ['same, odd sizes', 3, [9, 7], 'same', 12, 8],
      ['valid, 3×4 output (one pooled row)', 2, [5, 6], 'valid', 4, 8],
    ];
    for (const [name, batch, inSize, padding, cin, cout] of poolCases) {
      for (const tile of [2, 4] as const) {
        it(`the same bits as the convolution then the pooling, ${tile}×${tile} tiles: ${name}`, () => {
          t.winogradOptions.tile = tile;
          const spec = spec2d(batch, inSize, padding, cin, cout);
          const pool = t.windowGeometry(spec.geometry.outSize, [2, 2], [2, 2], [1, 1], 'valid');
          const x = rand(21, batch * inSize[0]! * inSize[1]! * cin, 1), k = rand(22, 9 * cin * cout, 0.3), bias = rand(23, cout, 0.2);
          for (const activation of [t.getActivation('linear'), t.getActivation('relu')]) {
            for (const b of [bias, null]) {
              const z = t.convForward(x, k, b, spec, { activation, cacheWeights: true });
              const two = t.poolForward(z, { batch, geometry: pool, channels: cout }, 'max', false).output;
              const fused = t.convMaxPoolForward(x, k, b, spec, pool, { activation, cacheWeights: true });
              expect(Array.from(fused)).toEqual(Array.from(two));
              t.winogradOptions.enabled = false;
              const direct = t.convForward(x, k, b, spec, { activation });
              t.winogradOptions.enabled = true;
              expect(Array.from(z)).not.toEqual(Array.from(direct)); // (the Winograd path ran)
            }
          }
        });
      }
    }

    it('shared with helper threads, with non-finite samples (the direct path, then the pooling)', async () => {
      const batch = 24;
      const spec = spec2d(batch, [13, 13], 'valid', 32, 64);
      const pool = t.windowGeometry(spec.geometry.outSize, [2, 2], [2, 2], [1, 1], 'valid');
      const per = 13 * 13 * 32;
      const x = rand(31, batch * per, 1), k = rand(32, 9 * 32 * 64, 0.3), bias = rand(33, 64, 0.2);
      x[3 * per + 100] = Infinity;
      x[17 * per + 7] = NaN;
      const relu = t.getActivation('relu');
      const run = () => t.convMaxPoolForward(x, k, bias, spec, pool, { activation: relu, cacheWeights: true });
      const stats = threadStats as { helperParts: number };
      const before = stats.helperParts;
      t.setThreads(2);
      threads.minWork = 0;
      let y = run();
      for (let i = 0; i < 200 && stats.helperParts === before; i++) {
        await new Promise((r) => setTimeout(r, 25));
        y = run();
      }
      expect(stats.helperParts).toBeGreaterThan(before);
      t.setThreads(1);
      const z = t.convForward(x, k, bias, spec, { activation: relu });
      const two = t.poolForward(z, { batch, geometry: pool, channels: 64 }, 'max', false).output;
      expect(Array.from(y)).toEqual(Array.from(two));
      expect(Array.from(run())).toEqual(Array.from(y));
      const out = 25 * 64;
      // (the non-finite values reached the pooled output of their samples only)
      expect(y.subarray(3 * out, 4 * out).some((v) => !Number.isFinite(v))).toBe(true);
      expect(y.subarray(17 * out, 18 * out).some((v) => Number.isNaN(v))).toBe(true);
      expect(y.subarray(4 * out, 17 * out).every((v) => Number.isFinite(v))).toBe(true);
    });

    it('other poolings run as the two calls', () => {
      const spec = spec2d(2, [10, 10], 'same', 8, 8);
      const x = rand(41, 2 * 100 * 8, 1), k = rand(42, 72 * 8, 0.3);
      for (const pool of [
        t.windowGeometry([10, 10], [3, 3], [2, 2], [1, 1], 'valid'),
        t.windowGeometry([10, 10], [2, 2], [1, 1], [1, 1], 'valid'),
        t.windowGeometry([10, 10], [2, 2], [2, 2], [1, 1], 'same'),
      ]) {
        const two = t.poolForward(t.convForward(x, k, null, spec), { batch: 2, geometry: pool, channels: 8 }, 'max', false).output;
        expect(Array.from(t.convMaxPoolForward(x, k, null, spec, pool))).toEqual(Array.from(two));
      }
    });
  });

  for (const [name, batch, inSize, padding, cin, cout] of [
    ['valid', 3, [9, 8], 'valid', 12, 16],
    ['same, odd sizes', 2, [7, 5], 'same', 8, 20],
  ] as [string, number, number[], Src.PaddingMode, number, number][]) {
    for (const tile of [2, 4] as const) {
      it(`the input gradient (a Winograd convolution of ∂z with the turned kernel) matches the TypeScript path, ${tile}×${tile} tiles: ${name}`, () => {
        t.winogradOptions.tile = tile;
        const spec = spec2d(batch, inSize, padding, cin, cout);
        const outPos = spec.geometry.outSize.reduce((a, b) => a * b, 1);
        const dz = rand(12, batch * outPos * cout, 1), k = rand(13, 9 * cin * cout, 0.3);
        const r = three(() => t.convBackwardInput(dz, k, spec));
        expect(relDiff(r.wino, r.js)).toBeLessThan(TOL[tile]);
        expect(relDiff(r.direct, r.js)).toBeLessThan(2e-6);
        expect(Array.from(r.wino)).not.toEqual(Array.from(r.direct));
      });
    }
  }

  it('leaves channel counts that are not multiples of 4, strides and other windows to the direct path', () => {
    const x = rand(4, 2 * 8 * 8 * 6, 1), k = rand(5, 9 * 6 * 8, 0.3);
    const odd = three(() => t.convForward(x, k, null, spec2d(2, [8, 8], 'valid', 6, 8)));
    expect(Array.from(odd.wino)).toEqual(Array.from(odd.direct));
    const x3 = rand(4, 2 * 8 * 8 * 3, 1), k3 = rand(5, 9 * 3 * 8, 0.3); // an RGB image's first convolution
    const rgb = three(() => t.convForward(x3, k3, null, spec2d(2, [8, 8], 'same', 3, 8)));
    expect(Array.from(rgb.wino)).toEqual(Array.from(rgb.direct));
    const strided: Src.ConvSpec = { batch: 1, geometry: t.windowGeometry([8, 8], [3, 3], [2, 2], [1, 1], 'valid'), inChannels: 16, outChannels: 4 };
    const xs = rand(6, 64 * 16, 1), ks = rand(7, 9 * 16 * 4, 0.3);
    const s = three(() => t.convForward(xs, ks, null, strided));
    expect(Array.from(s.wino)).toEqual(Array.from(s.direct));
  });

  it('the transformed kernel is kept, and dropped when the weight version changes', () => {
    const spec = spec2d(2, [7, 7], 'same', 16, 8);
    const x = rand(8, 2 * 49 * 16, 1), k = rand(9, 9 * 16 * 8, 0.3);
    const first = t.convForward(x, k, null, spec, { cacheWeights: true });
    const hits = t.packCacheStats().hits;
    expect(Array.from(t.convForward(x, k, null, spec, { cacheWeights: true }))).toEqual(Array.from(first));
    expect(t.packCacheStats().hits).toBe(hits + 1);
    for (let i = 0; i < k.length; i++) k[i] = -k[i]!;
    t.markWeightsChanged(k);
    const flipped = t.convForward(x, k, null, spec, { cacheWeights: true });
    expect(Array.from(flipped)).toEqual(Array.from(first, (v) => -v));
  });

  it('samples with NaN or ±∞ (and kernels with them) take the direct path, the others keep their bits', () => {
    const batch = 4;
    const spec = spec2d(batch, [6, 5], 'same', 16, 8);
    const per = 30 * 16, outPer = 30 * 8;
    const x = rand(10, batch * per, 1), k = rand(11, 9 * 16 * 8, 0.3);
    const clean = three(() => t.convForward(x, k, null, spec));
    x[per + 5] = Infinity; // sample 1
    x[2 * per + 40] = NaN; // sample 2
    const r = three(() => t.convForward(x, k, null, spec));
    expect(Array.from(r.wino.subarray(outPer, 3 * outPer))).toEqual(Array.from(r.direct.subarray(outPer, 3 * outPer)));
    expect(r.wino.subarray(outPer, 2 * outPer).some((v) => v === Infinity || v === -Infinity)).toBe(true);
    expect(Array.from(r.wino.subarray(0, outPer))).toEqual(Array.from(clean.wino.subarray(0, outPer)));
    expect(Array.from(r.wino.subarray(3 * outPer))).toEqual(Array.from(clean.wino.subarray(3 * outPer)));
    const xk = rand(10, batch * per, 1);
    const kInf = k.slice();
    kInf[17] = -Infinity;
    const rk = three(() => t.convForward(xk, kInf, null, spec));
    expect(Array.from(rk.wino)).toEqual(Array.from(rk.direct));
  });
});

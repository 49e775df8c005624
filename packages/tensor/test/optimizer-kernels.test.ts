import { afterEach, describe, expect, it } from 'vitest';
import { Random, ShapeMismatchError, adamUpdate, getBackend, setBackend } from '../src/index.js';

afterEach(() => setBackend('wasm'));

function randomArray(rng: Random, n: number, lo: number, hi: number): Float32Array {
  return rng.fill(new Float32Array(n), () => rng.uniformRange(lo, hi));
}

/** Keras 3's Adam step in float64 with a float32 rounding after each operation (the reference). */
function reference(w: number, g: number, m: number, v: number, vh: number | null, k: { alpha: number; c1: number; c2: number; epsilon: number }) {
  const f = Math.fround;
  const m1 = f(m + f(f(g - m) * k.c1));
  const v1 = f(v + f(f(f(g * g) - v) * k.c2));
  const vv = vh === null ? v1 : v1 > vh ? v1 : vh;
  return { w: f(w - f(f(m1 * k.alpha) / f(f(Math.sqrt(vv)) + k.epsilon))), m: m1, v: v1, vh: vv };
}

describe('adamUpdate', () => {
  it('gives the same bits in WebAssembly and TypeScript, with and without amsgrad, tails included', () => {
    expect(getBackend()).toBe('wasm');
    const rng = new Random(5);
    const k = { alpha: Math.fround(0.001 * Math.sqrt(1 - 0.999 ** 3) / (1 - 0.9 ** 3)), c1: Math.fround(0.1), c2: Math.fround(0.001), epsilon: Math.fround(1e-7) };
    for (const n of [4099, 2048, 3, 5000]) {
      for (const ams of [false, true]) {
        const w = randomArray(rng, n, -1, 1), g = randomArray(rng, n, -2, 2), m = randomArray(rng, n, -0.1, 0.1), v = randomArray(rng, n, 0, 0.01);
        const vh = ams ? randomArray(rng, n, 0, 0.01) : null;
        g[1] = NaN; // a NaN gradient: NaN moments, vhat kept
        const runs = (['wasm', 'js'] as const).map((backend) => {
          setBackend(backend);
          const s = { w: w.slice(), m: m.slice(), v: v.slice(), vh: vh?.slice() ?? null };
          adamUpdate(s.w, g, s.m, s.v, s.vh, k);
          return s;
        });
        const [a, b] = runs as [(typeof runs)[0], (typeof runs)[0]];
        expect(Array.from(a.w)).toEqual(Array.from(b.w));
        expect(Array.from(a.m)).toEqual(Array.from(b.m));
        expect(Array.from(a.v)).toEqual(Array.from(b.v));
        if (ams) expect(Array.from(a.vh!)).toEqual(Array.from(b.vh!));
        for (const p of [0, 1, 2, n - 1]) {
          const r = reference(w[p]!, g[p]!, m[p]!, v[p]!, vh ? vh[p]! : null, k);
          expect(a.w[p]).toEqual(r.w);
          expect(a.m[p]).toEqual(r.m);
          if (ams) expect(a.vh![p]).toEqual(r.vh);
        }
        expect(Number.isNaN(a.m[1])).toBe(true);
        if (ams) expect(a.vh![1]).toBe(vh![1]);
      }
    }
  });

  it('refuses arrays of different lengths', () => {
    const z = new Float32Array(4);
    expect(() => adamUpdate(z, new Float32Array(3), z.slice(), z.slice(), null, { alpha: 1, c1: 0.1, c2: 0.1, epsilon: 1e-7 })).toThrow(ShapeMismatchError);
  });
});

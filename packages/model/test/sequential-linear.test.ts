// Building a Sequential is linear in its layers: each add builds only the new layer (it rebuilt every
// layer before: 8,000 layers took 4.5 s, 20,000 more than 30 s).
import { describe, expect, it } from 'vitest';
import { Activation, Dense, InputLayer } from '@kerasts/layers';
import { Sequential } from '../src/index.js';

function buildTime(n: number): number {
  const t0 = performance.now();
  const m = new Sequential([new InputLayer({ batchInputShape: [null, 3] })]);
  for (let i = 0; i < n; i++) m.add(new Activation('relu'));
  const t = performance.now() - t0;
  expect(m.layers.length).toBe(n);
  expect(m.outputShapes).toEqual([[null, 3]]);
  return t;
}

describe('Sequential building', () => {
  it('8,000 layers build in well under a second, and 4x the layers cost about 4x the time', () => {
    buildTime(500); // warm up
    const t8 = buildTime(8000);
    const t32 = buildTime(32000);
    expect(t8).toBeLessThan(1500);
    // quadratic would be 16x; allow noise on a shared machine
    expect(t32 / Math.max(t8, 1)).toBeLessThan(9);
  });

  it('adding to a built model keeps shapes, weights and unique names right', () => {
    const m = new Sequential([new Dense({ units: 4, inputShape: [3] })]);
    m.add(new Dense({ units: 2 }));
    expect(m.outputShapes).toEqual([[null, 2]]);
    expect(m.layers[1]!.weights.map((w) => w.shape)).toEqual([[4, 2], [2]]);
    expect(() => m.add(new Dense({ units: 2, name: m.layers[0]!.name }))).toThrow(/unique names/);
    m.pop();
    expect(m.outputShapes).toEqual([[null, 4]]);
    m.add(new Dense({ units: 5 }));
    expect(m.outputShapes).toEqual([[null, 5]]);
    expect(m.countParams()).toBe(16 + 25);
  });

  it('a layer that cannot be built on the last output fails the add and leaves the model unbuilt', () => {
    const m = new Sequential([new Dense({ units: 4, inputShape: [3] })]);
    expect(() => m.add(new Dense({ units: 1e12 }))).toThrow(/maxParameters/);
    expect(m.built).toBe(false);
  });
});

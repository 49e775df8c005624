import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { modelFromJSON, toJSON } from '../src/index.js';
import { seedPath } from './helpers.js';

const seedText = readFileSync(seedPath, 'utf8');

describe('the seed model (Keras 2.0.8 to_json, from the tutorial)', () => {
  it('round-trips to a deep-equal object in the keras-2.0 dialect', () => {
    const model = modelFromJSON(seedText);
    expect(model.kerasVersion).toBe('2.0.8');
    expect(model.layers.map((l) => l.name)).toEqual(['lstm_1', 'dense_1']);
    const out = JSON.parse(toJSON(model, { dialect: 'keras-2.0' })) as unknown;
    expect(out).toEqual(JSON.parse(seedText));
  });

  it('writes the same keys in the same order as Keras 2.0.8', () => {
    const model = modelFromJSON(seedText);
    const ours = toJSON(model, { dialect: 'keras-2.0' });
    const keys = (s: string) => [...s.matchAll(/"([a-z_]+)":/g)].map((m) => m[1]);
    expect(keys(ours)).toEqual(keys(seedText));
  });

  it('keeps Keras 2 numerics: hard_sigmoid stays 0.2x+0.5 and the keras-3 dialect refuses to change it silently', () => {
    const model = modelFromJSON(seedText);
    expect(() => toJSON(model, { dialect: 'keras-3' })).toThrow(/hard_sigmoid.*Keras 3 computes clip\(x\/6\+0\.5\)/);
    const warnings: string[] = [];
    toJSON(model, { dialect: 'keras-3', numerics: 'warn', warn: (m) => warnings.push(m) });
    expect(warnings.join()).toMatch(/lstm_1/);
  });

  it('has the parameter counts Keras reports', () => {
    const model = modelFromJSON(seedText);
    expect(model.layers.map((l) => l.countParams())).toEqual([208, 5]);
    expect(model.summary(null)).toContain('Total params: 213');
  });
});

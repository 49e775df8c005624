import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { modelFromJSON, toJSON } from '@kerasts/io-json';
import { UnsupportedError } from '@kerasts/tensor';
import { modelFromYAML, toYAML } from '../src/index.js';

import { samplesDir, seedPath } from '../../../tools/testing/shared.js';

const seedText = readFileSync(seedPath, 'utf8');
const demo = readFileSync(join(samplesDir, 'yaml_demo.txt'), 'utf8');

/** The two renderings PyYAML produced for the seed model's to_yaml (KERAS-FORMAT §9). */
function demoSection(header: RegExp): string {
  const lines = demo.split('\n');
  const start = lines.findIndex((l) => header.test(l)) + 1;
  const end = lines.findIndex((l, i) => i > start && l.startsWith('keras_version:'));
  return lines.slice(start, end + 1).join('\n') + '\n';
}

describe('toYAML writes what Keras 2.0.8 to_yaml wrote, byte for byte', () => {
  const model = modelFromJSON(seedText);
  it('PyYAML >= 5.1 block style', () => {
    expect(toYAML(model, { dialect: 'keras-2.0' })).toBe(demoSection(/PyYAML >= 5\.1 default/));
  });
  it('PyYAML < 5.1 flow style (what the 2017 tutorial showed)', () => {
    expect(toYAML(model, { dialect: 'keras-2.0', style: 'pyyaml-legacy' })).toBe(demoSection(/PyYAML < 5\.1 default/));
  });
});

describe('modelFromYAML', () => {
  it('reads both renderings, !!python/tuple included, into the seed model', () => {
    for (const re of [/PyYAML >= 5\.1 default/, /PyYAML < 5\.1 default/]) {
      const model = modelFromYAML(demoSection(re));
      expect(model.kerasVersion).toBe('2.0.8');
      expect(JSON.parse(toJSON(model, { dialect: 'keras-2.0' }))).toEqual(JSON.parse(seedText));
    }
  });
  it('round-trips every dialect', () => {
    const model = modelFromJSON(seedText);
    for (const dialect of ['keras-2', 'keras-2.0'] as const) {
      const again = modelFromYAML(toYAML(model, { dialect }));
      expect(JSON.parse(toJSON(again, { dialect }))).toEqual(JSON.parse(toJSON(model, { dialect })));
    }
  });
  it('refuses other Python tags without executing anything', () => {
    const evil = demoSection(/PyYAML >= 5\.1 default/).replace('backend: tensorflow', 'backend: !!python/object/apply:os.system ["echo pwned"]');
    expect(() => modelFromYAML(evil)).toThrow(UnsupportedError);
    expect(() => modelFromYAML(evil)).toThrow(/python\/object\/apply/);
  });
});

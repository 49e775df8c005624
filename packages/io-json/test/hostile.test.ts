// Hostile architecture JSON: every refusal is a typed error that names the file (and the layer where
// there is one), before anything large is allocated; no RangeError, TypeError or stack overflow.
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { getOptimizer } from '@kerasts/model';
import { ConfigError, KerastsError, LimitError, UnsupportedError, withLimits } from '@kerasts/tensor';
import { modelFromJSON, parseJsonText } from '../src/index.js';
import { seedPath } from './helpers.js';

const seed = readFileSync(seedPath, 'utf8');
const OBJECT_NAMES = ['constructor', 'toString', '__proto__', 'hasOwnProperty', 'valueOf', 'isPrototypeOf', '__defineGetter__', 'propertyIsEnumerable', 'toLocaleString'];

/** The error modelFromJSON throws for `text` (fails the test when it does not throw). */
function failure(text: string, source = 'abuse.json'): KerastsError {
  let err: unknown = null;
  try {
    modelFromJSON(text, { source });
  } catch (e) {
    err = e;
  }
  expect(err, 'expected a typed error').toBeInstanceOf(KerastsError);
  return err as KerastsError;
}

describe('names that every JavaScript object has are not names of anything', () => {
  const sites: [string, (n: string) => string][] = [
    ['activation', (n) => seed.replace('"activation": "linear"', `"activation": "${n}"`)],
    ['recurrent_activation', (n) => seed.replace('"recurrent_activation": "hard_sigmoid"', `"recurrent_activation": "${n}"`)],
    ['initializer by name', (n) => seed.replace('"bias_initializer": {"class_name": "Zeros", "config": {}}', `"bias_initializer": "${n}"`)],
    ['initializer class', (n) => seed.replace('{"class_name": "Orthogonal", "config": {"gain": 1.0, "seed": null}}', `{"class_name": "${n}", "config": {}}`)],
    ['layer class', (n) => seed.replace('"class_name": "Dense"', `"class_name": "${n}"`)],
  ];
  for (const [site, make] of sites) {
    it(`${site}: ${OBJECT_NAMES.length} names, each a ConfigError or UnsupportedError naming the file and the layer`, () => {
      for (const n of OBJECT_NAMES) {
        const err = failure(make(n));
        expect(err, `${site} ${n}`).toSatisfy((e: unknown) => e instanceof ConfigError || e instanceof UnsupportedError);
        expect(err.message, `${site} ${n}`).toMatch(/^abuse\.json: /);
        expect(err.message, `${site} ${n}`).toContain(n);
      }
    });
  }

  it('an unknown activation names the file, the layer and the activation', () => {
    expect(failure(seed.replace('"activation": "linear"', '"activation": "swishh"')).message).toMatch(
      /^abuse\.json: layers\[1\]: .*dense_1.*unknown activation 'swishh'/,
    );
  });

  it('optimizers by name: own names only', () => {
    for (const n of OBJECT_NAMES) expect(() => getOptimizer(n), n).toThrow(UnsupportedError);
  });

  it('a "__proto__" key is refused (it would set the prototype of a copied config)', () => {
    const err = failure(seed.replace('"units": 1,', '"units": 1, "__proto__": {"units": 7},'));
    expect(err).toBeInstanceOf(ConfigError);
    expect(err.message).toBe('abuse.json: a configuration may not have a key named "__proto__"');
  });
});

describe('sizes', () => {
  it('units: 2e8 is a LimitError naming the file, the layer, the size and maxParameters, at once', () => {
    const t0 = Date.now();
    const err = failure(seed.replace('"units": 1,', '"units": 200000000,'));
    expect(Date.now() - t0).toBeLessThan(2000);
    expect(err).toBeInstanceOf(LimitError);
    expect((err as LimitError).option).toBe('maxParameters');
    expect(err.message).toBe(
      'abuse.json: layers[1]: dense_1.kernel_initializer: a weight of shape [4, 200000000] has too many values: 800,000,000 values is over the limit of 268,435,456 values (option maxParameters; raise it if you trust this input)',
    );
  });

  it('LSTM units 1e6 and an input of [1e9, 1e9] are refused the same way', () => {
    expect(failure(seed.replace('"units": 4,', '"units": 100000,')).message).toMatch(
      /^abuse\.json: layers\[0\]: lstm_1\.recurrent_initializer: a weight of shape \[100000, 400000\] has too many values/,
    );
    expect(failure(seed.replace('[null, 1, 8]', '[null, 1000000000, 1000000000]'))).toBeInstanceOf(LimitError);
  });

  it("the model's weights together: many layers within the per-weight limit cannot exceed maxParameters", () => {
    const cfg = JSON.parse(seed) as { config: { class_name: string; config: Record<string, unknown> }[] };
    const dense = cfg.config[1]!;
    cfg.config = [cfg.config[0]!, ...Array.from({ length: 5 }, (_, i) => ({ ...dense, config: { ...dense.config, name: `d${i}`, units: 4 } }))];
    const text = JSON.stringify(cfg);
    expect(() => modelFromJSON(text)).not.toThrow();
    const err = withLimits({ maxParameters: 230 }, () => failure(text));
    expect(err).toBeInstanceOf(LimitError);
    expect(err.message).toMatch(/would bring the model's weights to too many values: 2\d\d values is over the limit of 230 values \(option maxParameters/);
  });

  it('units: Infinity, NaN, 1e300: typed errors that show the value (not "null") and name the file', () => {
    expect(failure(seed.replace('"units": 1,', '"units": Infinity,')).message).toBe(
      'abuse.json: layers[1]: layer "dense_1" (Dense): config key "units": expected an integer >= 1, found Infinity',
    );
    expect(failure(seed.replace('"units": 1,', '"units": NaN,')).message).toMatch(/units \(Dense "dense_1"\): expected integer; found NaN/);
    expect(failure(seed.replace('"units": 1,', '"units": 1e300,'))).toBeInstanceOf(ConfigError);
    expect(failure(seed.replace('[null, 1, 8]', '[null, 1, Infinity]')).message).toMatch(/^abuse\.json: .*batch_input_shape.*found \[null,1,Infinity\]/);
  });
});

describe('nesting', () => {
  it(`100,000-deep nesting in a value or a shape is a LimitError at the documented depth (maxDepth 100), not a stack overflow`, () => {
    const deep = '['.repeat(100_000) + ']'.repeat(100_000);
    for (const text of [seed.replace('"units": 1,', `"units": ${deep},`), seed.replace('[null, 1, 8]', deep)]) {
      const err = failure(text);
      expect(err).toBeInstanceOf(LimitError);
      expect(err.message).toBe('abuse.json: the configuration is nested too deeply: 101 levels is over the limit of 100 levels (option maxDepth; raise it if you trust this input)');
    }
    expect(() => parseJsonText(`{"a": ${deep}}`, 'x.json')).toThrow(LimitError);
  });

  it('nesting within maxDepth is read', () => {
    let v = '1';
    for (let i = 0; i < 95; i++) v = `[${v}]`;
    expect(() => parseJsonText(`{"a": ${v}}`, 'x.json')).not.toThrow();
  });
});

// The limits module: defaults, scoping, validation, and the checks that refuse hostile declared
// sizes and nesting with a LimitError (never a RangeError or a stack overflow).
import { describe, expect, it } from 'vitest';
import { ConfigError, DEFAULT_LIMITS, LimitError, checkDeclaredShape, checkDepth, getLimits, resolveLimits, setDefaultLimits, withLimits } from '../src/index.js';

describe('limits', () => {
  it('has documented defaults: 1 GiB of arrays, 2^28 parameters, 64 MiB of HDF5 structure, depth 100', () => {
    expect(DEFAULT_LIMITS).toEqual({ maxBytes: 2 ** 30, maxParameters: 2 ** 28, maxMetadataBytes: 64 * 2 ** 20, maxDepth: 100 });
    expect(getLimits()).toEqual(DEFAULT_LIMITS);
  });

  it('scopes nest and restore; process defaults can be raised', () => {
    withLimits({ maxDepth: 5 }, () => {
      expect(getLimits().maxDepth).toBe(5);
      withLimits({ maxBytes: 10 }, () => expect(getLimits()).toMatchObject({ maxDepth: 5, maxBytes: 10 }));
      expect(getLimits().maxBytes).toBe(2 ** 30);
    });
    const prev = setDefaultLimits({ maxParameters: Number.POSITIVE_INFINITY });
    try {
      expect(getLimits().maxParameters).toBe(Number.POSITIVE_INFINITY);
    } finally {
      setDefaultLimits(prev);
    }
    expect(getLimits()).toEqual(DEFAULT_LIMITS);
  });

  it('refuses unknown or non-positive limits with a ConfigError', () => {
    expect(() => resolveLimits({ maxBytse: 1 } as never)).toThrow(ConfigError);
    expect(() => resolveLimits({ maxBytes: -1 })).toThrow(/limits\.maxBytes must be a positive number/);
    expect(() => resolveLimits({ maxBytes: Number.NaN })).toThrow(ConfigError);
  });

  it('checkDeclaredShape: dimensions must be integers, the count within maxParameters', () => {
    expect(checkDeclaredShape([3, 4], 'kernel', 'dense')).toBe(12);
    const err = (() => {
      try {
        checkDeclaredShape([1e9, 1e9], 'weight "kernel"', 'layer "d"');
      } catch (e) {
        return e;
      }
    })() as LimitError;
    expect(err).toBeInstanceOf(LimitError);
    expect(err.option).toBe('maxParameters');
    expect(err.requested).toBe(1e18);
    expect(err.message).toBe(
      'layer "d": weight "kernel" of shape [1000000000, 1000000000] has too many values: 1,000,000,000,000,000,000 values is over the limit of 268,435,456 values (option maxParameters; raise it if you trust this input)',
    );
    for (const bad of [Number.POSITIVE_INFINITY, Number.NaN, -1, 1.5]) {
      expect(() => checkDeclaredShape([2, bad], 'kernel', 'd')).toThrow(ConfigError);
    }
  });

  it('checkDepth walks 100,000 levels without recursion and refuses them at maxDepth', () => {
    let deep: unknown = 1;
    for (let i = 0; i < 100_000; i++) deep = [deep];
    const err = (() => {
      try {
        checkDepth(deep, 'model.json');
      } catch (e) {
        return e;
      }
    })() as LimitError;
    expect(err).toBeInstanceOf(LimitError);
    expect(err.message).toBe('model.json: the configuration is nested too deeply: 101 levels is over the limit of 100 levels (option maxDepth; raise it if you trust this input)');
    let ok: unknown = {};
    for (let i = 0; i < 99; i++) ok = { a: ok };
    expect(() => checkDepth(ok, 'x')).not.toThrow();
    expect(() => checkDepth({ a: ok }, 'x')).toThrow(LimitError);
  });
});

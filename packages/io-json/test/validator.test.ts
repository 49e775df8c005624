import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { architectureSchema } from '../src/index.js';
// @ts-expect-error: a plain .mjs build script without typings
import { TARGET, renderValidator } from '../scripts/build-validator.mjs';

describe('the precompiled architecture validator', () => {
  it('is what scripts/build-validator.mjs generates from the schema (run it after editing the schema)', () => {
    expect(readFileSync(TARGET as string, 'utf8')).toBe((renderValidator as (s: unknown) => string)(architectureSchema));
  });
});

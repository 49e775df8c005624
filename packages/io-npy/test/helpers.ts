// Fixtures NumPy wrote (tools/oracle/gen_npy_fixtures.py) and how to compare with its manifest.
import { readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { NpyArray } from '../src/index.js';

export const FIX = join(dirname(fileURLToPath(import.meta.url)), 'fixtures');
export const bytes = (name: string) => new Uint8Array(readFileSync(join(FIX, name)));
export interface Entry {
  dtype?: string;
  shape?: number[];
  values?: string[];
  order?: 'C' | 'F';
  byteorder?: 'le' | 'be' | 'na';
  unsupported?: boolean;
  arrays?: Record<string, Entry>;
  names?: string[];
}
export const manifest = JSON.parse(readFileSync(join(FIX, 'manifest.json'), 'utf8')) as Record<string, Entry>;

/** The values as strings the way the manifest writes them (Python's repr for floats). */
export function asStrings(a: NpyArray): string[] {
  return Array.from(a.data as ArrayLike<number | bigint>, (v) => {
    if (typeof v === 'bigint') return String(v);
    if (a.dtype === 'bool' || a.dtype.includes('int')) return String(v);
    if (Number.isNaN(v)) return 'nan';
    if (!Number.isFinite(v)) return v > 0 ? 'inf' : '-inf';
    if (Object.is(v, -0)) return '-0.0';
    return v;
  }).map(String);
}

/** Python's float repr of a value, for comparing with the manifest. */
export function pyRepr(s: string): string {
  if (['nan', 'inf', '-inf', '-0.0'].includes(s)) return s;
  return String(Number(s));
}


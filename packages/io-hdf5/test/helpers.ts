import { readFileSync, readdirSync } from 'node:fs';
import { createHash } from 'node:crypto';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { H5Weight } from '../src/index.js';

import { craftedDir, hasShared, samplesDir, sharedDir } from '../../../tools/testing/shared.js';

export { describeShared, hasShared, itShared, sharedPath } from '../../../tools/testing/shared.js';
/** The shared corpus root, or '' when absent (guard with hasShared / describeShared). */
export const SHARED = sharedDir ?? '';
/** Real files other people's Keras wrote (shared corpus only; '' when absent). */
export const REAL_DIR = sharedDir === null ? '' : join(sharedDir, 'real-keras-files/files');
/** Files Keras 3.15.1 wrote: the full shared set when present, else the committed subset. */
export const SAMPLES_DIR = sharedDir === null ? samplesDir : join(sharedDir, 'keras-samples');
export const CRAFTED_DIR = sharedDir === null ? craftedDir : join(sharedDir, 'keras-samples', 'crafted');
export const FIXTURES = fileURLToPath(new URL('./fixtures/', import.meta.url));

/**
 * Every reference .h5 file on disk, keyed like the oracle ("real/x.h5", "samples/x.h5",
 * "crafted/x.h5"): all of them with the shared corpus, the committed subset without it.
 */
export function referenceFiles(): { key: string; path: string }[] {
  const out: { key: string; path: string }[] = [];
  const dirs: (readonly [string, string])[] = [['samples', SAMPLES_DIR], ['crafted', CRAFTED_DIR]];
  if (hasShared) dirs.unshift(['real', REAL_DIR]);
  for (const [tag, dir] of dirs) {
    for (const f of readdirSync(dir).filter((n) => n.endsWith('.h5')).sort()) out.push({ key: `${tag}/${f}`, path: join(dir, f) });
  }
  return out;
}

export function readBytes(path: string): Uint8Array {
  const b = readFileSync(path);
  return new Uint8Array(b.buffer, b.byteOffset, b.byteLength);
}

export interface OracleWeight {
  name: string;
  hdf5Path: string;
  shape: number[];
  dtype: string;
  first: (number | string)[];
  sum: number | string;
  count: number;
}
export interface OracleText {
  length: number;
  sha256: string;
  head: string;
}
export interface OracleEntry {
  path: string;
  outcome: 'ok' | 'not-hdf5' | 'not-keras' | 'keras3-native' | 'missing-layer-group';
  kind?: 'model' | 'weights';
  rootAttrs?: { kerasVersion: string | null; backend: string | null; modelConfig: OracleText | null; trainingConfig: OracleText | null };
  layerNamesEncoding?: string;
  layerNames?: string[];
  kerasVersion?: string | null;
  backend?: string | null;
  layers?: { name: string; weightNamesEncoding: string; weightNames: string[]; weights: OracleWeight[] }[];
  topLevelWeights?: { weightNames: string[]; weights: OracleWeight[] } | null;
  optimizerWeights?: { weightNames: string[]; weights: OracleWeight[] } | null;
  extraRootGroups?: string[];
  layer?: string;
}

export function loadOracle(): { generator: string; files: Record<string, OracleEntry> } {
  return JSON.parse(readFileSync(join(FIXTURES, 'h5py-oracle.json'), 'utf8'));
}

/** JSON numbers as the oracle writes them ('NaN', 'Infinity' as strings). */
export function oracleNumber(v: number | string): number {
  if (v === 'NaN') return Number.NaN;
  if (v === 'Infinity') return Number.POSITIVE_INFINITY;
  if (v === '-Infinity') return Number.NEGATIVE_INFINITY;
  return v as number;
}

export function toNumbers(w: H5Weight): number[] {
  return Array.from(w.data as ArrayLike<number | bigint>, (x) => Number(x));
}

/** float64 sum of all values (sequential; the oracle uses numpy's pairwise sum, so compare with a tolerance). */
export function sum(w: H5Weight): number {
  const d = w.data as ArrayLike<number | bigint>;
  let s = 0;
  for (let i = 0; i < d.length; i++) s += Number(d[i]);
  return s;
}

export function closeTo(a: number, b: number, rel = 1e-9): boolean {
  if (Number.isNaN(a) || Number.isNaN(b)) return Number.isNaN(a) && Number.isNaN(b);
  if (!Number.isFinite(a) || !Number.isFinite(b)) return a === b;
  return Math.abs(a - b) <= rel * Math.max(1, Math.abs(a), Math.abs(b));
}

/**
 * The contents with every typed array replaced by its type, length and a SHA-256 of its bytes, so
 * that `toEqual` stays fast on multi-megabyte weights (and NaN payloads compare bit for bit).
 */
export function digestContents<T>(value: T): unknown {
  if (ArrayBuffer.isView(value)) {
    const v = value as unknown as ArrayBufferView & { length: number };
    const bytes = new Uint8Array(v.buffer, v.byteOffset, v.byteLength);
    return { array: v.constructor.name, length: v.length, sha256: createHash('sha256').update(bytes).digest('hex') };
  }
  if (Array.isArray(value)) return value.map((x) => digestContents(x));
  if (value !== null && typeof value === 'object') {
    return Object.fromEntries(Object.entries(value).map(([k, x]) => [k, digestContents(x)]));
  }
  return value;
}

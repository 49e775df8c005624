import { readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { tensor, type Tensor } from '@kerasts/tensor';

export const repoRoot = join(dirname(fileURLToPath(import.meta.url)), '..', '..', '..');
export { describeShared, hasShared, itShared, realFilesDir, samplesDir, seedPath } from '../../../tools/testing/shared.js';
export const predictFixtureDir = join(repoRoot, 'tools', 'oracle', 'fixtures', 'predict');

export interface FixtureArray {
  shape: number[];
  values: number[];
}
export interface PredictFixture {
  name: string;
  description: string;
  keras_version: string;
  reference: string;
  model_json: Record<string, unknown>;
  model_config_h5?: Record<string, unknown>;
  weights: (FixtureArray & { name: string })[];
  input: FixtureArray;
  output: FixtureArray;
}

export function loadFixtureNames(): string[] {
  const index = JSON.parse(readFileSync(join(predictFixtureDir, 'index.json'), 'utf8')) as { cases: string[] };
  return index.cases;
}

export function loadFixture(name: string): PredictFixture {
  return JSON.parse(readFileSync(join(predictFixtureDir, `${name}.json`), 'utf8')) as PredictFixture;
}

export function toTensor(a: FixtureArray): Tensor {
  return tensor(Float32Array.from(a.values), a.shape);
}

export function maxAbsDiff(a: ArrayLike<number>, b: ArrayLike<number>): number {
  let m = 0;
  for (let i = 0; i < a.length; i++) m = Math.max(m, Math.abs(a[i]! - b[i]!));
  return m;
}

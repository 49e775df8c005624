/** What the tutorial's steps share: the output folder, the data, and a way to report checks. */
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { Random, tensor, type Tensor } from '@kerasts/tensor';

export interface Context {
  outDir: string;
  /** Inputs (samples, 1, 8) and targets (samples, 1) of a small synthetic regression task. */
  x: Tensor;
  y: Tensor;
  say: (line: string) => void;
  /** Record a check; a failed check stops the tutorial with an error. */
  check: (what: string, ok: boolean, detail: string) => void;
  out: (file: string) => string;
}

/** The largest absolute difference of two tensors' values. */
export function maxAbsDiff(a: Tensor, b: Tensor): number {
  let m = 0;
  a.data.forEach((v, i) => (m = Math.max(m, Math.abs(v - b.data[i]!))));
  return m;
}

/** y = mean of sin over the 8 features: smooth, learnable, embedded (no download). */
export function makeData(n: number, seed: number): { x: Tensor; y: Tensor } {
  const rng = new Random(seed);
  const x = rng.fill(new Float32Array(n * 8), () => rng.uniformRange(-1, 1));
  const y = new Float32Array(n);
  for (let i = 0; i < n; i++) {
    let s = 0;
    for (let k = 0; k < 8; k++) s += Math.sin(2 * x[i * 8 + k]!) * (k % 2 ? 1 : -0.5);
    y[i] = s / 4;
  }
  return { x: tensor(x, [n, 1, 8]), y: tensor(y, [n, 1]) };
}

export function makeContext(outDir: string): Context {
  mkdirSync(outDir, { recursive: true });
  const { x, y } = makeData(256, 2017);
  return {
    outDir,
    x,
    y,
    say: (line) => console.log(line),
    check: (what, ok, detail) => {
      console.log(`  ${ok ? 'ok ' : 'FAILED'} ${what}: ${detail}`);
      if (!ok) throw new Error(`check failed: ${what} (${detail})`);
    },
    out: (file) => join(outDir, file),
  };
}

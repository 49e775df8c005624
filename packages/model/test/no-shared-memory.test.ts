/**
 * fit() where there is no SharedArrayBuffer (a web page that is not cross-origin isolated): it runs
 * on one thread and computes the same numbers, bit for bit, as with shared memory and one thread.
 * Run in child processes so that the global can be removed before any kerasts module loads.
 */
import { execFileSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';

const SCRIPT = `
if (process.env.DROP_SAB === '1') delete globalThis.SharedArrayBuffer;
const { LSTM, Dense } = await import('@kerasts/layers');
const { Sequential, Adam } = await import('@kerasts/model');
const { Random, Tensor } = await import('@kerasts/tensor');
const rng = new Random(3);
const n = 96;
const x = new Tensor(Float32Array.from({ length: n * 6 * 3 }, () => rng.normal()), [n, 6, 3]);
const y = new Tensor(Float32Array.from({ length: n }, (_, i) => Math.sin(i) * 0.5), [n, 1]);
const m = new Sequential({ layers: [new LSTM({ units: 16, batchInputShape: [null, 6, 3] }), new Dense({ units: 1 })] });
const w = new Random(42);
m.setWeights(m.getWeights().map((t) => new Tensor(Float32Array.from({ length: t.size }, () => w.normal(0, 0.3)), t.shape)));
m.compile({ optimizer: new Adam({ learningRate: 0.01 }), loss: 'mse' });
const h = await m.fit(x, y, { epochs: 3, batchSize: 32, seed: 7, verbose: 0 });
console.log(JSON.stringify({ sab: typeof SharedArrayBuffer, loss: h.history.loss }));
`;

function run(dropSab: boolean): { sab: string; loss: number[] } {
  const out = execFileSync(process.execPath, ['--input-type=module', '-e', SCRIPT], {
    cwd: fileURLToPath(new URL('..', import.meta.url)),
    env: { ...process.env, DROP_SAB: dropSab ? '1' : '0', KERASTS_THREADS: '1' },
    encoding: 'utf8',
  });
  return JSON.parse(out.trim().split('\n').pop()!) as { sab: string; loss: number[] };
}

describe('fit without SharedArrayBuffer', () => {
  it('trains an LSTM for several steps and gives the same losses as with shared memory', () => {
    const without = run(true);
    const withSab = run(false);
    expect(without.sab).toBe('undefined');
    expect(withSab.sab).toBe('function');
    expect(without.loss).toHaveLength(3);
    expect(without.loss.every((l) => Number.isFinite(l))).toBe(true);
    expect(without.loss).toEqual(withSab.loss);
  });
});

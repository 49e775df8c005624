// TensorFlow.js models to Keras and back with `kerasts convert`: a model tfjs 4.22.0 wrote becomes a
// Keras 3 .keras (hard_sigmoid gates rescaled so Keras 3 computes what tfjs computed), and the .keras
// goes back to a model.json tfjs' own loader reads and predicts as the original.
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { loadModel, Tensor } from 'kerasts';
import { fromTf, loadWithTfjs, maxAbsDiff, saveWithTfjs, seeded, seedWeights, tf } from '../../../packages/io-tfjs/test/tfjs.js';

const here = dirname(fileURLToPath(import.meta.url));
const main = join(here, '..', 'dist', 'main.js');

function kerasts(...args: string[]) {
  const r = spawnSync(process.execPath, [main, ...args], { encoding: 'utf8' });
  return { code: r.status, out: r.stdout, err: r.stderr };
}

describe('convert: TensorFlow.js model.json <-> Keras', { timeout: 300_000 }, () => {
  it('a tfjs LSTM model -> .keras -> model.json (--to tfjs): every step predicts as tfjs did', async () => {
    const m = tf.sequential();
    m.add(tf.layers.lstm({ units: 4, returnSequences: true, inputShape: [5, 3] }));
    m.add(tf.layers.gru({ units: 3 }));
    m.add(tf.layers.dense({ units: 2, activation: 'softmax' }));
    seedWeights(m, 31);
    const x = new Tensor(seeded(2 * 5 * 3, 32, 2), [2, 5, 3]);
    const want = fromTf(m.predict(tf.tensor(x.data, [2, 5, 3])) as tf.Tensor).data;
    const d = mkdtempSync(join(tmpdir(), 'kerasts-cli-tfjs-'));
    for (const [n, b] of await saveWithTfjs(m)) writeFileSync(join(d, n), b);

    const summary = kerasts('summary', join(d, 'model.json'));
    expect(summary.code, summary.err).toBe(0);
    expect(summary.out).toContain('LSTM');

    const k = join(d, 'm.keras');
    const r1 = kerasts('convert', join(d, 'model.json'), k);
    expect(r1.code, r1.err).toBe(0);
    expect(r1.err).toMatch(/× 1\.2/);
    expect(maxAbsDiff((await loadModel(k)).predict(x).data, want)).toBeLessThanOrEqual(1e-5);

    const r2 = kerasts('convert', k, join(d, 'web'), '--to', 'tfjs');
    expect(r2.code, r2.err).toBe(0);
    expect(r2.err).toMatch(/÷ 1\.2/);
    expect(r2.err).toMatch(/wrote .*web[/\\]model\.json and 1 shard\(s\) beside it \(group1-shard1of1\.bin/);
    const files = new Map(['model.json', 'group1-shard1of1.bin'].map((n) => [n, new Uint8Array(readFileSync(join(d, 'web', n)))]));
    const back = await loadWithTfjs(files);
    expect(maxAbsDiff(fromTf(back.predict(tf.tensor(x.data, [2, 5, 3])) as tf.Tensor).data, want)).toBeLessThanOrEqual(1e-5);

    const again = kerasts('convert', k, join(d, 'web'), '--to', 'tfjs');
    expect(again.code).not.toBe(0);
    expect(again.err).toMatch(/exists; pass --force/);
    expect(kerasts('convert', k, '--to', 'tfjs').err).toMatch(/--to tfjs writes several files/);
  });
});

// inspect / predict / convert on real files, as a user runs them (subprocesses, exit codes, output).
import { spawnSync } from 'node:child_process';
import { readFileSync, writeFileSync, existsSync, copyFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, describe, expect, it } from 'vitest';
import { parseNpy } from '../src/data.js';

const here = dirname(fileURLToPath(import.meta.url));
const main = join(here, '..', 'dist', 'main.js');
const repo = join(here, '..', '..', '..');
import { craftedDir, itShared, realFilesDir, samplesDir, sharedDir } from '../../../tools/testing/shared.js';
import { removeTempDirs, tempDir } from '../../../tools/testing/tmp.js';

afterAll(removeTempDirs);

const h5dir = join(repo, 'tools', 'oracle', 'fixtures', 'h5');
const real = realFilesDir ?? '';
const samples = samplesDir;

function kerasts(...args: string[]) {
  const r = spawnSync(process.execPath, [main, ...args], { encoding: 'utf8' });
  return { code: r.status, out: r.stdout, err: r.stderr };
}
const tmp = () => tempDir('kerasts-cli-');
interface Arr { shape: number[]; values: number[] }
const flat = (v: unknown): number[] => (Array.isArray(v) ? v.flatMap(flat) : [v as number]);

describe('kerasts inspect', () => {
  it('describes a Keras 2.0.8 file: era, layers, training config, optimizer state', () => {
    const r = kerasts('inspect', join(craftedDir, 'k208_full.h5'));
    expect(r.code).toBe(0);
    expect(r.out).toContain('Keras 2.0.x multi-backend (2.0.8)');
    expect(r.out).toMatch(/lstm_1 \(LSTM\)\s+\(None, 4\)\s+208/);
    expect(r.out).toContain('optimizer Adam');
    expect(r.out).toMatch(/optimizer state: yes, 11 arrays/);
  });
  itShared('describes a Keras 1.2.2 file: era, layers, training config, optimizer state', () => {
    const r = kerasts('inspect', join(real, 'k1_lstm_tf_full.h5'));
    expect(r.code).toBe(0);
    expect(r.out).toContain('Keras 1.x (1.2.2)');
    expect(r.out).toMatch(/lstm_1 \(LSTM\)\s+\(None, 50\)\s+10400/);
    expect(r.out).toContain('optimizer RMSprop');
    expect(r.out).toMatch(/optimizer state: yes, \d+ arrays/);
  });
  itShared('--json gives the same facts for scripts, even for files kerasts cannot run', () => {
    const r = kerasts('inspect', join(real, 'k206_carnd_lambda_conv2d_full.h5'), '--json');
    expect(r.code).toBe(0);
    const j = JSON.parse(r.out) as { era: string; runnable: string; layers: { class_name: string }[] };
    expect(j.era).toContain('2.0.6');
    expect(j.runnable).toMatch(/^no: .*"Lambda"/);
    expect(j.layers.map((l) => l.class_name)).toContain('Conv2D');
    const cnn = JSON.parse(kerasts('inspect', join(real, 'tf224_mnist_cnn.h5'), '--json').out) as { era: string; runnable: string };
    expect(cnn.era).toContain('tf.keras inside TensorFlow');
    expect(cnn.runnable).toBe('yes');
  });
  it('bad input: not HDF5, missing file', () => {
    const d = tmp();
    writeFileSync(join(d, 'x.h5'), 'hello, not hdf5');
    const r = kerasts('inspect', join(d, 'x.h5'));
    expect(r.code).toBe(1);
    expect(r.err).toMatch(/x\.h5: this is unknown content: neither HDF5 nor a ZIP archive/);
    expect(kerasts('inspect', join(d, 'nope.h5')).code).toBe(1);
  });
});

describe('kerasts predict', () => {
  it('prints what Keras predicted for a Keras 3 file, from .json input', () => {
    const io = JSON.parse(readFileSync(join(h5dir, 'lstm_stacked2.io.json'), 'utf8')) as { input: Arr; output: Arr };
    const d = tmp();
    writeFileSync(join(d, 'x.json'), JSON.stringify(io.input));
    const r = kerasts('predict', join(h5dir, 'lstm_stacked2.h5'), '--input', join(d, 'x.json'));
    expect(r.code).toBe(0);
    const got = flat((JSON.parse(r.out) as { outputs: unknown[] }).outputs[0]);
    got.forEach((v, i) => expect(Math.abs(v - io.output.values[i]!)).toBeLessThanOrEqual(1e-5));
  });
  it('reads .npy inputs Keras wrote and writes --output; weights-only files take --arch', () => {
    const d = tmp();
    const arch = join(d, 'arch.json');
    expect(kerasts('convert', join(samples, 'm.h5'), arch).code).toBe(0);
    const out = join(d, 'y.json');
    const r = kerasts('predict', join(samples, 'w.weights.h5'), '--arch', arch, '--input', join(samples, 'x.npy'), '-o', out);
    // w.weights.h5 is Keras 3's native layout (the weights of m.h5 / m.keras); so is m.keras itself.
    expect(r.code, r.err).toBe(0);
    // pred.npy: what Keras 3.15.1 predicted for x.npy with this model
    const preds = Array.from(parseNpy(new Uint8Array(readFileSync(join(samples, 'pred.npy')))).data);
    for (const args of [[], ['m.h5'], ['m.keras']]) {
      if (args.length) expect(kerasts('predict', join(samples, args[0]!), '--input', join(samples, 'x.npy'), '-o', out, '--force').code).toBe(0);
      const values = JSON.parse(readFileSync(out, 'utf8')) as { outputs: unknown[] };
      const got = flat(values.outputs[0]);
      expect(got.length).toBe(32);
      expect(preds.length).toBe(32);
      got.forEach((v, i) => expect(Math.abs(v - preds[i]!)).toBeLessThanOrEqual(1e-5));
    }
  });
  it('wrong input shape is bad input with both shapes named', () => {
    const d = tmp();
    writeFileSync(join(d, 'x.json'), JSON.stringify([[[1, 2, 3]]]));
    const r = kerasts('predict', join(h5dir, 'seed_keras3.h5'), '--input', join(d, 'x.json'));
    expect(r.code).toBe(1);
    expect(r.err).toMatch(/expects \(None, 1, 8\), found \(1, 1, 3\)/);
  });
  it('missing --input is a usage error', () => {
    expect(kerasts('predict', join(h5dir, 'seed_keras3.h5')).code).toBe(2);
  });
});

describe('kerasts convert for HDF5', () => {
  itShared('upgrades a Keras 2.0.8 (Theano) LSTM with hard_sigmoid to a Keras 3 file that predicts the same', () => {
    const d = tmp();
    const full = join(d, 'k208.h5');
    expect(kerasts('convert', join(real, 'k208_stacked_lstm_th_weights.arch.json'), full, '--weights', join(real, 'k208_stacked_lstm_th_weights.h5')).code).toBe(0);
    // the converted file records Keras 3 numerics and rescaled gates; predictions are unchanged
    const exp = JSON.parse(readFileSync(join(sharedDir ?? '', 'real-keras-files', 'expected', 'k208_stacked_lstm_th_weights.json'), 'utf8')) as { input: unknown; output_keras2_hard_sigmoid: unknown };
    writeFileSync(join(d, 'x.json'), JSON.stringify(exp.input));
    const r = kerasts('predict', full, '--input', join(d, 'x.json'));
    expect(r.code).toBe(0);
    const got = flat((JSON.parse(r.out) as { outputs: unknown[] }).outputs[0]);
    const want = flat(exp.output_keras2_hard_sigmoid);
    got.forEach((v, i) => expect(Math.abs(v - want[i]!)).toBeLessThanOrEqual(1e-5));
    const info = JSON.parse(kerasts('inspect', full, '--json').out) as { keras_version: string };
    expect(info.keras_version.startsWith('3')).toBe(true);
  });
  it('h5 -> json + weights -> h5 round trip, refusing to overwrite without --force', () => {
    const d = tmp();
    const src = join(d, 'src.h5');
    copyFileSync(join(h5dir, 'lstm_stacked3_seq_named.h5'), src);
    expect(kerasts('convert', src, join(d, 'a.json'), '--weights', join(d, 'w.h5')).code).toBe(0);
    expect(existsSync(join(d, 'w.h5'))).toBe(true);
    expect(kerasts('convert', join(d, 'a.json'), join(d, 'b.h5'), '--weights', join(d, 'w.h5')).code).toBe(0);
    expect(kerasts('convert', join(d, 'a.json'), join(d, 'b.h5'), '--weights', join(d, 'w.h5')).code).toBe(2);
    const io = JSON.parse(readFileSync(join(h5dir, 'lstm_stacked3_seq_named.io.json'), 'utf8')) as { input: Arr; output: Arr };
    writeFileSync(join(d, 'x.json'), JSON.stringify(io.input));
    const got = flat((JSON.parse(kerasts('predict', join(d, 'b.h5'), '--input', join(d, 'x.json')).out) as { outputs: unknown[] }).outputs[0]);
    got.forEach((v, i) => expect(Math.abs(v - io.output.values[i]!)).toBeLessThanOrEqual(1e-5));
  });
});

// Every command on Keras 3's own formats (.keras, .weights.h5) and the one way in: formats detected by
// content, output written in the format its name asks for, wrong kinds named.
import { spawnSync } from 'node:child_process';
import { copyFileSync, readFileSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, describe, expect, it } from 'vitest';
import { detectFormat, loadModel, tensor } from 'kerasts';
import { removeTempDirs, tempDir } from '../../../tools/testing/tmp.js';

afterAll(removeTempDirs);

const here = dirname(fileURLToPath(import.meta.url));
const main = join(here, '..', 'dist', 'main.js');
const repo = join(here, '..', '..', '..');
const fx = join(repo, 'tools', 'oracle', 'fixtures', 'keras');
const keras208 = join(repo, 'apps', 'examples', 'models', 'keras-2.0.8-seed-model.h5');
const adam = join(fx, 'seq_lstm_adam.keras');

function kerasts(...args: string[]) {
  const r = spawnSync(process.execPath, [main, ...args], { encoding: 'utf8' });
  return { code: r.status, out: r.stdout, err: r.stderr };
}
const tmp = () => tempDir('kerasts-cli-keras-');
const bytes = (p: string) => new Uint8Array(readFileSync(p));
const x = tensor(Float32Array.from({ length: 4 * 15 }, (_, i) => Math.sin(i * 0.7)), [4, 3, 5]);

async function samePredictions(a: string, b: string, input = x): Promise<number> {
  const ya = (await loadModel(a)).predict(input).data;
  const yb = (await loadModel(b)).predict(input).data;
  return ya.reduce((m, v, i) => Math.max(m, Math.abs(v - yb[i]!)), 0);
}

// Each test runs the CLI several times as subprocesses: on a loaded machine that takes minutes.
const SLOW = { timeout: 300_000 };

describe('the misleading messages are gone', SLOW, () => {
  it('summary x.keras prints the summary (it said "invalid YAML ... null byte")', () => {
    const r = kerasts('summary', adam);
    expect(r.code, r.err).toBe(0);
    expect(r.out).toMatch(/lstm \(LSTM\)\s+│?\s*\(None, 4\)/);
  });
  it('convert model.h5 out.keras writes a .keras archive (it wrote JSON)', async () => {
    const d = tmp();
    const h5 = join(d, 'm.h5');
    expect(kerasts('convert', adam, h5).code).toBe(0);
    const k = join(d, 'out.keras');
    const r = kerasts('convert', h5, k);
    expect(r.code, r.err).toBe(0);
    expect(r.err).toMatch(/wrote .*out\.keras \(Keras 3 \.keras archive/);
    expect((await detectFormat(bytes(k))).format).toBe('keras');
    expect(await samePredictions(adam, k)).toBe(0);
  });
  it('a file of the wrong kind says what it is', () => {
    const r = kerasts('summary', join(fx, 'seq_lstm_adam.weights.h5'));
    expect(r.code).toBe(1);
    expect(r.err).toMatch(/this is a Keras 3 \.weights\.h5 \(native weights layout, no architecture\), not a model/);
    const d = tmp();
    writeFileSync(join(d, 'arch.json'), '{"class_name": "Sequential", "config": []}');
    const r2 = kerasts('weights', join(d, 'arch.json'));
    expect(r2.code).toBe(1);
    expect(r2.err).toMatch(/this is a Keras architecture JSON, not a file with weights/);
  });
  it('a misnamed file is read as what it is (a .keras called .json)', () => {
    const d = tmp();
    const p = join(d, 'model.json');
    copyFileSync(adam, p);
    const r = kerasts('summary', p);
    expect(r.code, r.err).toBe(0);
    expect(r.out).toContain('LSTM');
  });
});

describe('convert: any format to any format, by the output name', SLOW, () => {
  it('.keras -> .h5 -> .keras, .keras -> arch.json + w.weights.h5 -> .keras, -> .weights.h5', async () => {
    const d = tmp();
    const steps: [string[], string][] = [
      [[adam, join(d, 'a.h5')], 'h5-model'],
      [[join(d, 'a.h5'), join(d, 'b.keras')], 'keras'],
      [[adam, join(d, 'arch.json'), '--weights', join(d, 'w.weights.h5')], 'json'],
      [[join(d, 'arch.json'), join(d, 'c.keras'), '--weights', join(d, 'w.weights.h5')], 'keras'],
      [[adam, join(d, 'arch.yaml'), '--weights', join(d, 'w.h5')], 'yaml'],
      [[join(d, 'arch.yaml'), join(d, 'd.keras'), '--weights', join(d, 'w.h5')], 'keras'],
      [[adam, join(d, 'only.weights.h5')], 'weights-h5'],
    ];
    for (const [args, format] of steps) {
      const r = kerasts('convert', ...args);
      expect(r.code, `${args.join(' ')}: ${r.err}`).toBe(0);
      expect((await detectFormat(bytes(args[1]!))).format, args.join(' ')).toBe(format);
    }
    expect((await detectFormat(bytes(join(d, 'w.weights.h5')))).format).toBe('weights-h5');
    expect((await detectFormat(bytes(join(d, 'w.h5')))).format).toBe('h5-weights');
    for (const f of ['b.keras', 'c.keras', 'd.keras']) expect(await samePredictions(adam, join(d, f))).toBe(0);
    // The compiled state goes along where the format holds it.
    expect((await loadModel(join(d, 'b.keras'))).isCompiled).toBe(true);
    const bad = kerasts('convert', adam, join(d, 'x.bin'));
    expect(bad.code).toBe(2);
    expect(bad.err).toMatch(/name it \.keras, \.h5, \.weights\.h5, \.json, \.yaml or \.onnx/);
  });
  it('a Keras 2.0.8 .h5 with hard_sigmoid becomes a .keras that computes what Keras 2.0.8 computed', async () => {
    const d = tmp();
    const out = join(d, 'upgraded.keras');
    const r = kerasts('convert', keras208, out);
    expect(r.code, r.err).toBe(0);
    expect(r.err).toMatch(/note: lstm_1 \(LSTM\): i, f, o gate columns .* × 1\.2/);
    const x8 = tensor(Float32Array.from({ length: 3 * 8 }, (_, i) => Math.cos(i)), [3, 1, 8]);
    expect(await samePredictions(keras208, out, x8)).toBeLessThanOrEqual(1e-6);
  });
});

describe('inspect, weights, predict, train and transfer on .keras and .weights.h5', SLOW, () => {
  it('inspect describes a .keras and a .weights.h5', () => {
    const r = kerasts('inspect', adam);
    expect(r.code, r.err).toBe(0);
    expect(r.out).toContain('Keras 3 .keras archive (metadata.json, config.json, model.weights.h5)');
    expect(r.out).toMatch(/keras_version:\s+3\.15\.1/);
    expect(r.out).toMatch(/compile config: optimizer Adam, loss "mse"/);
    expect(r.out).toMatch(/optimizer state: yes, 12 arrays, 8 iterations/);
    const w = kerasts('inspect', join(fx, 'seq_lstm_adam.weights.h5'), '--json');
    expect(w.code, w.err).toBe(0);
    const j = JSON.parse(w.out) as { format: string; layers: { name: string; weights: { name: string }[] }[] };
    expect(j.format).toBe('Keras 3 .weights.h5');
    expect(j.layers.map((l) => l.name)).toEqual(['dense', 'lstm']);
    expect(j.layers[1]!.weights.map((x) => x.name)).toEqual(['cell/vars/0', 'cell/vars/1', 'cell/vars/2']);
  });
  it('weights lists and compares across formats', () => {
    const d = tmp();
    expect(kerasts('convert', adam, join(d, 'a.h5')).code).toBe(0);
    const r = kerasts('weights', adam, join(fx, 'seq_lstm_adam.weights.h5'), '--json');
    expect(r.code, r.err).toBe(0);
    const rows = (JSON.parse(r.out) as { weights: { status: string }[] }).weights;
    expect(rows.length).toBe(5);
    expect(rows.every((w) => w.status === 'same')).toBe(true);
  });
  it('predict takes a .weights.h5 with --arch given as a .keras', () => {
    const d = tmp();
    writeFileSync(join(d, 'x.json'), JSON.stringify(x.toArray()));
    const a = kerasts('predict', join(fx, 'seq_lstm_adam.weights.h5'), '--arch', adam, '--input', join(d, 'x.json'));
    const b = kerasts('predict', adam, '--input', join(d, 'x.json'));
    expect(a.code, a.err).toBe(0);
    expect(a.out).toBe(b.out);
  });
  it('train resumes a .keras from its optimizer state and writes a .keras', async () => {
    const d = tmp();
    const c = JSON.parse(readFileSync(join(fx, 'seq_lstm_adam.json'), 'utf8')) as { train: { x: { shape: number[]; values: number[] }[]; y: { shape: number[]; values: number[] } } };
    const nest = (t: { shape: number[]; values: number[] }) => tensor(Float32Array.from(t.values), t.shape).toArray();
    writeFileSync(join(d, 'x.json'), JSON.stringify(nest(c.train.x[0]!)));
    writeFileSync(join(d, 'y.json'), JSON.stringify(nest(c.train.y)));
    const out = join(d, 'trained.keras');
    const r = kerasts('train', adam, '-x', join(d, 'x.json'), '-y', join(d, 'y.json'), '--epochs', '1', '--batch-size', '4', '--no-shuffle', '--json', '-o', out);
    expect(r.code, r.err).toBe(0);
    const m = await loadModel(out);
    expect(m.getOptimizerWeights()[0]!.data[0]).toBe(8 + 4);
  });
  it('transfer moves weights by name from a .weights.h5 into an architecture and writes a .keras', async () => {
    const d = tmp();
    const arch = join(d, 'arch.json');
    expect(kerasts('convert', adam, arch).code).toBe(0);
    const out = join(d, 'moved.keras');
    const r = kerasts('transfer', join(fx, 'seq_lstm_adam.weights.h5'), arch, out);
    expect(r.code, r.err).toBe(0);
    expect(r.out).toMatch(/loaded\s+lstm: kernel \[5, 16\], recurrent_kernel \[4, 16\], bias \[16\]/);
    expect(await samePredictions(adam, out)).toBe(0);
  });
});

// The CLI as a user runs it: a subprocess on real files, checking output and exit codes.
import { spawnSync } from 'node:child_process';
import { readFileSync, writeFileSync, existsSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, describe, expect, it } from 'vitest';

const here = dirname(fileURLToPath(import.meta.url));
const main = join(here, '..', 'dist', 'main.js');
import { seedPath as seed } from '../../../tools/testing/shared.js';
import { removeTempDirs, tempDir } from '../../../tools/testing/tmp.js';

afterAll(removeTempDirs);

function kerasts(...args: string[]) {
  const r = spawnSync(process.execPath, [main, ...args], { encoding: 'utf8' });
  return { code: r.status, out: r.stdout, err: r.stderr };
}

describe('kerasts validate', () => {
  it('accepts the seed model and prints its summary', () => {
    const r = kerasts('validate', seed);
    expect(r.code).toBe(0);
    expect(r.out).toContain('valid keras-2.0 architecture, Keras 2.0.8');
    expect(r.out).toContain('Total params: 213');
  });
  it('lists every problem and exits 1', () => {
    const dir = tempDir('kerasts-');
    const bad = JSON.parse(readFileSync(seed, 'utf8'));
    bad.config[0].config.units = 'four';
    bad.config[1].config.use_bias = 'yes';
    const f = join(dir, 'bad.json');
    writeFileSync(f, JSON.stringify(bad));
    const r = kerasts('validate', f);
    expect(r.code).toBe(1);
    expect(r.err).toContain('config[0].config.units');
    expect(r.err).toContain('config[1].config.use_bias');
  });
  it('a missing file is bad input (1), a missing argument is usage (2)', () => {
    expect(kerasts('validate', '/nonexistent.json').code).toBe(1);
    expect(kerasts('validate').code).toBe(2);
    expect(kerasts('frobnicate').code).toBe(2);
  });
  it('an unknown layer class is named (validate lists them all: hints-validate-inspect.test.ts)', () => {
    const dir = tempDir('kerasts-');
    const bad = JSON.parse(readFileSync(seed, 'utf8'));
    bad.config[1].class_name = 'Conv9D';
    const f = join(dir, 'u.json');
    writeFileSync(f, JSON.stringify(bad));
    const r = kerasts('validate', f);
    expect(r.code).toBe(1);
    expect(r.err).toMatch(/invalid Keras architecture \(1 problem\):\n  - config\[1\] \(Conv9D "dense_1"\): unsupported layer class "Conv9D"/);
  });
});

describe('kerasts convert', () => {
  it('JSON -> YAML -> JSON gives the seed back in the keras-2.0 dialect', () => {
    const dir = tempDir('kerasts-');
    const y = join(dir, 'm.yaml');
    expect(kerasts('convert', seed, '--to', 'yaml', '--dialect', 'keras-2.0', '-o', y).code).toBe(0);
    expect(readFileSync(y, 'utf8')).toContain('batch_input_shape: !!python/tuple');
    const r = kerasts('convert', y, '--to', 'json', '--dialect', 'keras-2.0');
    expect(r.code).toBe(0);
    expect(JSON.parse(r.out)).toEqual(JSON.parse(readFileSync(seed, 'utf8')));
  });
  it('refuses to overwrite without --force, and refuses a silent numerics change', () => {
    const dir = tempDir('kerasts-');
    const o = join(dir, 'o.json');
    writeFileSync(o, 'keep me');
    expect(kerasts('convert', seed, '-o', o).code).toBe(2);
    expect(readFileSync(o, 'utf8')).toBe('keep me');
    expect(kerasts('convert', seed, '-o', o, '--force').code).toBe(0);
    const r = kerasts('convert', seed, '--dialect', 'keras-3');
    expect(r.code).toBe(1);
    expect(r.err).toMatch(/hard_sigmoid/);
    expect(existsSync(o)).toBe(true);
  });
  it('exports a Keras 2.0.8 .h5 to ONNX that ONNX Runtime runs as kerasts predicts (Keras 2 hard_sigmoid kept)', async () => {
    const dir = tempDir('kerasts-');
    const h5 = join(here, '..', '..', 'examples', 'models', 'keras-2.0.8-seed-model.h5');
    const o = join(dir, 'seed.onnx');
    const r = kerasts('convert', h5, o);
    expect(r.code, r.err).toBe(0);
    expect(r.err).toMatch(/wrote .*seed\.onnx \(ONNX opset 17, Keras 2\.0\.8 numerics/);
    const { loadModel, tensor } = await import('kerasts');
    const model = await loadModel(h5);
    const x = tensor(Float32Array.from({ length: 5 * 8 }, (_, i) => 3 * Math.sin(i)), [5, 1, 8]);
    const ort = (await import('onnxruntime-node')).default;
    const session = await ort.InferenceSession.create(readFileSync(o));
    const out = await session.run({ [session.inputNames[0]!]: new ort.Tensor('float32', Float32Array.from(x.data), [5, 1, 8]) });
    const got = out[session.outputNames[0]!]!.data as Float32Array;
    const want = model.predict(x).data;
    expect(Math.max(...Array.from(got, (v, i) => Math.abs(v - want[i]!)))).toBeLessThanOrEqual(1e-5);
    expect(kerasts('convert', h5, o).code).toBe(2); // exists, no --force
  });
  it('--help shows an example', () => {
    const r = kerasts('convert', '--help');
    expect(r.code).toBe(0);
    expect(r.out).toContain('Example');
  });
});

// The CLI as it is started for real (bin links, the repository's pnpm script) and the data files it
// reads and writes: `file.npz:name` everywhere, several outputs to .npz / .json, relative paths.
import { spawnSync } from 'node:child_process';
import { copyFileSync, mkdirSync, readFileSync, symlinkSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, describe, expect, it } from 'vitest';
import { modelToH5Bytes } from '@kerasts/io-hdf5';
import { modelFromJSON } from '@kerasts/io-json';
import { readNpz, writeNpz } from '@kerasts/io-npy';
import { Tensor } from '@kerasts/tensor';
import { callerDirectory } from '../src/main.js';
import { removeTempDirs, tempDir } from '../../../tools/testing/tmp.js';

afterAll(removeTempDirs);

const here = dirname(fileURLToPath(import.meta.url));
const dist = join(here, '..', 'dist');
const repo = join(here, '..', '..', '..');
const h5dir = join(repo, 'tools', 'oracle', 'fixtures', 'h5');
const fx = join(here, 'fixtures');
const tmp = () => tempDir('kerasts-paths-');

function node(entry: string, args: string[], options: { cwd?: string; env?: NodeJS.ProcessEnv } = {}) {
  const r = spawnSync(process.execPath, [entry, ...args], { encoding: 'utf8', cwd: options.cwd, env: options.env ?? process.env });
  return { code: r.status, out: r.stdout, err: r.stderr };
}
const kerasts = (args: string[], cwd?: string) => node(join(dist, 'main.js'), args, cwd ? { cwd } : {});

interface Case { model_json: unknown; weights: { shape: number[]; values: number[] }[]; inputs: { shape: number[]; values: number[] }[]; outputs: { shape: number[]; values: number[] }[] }
const fixture = (name: string) => JSON.parse(readFileSync(join(repo, 'tools', 'oracle', 'fixtures', 'functional', `${name}.json`), 'utf8')) as Case;

/** A Keras functional fixture as a full-model .h5 with Keras' weights, and its inputs as a .npz. */
async function functionalCase(dir: string, name: string): Promise<{ model: string; data: string; c: Case }> {
  const c = fixture(name);
  const model = modelFromJSON(JSON.stringify(c.model_json));
  model.setWeights(c.weights.map((w) => new Tensor(Float32Array.from(w.values), w.shape)));
  writeFileSync(join(dir, 'model.h5'), await modelToH5Bytes(model));
  const names = model.inputNames;
  writeFileSync(join(dir, 'data.npz'), writeNpz(new Map(c.inputs.map((x, i) => [names[i]!, new Tensor(Float32Array.from(x.values), x.shape)]))));
  return { model: join(dir, 'model.h5'), data: join(dir, 'data.npz'), c };
}

const close = (got: ArrayLike<number>, want: readonly number[]) => {
  expect(got.length).toBe(want.length);
  Array.from(got).forEach((v, i) => expect(Math.abs(v - want[i]!)).toBeLessThanOrEqual(1e-5));
};

describe('predict reads file.npz:name and writes every output', () => {
  it('takes -i data.npz:x (the path is checked after :x is split off)', () => {
    const r = kerasts(['predict', join(h5dir, 'seed_keras3.h5'), '-i', `${join(fx, 'data.npz')}:x`]);
    expect(r.code, r.err).toBe(0);
    expect((JSON.parse(r.out) as { outputs: number[][][] }).outputs[0]!.length).toBe(6);
    const missing = kerasts(['predict', join(h5dir, 'seed_keras3.h5'), '-i', '/nowhere/data.npz:x']);
    expect(missing.code).toBe(1);
    expect(missing.err).toContain('/nowhere/data.npz: no such input file; check the path (the array name ":x" was split off)');
    const wrongName = kerasts(['predict', join(h5dir, 'seed_keras3.h5'), '-i', `${join(fx, 'data.npz')}:z`]);
    expect(wrongName.err).toMatch(/no array "z" in the .npz \(it has: x, y\)/);
  });
  it('two inputs from one .npz; two outputs to .npz by output name, or .json; .npy is a usage error', async () => {
    const d = tmp();
    const two = await functionalCase(d, 'two_inputs_concat');
    const r = kerasts(['predict', two.model, '-i', `${two.data}:${'a'}`, '-i', `${two.data}:b`]);
    expect(r.code, r.err).toBe(0);
    close((JSON.parse(r.out) as { outputs: number[][][] }).outputs[0]!.flat(), two.c.outputs[0]!.values);

    const d2 = tmp();
    const heads = await functionalCase(d2, 'two_outputs');
    const npz = join(d2, 'y.npz');
    const w = kerasts(['predict', heads.model, '-i', `${heads.data}:x`, '-o', npz]);
    expect(w.code, w.err).toBe(0);
    expect(w.err).toContain('wrote');
    const arrays = readNpz(new Uint8Array(readFileSync(npz)));
    expect([...arrays.keys()]).toEqual(['head_a', 'head_b']);
    close(arrays.get('head_a')!.data as Float32Array, heads.c.outputs[0]!.values);
    close(arrays.get('head_b')!.data as Float32Array, heads.c.outputs[1]!.values);

    const json = join(d2, 'y.json');
    expect(kerasts(['predict', heads.model, '-i', `${heads.data}:x`, '-o', json]).code).toBe(0);
    const j = JSON.parse(readFileSync(json, 'utf8')) as { outputs: number[][][]; output_names: string[] };
    expect(j.output_names).toEqual(['head_a', 'head_b']);
    close(j.outputs[1]!.flat(), heads.c.outputs[1]!.values);

    const npy = kerasts(['predict', heads.model, '-i', `${heads.data}:x`, '-o', join(d2, 'y.npy')]);
    expect(npy.code).toBe(2);
    expect(npy.err).toContain('the model has 2 outputs (head_a, head_b) and a .npy file holds one array: write a .npz (one array per output name) or a .json');
  });
});

describe('the command however it is started', () => {
  it('through a bin link (as npm installs it), --help prints the help', () => {
    const d = tmp();
    mkdirSync(join(d, 'bin'));
    for (const f of ['bin.js', 'main.js']) symlinkSync(join(dist, f), join(d, 'bin', `kerasts-${f}`));
    for (const f of ['bin.js', 'main.js']) {
      const r = node(join(d, 'bin', `kerasts-${f}`), ['--help'], { cwd: d });
      expect(r.code, f).toBe(0);
      expect(r.out, f).toContain('Usage: kerasts');
    }
  });
  it('relative paths are the caller\'s: its own folder, or INIT_CWD under the repository\'s pnpm script', () => {
    const d = tmp();
    copyFileSync(join(h5dir, 'seed_keras3.h5'), join(d, 'm.h5'));
    writeFileSync(join(d, 'x.npz'), writeNpz({ x: new Tensor(new Float32Array(16), [2, 1, 8]) }));
    const direct = kerasts(['predict', 'm.h5', '-i', 'x.npz:x', '-o', 'y.npy'], d);
    expect(direct.code, direct.err).toBe(0);
    expect(readFileSync(join(d, 'y.npy')).length).toBeGreaterThan(64);
    // What `pnpm kerasts ...` does: runs in the repository root with INIT_CWD = the user's folder.
    const env = { ...process.env, npm_lifecycle_event: 'kerasts', INIT_CWD: d };
    const viaScript = node(join(dist, 'bin.js'), ['inspect', 'm.h5'], { cwd: repo, env });
    expect(viaScript.code, viaScript.err).toBe(0);
    expect(viaScript.out).toContain('m.h5: Keras full model file');
    expect(callerDirectory({ INIT_CWD: '/elsewhere' }, '/here')).toBe('/here'); // INIT_CWD inherited from another script is not ours
  });
  it('`pnpm kerasts` from a subfolder reads files there', () => {
    const d = tmp();
    copyFileSync(join(h5dir, 'seed_keras3.h5'), join(d, 'm.h5'));
    const r = spawnSync('pnpm', ['--silent', '--dir', repo, 'kerasts', 'inspect', 'm.h5'], { cwd: d, encoding: 'utf8' });
    expect(r.status, r.stderr).toBe(0);
    expect(r.stdout).toContain('m.h5: Keras full model file');
  });
});

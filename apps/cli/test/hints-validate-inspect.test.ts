// Messages that point somewhere must point at something that exists; validate lists every problem;
// inspect gives every layer's output shape.
import { spawnSync } from 'node:child_process';
import { readdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, describe, expect, it } from 'vitest';
import { modelToH5Bytes } from '@kerasts/io-hdf5';
import { modelFromJSON } from '@kerasts/io-json';
import { buildProgram } from '../src/main.js';
import { removeTempDirs, tempDir } from '../../../tools/testing/tmp.js';

afterAll(removeTempDirs);

const here = dirname(fileURLToPath(import.meta.url));
const repo = join(here, '..', '..', '..');
const h5dir = join(repo, 'tools', 'oracle', 'fixtures', 'h5');
const tmp = () => tempDir('kerasts-hints-');
function kerasts(...args: string[]) {
  const r = spawnSync(process.execPath, [join(here, '..', 'dist', 'main.js'), ...args], { encoding: 'utf8' });
  return { code: r.status, out: r.stdout, err: r.stderr };
}

function sources(dir: string): string[] {
  return readdirSync(dir).flatMap((f) => {
    const p = join(dir, f);
    if (statSync(p).isDirectory()) return f === 'node_modules' || f === 'dist' ? [] : sources(p);
    return /\.ts$/.test(f) && !f.endsWith('.d.ts') ? [p] : [];
  });
}

describe('hints name commands and options that exist', () => {
  const program = buildProgram(() => {}, () => {});
  const options = new Map(program.commands.map((c) => [c.name(), new Set(['--help', ...c.options.map((o) => o.long!)])]));
  const global = new Set(['--help', ...program.options.map((o) => o.long!)]);
  const files = [...sources(join(repo, 'apps', 'cli', 'src')), ...readdirSync(join(repo, 'packages')).flatMap((p) => sources(join(repo, 'packages', p, 'src')))];
  it('every "kerasts <command> … --option" in the sources (CLI and packages)', () => {
    let checked = 0;
    for (const f of files) {
      const text = readFileSync(f, 'utf8');
      for (const m of text.matchAll(/kerasts ([a-z]+)\b([^'"`\n)]*)/g)) {
        const cmd = m[1]!;
        if (!options.has(cmd)) continue; // prose such as "kerasts tests"
        for (const o of m[2]!.matchAll(/--[a-z][a-z0-9-]*/g)) {
          expect(options.get(cmd)!.has(o[0]) || global.has(o[0]), `${f}: "kerasts ${cmd} … ${o[0]}"`).toBe(true);
          checked++;
        }
      }
    }
    expect(checked).toBeGreaterThan(5);
  });
  it('every --option the CLI sources mention belongs to some command', () => {
    const all = new Set([...global, ...[...options.values()].flatMap((s) => [...s])]);
    for (const f of sources(join(repo, 'apps', 'cli', 'src'))) {
      for (const o of readFileSync(f, 'utf8').matchAll(/(?<![\w-])--[a-z][a-z0-9-]*/g)) expect(all.has(o[0]), `${f}: ${o[0]}`).toBe(true);
    }
  });
  it('a weights-only file: summary and predict say --arch (which they take), train says convert', () => {
    const w = join(h5dir, 'seed_keras3.legacy_weights.h5');
    const s = kerasts('summary', w);
    expect(s.code).toBe(1);
    expect(s.err).toContain(`give its architecture: kerasts summary ${w} --arch arch.json`);
    const d = tmp();
    const arch = join(d, 'arch.json');
    expect(kerasts('convert', join(h5dir, 'seed_keras3.h5'), arch).code).toBe(0);
    const ok = kerasts('summary', w, '--arch', arch);
    expect(ok.code, ok.err).toBe(0);
    expect(ok.out).toContain(' Total params: 213 (852.00 B)');
    expect(kerasts('train', w, '-x', 'x.npy', '-y', 'y.npy', '-o', join(d, 'o.h5')).err).toContain('kerasts convert arch.json model.h5 --weights');
  });
  it('a shape mismatch in transfer mentions --skip-mismatch, which then works', () => {
    const c = JSON.parse(readFileSync(join(h5dir, 'by_name_target_skip_mismatch.io.json'), 'utf8')) as { model_json: unknown };
    const d = tmp();
    writeFileSync(join(d, 't.json'), JSON.stringify(c.model_json));
    const r = kerasts('transfer', join(h5dir, 'by_name_source.h5'), join(d, 't.json'), join(d, 'o.h5'));
    expect(r.code).toBe(1);
    expect(r.err).toMatch(/does not fit weight "kernel" of layer "dense_old".*pass --skip-mismatch to skip the weights whose shape differs/);
    const ok = kerasts('transfer', join(h5dir, 'by_name_source.h5'), join(d, 't.json'), join(d, 'o.h5'), '--skip-mismatch');
    expect(ok.code, ok.err).toBe(0);
  });
});

describe('validate lists every problem', () => {
  const seed = JSON.parse(readFileSync(join(repo, 'tools', 'oracle', 'fixtures', 'seed', 'keras-2.0.8-seed-model.json'), 'utf8')) as { config: { class_name: string; config: Record<string, unknown> }[] };
  const write = (cfg: unknown) => {
    const f = join(tmp(), 'arch.json');
    writeFileSync(f, JSON.stringify(cfg));
    return f;
  };
  it('every unsupported layer class, and schema errors next to them', () => {
    const bad = structuredClone(seed);
    bad.config[0]!.class_name = 'Conv9D';
    bad.config[1]!.class_name = 'Frobnicate';
    const r = kerasts('validate', write(bad));
    expect(r.code).toBe(1);
    expect(r.err).toContain('invalid Keras architecture (2 problems)');
    expect(r.err).toMatch(/config\[0\] \(Conv9D "lstm_1"\): unsupported layer class "Conv9D"/);
    expect(r.err).toMatch(/config\[1\] \(Frobnicate "dense_1"\): unsupported layer class "Frobnicate"/);
    const mixed = structuredClone(seed);
    mixed.config[0]!.config.units = 'four';
    mixed.config[1]!.class_name = 'Frobnicate';
    const m = JSON.parse(kerasts('validate', write(mixed), '--json').out) as { valid: boolean; issues: { path: string }[] };
    expect(m.valid).toBe(false);
    expect(m.issues.map((i) => i.path)).toEqual(['config[0].config.units', 'config[1]']);
  });
  it('every layer whose config kerasts cannot use', () => {
    const bad = structuredClone(seed);
    bad.config[0]!.config.activation = 'nonexistent_act';
    bad.config[1]!.config.activation = 'also_bad';
    const r = kerasts('validate', write(bad));
    expect(r.err).toContain('(2 problems)');
    expect(r.err).toMatch(/layers\[0\] \(LSTM "lstm_1"\): unknown activation 'nonexistent_act'/);
    expect(r.err).toMatch(/layers\[1\] \(Dense "dense_1"\): unknown activation 'also_bad'/);
  });
});

describe('inspect gives every layer its output shape', () => {
  it('merge layers too (a Concatenate was blank)', async () => {
    const c = JSON.parse(readFileSync(join(repo, 'tools', 'oracle', 'fixtures', 'functional', 'two_inputs_concat.json'), 'utf8')) as { model_json: unknown };
    const d = tmp();
    writeFileSync(join(d, 'm.h5'), await modelToH5Bytes(modelFromJSON(JSON.stringify(c.model_json))));
    const j = JSON.parse(kerasts('inspect', join(d, 'm.h5'), '--json').out) as { layers: { name: string; output_shape: string | null }[] };
    expect(j.layers.map((l) => [l.name, l.output_shape])).toEqual([
      ['a', '(None, 3)'],
      ['b', '(None, 2)'],
      ['cat', '(None, 5)'],
      ['d', '(None, 4)'],
    ]);
    expect(kerasts('inspect', join(d, 'm.h5')).out).toMatch(/cat \(Concatenate\)\s+\(None, 5\)/);
  });
});

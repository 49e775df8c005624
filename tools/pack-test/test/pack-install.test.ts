// The packages as a user gets them: `pnpm pack` every published package, install the tarballs into a
// fresh npm project in a temporary folder (a CommonJS project, npm's default), and use them from
// there — ESM import, CommonJS require (Node ≥ 20.19 requires ES modules), a strict TypeScript
// compile of the README's snippet, running it, and the `kerasts` command through npx from the
// user's own folder. Needs the packages built (`pnpm build`) and the npm registry for the
// third-party dependencies (fflate, h5wasm, ajv, js-yaml, commander, ...; npm's cache is preferred).
import { execFileSync, spawnSync } from 'node:child_process';
import { copyFileSync, existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { readmeSnippets } from '../snippets.js';

const repo = join(dirname(fileURLToPath(import.meta.url)), '..', '..', '..');
const fixtures = join(repo, 'tools', 'oracle', 'fixtures');
const TIMEOUT = 15 * 60_000;

interface Pkg { dir: string; name: string; json: Record<string, unknown> }
/** Every package the repository publishes: packages/* and the CLI, less private ones. */
function publishedPackages(): Pkg[] {
  const dirs = [...readdirSync(join(repo, 'packages')).map((d) => join(repo, 'packages', d)), join(repo, 'apps', 'cli')];
  return dirs
    .filter((d) => existsSync(join(d, 'package.json')))
    .map((dir) => {
      const json = JSON.parse(readFileSync(join(dir, 'package.json'), 'utf8')) as Record<string, unknown>;
      return { dir, name: json.name as string, json };
    })
    .filter((p) => p.json.private !== true);
}

function run(cmd: string, args: string[], cwd: string, env: NodeJS.ProcessEnv = {}) {
  const r = spawnSync(cmd, args, { cwd, encoding: 'utf8', env: { ...process.env, ...env }, timeout: TIMEOUT });
  return { code: r.status, out: r.stdout ?? '', err: r.stderr ?? '' };
}

let work = '';
let project = '';
const tarballs: string[] = [];
const packages = publishedPackages();

beforeAll(() => {
  work = mkdtempSync(join(tmpdir(), 'kerasts-pack-'));
  const dest = join(work, 'tarballs');
  mkdirSync(dest);
  for (const p of packages) {
    const out = execFileSync('pnpm', ['pack', '--pack-destination', dest], { cwd: p.dir, encoding: 'utf8' });
    const file = out.trim().split('\n').filter((l) => l.endsWith('.tgz')).pop()!;
    tarballs.push(file.startsWith('/') ? file : join(dest, file));
  }
  project = join(work, 'my-project');
  mkdirSync(project);
  // What `npm init -y` writes: no "type", so .js files are CommonJS.
  writeFileSync(join(project, 'package.json'), JSON.stringify({ name: 'my-project', version: '1.0.0', private: true }, null, 2));
  const install = run('npm', ['install', '--prefer-offline', '--no-audit', '--no-fund', '--loglevel=error', ...tarballs, 'typescript@5.9.3', '@types/node@^20.19.0'], project);
  if (install.code !== 0) throw new Error(`npm install of the packed tarballs failed:\n${install.err}`);
}, TIMEOUT);

afterAll(() => {
  if (work) rmSync(work, { recursive: true, force: true });
});

describe('every package packs as a publishable package', () => {
  it('covers the packages users import and the CLI', () => {
    expect(packages.map((p) => p.name).sort()).toEqual(expect.arrayContaining(['kerasts', '@kerasts/tensor', '@kerasts/layers', '@kerasts/model', '@kerasts/io-npy', '@kerasts/cli']));
  });
  for (const p of packages) {
    it(`${p.name}: files, exports (with a default condition, for require), types, sideEffects, license, README, LICENSE`, () => {
      const tgz = tarballs[packages.indexOf(p)]!;
      const list = execFileSync('tar', ['-tzf', tgz], { encoding: 'utf8' }).split('\n');
      const json = JSON.parse(execFileSync('tar', ['-xzOf', tgz, 'package/package.json'], { encoding: 'utf8' })) as Record<string, unknown>;
      for (const f of ['package/package.json', 'package/README.md', 'package/LICENSE']) expect(list, `${p.name} ${f}`).toContain(f);
      expect(json.license).toBe('MIT');
      expect(Array.isArray(json.files)).toBe(true);
      expect(json.types).toMatch(/\.d\.ts$/);
      expect(typeof json.sideEffects === 'boolean' || Array.isArray(json.sideEffects), `${p.name} sideEffects`).toBe(true);
      expect(JSON.stringify(json), `${p.name} has workspace: ranges`).not.toContain('workspace:');
      if (json.bin === undefined) {
        const dot = (json.exports as Record<string, Record<string, string>>)['.']!;
        expect(dot.types).toMatch(/\.d\.ts$/);
        expect(dot.default ?? dot.node, `${p.name} needs a "default" (or "node") condition so that require() finds it`).toBeDefined();
        expect(list).toContain(`package/${String(dot.default ?? dot.node).replace(/^\.\//, '')}`);
      }
      expect(list.some((f) => f.startsWith('package/test/')), `${p.name} ships its tests`).toBe(false);
    });
  }
});

describe('used from a fresh npm project', () => {
  const readme = readmeSnippets(join(repo, 'README.md')).filter((s) => !s.fragment);
  const main = readme.find((s) => s.code.includes("from 'kerasts'"))!;

  it('ESM: import from every package', () => {
    const imports = packages.filter((p) => p.json.bin === undefined).map((p, i) => `import * as m${i} from '${p.name}';`);
    writeFileSync(join(project, 'esm.mjs'), `${imports.join('\n')}\nconsole.log([${imports.map((_, i) => `Object.keys(m${i}).length`).join(', ')}].every((n) => n > 0) ? 'ok' : 'empty');\n`);
    const r = run(process.execPath, ['esm.mjs'], project);
    expect(r.err).toBe('');
    expect(r.out.trim()).toBe('ok');
  });

  it('CommonJS: require() of the ES modules (Node >= 20.19)', () => {
    writeFileSync(
      join(project, 'cjs.cjs'),
      [
        "const { Sequential, Dense, InputLayer, tensor } = require('kerasts');",
        "const { readNpy, writeNpy } = require('@kerasts/io-npy');",
        'const model = new Sequential([new InputLayer({ shape: [3] }), new Dense(2)]);',
        'const y = model.predict(tensor([[1, 2, 3]]));',
        'console.log(JSON.stringify(y.shape), readNpy(writeNpy(y)).shape.join("x"));',
      ].join('\n'),
    );
    const r = run(process.execPath, ['--no-warnings', 'cjs.cjs'], project);
    expect(r.err).toBe('');
    expect(r.out.trim()).toBe('[1,2] 1x2');
  });

  it("TypeScript strict (skipLibCheck off) compiles the README's snippet, as .mts in a CommonJS project and through require in .cts", () => {
    writeFileSync(
      join(project, 'tsconfig.json'),
      JSON.stringify({ compilerOptions: { strict: true, target: 'ES2022', module: 'nodenext', moduleResolution: 'nodenext', noEmit: false, outDir: 'out', skipLibCheck: false, types: ['node'] }, include: ['*.mts', '*.cts'] }, null, 2),
    );
    writeFileSync(join(project, 'readme.mts'), main.code);
    writeFileSync(join(project, 'require.cts'), "import { Sequential, Dense, InputLayer } from 'kerasts';\nconst m = new Sequential([new InputLayer({ shape: [2] }), new Dense(1)]);\nconsole.log(m.countParams());\n");
    const r = run(process.execPath, [join(project, 'node_modules', 'typescript', 'bin', 'tsc'), '-p', '.'], project);
    expect(r.out + r.err).toBe('');
    expect(existsSync(join(project, 'out', 'readme.mjs'))).toBe(true);
    expect(run(process.execPath, ['--no-warnings', join('out', 'require.cjs')], project).out.trim()).toBe('3');
  });

  it("runs the README's snippet (compiled) in the user's folder", () => {
    const r = run(process.execPath, [join('out', 'readme.mjs')], project);
    expect(r.code, r.err).toBe(0);
  });

  it('npx kerasts --help prints the help, from the user\'s folder', () => {
    const r = run('npx', ['--no-install', 'kerasts', '--help'], project);
    expect(r.code, r.err).toBe(0);
    expect(r.out).toContain('Usage: kerasts');
    expect(r.out).toContain('predict');
  });

  it('npx kerasts predict reads and writes files relative to the user\'s folder, and predicts what Keras predicted', () => {
    const data = join(project, 'data');
    mkdirSync(data, { recursive: true });
    copyFileSync(join(fixtures, 'h5', 'seed_keras3.h5'), join(data, 'model.h5'));
    const io = JSON.parse(readFileSync(join(fixtures, 'h5', 'seed_keras3.io.json'), 'utf8')) as { input: { shape: number[]; values: number[] }; output: { values: number[] } };
    writeFileSync(join(data, 'x.json'), JSON.stringify({ shape: io.input.shape, values: io.input.values }));
    const r = run('npx', ['--no-install', 'kerasts', 'predict', 'model.h5', '-i', 'x.json', '-o', 'y.npz'], data);
    expect(r.code, r.err).toBe(0);
    const check = run(process.execPath, ['-e', "const { readNpz } = require('@kerasts/io-npy'); const fs = require('node:fs'); const a = [...readNpz(fs.readFileSync('data/y.npz')).values()][0]; console.log(JSON.stringify(Array.from(a.data)))"], project);
    const got = JSON.parse(check.out) as number[];
    expect(got.length).toBe(io.output.values.length);
    got.forEach((v, i) => expect(Math.abs(v - io.output.values[i]!)).toBeLessThanOrEqual(1e-5));
  });
});

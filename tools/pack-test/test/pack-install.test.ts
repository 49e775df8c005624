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
  const main = readme.find((s) => s.code.includes("from 'kerasts'") && !s.commonjs)!;
  // The README's CommonJS section: a TypeScript program (async function, no top-level await) and a plain require().
  const cjsTs = readme.find((s) => s.commonjs && s.typescript)!;
  const cjsJs = readme.find((s) => s.commonjs && !s.typescript)!;

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
    writeFileSync(join(project, 'readme-cjs.cts'), cjsTs.code);
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

  it("runs the README's CommonJS snippets: the TypeScript one compiled to require() (no TS1309), and the plain JavaScript one", () => {
    expect(readFileSync(join(project, 'out', 'readme-cjs.cjs'), 'utf8')).toContain('require("kerasts")');
    const dir = join(project, 'cjs-run');
    mkdirSync(dir, { recursive: true });
    const ts = run(process.execPath, ['--no-warnings', join('..', 'out', 'readme-cjs.cjs')], dir);
    expect(ts.code, ts.err).toBe(0);
    expect(ts.out.trim()).toBe('[ 1, 2 ]');
    writeFileSync(join(project, 'readme-cjs.cjs'), cjsJs.code);
    const js = run(process.execPath, ['--no-warnings', 'readme-cjs.cjs'], project);
    expect(js.code, js.err).toBe(0);
    expect(js.out.trim()).toBe('[ 1, 2 ]');
  });

  it('Keras 3 idioms work in plain JavaScript (CommonJS), and unknown options are errors naming the closest option', () => {
    writeFileSync(
      join(project, 'idioms.cjs'),
      `const k = require('kerasts');
const out = {};
const seq = new k.Sequential([new k.InputLayer({ shape: [3] }), new k.Dense(2), new k.Dropout(0.2)]);
out.layers = seq.layers.map((l) => l.className);
out.params = seq.countParams();   // built from InputLayer({ shape: [3] }): 3·2 + 2
out.predict = seq.predict(k.tensor([[1, 2, 3]])).shape;
out.positional = [new k.Dense(1).units, new k.Dropout(0.2).rate, new k.LSTM(4).units, new k.GRU(3).units, new k.SimpleRNN(2).units, new k.Conv1D(8, 3).filters, new k.Embedding(100, 16).outputDim];
try { new k.LSTM(4, { return_sequences: true }); out.snake = 'no error'; } catch (e) { out.snake = e.name + ': ' + e.message.split(' (options')[0]; }
const a = k.Input({ shape: [3], name: 'input_a' });
const b = k.Input({ shape: [2], name: 'input_b' });
const m = new k.Model({ inputs: [a, b], outputs: new k.Dense(1).apply(new k.Concatenate().apply([a, b])) });
out.dict = m.predict({ input_a: k.tensor([[1, 2, 3]]), input_b: k.tensor([[4, 5]]) }).shape;
out.list = m.predict([k.tensor([[1, 2, 3]]), k.tensor([[4, 5]])]).shape;
try { m.predict(k.tensor([[1, 2, 3]]), { batch_size: 2 }); out.predictOption = 'no error'; } catch (e) { out.predictOption = e.message.split(' (options')[0]; }
out.csv = k.readCsv('a,b\\n1,2\\n').shape;
console.log(JSON.stringify(out));
`,
    );
    const r = run(process.execPath, ['--no-warnings', 'idioms.cjs'], project);
    expect(r.err).toBe('');
    expect(JSON.parse(r.out)).toEqual({
      layers: ['Dense', 'Dropout'],
      params: 8,
      predict: [1, 2],
      positional: [1, 0.2, 4, 3, 2, 8, 16],
      snake: 'ConfigError: LSTM: LSTM has no option "return_sequences"; did you mean "returnSequences"?',
      dict: [1, 1],
      list: [1, 1],
      predictOption: 'predict(): predict() has no option "batch_size"; did you mean "batchSize"?',
      csv: [1, 2],
    });
  });

  it("the CLI on the user's own files: npz:name inputs, several outputs, Keras 3's summary, inspect shapes, hints, validate", () => {
    const dir = join(project, 'mine');
    mkdirSync(dir, { recursive: true });
    writeFileSync(
      join(dir, 'make.cjs'),
      `const k = require('kerasts');
const fs = require('node:fs');
async function main() {
  const a = k.Input({ shape: [3], name: 'a' });
  const b = k.Input({ shape: [2], name: 'b' });
  const c = new k.Concatenate().apply([a, b]);
  const m = new k.Model({ inputs: [a, b], outputs: [new k.Dense(1, { name: 'y1' }).apply(c), new k.Dense(2, { name: 'y2' }).apply(c)] });
  m.compile({ optimizer: 'adam', loss: 'mse' });
  await k.saveModel(m, 'two.keras');
  await k.saveWeights(m, 'two.weights.h5');
  fs.writeFileSync('data.npz', k.writeNpz({ a: k.tensor([[1, 2, 3], [4, 5, 6]]), b: k.tensor([[1, 0], [0, 1]]) }));
  await k.saveModel(new k.Sequential([new k.Dense(4, { inputShape: [3], name: 'd1' }), new k.Dense(1, { name: 'd2' })]), 'small.h5');
  await k.saveModel(new k.Sequential([new k.Dense(5, { inputShape: [3], name: 'd1' }), new k.Dense(1, { name: 'd2' })]), 'wider.h5');
  fs.writeFileSync('arch.json', JSON.stringify({ class_name: 'Sequential', config: { name: 's', layers: [
    { class_name: 'InputLayer', config: { batch_shape: [null, 3], name: 'in' } },
    { class_name: 'Foo', config: { name: 'foo' } },
    { class_name: 'Dense', config: { name: 'd', units: -1 } },
    { class_name: 'Bar', config: { name: 'bar' } },
  ] } }));
}
main().catch((e) => { console.error(e); process.exitCode = 1; });
`,
    );
    const made = run(process.execPath, ['--no-warnings', 'make.cjs'], dir);
    expect(made.code, made.err).toBe(0);
    const cli = (...args: string[]) => run('npx', ['--no-install', 'kerasts', ...args], dir);

    const npy = cli('predict', 'two.keras', '-i', 'data.npz:a', '-i', 'data.npz:b', '-o', 'y.npy');
    expect(npy.code).toBe(2);
    expect(npy.err).toContain('the model has 2 outputs (y1, y2) and a .npy file holds one array');
    expect(existsSync(join(dir, 'y.npy'))).toBe(false);
    const npz = cli('predict', 'two.keras', '-i', 'data.npz:a', '-i', 'data.npz:b', '-o', 'y.npz');
    expect(npz.code, npz.err).toBe(0);
    expect(npz.out + npz.err).toContain('wrote y.npz: y1 (2, 1), y2 (2, 2)');

    const summary = cli('summary', 'two.keras');
    expect(summary.code, summary.err).toBe(0);
    expect(summary.out).toContain('Connected to');
    expect(summary.out).toContain('a[0][0], b[0][0]');
    expect(summary.out).toMatch(/Optimizer params: \d+/);
    expect(cli('inspect', 'two.keras').out).toMatch(/concatenate \(Concatenate\)\s+\(None, 5\)/);

    const weightsOnly = cli('summary', 'two.weights.h5');
    expect(weightsOnly.code).toBe(1);
    expect(weightsOnly.err).toContain('--arch');
    expect(cli('summary', '--help').out).toContain('--arch');

    const mismatch = cli('transfer', 'small.h5', 'wider.h5', 'out.h5');
    expect(mismatch.code).toBe(1);
    expect(mismatch.err).toContain('--skip-mismatch');

    const validate = cli('validate', 'arch.json');
    expect(validate.code).toBe(1);
    const problems = validate.out + validate.err;
    for (const what of ['"Foo"', '"Bar"', 'units']) expect(problems).toContain(what);
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

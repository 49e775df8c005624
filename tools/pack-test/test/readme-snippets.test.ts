// Every TypeScript/JavaScript snippet of the READMEs (the root one, packages/*, apps/*, tools/*) is a
// program that compiles (TypeScript strict) and runs against the workspace build, as a user would
// write it: in a folder of its own outside the repository, importing the packages by their npm names
// (linked to the built workspace packages), with the committed fixtures it names copied in. Files it
// writes stay in that folder, which is removed afterwards. The packed-install test
// (pack-install.test.ts) runs the README's main snippet again from the installed tarballs.
import { spawnSync } from 'node:child_process';
import { copyFileSync, existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { readmeSnippets, type Snippet } from '../snippets.js';

const repo = join(dirname(fileURLToPath(import.meta.url)), '..', '..', '..');

/** Every README whose snippets users copy. */
function readmes(): string[] {
  const out = [join(repo, 'README.md')];
  for (const group of ['packages', 'apps', 'tools']) {
    for (const d of readdirSync(join(repo, group)).sort()) {
      const f = join(repo, group, d, 'README.md');
      if (existsSync(f)) out.push(f);
    }
  }
  return out;
}

/** The workspace packages by npm name (what a snippet imports). */
function workspacePackages(): Map<string, string> {
  const out = new Map<string, string>();
  for (const dir of [...readdirSync(join(repo, 'packages')).map((d) => join(repo, 'packages', d)), join(repo, 'apps', 'cli')]) {
    const pj = join(dir, 'package.json');
    if (existsSync(pj)) out.set((JSON.parse(readFileSync(pj, 'utf8')) as { name: string }).name, dir);
  }
  return out;
}

const all = readmes().flatMap((f) => readmeSnippets(f));
const programs = all.filter((s) => !s.fragment);
const where = (s: Snippet): string => `${relative(repo, s.file)}:${s.line}`;
const ext = (s: Snippet): string => (s.typescript ? (s.commonjs ? '.cts' : '.mts') : s.commonjs ? '.cjs' : '.mjs');
const id = (i: number): string => `s${String(i).padStart(2, '0')}`;

let work = '';
let compileOutput = '';

beforeAll(() => {
  work = mkdtempSync(join(tmpdir(), 'kerasts-snippets-'));
  // A user's project: package.json without "type" (CommonJS, npm's default), the packages in node_modules.
  writeFileSync(join(work, 'package.json'), JSON.stringify({ name: 'snippets', version: '1.0.0', private: true }));
  for (const [name, dir] of workspacePackages()) {
    mkdirSync(dirname(join(work, 'node_modules', name)), { recursive: true });
    symlinkSync(dir, join(work, 'node_modules', name), 'dir');
  }
  mkdirSync(join(work, 'node_modules', '@types'), { recursive: true });
  symlinkSync(join(repo, 'node_modules', '@types', 'node'), join(work, 'node_modules', '@types', 'node'), 'dir');
  programs.forEach((s, i) => writeFileSync(join(work, id(i) + ext(s)), s.code));
  writeFileSync(
    join(work, 'tsconfig.json'),
    JSON.stringify({ compilerOptions: { strict: true, target: 'ES2022', module: 'nodenext', moduleResolution: 'nodenext', outDir: 'out', skipLibCheck: true, types: ['node'] }, include: ['*.mts', '*.cts'] }),
  );
  if (programs.some((s) => s.typescript)) {
    const r = spawnSync(process.execPath, [join(repo, 'node_modules', 'typescript', 'bin', 'tsc'), '-p', '.'], { cwd: work, encoding: 'utf8' });
    // tsc names the temporary file; say which README line it is.
    compileOutput = (r.stdout + r.stderr).replace(/\b(s\d\d)\.(m|c)ts\((\d+),(\d+)\)/g, (_m, name: string, _k, line: string, col: string) => {
      const s = programs[Number(name.slice(1))]!;
      return `${where(s).replace(/:\d+$/, '')}:${s.line + Number(line)}:${col}`;
    });
  }
}, 180_000);

afterAll(() => {
  if (work) rmSync(work, { recursive: true, force: true });
});

describe('README snippets are complete programs', () => {
  it('every README with code has its snippets found, and fragments stay rare (each one listed here)', () => {
    expect(programs.length).toBeGreaterThanOrEqual(20);
    // A fragment is exempt from compiling and running: keep this list short and each one justified.
    expect(all.filter((s) => s.fragment).map(where)).toEqual([
      // the heart of step 6 of the tutorial, which apps/examples runs in its own tests
      'apps/examples/README.md:22',
    ]);
  });

  it('they compile with TypeScript strict', () => {
    expect(compileOutput).toBe('');
  });

  programs.forEach((s, i) => {
    it(`${where(s)} runs (${s.typescript ? 'TypeScript' : 'JavaScript'}, ${s.commonjs ? 'CommonJS' : 'ES module'})`, () => {
      const dir = join(work, 'run', id(i));
      mkdirSync(dir, { recursive: true });
      for (const [name, path] of Object.entries(s.files)) {
        mkdirSync(dirname(join(dir, name)), { recursive: true });
        copyFileSync(join(repo, path), join(dir, name));
      }
      const entry = s.typescript ? join(work, 'out', id(i) + (s.commonjs ? '.cjs' : '.mjs')) : join(work, id(i) + ext(s));
      expect(existsSync(entry), `${where(s)} was not compiled`).toBe(true);
      const r = spawnSync(process.execPath, ['--no-warnings', entry], { cwd: dir, encoding: 'utf8', timeout: 120_000 });
      if (process.env.KERASTS_SNIPPETS_SHOW) console.log(`--- ${where(s)}\n${r.stdout}${r.stderr}`);
      expect(r.status, `${where(s)} exited with ${r.status}:\n${r.stderr}\n${r.stdout}`).toBe(0);
    }, 130_000);
  });
});

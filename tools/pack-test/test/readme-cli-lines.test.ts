// The `kerasts` command lines of the READMEs (shell blocks: `pnpm kerasts ...`, `npx kerasts ...`)
// name commands and options that exist: each command is listed by `kerasts --help`, and each option
// a line shows is in that command's `--help`. (What the commands do is tested in apps/cli and, from
// the installed tarballs, in pack-install.test.ts.)
import { spawnSync } from 'node:child_process';
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { dirname, join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';

const repo = join(dirname(fileURLToPath(import.meta.url)), '..', '..', '..');
const bin = join(repo, 'apps', 'cli', 'dist', 'bin.js');

interface Line { where: string; command: string; options: string[]; text: string }

function cliLines(): Line[] {
  const files = [join(repo, 'README.md')];
  for (const group of ['packages', 'apps', 'tools']) {
    for (const d of readdirSync(join(repo, group)).sort()) if (existsSync(join(repo, group, d, 'README.md'))) files.push(join(repo, group, d, 'README.md'));
  }
  const out: Line[] = [];
  for (const file of files) {
    const lines = readFileSync(file, 'utf8').split('\n');
    let inShell = false;
    lines.forEach((raw, i) => {
      if (/^```/.test(raw)) {
        inShell = !inShell && /^```(sh|bash|shell|console)\b/.test(raw);
        return;
      }
      if (!inShell) return;
      const m = /^\s*(?:pnpm|npx)\s+kerasts\s+(\S+)(.*)$/.exec(raw);
      if (!m) return;
      const args = m[2]!.replace(/\s#.*$/, '');   // a comment explains the line
      const options = [...args.matchAll(/(?:^|[\s[|])(--?[a-zA-Z][\w-]*)/g)].map((o) => o[1]!);
      out.push({ where: `${relative(repo, file)}:${i + 1}`, command: m[1]!, options, text: raw.trim() });
    });
  }
  return out;
}

const help = (args: string[]): string => {
  const r = spawnSync(process.execPath, [bin, ...args, '--help'], { encoding: 'utf8' });
  return r.stdout + r.stderr;
};

describe("the READMEs' kerasts command lines name commands and options that exist", () => {
  const lines = cliLines();
  it('finds the command lines', () => {
    expect(lines.length).toBeGreaterThanOrEqual(20);
  });
  const top = help([]);
  const helps = new Map<string, string>();
  for (const line of lines) {
    it(`${line.where}: ${line.text}`, () => {
      expect(top, `kerasts --help lists no command "${line.command}"`).toMatch(new RegExp(`^\\s+${line.command}\\b`, 'm'));
      if (!helps.has(line.command)) helps.set(line.command, help([line.command]));
      const text = helps.get(line.command)!;
      for (const option of line.options) {
        expect(text, `"kerasts ${line.command} --help" has no option ${option}`).toMatch(new RegExp(`(^|[\\s,])${option}\\b`, 'm'));
      }
    });
  }
});

/**
 * The TypeScript/JavaScript snippets of a README: every fenced block whose info string starts with
 * `ts` (or `typescript`, `js`, `javascript`, `mjs`, `cjs`). A block is a complete program that the
 * tests compile (strict) and run, unless its info string says `fragment` (```` ```ts fragment ````):
 * a fragment shows a call in a context it does not define, and is neither compiled nor run.
 *
 * - `cjs` in the info string (```` ```ts cjs ````, or the language `cjs`) marks a CommonJS program:
 *   TypeScript compiles it as a `.cts` file (imports become `require`), JavaScript runs as `.cjs`.
 * - An HTML comment on the line right above the fence, invisible on GitHub and npm, names files the
 *   program expects in its working folder, copied from committed fixtures (repository-relative):
 *   `<!-- snippet-files: model.h5=tools/oracle/fixtures/h5/seed_keras3.h5, models/x.h5=... -->`.
 */
import { readFileSync } from 'node:fs';

/** One fenced block. */
export interface Snippet {
  file: string;
  /** 1-based line of the opening fence. */
  line: number;
  lang: string;
  code: string;
  fragment: boolean;
  /** A CommonJS program (`cjs` in the info string). */
  commonjs: boolean;
  /** TypeScript (compiled) rather than JavaScript (run as it is). */
  typescript: boolean;
  /** Files to put in the working folder: name there → repository-relative fixture path. */
  files: Record<string, string>;
}

const LANGS = ['ts', 'typescript', 'js', 'javascript', 'mjs', 'cjs'];

/** The code blocks of a Markdown file in the TypeScript/JavaScript family. */
export function readmeSnippets(file: string): Snippet[] {
  const lines = readFileSync(file, 'utf8').split('\n');
  const out: Snippet[] = [];
  for (let i = 0; i < lines.length; i++) {
    const open = /^```(\w+)(.*)$/.exec(lines[i]!);
    if (!open) continue;
    const lang = open[1]!;
    const start = i;
    const body: string[] = [];
    for (i++; i < lines.length && !/^```\s*$/.test(lines[i]!); i++) body.push(lines[i]!);
    if (!LANGS.includes(lang)) continue;
    const files: Record<string, string> = {};
    const note = start > 0 ? /^<!--\s*snippet-files:(.*)-->\s*$/.exec(lines[start - 1]!) : null;
    if (note) {
      for (const pair of note[1]!.split(',').map((s) => s.trim()).filter(Boolean)) {
        const [name, path] = pair.split('=').map((s) => s.trim());
        if (!name || !path) throw new Error(`${file}:${start}: snippet-files entries are name=path, found "${pair}"`);
        files[name] = path;
      }
    }
    out.push({
      file,
      line: start + 1,
      lang,
      code: body.join('\n') + '\n',
      fragment: /\bfragment\b/.test(open[2]!),
      commonjs: lang === 'cjs' || /\bcjs\b/.test(open[2]!),
      typescript: lang === 'ts' || lang === 'typescript',
      files,
    });
  }
  return out;
}

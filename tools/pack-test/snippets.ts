/**
 * The TypeScript snippets of a README: every fenced block whose info string starts with `ts`
 * (or `typescript`, `js`, `javascript`). A block is a complete program that the tests compile
 * (strict) and run, unless its info string says `fragment` (```` ```ts fragment ````): a fragment
 * shows a call in a context it does not define, and is neither compiled nor run.
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
}

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
    if (!['ts', 'typescript', 'js', 'javascript', 'mjs'].includes(lang)) continue;
    out.push({ file, line: start + 1, lang, code: body.join('\n') + '\n', fragment: /\bfragment\b/.test(open[2]!) });
  }
  return out;
}

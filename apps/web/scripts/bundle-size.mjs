#!/usr/bin/env node
/**
 * Builds a predict-only page (size/predict-only.ts: loadModel + predict) with Vite and reports what a
 * browser downloads for it: the JavaScript the page loads at once (its entry chunk and the chunks it
 * imports statically), and the lazy chunks loaded only when needed (h5wasm, for files the built-in
 * HDF5 reader declines and for writing). Raw and gzip (level 9) bytes. Fails when any chunk imports a
 * Node module (`node:*`), which must never reach a browser bundle.
 *
 *   node scripts/bundle-size.mjs [--json]
 */
import { readFileSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { gzipSync } from 'node:zlib';
import { build, createLogger } from 'vite';

const here = fileURLToPath(new URL('..', import.meta.url));
const out = join(here, 'dist-size');
// Vite warns when a browser build meets a Node module ("externalized for browser compatibility").
const logger = createLogger('warn');
const warnings = [];
const warn = logger.warn;
logger.warn = (msg, opts) => {
  if (msg.includes('PLUGIN_TIMINGS')) return; // build timings, not a problem
  warnings.push(msg);
  warn(msg, opts);
};
const configFile = join(here, 'size', 'vite.config.ts');
await build({ configFile, customLogger: logger });
// a second page that imports every package (through the umbrella): only checked for Node modules
const everything = join(out, 'everything');
await build({ configFile, customLogger: logger, build: { outDir: everything, emptyOutDir: true, rollupOptions: { input: { everything: join(here, 'size', 'everything.html') } } } });
const everythingFiles = readdirSync(join(everything, 'assets')).filter((f) => f.endsWith('.js'));
const externalized = warnings.filter((w) => /externalized for browser compatibility|node:/.test(w));

const assets = join(out, 'assets');
const files = readdirSync(assets).filter((f) => f.endsWith('.js'));

const text = (f) => readFileSync(join(assets, f), 'utf8');
const size = (f) => {
  const buf = readFileSync(join(assets, f));
  return { raw: buf.length, gzip: gzipSync(buf, { level: 9 }).length };
};

// Node modules in a browser bundle: a static or dynamic import of node:* or a bare built-in.
const NODE_IMPORT = /(?:\bfrom\s*|\bimport\s*\(\s*|\bimport\s*)["'](node:[\w/]+|fs|path|os|crypto|url|worker_threads)["']/;
// (checked in every chunk of both pages: the predict-only one and one that imports every package)
const offenders = [
  ...files.filter((f) => NODE_IMPORT.test(text(f))),
  ...everythingFiles.filter((f) => NODE_IMPORT.test(readFileSync(join(everything, 'assets', f), 'utf8'))).map((f) => `everything/${f}`),
];

// The chunks the page loads at once: the entry (from the HTML) and its static imports, recursively.
const html = readFileSync(join(out, 'predict-only.html'), 'utf8');
const entry = /src="\.\/assets\/([^"]+\.js)"/.exec(html)?.[1];
if (!entry) throw new Error('no entry script in predict-only.html');
const eager = new Set();
const visit = (f) => {
  if (eager.has(f)) return;
  eager.add(f);
  for (const m of text(f).matchAll(/(?:^|[;\n}])\s*import\s*(?:[\w*{}\s,$]+from\s*)?["'`]\.\/([^"'`]+\.js)["'`]/g)) visit(m[1]);
};
visit(entry);
// lazy chunks of the predict-only page: those its eager chunks import dynamically, recursively
const lazySet = new Set();
const visitLazy = (f) => {
  for (const m of text(f).matchAll(/import\(\s*["'`]\.\/([^"'`]+\.js)["'`]\s*\)/g)) {
    if (!eager.has(m[1]) && !lazySet.has(m[1])) {
      lazySet.add(m[1]);
      visitLazy(m[1]);
    }
  }
  for (const m of text(f).matchAll(/new URL\(\s*["'`]([^"'`]+\.js)["'`]\s*,\s*import\.meta\.url\s*\)/g)) {
    const name = m[1].replace(/^.*\//, '');
    if (!eager.has(name) && !lazySet.has(name) && files.includes(name)) lazySet.add(name);
  }
};
for (const f of eager) visitLazy(f);
const lazy = [...lazySet];
const sum = (list) => list.map(size).reduce((a, b) => ({ raw: a.raw + b.raw, gzip: a.gzip + b.gzip }), { raw: 0, gzip: 0 });
const page = sum([...eager]);
const h5wasm = lazy.filter((f) => /h5wasm/.test(f));
const report = {
  page: { ...page, chunks: [...eager] },
  lazyH5wasm: { ...sum(h5wasm), chunks: h5wasm },
  otherLazy: lazy.filter((f) => !h5wasm.includes(f)).map((f) => ({ chunk: f, ...size(f) })),
  nodeImports: offenders,
  viteNodeWarnings: externalized,
};
const kb = (n) => `${(n / 1024).toFixed(1)} KB`;
if (process.argv.includes('--json')) console.log(JSON.stringify(report, null, 2));
else {
  console.log('Predict-only page (loadModel + predict), built by Vite:');
  console.log(`  loaded at once:      ${kb(page.raw)} raw, ${kb(page.gzip)} gzip  (${[...eager].join(', ')})`);
  console.log(`  h5wasm, lazy chunk:  ${kb(report.lazyH5wasm.raw)} raw, ${kb(report.lazyH5wasm.gzip)} gzip  (only for files the built-in reader declines, and for saving)`);
  for (const o of report.otherLazy) console.log(`  other lazy chunk:    ${kb(o.raw)} raw, ${kb(o.gzip)} gzip  (${o.chunk})`);
  console.log(`  node:* imports:      ${offenders.length ? offenders.join(', ') : 'none'} (in every chunk, including a page that imports every package)`);
}
if (externalized.length) {
  console.error(`error: Vite met Node modules while building for the browser:\n${externalized.join('\n')}`);
  process.exit(1);
}
if (offenders.length) {
  console.error(`error: Node modules reached the browser bundle: ${offenders.join(', ')}`);
  process.exit(1);
}
// The README's size table is a claim: it must match what was just measured (within 5%, as Vite and
// gzip vary a little between versions of the code; a bigger change means the table needs updating).
const readme = readFileSync(join(here, '..', '..', 'README.md'), 'utf8');
const claimed = (label) => {
  const row = readme.split('\n').find((l) => l.startsWith(`| ${label}`));
  const m = row && /\|\s*([\d.]+) (KB|MB)\s*\|\s*([\d.]+) (KB|MB)\s*\|\s*$/.exec(row);
  if (!m) return null;
  const bytes = (v, u) => Number(v) * (u === 'MB' ? 1024 * 1024 : 1024);
  return { raw: bytes(m[1], m[2]), gzip: bytes(m[3], m[4]) };
};
const worker = report.otherLazy.filter((o) => /worker/.test(o.chunk)).reduce((a, b) => ({ raw: a.raw + b.raw, gzip: a.gzip + b.gzip }), { raw: 0, gzip: 0 });
const stale = [];
for (const [label, measured] of [['loaded with the page', page], ['h5wasm', report.lazyH5wasm], ['helper worker', worker]]) {
  const c = claimed(label);
  if (c === null) stale.push(`README.md has no size row starting "| ${label}"`);
  else for (const k of ['raw', 'gzip']) {
    if (Math.abs(c[k] - measured[k]) > 0.05 * measured[k]) stale.push(`README.md "${label}" ${k}: claims ${kb(c[k])}, measured ${kb(measured[k])}`);
  }
}
if (stale.length) {
  console.error(`error: the README's bundle-size table is stale:\n  ${stale.join('\n  ')}`);
  process.exit(1);
}
if (h5wasm.length === 0) {
  console.error('error: h5wasm is not a lazy chunk of the predict-only page');
  process.exit(1);
}

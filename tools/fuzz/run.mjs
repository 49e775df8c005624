#!/usr/bin/env node
// kerasts fuzz and abuse harness (`pnpm fuzz`): seeded, bounded, minutes not hours.
//
//   node tools/fuzz/run.mjs [--seed N] [--quick] [--only hdf5,json,yaml,abuse,growth,kill] [--json out.json]
//
// Sections (counts for the default run; --quick is what CI runs):
//   hdf5    HDF5 mutants of the committed fixture files, read and loaded        3000 (quick 400)
//   json    mutated architecture JSON (seed model + functional fixtures)         1500 (quick 300)
//   yaml    mutated architecture YAML (the same models through toYAML)            600 (quick 150)
//   abuse   fixed size/depth/name abuse (units 2e8, shapes [1e9,1e9], 100,000-deep nesting, Object names)
//   growth  RSS of one process reading N corrupt files                           4000 (quick 1000)
//   kill    kill -9 during saves: the target is the old or the new file; leftovers cleaned by the next save   24 (quick 8)
//
// Cases run in a child process (worker.mjs) with a watchdog, so a crash or a hang is recorded as such.
// Reported: counts per outcome class (ok, each typed error class, UNTYPED …, crash, hang) and the peak
// RSS per class. Exit code 1 when anything is untyped, crashes or hangs, when a killed save left a
// damaged target or an uncleaned leftover, or when memory keeps growing.
import { fork, spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { abuseCases, hdf5Sources, jsonSources, lcg, mutateHdf5, mutateJson, mutateYaml } from './mutate.mjs';

const HERE = dirname(fileURLToPath(import.meta.url));
const args = process.argv.slice(2);
const opt = (name, dflt) => {
  const i = args.indexOf(name);
  return i >= 0 ? args[i + 1] : dflt;
};
const quick = args.includes('--quick');
const seed = Number(opt('--seed', '20240611'));
const only = new Set((opt('--only', 'hdf5,json,yaml,abuse,growth,kill') ?? '').split(','));
const N = quick ? { hdf5: 400, json: 300, yaml: 150, growth: 1000, kill: 8 } : { hdf5: 3000, json: 1500, yaml: 600, growth: 4000, kill: 24 };
const CASE_TIMEOUT_MS = 30_000;
const MB = 1024 * 1024;
const fmtMB = (b) => `${(b / MB).toFixed(0)} MB`;
const t0 = Date.now();
const report = { seed, quick, sections: {} };
let failed = false;

// ---------------------------------------------------------------------------------------------
// A child process that runs cases, restarted after a crash or a hang.

class Runner {
  constructor() {
    this.child = null;
    this.pending = null;
    this.next = 0;
  }
  async start() {
    this.child = fork(join(HERE, 'worker.mjs'), [], { serialization: 'advanced', stdio: ['ignore', 'ignore', 'pipe', 'ipc'], execArgv: [] });
    this.child.stderr.on('data', () => {}); // library warnings
    await new Promise((resolve, reject) => {
      this.child.once('message', (m) => (m.ready ? resolve() : reject(new Error('worker did not start'))));
      this.child.once('exit', (code) => reject(new Error(`worker exited at start (${code})`)));
    });
    this.child.on('message', (m) => {
      if (this.pending && m.id === this.pending.id) {
        const p = this.pending;
        this.pending = null;
        clearTimeout(p.timer);
        p.resolve(m);
      }
    });
    this.child.on('exit', (code, signal) => {
      const p = this.pending;
      this.pending = null;
      this.child = null;
      if (p) {
        clearTimeout(p.timer);
        p.resolve({ outcome: 'crash', message: `worker died (${signal ?? code})`, rss: 0, peak: 0 });
      }
    });
  }
  async run(c) {
    if (!this.child) await this.start();
    const id = ++this.next;
    return new Promise((resolve) => {
      const timer = setTimeout(() => {
        const p = this.pending;
        this.pending = null;
        this.child?.kill('SIGKILL');
        p?.resolve({ outcome: 'hang', message: `no answer in ${CASE_TIMEOUT_MS / 1000} s`, rss: 0, peak: 0 });
      }, CASE_TIMEOUT_MS);
      this.pending = { id, resolve, timer };
      this.child.send({ ...c, id });
    });
  }
  stop() {
    this.child?.kill('SIGKILL');
  }
}

/** Run cases; tally outcome classes, peak RSS per class and a sample message per class. */
async function runCases(section, cases) {
  const runner = new Runner();
  const classes = {};
  const samples = {};
  const checks = {};
  let slowest = { ms: 0, name: '' };
  for (const c of cases) {
    const r = await runner.run(c);
    const k = r.outcome;
    const e = (classes[k] ??= { count: 0, peakRss: 0 });
    e.count++;
    e.peakRss = Math.max(e.peakRss, r.peak || r.rss || 0);
    if (!samples[k]) samples[k] = `${c.fileName}: ${r.message ?? ''}`.slice(0, 240);
    if (r.check) {
      checks[r.check] = (checks[r.check] ?? 0) + 1;
      if (r.check === 'DIFFERENT' && !samples.DIFFERENT) samples.DIFFERENT = c.fileName;
    }
    if ((r.ms ?? 0) > slowest.ms) slowest = { ms: r.ms, name: c.fileName };
  }
  runner.stop();
  const bad = Object.keys(classes).filter((k) => k.startsWith('UNTYPED') || k === 'crash' || k === 'hang');
  if (checks.DIFFERENT) bad.push('DIFFERENT');
  if (bad.length) failed = true;
  report.sections[section] = { cases: cases.length, classes, samples, slowestMs: Math.round(slowest.ms), slowest: slowest.name, bad, ...(Object.keys(checks).length ? { readers: checks } : {}) };
  printClasses(section, cases.length, classes, samples, bad, slowest);
  if (Object.keys(checks).length) {
    console.log(`  built-in reader vs h5wasm: ${Object.entries(checks).map(([k, v]) => `${k} ${v}`).join(', ')}`);
  }
}

function printClasses(section, n, classes, samples, bad, slowest) {
  console.log(`\n== ${section}: ${n} cases`);
  for (const [k, v] of Object.entries(classes).sort((a, b) => b[1].count - a[1].count)) {
    console.log(`  ${k.padEnd(28)} ${String(v.count).padStart(6)}   peak RSS ${fmtMB(v.peakRss)}`);
  }
  console.log(`  slowest case: ${slowest.name} (${Math.round(slowest.ms)} ms)`);
  for (const k of bad) console.log(`  !! ${k}: ${samples[k]}`);
}

// ---------------------------------------------------------------------------------------------

async function hdf5Section() {
  const rnd = lcg(seed);
  const sources = hdf5Sources().map((p) => ({ name: p.split('/').pop(), bytes: new Uint8Array(readFileSync(p)) }));
  const cases = [];
  for (let i = 0; i < N.hdf5; i++) {
    const s = sources[i % sources.length];
    cases.push({ kind: 'hdf5', fileName: `hdf5-${i}-${s.name}`, bytes: mutateHdf5(s.bytes, rnd) });
  }
  await runCases('hdf5', cases);
}

async function jsonSection() {
  const rnd = lcg(seed + 1);
  const sources = jsonSources();
  const cases = [];
  for (let i = 0; i < N.json; i++) cases.push({ kind: 'json', fileName: `json-${i}.json`, text: mutateJson(sources[i % sources.length], rnd) });
  await runCases('json', cases);
}

async function yamlSection() {
  // YAML texts of the same models, written by the library (PyYAML's style), then mutated as text
  const { modelFromJSON } = await import('../../packages/io-json/dist/index.js');
  const { toYAML } = await import('../../packages/io-yaml/dist/index.js');
  const texts = jsonSources().map((j) => toYAML(modelFromJSON(j)));
  const rnd = lcg(seed + 2);
  const cases = [];
  for (let i = 0; i < N.yaml; i++) cases.push({ kind: 'yaml', fileName: `yaml-${i}.yaml`, text: mutateYaml(texts[i % texts.length], rnd) });
  await runCases('yaml', cases);
}

async function abuseSection() {
  const seedText = jsonSources()[0];
  const cases = abuseCases(seedText).map(([name, kind, text]) => ({ kind, fileName: `abuse: ${name}`, text }));
  await runCases('abuse', cases);
  // every abuse case must be refused (a typed error), and quickly
  const s = report.sections.abuse;
  if (s.classes.ok) {
    console.log(`  (${s.classes.ok.count} abuse case(s) loaded: only names that are harmless there, e.g. a regularizer class kerasts ignores)`);
  }
}

function growthSection() {
  const out = spawnSync(process.execPath, ['--expose-gc', join(HERE, 'growth.mjs'), String(seed + 3), String(N.growth)], { encoding: 'utf8', maxBuffer: 1 << 24 });
  const points = out.stdout.trim().split('\n').filter(Boolean).map((l) => JSON.parse(l));
  if (out.status !== 0 || points.length < 3) {
    console.log(`\n== growth: FAILED (${out.status}) ${out.stderr.slice(0, 300)}`);
    failed = true;
    return;
  }
  // baseline after the first eighth (engines created, code compiled), against the end
  const base = points[1];
  const end = points[points.length - 1];
  const max = Math.max(...points.map((p) => p.rss));
  const perThousand = ((end.rss - base.rss) / MB / ((end.i - base.i) / 1000)).toFixed(1);
  console.log(`\n== growth: one process reading ${N.growth} corrupt HDF5 files`);
  console.log(`  RSS ${points.map((p) => `${p.i}:${fmtMB(p.rss)}`).join('  ')}`);
  console.log(`  baseline ${fmtMB(base.rss)} (after ${base.i} files), end ${fmtMB(end.rss)}, max ${fmtMB(max)}: ${perThousand} MB per 1,000 files; HDF5 instances created ${end.engines.created}, dropped ${end.engines.dropped}`);
  console.log(`  outcomes ${JSON.stringify(end.counts)}`);
  // flat: the end within 64 MB of the baseline (GC timing moves RSS by tens of MB)
  const flat = end.rss - base.rss < 64 * MB;
  if (!flat) failed = true;
  report.sections.growth = { files: N.growth, points, baselineRss: base.rss, endRss: end.rss, maxRss: max, mbPerThousand: Number(perThousand), flat };
}

async function killSection() {
  const rnd = lcg(seed + 4);
  const dir = mkdtempSync(join(tmpdir(), 'kerasts-fuzz-kill-'));
  const target = join(dir, 'model.h5');
  const { readKerasH5 } = await import('../../packages/io-hdf5/dist/index.js');
  const versionOf = async (file) => {
    const c = await readKerasH5(new Uint8Array(readFileSync(file)), { fileName: file });
    const data = c.weights.layers.flatMap((l) => l.weights).flatMap((w) => Array.from(w.data.subarray(0, 4)).concat(Array.from(w.data.subarray(w.data.length - 4))));
    const v = new Set(data);
    return v.size === 1 ? [...v][0] : NaN;
  };
  const tmpFiles = () => readdirSync(dir).filter((f) => f.endsWith('.tmp'));
  const once = () => JSON.parse(spawnSync(process.execPath, [join(HERE, 'saver.mjs'), target, '--once'], { encoding: 'utf8' }).stdout);
  once(); // the old file: version 1
  let intact = 0;
  let damaged = 0;
  let leftoverTrials = 0;
  let leftoverFiles = 0;
  let leftoverBytes = 0;
  let cleaned = 0;
  let notCleaned = 0;
  for (let t = 0; t < N.kill; t++) {
    const child = fork(join(HERE, 'saver.mjs'), [target], { stdio: ['ignore', 'ignore', 'ignore', 'ipc'] });
    await new Promise((resolve) => child.once('message', resolve)); // saving
    await new Promise((resolve) => setTimeout(resolve, 20 + int(rnd, 600)));
    child.kill('SIGKILL');
    await new Promise((resolve) => child.once('exit', resolve));
    const v = existsSync(target) ? await versionOf(target).catch(() => NaN) : NaN;
    if (v === 1 || v === 2) intact++;
    else damaged++;
    const left = tmpFiles();
    if (left.length) {
      leftoverTrials++;
      leftoverFiles += left.length;
      for (const f of left) leftoverBytes += readFileSync(join(dir, f)).length;
      // the next save to that path removes them and says so
      const r = once();
      const still = tmpFiles();
      cleaned += r.removedLeftovers.length;
      notCleaned += still.length;
    }
  }
  rmSync(dir, { recursive: true, force: true });
  console.log(`\n== kill -9 during saves: ${N.kill} trials`);
  console.log(`  target afterwards: old or new file ${intact}, anything else ${damaged}`);
  console.log(`  trials that left temporary files: ${leftoverTrials} (${leftoverFiles} files, ${fmtMB(leftoverBytes)}); removed by the next save: ${cleaned}; left after it: ${notCleaned}`);
  if (damaged || notCleaned) failed = true;
  report.sections.kill = { trials: N.kill, intact, damaged, leftoverTrials, leftoverFiles, leftoverBytes, cleaned, notCleaned };
}

function int(rnd, n) {
  return Math.floor(rnd() * n);
}

// ---------------------------------------------------------------------------------------------

console.log(`kerasts fuzz: seed ${seed}${quick ? ' (quick)' : ''}; sections ${[...only].join(', ')}`);
if (!existsSync(join(HERE, '..', '..', 'packages', 'io-hdf5', 'dist', 'index.js'))) {
  console.error('build first: pnpm build');
  process.exit(2);
}
if (only.has('hdf5')) await hdf5Section();
if (only.has('json')) await jsonSection();
if (only.has('yaml')) await yamlSection();
if (only.has('abuse')) await abuseSection();
if (only.has('growth')) growthSection();
if (only.has('kill')) await killSection();
report.seconds = Math.round((Date.now() - t0) / 1000);
console.log(`\n${failed ? 'FAILED' : 'passed'} in ${report.seconds} s`);
const out = opt('--json', null);
if (out) writeFileSync(out, JSON.stringify(report, null, 2));
process.exit(failed ? 1 : 0);

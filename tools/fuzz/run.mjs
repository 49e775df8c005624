#!/usr/bin/env node
// kerasts fuzz and abuse harness (`pnpm fuzz`): seeded, bounded, minutes not hours.
//
//   node tools/fuzz/run.mjs [--seed N] [--short] [--only hdf5,keras,json,yaml,training,abuse,growth,kill] [--json out.json]
//   (pnpm fuzz [--short]; --quick is the same as --short)
//
// Sections (counts for the default run; --short is what CI runs):
//   hdf5     HDF5 mutants of the committed fixture .h5 files, read by both readers and loaded   3000 (short 300)
//   keras    .keras archive mutants (bytes, or members mutated and re-zipped), loaded          1500 (short 150)
//   json     mutated architecture JSON (seed model + functional fixtures)                      1500 (short 200)
//   yaml     mutated architecture YAML (the same models through toYAML)                          600 (short 100)
//   training mutated training configurations, compiled on the seed model and fitted one epoch   600 (short 100)
//   abuse    fixed size/depth/name abuse (units 2e8, Infinity, shapes [1e9,1e9], 100,000-deep
//            nesting, Object.prototype names as activations/initializers/layers/optimizers/losses/metrics)
//   growth   RSS of one process reading and loading N corrupt HDF5 files                       6000 (short 4000)
//   kill     kill -9 during saves: the target is the old or the new file; leftovers removed and
//            reported by the next save                                                           30 (short 8)
//
// Cases run in a child process (worker.mjs) with a watchdog, so a crash or a hang is recorded as such.
// Reported: counts per outcome class (ok, each typed error class, UNTYPED …, crash, hang) and the peak
// RSS per class. Exit code 1 when anything is untyped, crashes or hangs, when a killed save left a
// damaged target or an uncleaned leftover, or when memory keeps growing.
import { fork, spawnSync } from 'node:child_process';
import { Runner } from './runner.mjs';
import { existsSync, mkdtempSync, readFileSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { abuseCases, hdf5Sources, jsonSources, kerasSources, lcg, mutateHdf5, mutateJson, mutateKeras, mutateYaml, trainingSources } from './mutate.mjs';

const HERE = dirname(fileURLToPath(import.meta.url));
const args = process.argv.slice(2);
const opt = (name, dflt) => {
  const i = args.indexOf(name);
  return i >= 0 ? args[i + 1] : dflt;
};
const quick = args.includes('--short') || args.includes('--quick');
const seed = Number(opt('--seed', '20240611'));
const SECTIONS = ['hdf5', 'keras', 'json', 'yaml', 'training', 'abuse', 'growth', 'kill'];
const only = new Set((opt('--only', SECTIONS.join(',')) ?? '').split(','));
for (const s of only) {
  if (!SECTIONS.includes(s)) {
    console.error(`unknown section "${s}" (known: ${SECTIONS.join(', ')})`);
    process.exit(2);
  }
}
const N = quick
  ? { hdf5: 300, keras: 150, json: 200, yaml: 100, training: 100, growth: 4000, kill: 8 }
  : { hdf5: 3000, keras: 1500, json: 1500, yaml: 600, training: 600, growth: 6000, kill: 30 };
const CASE_TIMEOUT_MS = 30_000;
const MB = 1024 * 1024;
const fmtMB = (b) => `${(b / MB).toFixed(0)} MB`;
const t0 = Date.now();
const report = { seed, quick, sections: {} };
let failed = false;

/** Run cases; tally outcome classes, peak RSS per class and a sample message per class. */
async function runCases(section, cases) {
  const runner = new Runner(CASE_TIMEOUT_MS);
  const classes = {};
  const samples = {};
  const checks = {};
  let slowest = { ms: 0, name: '' };
  const perCase = [];
  for (const c of cases) {
    const r = await runner.run(c);
    const k = r.outcome;
    if (section === 'abuse') perCase.push([c.fileName, k]);
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
  // the base class KerastsError counts as a defect too: every refusal has a specific class
  const bad = Object.keys(classes).filter((k) => k.startsWith('UNTYPED') || k === 'crash' || k === 'hang' || k === 'KerastsError');
  if (checks.DIFFERENT) bad.push('DIFFERENT');
  if (bad.length) failed = true;
  report.sections[section] = { cases: cases.length, classes, samples, slowestMs: Math.round(slowest.ms), slowest: slowest.name, bad, ...(Object.keys(checks).length ? { readers: checks } : {}), ...(perCase.length ? { perCase } : {}) };
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

async function kerasSection() {
  const zip = await import('../../packages/zip/dist/index.js');
  const rnd = lcg(seed + 5);
  const sources = kerasSources().map((p) => ({ name: p.split('/').pop(), bytes: new Uint8Array(readFileSync(p)) }));
  const cases = [];
  for (let i = 0; i < N.keras; i++) {
    const s = sources[i % sources.length];
    cases.push({ kind: 'keras', fileName: `keras-${i}-${s.name}`, bytes: mutateKeras(s.bytes, rnd, zip) });
  }
  await runCases('keras', cases);
}

async function trainingSection() {
  const { readKerasH5 } = await import('../../packages/io-hdf5/dist/index.js');
  // training_config attributes of the fixture files (read once, synchronously enough for a list)
  const configs = [];
  for (const p of hdf5Sources()) {
    const c = await readKerasH5(new Uint8Array(readFileSync(p)), { fileName: p, weightValues: false }).catch(() => null);
    if (c?.rootAttrs?.trainingConfig) configs.push(c.rootAttrs.trainingConfig);
  }
  const sources = [...new Set(configs)].concat(trainingSources());
  const rnd = lcg(seed + 6);
  const cases = [];
  for (let i = 0; i < N.training; i++) cases.push({ kind: 'training', fileName: `training-${i}.json`, text: i < sources.length ? sources[i] : mutateJson(sources[i % sources.length], rnd) });
  await runCases('training', cases);
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
  const loaded = s.perCase.filter(([, k]) => k === 'ok').map(([n]) => n.replace(/^abuse: /, ''));
  if (loaded.length) console.log(`  loaded (harmless there): ${loaded.join('; ')}`);
}

function growthSection() {
  const out = spawnSync(process.execPath, ['--expose-gc', join(HERE, 'growth.mjs'), String(seed + 3), String(N.growth)], { encoding: 'utf8', maxBuffer: 1 << 24, timeout: 20 * 60_000 });
  const points = out.stdout.trim().split('\n').filter(Boolean).map((l) => JSON.parse(l));
  if (out.status !== 0 || points.length < 5) {
    console.log(`\n== growth: FAILED (${out.status ?? out.signal}) ${out.stderr.slice(0, 300)}`);
    failed = true;
    report.sections.growth = { files: N.growth, failed: true };
    return;
  }
  // Before any file (points[0]); the baseline once engines exist and code is compiled (the mean of
  // the checkpoints of the first quarter); the end (the mean of the last quarter); and the trend over
  // everything after the first quarter (least squares, MB per 1,000 files).
  const q = Math.max(1, Math.floor((points.length - 1) / 4));
  const mean = (ps) => ps.reduce((s, p) => s + p.rss, 0) / ps.length;
  const before = points[0].rss;
  const base = mean(points.slice(1, 1 + q));
  const end = mean(points.slice(points.length - q));
  const tail = points.slice(1 + q);
  const mx = tail.reduce((s, p) => s + p.i, 0) / tail.length;
  const my = mean(tail);
  const slope = tail.reduce((s, p) => s + (p.i - mx) * (p.rss - my), 0) / tail.reduce((s, p) => s + (p.i - mx) ** 2, 0); // bytes per file
  const perThousand = (slope * 1000) / MB;
  const max = Math.max(...points.map((p) => p.rss));
  const last = points[points.length - 1];
  console.log(`\n== growth: one process reading (and loading when readable) ${N.growth} corrupt HDF5 files`);
  console.log(`  RSS by files read: ${points.map((p) => `${p.i}: ${fmtMB(p.rss)}`).join(', ')}`);
  console.log(`  before any file ${fmtMB(before)}; first quarter ${fmtMB(base)}; last quarter ${fmtMB(end)}; max ${fmtMB(max)}; trend ${perThousand.toFixed(1)} MB per 1,000 files`);
  console.log(`  HDF5 read instances created ${last.engines.created}, dropped ${last.engines.dropped}; outcomes ${JSON.stringify(last.counts)}`);
  // flat: the last quarter within 48 MB of the first and a trend under 8 MB per 1,000 files (GC and
  // allocator timing move RSS by tens of MB; the old leak was +43 MB per 1,000 files and GBs per bomb)
  const flat = end - base < 48 * MB && perThousand < 8;
  if (!flat) {
    console.log('  !! memory keeps growing');
    failed = true;
  }
  const untyped = Object.keys(last.counts).filter((k) => k.startsWith('UNTYPED') || k === 'KerastsError');
  for (const k of untyped) console.log(`  !! ${k}: ${last.samples[k]}`);
  if (untyped.length) failed = true;
  report.sections.growth = { files: N.growth, points, beforeRss: before, firstQuarterRss: base, lastQuarterRss: end, maxRss: max, mbPerThousand: Number(perThousand.toFixed(2)), engines: last.engines, outcomes: last.counts, flat };
}

async function killSection() {
  const rnd = lcg(seed + 4);
  const dir = mkdtempSync(join(tmpdir(), 'kerasts-fuzz-kill-'));
  const target = join(dir, 'model.h5');
  const { readKerasH5, saveModel } = await import('../../packages/io-hdf5/dist/index.js');
  const { Dense } = await import('../../packages/layers/dist/index.js');
  const { Sequential } = await import('../../packages/model/dist/index.js');
  // the two versions, written by saveModel: a 2 MB model whose weights are all 1, then all 2
  const model = new Sequential([new Dense({ units: 1024, inputShape: [512], name: 'd' })]);
  const versions = [];
  for (const v of [1, 2]) {
    for (const w of model.layers[0].weights) w.value.data.fill(v);
    const p = join(dir, `version-${v}.h5.src`);
    await saveModel(model, p, { overwrite: true });
    versions.push(p);
  }
  const versionOf = async (file) => {
    const c = await readKerasH5(new Uint8Array(readFileSync(file)), { fileName: file });
    const v = new Set(c.weights.layers.flatMap((l) => l.weights).flatMap((w) => Array.from(w.data)));
    return v.size === 1 ? [...v][0] : NaN;
  };
  const tmpFiles = () => readdirSync(dir).filter((f) => f !== 'model.h5' && !f.endsWith('.h5.src'));
  const once = () => JSON.parse(spawnSync(process.execPath, [join(HERE, 'saver.mjs'), target, '--once', ...versions], { encoding: 'utf8' }).stdout);
  once(); // the old file: version 1
  let intact = 0;
  let damaged = 0;
  let leftoverTrials = 0;
  let leftoverFiles = 0;
  let leftoverBytes = 0;
  let cleaned = 0;
  let notCleaned = 0;
  for (let t = 0; t < N.kill; t++) {
    const child = fork(join(HERE, 'saver.mjs'), [target, '--loop', ...versions], { stdio: ['ignore', 'ignore', 'ignore', 'ipc'] });
    await new Promise((resolve) => child.once('message', resolve)); // saving
    await new Promise((resolve) => setTimeout(resolve, 5 + int(rnd, 300)));
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

console.log(`kerasts fuzz: seed ${seed}${quick ? ' (short)' : ''}; sections ${[...only].join(', ')}`);
if (!existsSync(join(HERE, '..', '..', 'packages', 'io-hdf5', 'dist', 'index.js'))) {
  console.error('build first: pnpm build');
  process.exit(2);
}
const sections = { hdf5: hdf5Section, keras: kerasSection, json: jsonSection, yaml: yamlSection, training: trainingSection, abuse: abuseSection, growth: growthSection, kill: killSection };
for (const name of SECTIONS) {
  if (!only.has(name)) continue;
  const s0 = Date.now();
  await sections[name]();
  const secs = Math.round((Date.now() - s0) / 100) / 10;
  if (report.sections[name]) report.sections[name].seconds = secs;
  console.log(`  (${secs} s)`);
}
report.seconds = Math.round((Date.now() - t0) / 1000);
console.log(`\n${failed ? 'FAILED' : 'passed'} in ${report.seconds} s`);
const out = opt('--json', null);
if (out) writeFileSync(out, JSON.stringify(report, null, 2));
process.exit(failed ? 1 : 0);

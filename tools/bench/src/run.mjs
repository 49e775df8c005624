// `pnpm bench`: runs every workload on kerasts and its peers (tfjs-node, tfjs-wasm, tfjs pure JS, and
// Keras+JAX when the oracle venv exists), each (system, workload) in its own process, then prints the
// table of medians and ratios and writes results/latest.json and results/latest.md (+ ratios.svg).
//
//   node src/run.mjs [--only w1-b1,w2] [--systems kerasts,tfjs-node]
import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, writeFileSync } from 'node:fs';
import { cpus, loadavg, totalmem } from 'node:os';
import { join } from 'node:path';
import { BENCH_DIR, CACHE_DIR, MODELS, RESULTS_DIR, ROOT, SYSTEMS, WORKLOADS, decodeF32 } from './common.mjs';

const args = process.argv.slice(2);
const opt = (name) => {
  const i = args.indexOf(name);
  return i >= 0 ? args[i + 1]?.split(',') : null;
};
const onlyWorkloads = opt('--only');
const onlySystems = opt('--systems');
const workloads = WORKLOADS.filter((w) => !onlyWorkloads || onlyWorkloads.includes(w.id));
const systems = SYSTEMS.filter((s) => !onlySystems || onlySystems.includes(s));

/** The whole run must stay under 15 minutes; later children are skipped past this. */
const BUDGET_MS = 13 * 60 * 1000;
const CHILD_TIMEOUT_MS = 240 * 1000;
const started = Date.now();

const PY = join(ROOT, '.venv-oracle', 'bin', 'python');
const hasPython = existsSync(PY);
const spec = JSON.stringify({ models: MODELS, workloads: WORKLOADS });
const childEnv = { ...process.env, BENCH_SPEC: spec, KERAS_BACKEND: 'jax', JAX_PLATFORMS: 'cpu', TF_CPP_MIN_LOG_LEVEL: '2' };

function runChild(system, workload) {
  if (Date.now() - started > BUDGET_MS) return { status: 'skipped', reason: 'time budget of the run exhausted' };
  const [cmd, argv] =
    system === 'keras-jax'
      ? [PY, [join(BENCH_DIR, 'src', 'keras_child.py'), workload.id]]
      : [process.execPath, [join(BENCH_DIR, 'src', 'child.mjs'), system, workload.id]];
  if (system === 'keras-jax' && !hasPython) return { status: 'skipped', reason: 'no oracle venv (.venv-oracle): run pnpm oracle:setup' };
  const r = spawnSync(cmd, argv, { env: childEnv, encoding: 'utf8', timeout: CHILD_TIMEOUT_MS, maxBuffer: 256 * 1024 * 1024 });
  const line = (r.stdout ?? '').split('\n').find((l) => l.startsWith('RESULT '));
  if (line) return JSON.parse(line.slice(7));
  const why = r.error ? String(r.error.message) : `exit ${r.status}${r.signal ? ` (${r.signal})` : ''}`;
  const tail = (r.stderr ?? '').trim().split('\n').filter((l) => !/^(I0000|WARNING)/.test(l)).slice(-2).join(' ');
  return { status: 'skipped', reason: `failed: ${why}${tail ? `: ${tail.slice(0, 300)}` : ''}` };
}

function maxAbsDiff(a, b) {
  if (a.length !== b.length) return null;
  let m = 0;
  for (let i = 0; i < a.length; i++) m = Math.max(m, Math.abs(a[i] - b[i]));
  return m;
}

const fmtMs = (ms) => (ms >= 1000 ? `${(ms / 1000).toFixed(2)} s` : ms >= 1 ? `${ms.toFixed(ms >= 100 ? 0 : ms >= 10 ? 1 : 2)} ms` : `${(ms * 1000).toFixed(ms >= 0.1 ? 0 : 1)} µs`);
const fmtRatio = (r) => (r === null ? '—' : r >= 10 ? r.toFixed(0) : r >= 0.1 ? r.toFixed(2) : r.toFixed(3));

// ---------------------------------------------------------------------------------------------------

console.log(`kerasts bench — ${cpus().length} × ${cpus()[0]?.model ?? 'cpu'}, ${(totalmem() / 2 ** 30).toFixed(0)} GiB, Node ${process.version}`);
const loadBefore = loadavg();
console.log(`load average at start: ${loadBefore.map((x) => x.toFixed(2)).join(' ')}`);
// In a child process: generating the large model's weights takes ~150 MB, and this process should stay small.
{
  const r = spawnSync(process.execPath, ['-e', `import(${JSON.stringify(new URL('./common.mjs', import.meta.url).href)}).then((m) => m.prepareData())`], { stdio: 'inherit' });
  if (r.status !== 0) throw new Error('preparing the weights and inputs failed');
}
if (hasPython && workloads.some((w) => w.kind === 'load') && !existsSync(join(CACHE_DIR, 'large.h5'))) {
  console.log('writing .cache/large.h5 with Keras (W4 file) ...');
  const r = spawnSync(PY, [join(BENCH_DIR, 'src', 'keras_child.py'), '--make-h5'], { env: childEnv, encoding: 'utf8', timeout: 300000 });
  if (!(r.stdout ?? '').includes('RESULT')) console.log(`  failed: ${(r.stderr ?? '').trim().split('\n').slice(-1)[0]}`);
}

const results = [];
for (const w of workloads) {
  const row = { id: w.id, title: w.title, kind: w.kind, systems: {} };
  for (const s of systems) {
    const t0 = Date.now();
    const r = runChild(s, w);
    delete r.system;
    delete r.workload;
    r.wallSeconds = Math.round((Date.now() - t0) / 100) / 10;
    row.systems[s] = r;
  }
  // Cross-check outputs against kerasts.
  const ours = row.systems.kerasts?.output ? decodeF32(row.systems.kerasts.output) : null;
  for (const s of systems) {
    const r = row.systems[s];
    if (s !== 'kerasts' && ours && r.output) r.maxAbsDiff = maxAbsDiff(ours, decodeF32(r.output));
    delete r.output;
  }
  const k = row.systems.kerasts;
  row.ratios = {};
  for (const s of systems) {
    if (s === 'kerasts') continue;
    const p = row.systems[s];
    row.ratios[s] = k?.status === 'ok' && p?.status === 'ok' ? k.time.median / p.time.median : null;
  }
  results.push(row);
  printRow(row);
}
const loadAfter = loadavg();
console.log(`load average at end: ${loadAfter.map((x) => x.toFixed(2)).join(' ')}; ${((Date.now() - started) / 60000).toFixed(1)} min`);

function printRow(row) {
  const cell = (s) => {
    const r = row.systems[s];
    if (!r || r.status !== 'ok') return `${s}: skipped (${r?.reason ?? 'not run'})`;
    const g = r.gflops ? `, ${r.gflops.toFixed(1)} GFLOP/s` : '';
    const d = r.maxAbsDiff !== undefined && r.maxAbsDiff !== null ? `, max|Δ| ${r.maxAbsDiff.toExponential(1)}` : '';
    const note = r.note ? ` [${r.note}]` : '';
    return `${s}: ${fmtMs(r.time.median)} (${fmtMs(r.time.min)}–${fmtMs(r.time.max)}${g}${d}, peak RSS ${r.peakRssMB} MB)${note}`;
  };
  console.log(`\n${row.title}`);
  for (const s of systems) console.log(`  ${cell(s)}`);
  console.log(`  ratio kerasts/peer: ${Object.entries(row.ratios).map(([s, r]) => `${s} ${fmtRatio(r)}`).join(' · ')}`);
}

// ---------------------------------------------------------------------------------------------------
// results/latest.json, latest.md, ratios.svg

const TARGETS = {
  'w1-b1': { tfjs: 0.05, 'tfjs-node': 0.02 },
  'w1-b4096': { 'tfjs-node': 0.33, 'keras-jax': 1.0 },
  w2: { 'tfjs-node': 0.33, 'keras-jax': 1.0 },
  w3: { 'tfjs-node': 0.33, 'keras-jax': 1.5 },
  w4: { tfjs: 1.0, 'keras-jax': 0.25 },
};

mkdirSync(RESULTS_DIR, { recursive: true });
const meta = {
  date: new Date().toISOString(),
  node: process.version,
  cpu: `${cpus().length} × ${cpus()[0]?.model ?? 'cpu'}`,
  loadAverageStart: loadBefore,
  loadAverageEnd: loadAfter,
  minutes: (Date.now() - started) / 60000,
  protocol: 'each (system, workload) in its own process; warm-up ≥ 300 ms and ≥ 2 calls, then samples of ≥ 20 ms (mean per call of consecutive calls), ≥ 5 samples (3 for slow ones); median and min–max over samples',
};
writeFileSync(join(RESULTS_DIR, 'latest.json'), JSON.stringify({ meta, targets: TARGETS, results }, null, 2) + '\n');

const md = [];
md.push('# kerasts benchmark', '');
md.push(`${meta.date} · ${meta.cpu} · Node ${meta.node} · load average ${loadBefore.map((x) => x.toFixed(2)).join(' ')} at start, ${loadAfter.map((x) => x.toFixed(2)).join(' ')} at end · ${meta.minutes.toFixed(1)} min`, '');
md.push('Medians (min–max). Ratio = kerasts time / peer time (lower is better; < 1 means kerasts is faster). Target in brackets where the issue sets one.', '');
md.push(`| workload | ${systems.join(' | ')} | ${systems.filter((s) => s !== 'kerasts').map((s) => `÷ ${s}`).join(' | ')} |`);
md.push(`|---|${systems.map(() => '---').join('|')}|${systems.filter((s) => s !== 'kerasts').map(() => '---').join('|')}|`);
for (const row of results) {
  const cells = systems.map((s) => {
    const r = row.systems[s];
    if (r.status !== 'ok') return `skipped: ${r.reason}`;
    const g = r.gflops ? `<br>${r.gflops.toFixed(1)} GFLOP/s` : '';
    return `${fmtMs(r.time.median)} (${fmtMs(r.time.min)}–${fmtMs(r.time.max)})${g}`;
  });
  const ratios = systems
    .filter((s) => s !== 'kerasts')
    .map((s) => {
      const r = row.ratios[s];
      const t = TARGETS[row.id]?.[s];
      const mark = t === undefined || r === null ? '' : r <= t ? ' ✓' : ' ✗';
      return `${fmtRatio(r)}${t !== undefined ? ` [≤ ${t}]${mark}` : ''}`;
    });
  md.push(`| ${row.title} | ${cells.join(' | ')} | ${ratios.join(' | ')} |`);
}
md.push('', '## Cross-check and memory', '');
md.push(`| workload | ${systems.map((s) => `${s} max abs Δ vs kerasts / peak RSS`).join(' | ')} |`);
md.push(`|---|${systems.map(() => '---').join('|')}|`);
for (const row of results) {
  md.push(
    `| ${row.id} | ${systems
      .map((s) => {
        const r = row.systems[s];
        if (r.status !== 'ok') return '—';
        const d = s === 'kerasts' ? 'ref' : r.maxAbsDiff === undefined || r.maxAbsDiff === null ? 'n/a' : r.maxAbsDiff.toExponential(1);
        return `${d} / ${r.peakRssMB} MB (base ${r.baseRssMB ?? '?'} MB)${r.note ? ` — ${r.note}` : ''}`;
      })
      .join(' | ')} |`,
  );
}
md.push('', `Protocol: ${meta.protocol}. Keras+JAX times are taken inside Python (\`predict_on_batch\`, \`fit\`, \`load_model\`).`);
md.push('', '![ratios](ratios.svg)', '');
writeFileSync(join(RESULTS_DIR, 'latest.md'), md.join('\n'));
writeFileSync(join(RESULTS_DIR, 'ratios.svg'), svgChart(results));
console.log(`\nwrote ${join('tools/bench/results', 'latest.json')}, latest.md, ratios.svg`);

/** A horizontal bar chart of log10(ratio) per workload and peer. */
function svgChart(rows) {
  const peers = systems.filter((s) => s !== 'kerasts');
  const colors = { 'tfjs-node': '#1f77b4', 'tfjs-wasm': '#ff7f0e', tfjs: '#2ca02c', 'keras-jax': '#d62728' };
  const barH = 10, gap = 8, left = 260, width = 420, top = 40;
  const lo = -3, hi = 2; // 0.001× … 100×
  const x = (r) => left + ((Math.log10(Math.min(Math.max(r, 10 ** lo), 10 ** hi)) - lo) / (hi - lo)) * width;
  let y = top;
  const parts = [];
  for (const row of rows) {
    parts.push(`<text x="${left - 6}" y="${y + (peers.length * barH) / 2 + 4}" text-anchor="end" font-size="11">${row.id}</text>`);
    for (const p of peers) {
      const r = row.ratios[p];
      if (r !== null && r !== undefined) {
        const x0 = x(1), x1 = x(r);
        parts.push(`<rect x="${Math.min(x0, x1)}" y="${y}" width="${Math.max(1, Math.abs(x1 - x0))}" height="${barH - 1}" fill="${colors[p]}"/>`);
        parts.push(`<text x="${Math.max(x0, x1) + 3}" y="${y + barH - 2}" font-size="8">${fmtRatio(r)}</text>`);
      }
      y += barH;
    }
    y += gap;
  }
  const ticks = [];
  for (let e = lo; e <= hi; e++) {
    ticks.push(`<line x1="${x(10 ** e)}" y1="${top - 5}" x2="${x(10 ** e)}" y2="${y}" stroke="#ccc"/>`);
    ticks.push(`<text x="${x(10 ** e)}" y="${top - 8}" text-anchor="middle" font-size="10">${10 ** e}×</text>`);
  }
  const legend = peers.map((p, i) => `<rect x="${10 + i * 110}" y="${y + 10}" width="10" height="10" fill="${colors[p]}"/><text x="${24 + i * 110}" y="${y + 19}" font-size="11">÷ ${p}</text>`);
  return `<svg xmlns="http://www.w3.org/2000/svg" width="${left + width + 60}" height="${y + 30}" font-family="sans-serif">
<text x="10" y="16" font-size="13">kerasts time / peer time (log scale, left of 1× = kerasts faster)</text>
${ticks.join('\n')}
<line x1="${x(1)}" y1="${top - 5}" x2="${x(1)}" y2="${y}" stroke="#000"/>
${parts.join('\n')}
${legend.join('\n')}
</svg>
`;
}

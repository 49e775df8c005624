// `pnpm bench`: runs every workload on kerasts and its peers (ONNX Runtime: onnxruntime-node with
// default intra-op threads and with one, onnxruntime-web's WASM in Node, on graphs exported by
// @kerasts/io-onnx; tfjs-node, tfjs-wasm, tfjs pure JS; Keras+JAX when the oracle venv exists), each (system, workload) in its own process, then prints the
// table of medians and ratios and writes results/latest.json and results/latest.md (+ ratios.svg).
//
//   node src/run.mjs [--only w1-b1,w2] [--systems kerasts,tfjs-node] [--rounds 2]
//
// With --rounds N (default 2) every workload runs N rounds of all systems one after the other (kerasts, peers,
// kerasts, peers, ...) and each system's median is the median of its round medians: on a shared
// machine whose speed drifts, the systems then see the same conditions.
import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { cpus, loadavg, totalmem } from 'node:os';
import { join } from 'node:path';
import { BENCH_DIR, CACHE_DIR, MODELS, RESULTS_DIR, ROOT, SYSTEMS, WORKLOADS, decodeF32, weightSpecs } from './common.mjs';

/** Parameters of a model of MODELS (LSTM: 4u(in + u + 1); Dense: out(in + 1)). */
function modelParams(name) {
  return weightSpecs(MODELS[name]).reduce((n, s) => n + s.shape.reduce((a, b) => a * b, 1), 0);
}

const args = process.argv.slice(2);
const opt = (name) => {
  const i = args.indexOf(name);
  return i >= 0 ? args[i + 1]?.split(',') : null;
};
const onlyWorkloads = opt('--only');
const onlySystems = opt('--systems');
const workloads = WORKLOADS.filter((w) => !onlyWorkloads || onlyWorkloads.includes(w.id));
const systems = SYSTEMS.filter((s) => !onlySystems || onlySystems.includes(s));
const rounds = Math.max(1, Number(opt('--rounds')?.[0] ?? 2));

/** The whole run must stay under about 25 minutes; later children are skipped past this. */
const BUDGET_MS = 24 * 60 * 1000;
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

/** A cold workload: `w.runs` fresh processes, one first load each; the median of their times. */
function runCold(system, workload) {
  const runs = [];
  for (let i = 0; i < (workload.runs ?? 5); i++) {
    const r = runChild(system, workload);
    if (r.status !== 'ok') return r;
    runs.push(r);
  }
  return combine(runs);
}

/** One result from several (rounds or cold runs): median of medians, overall min and max, peak RSS at most. */
function combine(rs) {
  if (rs.length === 1) return rs[0];
  const bad = rs.find((r) => r.status !== 'ok');
  if (bad) return bad;
  const med = (xs) => {
    const s = [...xs].sort((a, b) => a - b);
    return (s[Math.floor((s.length - 1) / 2)] + s[Math.ceil((s.length - 1) / 2)]) / 2;
  };
  const out = { ...rs[0] };
  out.time = {
    median: med(rs.map((r) => r.time.median)),
    min: Math.min(...rs.map((r) => r.time.min)),
    max: Math.max(...rs.map((r) => r.time.max)),
    samples: rs.reduce((n, r) => n + r.time.samples, 0),
    runs: rs.reduce((n, r) => n + (r.time.runs ?? 1), 0),
    ...(rs.every((r) => r.time.cpu) ? { cpu: { median: med(rs.map((r) => r.time.cpu.median)), min: Math.min(...rs.map((r) => r.time.cpu.min)), max: Math.max(...rs.map((r) => r.time.cpu.max)) } } : {}),
  };
  out.peakRssMB = Math.max(...rs.map((r) => r.peakRssMB ?? 0));
  if (rs[0].loadPeakAboveBaseMB !== undefined) {
    const v = rs.map((r) => r.loadPeakAboveBaseMB).filter((x) => typeof x === 'number');
    out.loadPeakAboveBaseMB = v.length ? Math.max(...v) : null;
  }
  for (const k of ['gflops', 'gflopsOneThread']) if (rs[0][k] !== undefined) out[k] = med(rs.map((r) => r[k]));
  return out;
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

// The ONNX files are exported afresh in every run (the exporter may have changed since the last one).
if (existsSync(CACHE_DIR)) for (const f of readdirSync(CACHE_DIR)) if (f.endsWith('.onnx')) rmSync(join(CACHE_DIR, f), { force: true });

const results = [];
for (const w of workloads) {
  const row = { id: w.id, title: w.title, kind: w.kind, systems: {} };
  const perSystem = Object.fromEntries(systems.map((s) => [s, []]));
  const wall = Object.fromEntries(systems.map((s) => [s, 0]));
  for (let round = 0; round < rounds; round++) {
    for (const s of systems) {
      const t0 = Date.now();
      const r = w.kind === 'load-cold' ? runCold(s, w) : runChild(s, w);
      delete r.system;
      delete r.workload;
      wall[s] += Date.now() - t0;
      perSystem[s].push(r);
    }
  }
  for (const s of systems) {
    const r = combine(perSystem[s]);
    r.wallSeconds = Math.round(wall[s] / 100) / 10;
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
  row.cpuRatios = {};
  for (const s of systems) {
    if (s === 'kerasts') continue;
    const p = row.systems[s];
    row.ratios[s] = k?.status === 'ok' && p?.status === 'ok' ? k.time.median / p.time.median : null;
    row.cpuRatios[s] = k?.status === 'ok' && p?.status === 'ok' && k.time.cpu && p.time.cpu ? k.time.cpu.median / p.time.cpu.median : null;
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
    const g = r.gflops ? `, ${r.gflops.toFixed(1)} GFLOP/s${r.gflopsOneThread ? ` (1 thread: ${r.gflopsOneThread.toFixed(1)})` : ''}` : '';
    const lm = typeof r.loadPeakAboveBaseMB === 'number' ? `, load peak +${r.loadPeakAboveBaseMB} MB over base` : '';
    const d = r.maxAbsDiff !== undefined && r.maxAbsDiff !== null ? `, max|Δ| ${r.maxAbsDiff.toExponential(1)}` : '';
    const note = r.note ? ` [${r.note}]` : '';
    const cpu = r.time.cpu ? `, CPU ${fmtMs(r.time.cpu.median)}/call` : '';
    return `${s}: ${fmtMs(r.time.median)} (${fmtMs(r.time.min)}–${fmtMs(r.time.max)}${cpu}${g}${d}${lm}, peak RSS ${r.peakRssMB} MB)${note}`;
  };
  console.log(`\n${row.title}`);
  for (const s of systems) console.log(`  ${cell(s)}`);
  console.log(`  ratio kerasts/peer (wall): ${Object.entries(row.ratios).map(([s, r]) => `${s} ${fmtRatio(r)}`).join(' · ')}`);
  console.log(`  ratio kerasts/peer (CPU):  ${Object.entries(row.cpuRatios).map(([s, r]) => `${s} ${fmtRatio(r)}`).join(' · ')}`);
}

// ---------------------------------------------------------------------------------------------------
// results/latest.json, latest.md, ratios.svg

// Issue 16: every workload ≤ 1.0 × onnxruntime-web; W2 and Large ≤ 2.0 × onnxruntime-node on one thread.
const TARGETS = {
  'w1-b1': { tfjs: 0.05, 'tfjs-node': 0.02, 'ort-web': 1.0 },
  'w1-b4096': { 'tfjs-node': 0.33, 'keras-jax': 1.0, 'ort-web': 1.0 },
  w2: { 'tfjs-node': 0.33, 'keras-jax': 1.0, 'ort-web': 1.0, 'ort-node-1t': 2.0 },
  w3: { 'tfjs-node': 0.33, 'keras-jax': 1.5 },
  w4: { tfjs: 1.0, 'keras-jax': 0.25, 'ort-web': 1.0 },
  'w4-cold': { tfjs: 1.0, 'keras-jax': 0.25, 'ort-web': 1.0 },
  'gemm-64': { 'ort-web': 1.0 },
  'gemm-256': { 'ort-web': 1.0 },
  'gemm-1024': { 'ort-web': 1.0 },
  large: { 'ort-web': 1.0, 'ort-node-1t': 2.0 },
  w5: { 'tfjs-node': 0.33 },
  'w5-train': { 'tfjs-node': 0.33 },
  // Issue 12: W6 and W7 at most 1.0 × tfjs-node and 0.5 × tfjs-wasm.
  w6: { 'tfjs-node': 1.0, 'tfjs-wasm': 0.5 },
  'w6-train': { 'tfjs-node': 1.0, 'tfjs-wasm': 0.5 },
  w7: { 'tfjs-node': 1.0, 'tfjs-wasm': 0.5 },
};
/** W4's memory target: a load's peak RSS at most 1.5 × the weights' size (25.2M float32) above the baseline. */
const W4_WEIGHTS_MB = Math.round((modelParams('large') * 4) / 1048576 * 10) / 10;
const W4_RSS_TARGET_MB = Math.round(1.5 * W4_WEIGHTS_MB * 10) / 10;

mkdirSync(RESULTS_DIR, { recursive: true });
const meta = {
  date: new Date().toISOString(),
  node: process.version,
  cpu: `${cpus().length} × ${cpus()[0]?.model ?? 'cpu'}`,
  loadAverageStart: loadBefore,
  loadAverageEnd: loadAfter,
  minutes: (Date.now() - started) / 60000,
  rounds,
  w4MemoryTargetMB: W4_RSS_TARGET_MB,
  protocol: 'each (system, workload) in its own process; warm-up ≥ 300 ms and ≥ 2 calls, then samples of ≥ 20 ms (mean per call of consecutive calls; calls per sample sized from the median warm-up call), ≥ 5 samples (3 for slow ones); median and min–max over samples; CPU time per call from process.cpuUsage / time.process_time over the same samples',
};
writeFileSync(join(RESULTS_DIR, 'latest.json'), JSON.stringify({ meta, targets: TARGETS, results }, null, 2) + '\n');

const md = [];
md.push('# kerasts benchmark', '');
md.push(`${meta.date} · ${meta.cpu} · Node ${meta.node} · load average ${loadBefore.map((x) => x.toFixed(2)).join(' ')} at start, ${loadAfter.map((x) => x.toFixed(2)).join(' ')} at end · ${meta.minutes.toFixed(1)} min`, '');
md.push('Wall-time medians (min–max), and the median CPU time per call (user + system, every thread of the process; steadier than wall time on a shared machine). Ratio = kerasts time / peer time, wall (CPU) (lower is better; < 1 means kerasts is faster). Target in brackets where an issue sets one, checked on wall time.', '');
md.push(`| workload | ${systems.join(' | ')} | ${systems.filter((s) => s !== 'kerasts').map((s) => `÷ ${s}`).join(' | ')} |`);
md.push(`|---|${systems.map(() => '---').join('|')}|${systems.filter((s) => s !== 'kerasts').map(() => '---').join('|')}|`);
for (const row of results) {
  const cells = systems.map((s) => {
    const r = row.systems[s];
    if (r.status !== 'ok') return `skipped: ${r.reason}`;
    const g = r.gflops ? `<br>${r.gflops.toFixed(1)} GFLOP/s${r.gflopsOneThread ? `<br>1 thread: ${r.gflopsOneThread.toFixed(1)} GFLOP/s` : ''}` : '';
    const cpu = r.time.cpu ? `<br>CPU ${fmtMs(r.time.cpu.median)}` : '';
    return `${fmtMs(r.time.median)} (${fmtMs(r.time.min)}–${fmtMs(r.time.max)})${cpu}${g}`;
  });
  const ratios = systems
    .filter((s) => s !== 'kerasts')
    .map((s) => {
      const r = row.ratios[s];
      const t = TARGETS[row.id]?.[s];
      const mark = t === undefined || r === null ? '' : r <= t ? ' ✓' : ' ✗';
      const c = row.cpuRatios?.[s];
      return `${fmtRatio(r)}${c !== null && c !== undefined ? ` (${fmtRatio(c)})` : ''}${t !== undefined ? ` [≤ ${t}]${mark}` : ''}`;
    });
  md.push(`| ${row.title} | ${cells.join(' | ')} | ${ratios.join(' | ')} |`);
}
const cold = results.find((r) => r.id === 'w4-cold');
if (cold) {
  md.push('', `## W4 memory: one load's peak RSS above the process baseline (target for kerasts: ≤ 1.5 × ${W4_WEIGHTS_MB} MB = ${W4_RSS_TARGET_MB} MB)`, '');
  md.push(`| | ${systems.join(' | ')} |`, `|---|${systems.map(() => '---').join('|')}|`);
  md.push(
    `| peak − baseline (largest of ${cold.systems.kerasts?.time?.runs ?? 1} fresh processes) | ${systems
      .map((s) => {
        const r = cold.systems[s];
        if (r?.status !== 'ok' || typeof r.loadPeakAboveBaseMB !== 'number') return '—';
        const mark = s === 'kerasts' ? (r.loadPeakAboveBaseMB <= W4_RSS_TARGET_MB ? ' ✓' : ' ✗') : '';
        return `${r.loadPeakAboveBaseMB} MB (base ${r.baseRssMB} MB)${mark}`;
      })
      .join(' | ')} |`,
  );
  md.push('', 'The baseline is the RSS after importing the library (and, for tfjs, after `tf.ready()`); the peak is VmHWM after resetting it (`/proc/self/clear_refs`) just before the load, so the figure is what one load adds, library start-up done inside that load included.');
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
md.push('', `Protocol: ${meta.protocol}${rounds > 1 ? `; ${rounds} rounds of all systems, median of the round medians` : ''}; W4 cold: ${WORKLOADS.find((w) => w.id === 'w4-cold')?.runs ?? 5} fresh processes per system, one first load each, median. Keras+JAX times are taken inside Python (\`predict_on_batch\`, \`fit\`, \`load_model\`).`);
md.push('', '![ratios](ratios.svg)', '');
writeFileSync(join(RESULTS_DIR, 'latest.md'), md.join('\n'));
writeFileSync(join(RESULTS_DIR, 'ratios.svg'), svgChart(results));
console.log(`\nwrote ${join('tools/bench/results', 'latest.json')}, latest.md, ratios.svg`);

/** A horizontal bar chart of log10(ratio) per workload and peer. */
function svgChart(rows) {
  const peers = systems.filter((s) => s !== 'kerasts');
  const colors = { 'ort-node': '#9467bd', 'ort-node-1t': '#8c564b', 'ort-web': '#e377c2', 'tfjs-node': '#1f77b4', 'tfjs-wasm': '#ff7f0e', tfjs: '#2ca02c', 'keras-jax': '#d62728' };
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
  const legend = peers.map((p, i) => `<rect x="${10 + (i % 4) * 150}" y="${y + 10 + 16 * Math.floor(i / 4)}" width="10" height="10" fill="${colors[p]}"/><text x="${24 + (i % 4) * 150}" y="${y + 19 + 16 * Math.floor(i / 4)}" font-size="11">÷ ${p}</text>`);
  return `<svg xmlns="http://www.w3.org/2000/svg" width="${left + width + 60}" height="${y + 30 + 16 * Math.floor((peers.length - 1) / 4)}" font-family="sans-serif">
<text x="10" y="16" font-size="13">kerasts time / peer time (log scale, left of 1× = kerasts faster)</text>
${ticks.join('\n')}
<line x1="${x(1)}" y1="${top - 5}" x2="${x(1)}" y2="${y}" stroke="#000"/>
${parts.join('\n')}
${legend.join('\n')}
</svg>
`;
}

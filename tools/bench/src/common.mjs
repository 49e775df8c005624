// Shared by the orchestrator (run.mjs) and the per-system children (child.mjs): the workloads, the
// deterministic weights and inputs (made once with a seed, cached as JSON manifest + float32 binary that
// every system, Python included, reads), and the timing protocol.
import { existsSync, mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

export const BENCH_DIR = join(dirname(fileURLToPath(import.meta.url)), '..');
export const CACHE_DIR = join(BENCH_DIR, '.cache');
export const RESULTS_DIR = join(BENCH_DIR, 'results');
export const ROOT = join(BENCH_DIR, '..', '..');

/**
 * The models. `layers` are applied in order; an LSTM's input is [timesteps, features], an Embedding's
 * [tokens] (integer ids in [0, inputDim), stored as float32).
 * Weights: per LSTM kernel (in, 4u), recurrent_kernel (u, 4u), bias (4u); per Embedding embeddings
 * (inputDim, outputDim); per Bidirectional GRU forward then backward kernel (in, 3u), recurrent_kernel
 * (u, 3u), bias (3u) — reset_after=False, the only GRU tfjs has; per Dense kernel (in, u), bias (u);
 * per Conv1D/Conv2D kernel (k…, in, filters), bias (filters) (padding valid, strides 1). Pooling (pool
 * size = strides, valid), Flatten and GlobalMaxPooling1D carry no weights. `activation` (conv, dense)
 * defaults to linear.
 */
export const MODELS = {
  w1: { input: [1, 8], layers: [{ type: 'lstm', units: 4 }, { type: 'dense', units: 1 }] },
  w2: { input: [50, 32], layers: [{ type: 'lstm', units: 128 }, { type: 'dense', units: 10 }] },
  w5: {
    input: [100],
    layers: [{ type: 'embedding', inputDim: 20000, outputDim: 128 }, { type: 'bigru', units: 64 }, { type: 'dense', units: 1 }],
  },
  w6: {
    input: [28, 28, 1],
    layers: [
      { type: 'conv2d', filters: 32, kernelSize: 3, activation: 'relu' },
      { type: 'maxpool2d', poolSize: 2 },
      { type: 'conv2d', filters: 64, kernelSize: 3, activation: 'relu' },
      { type: 'maxpool2d', poolSize: 2 },
      { type: 'flatten' },
      { type: 'dense', units: 10, activation: 'softmax' },
    ],
  },
  w7: {
    input: [200],
    layers: [
      { type: 'embedding', inputDim: 20000, outputDim: 128 },
      { type: 'conv1d', filters: 128, kernelSize: 5, activation: 'relu' },
      { type: 'globalmaxpool1d' },
      { type: 'dense', units: 1 },
    ],
  },
  large: {
    input: [8, 1024],
    layers: [
      { type: 'lstm', units: 1024, returnSequences: true },
      { type: 'lstm', units: 1024, returnSequences: true },
      { type: 'lstm', units: 1024 },
      { type: 'dense', units: 10 },
    ],
  },
};

/** The workloads, in report order. `kind` says what each system runs. */
export const WORKLOADS = [
  { id: 'w1-b1', title: 'W1: LSTM(4) on (1, 8) + Dense(1), predict batch 1', kind: 'predict', model: 'w1', batch: 1 },
  { id: 'w1-b4096', title: 'W1 predict batch 4096', kind: 'predict', model: 'w1', batch: 4096 },
  { id: 'w2', title: 'W2: LSTM(128) over 50×32 + Dense(10), predict batch 64', kind: 'predict', model: 'w2', batch: 64 },
  { id: 'w3', title: 'W3: W2 model, Adam + mse, one epoch of 2048 samples, batch 64', kind: 'train', model: 'w2', batch: 64, samples: 2048 },
  { id: 'w4', title: 'W4: load a 25.2M-parameter model (100 MB of weights)', kind: 'load', model: 'large' },
  { id: 'w5', title: 'W5: Embedding(20000, 128) + Bidirectional(GRU(64)) + Dense(1) on 100 tokens, predict batch 64', kind: 'predict', model: 'w5', batch: 64 },
  { id: 'w5-train', title: 'W5 model, Adam + mse, one epoch of 2048 samples, batch 64', kind: 'train', model: 'w5', batch: 64, samples: 2048 },
  { id: 'w6', title: 'W6: Conv2D(32,3,relu) → MaxPool2D → Conv2D(64,3,relu) → MaxPool2D → Flatten → Dense(10, softmax) on 28×28×1, predict batch 64', kind: 'predict', model: 'w6', batch: 64 },
  {
    id: 'w6-train',
    title: 'W6 model, Adam + categorical crossentropy (one-hot labels), one epoch of 2048 samples, batch 64',
    kind: 'train',
    model: 'w6',
    batch: 64,
    samples: 2048,
    loss: 'categorical_crossentropy',
  },
  { id: 'w7', title: 'W7: Embedding(20000, 128) → Conv1D(128, 5, relu) → GlobalMaxPooling1D → Dense(1) on 200 tokens, predict batch 64', kind: 'predict', model: 'w7', batch: 64 },
  {
    id: 'w4-cold',
    title: 'W4 cold: the first load in a fresh process (library imported, nothing else done)',
    kind: 'load-cold',
    model: 'large',
    runs: 5,
  },
  { id: 'gemm-64', title: 'GEMM 64³', kind: 'gemm', size: 64 },
  { id: 'gemm-256', title: 'GEMM 256³', kind: 'gemm', size: 256 },
  { id: 'gemm-1024', title: 'GEMM 1024³', kind: 'gemm', size: 1024 },
  { id: 'large', title: 'Large: 3 × LSTM(1024) (25.2M params) over 8×1024 + Dense(10), predict batch 4', kind: 'predict', model: 'large', batch: 4 },
];

export const SYSTEMS = ['kerasts', 'ort-node', 'ort-node-1t', 'ort-web', 'tfjs-node', 'tfjs-wasm', 'tfjs', 'keras-jax'];

/** mulberry32: a tiny seeded generator (same sequence in every run). */
export function rng(seed) {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/** n integer token ids in [0, vocab), as float32. */
function tokens(r, n, vocab) {
  const a = new Float32Array(n);
  for (let i = 0; i < n; i++) a[i] = Math.min(vocab - 1, Math.floor(r() * vocab));
  return a;
}

/** n one-hot rows of `classes` values (a random class each). */
function oneHot(r, n, classes) {
  const a = new Float32Array(n * classes);
  for (let i = 0; i < n; i++) a[i * classes + Math.min(classes - 1, Math.floor(r() * classes))] = 1;
  return a;
}

function uniform(r, n, limit) {
  const a = new Float32Array(n);
  for (let i = 0; i < n; i++) a[i] = (2 * r() - 1) * limit;
  return a;
}

/** Weight shapes of a model, in Keras get_weights() order, with names. */
export function weightSpecs(model) {
  const specs = [];
  // The per-sample shape flowing through the model (feature axis last).
  let shape = [...model.input];
  let feat = model.input[model.input.length - 1];
  model.layers.forEach((l, i) => {
    if (l.type === 'lstm') {
      specs.push({ name: `lstm_${i}/kernel`, shape: [feat, 4 * l.units] });
      specs.push({ name: `lstm_${i}/recurrent_kernel`, shape: [l.units, 4 * l.units] });
      specs.push({ name: `lstm_${i}/bias`, shape: [4 * l.units] });
      shape = l.returnSequences ? [shape[0], l.units] : [l.units];
    } else if (l.type === 'embedding') {
      specs.push({ name: `embedding_${i}/embeddings`, shape: [l.inputDim, l.outputDim] });
      shape = [shape[0], l.outputDim];
      feat = l.outputDim;
      return;
    } else if (l.type === 'bigru') {
      for (const dir of ['forward', 'backward']) {
        specs.push({ name: `bigru_${i}/${dir}/kernel`, shape: [feat, 3 * l.units] });
        specs.push({ name: `bigru_${i}/${dir}/recurrent_kernel`, shape: [l.units, 3 * l.units] });
        specs.push({ name: `bigru_${i}/${dir}/bias`, shape: [3 * l.units] });
      }
      feat = 2 * l.units;
      shape = [feat];
      return;
    } else if (l.type === 'conv1d' || l.type === 'conv2d') {
      const rank = l.type === 'conv1d' ? 1 : 2;
      specs.push({ name: `conv_${i}/kernel`, shape: [...Array(rank).fill(l.kernelSize), feat, l.filters] });
      specs.push({ name: `conv_${i}/bias`, shape: [l.filters] });
      shape = [...shape.slice(0, rank).map((d) => d - l.kernelSize + 1), l.filters];
      feat = l.filters;
      return;
    } else if (l.type === 'maxpool2d') {
      shape = [Math.floor(shape[0] / l.poolSize), Math.floor(shape[1] / l.poolSize), shape[2]];
      return;
    } else if (l.type === 'flatten') {
      feat = shape.reduce((a, b) => a * b, 1);
      shape = [feat];
      return;
    } else if (l.type === 'globalmaxpool1d') {
      shape = [feat];
      return;
    } else {
      specs.push({ name: `dense_${i}/kernel`, shape: [feat, l.units] });
      specs.push({ name: `dense_${i}/bias`, shape: [l.units] });
      shape = [...shape.slice(0, -1), l.units];
    }
    feat = l.units;
  });
  return specs;
}

const size = (shape) => shape.reduce((a, b) => a * b, 1);

/**
 * Writes (once) `<name>.json` + `<name>.bin`: a manifest of named float32 arrays and their bytes.
 * `make()` returns [{ name, shape, data }].
 */
function cached(name, key, make) {
  const json = join(CACHE_DIR, `${name}.json`);
  const bin = join(CACHE_DIR, `${name}.bin`);
  if (existsSync(json) && existsSync(bin)) {
    try {
      if (JSON.parse(readFileSync(json, 'utf8')).key === key) return;
    } catch {
      // remake it
    }
  }
  mkdirSync(CACHE_DIR, { recursive: true });
  const arrays = make();
  let offset = 0;
  const entries = arrays.map((a) => {
    const e = { name: a.name, shape: a.shape, offset };
    offset += a.data.length;
    return e;
  });
  const all = new Float32Array(offset);
  arrays.forEach((a, i) => all.set(a.data, entries[i].offset));
  writeFileSync(bin, Buffer.from(all.buffer));
  writeFileSync(json, JSON.stringify({ name, key, dtype: 'float32', littleEndian: true, arrays: entries }, null, 1));
  return true;
}

/** Reads a cached set as { name: { shape, data } } (data: Float32Array views of one buffer). */
export function loadSet(name) {
  const manifest = JSON.parse(readFileSync(join(CACHE_DIR, `${name}.json`), 'utf8'));
  const buf = readFileSync(join(CACHE_DIR, `${name}.bin`));
  const all = new Float32Array(buf.buffer, buf.byteOffset, buf.byteLength / 4);
  const out = {};
  for (const e of manifest.arrays) out[e.name] = { shape: e.shape, data: all.subarray(e.offset, e.offset + size(e.shape)) };
  return out;
}

/** Makes every weight and input file the workloads need (idempotent). */
export function prepareData() {
  let seed = 1;
  for (const [name, model] of Object.entries(MODELS)) {
    const made = cached(`weights-${name}`, JSON.stringify(model), () => {
      const r = rng(1000 + seed++);
      return weightSpecs(model).map((s) => {
        // Glorot limits (a conv kernel's fans count its window: Keras' receptive field size).
        const receptive = s.shape.slice(0, -2).reduce((a, b) => a * b, 1);
        const fanIn = s.shape.length >= 2 ? s.shape[s.shape.length - 2] * receptive : 1;
        const fanOut = s.shape.length >= 2 ? s.shape[s.shape.length - 1] * receptive : s.shape[0];
        const limit = s.name.endsWith('bias') ? 0.1 : s.name.endsWith('embeddings') ? 0.05 : Math.sqrt(6 / (fanIn + fanOut));
        return { name: s.name, shape: s.shape, data: uniform(r, size(s.shape), limit) };
      });
    });
    // Files made from these weights by other systems are stale now.
    if (made) for (const f of [`${name}.onnx`, ...(name === 'large' ? ['large.h5', 'large-tfjs/model.json'] : [])]) rmSync(join(CACHE_DIR, f), { force: true });
  }
  /** Inputs of a model: token ids for an Embedding first, else uniform(-1, 1). */
  const inputsOf = (m, r, n) => (m.layers[0].type === 'embedding' ? tokens(r, n, m.layers[0].inputDim) : uniform(r, n, 1));
  for (const w of WORKLOADS) {
    if (w.kind === 'predict') {
      const m = MODELS[w.model];
      cached(`input-${w.id}`, JSON.stringify([w, m.input, m.layers[0]]), () => [{ name: 'x', shape: [w.batch, ...m.input], data: inputsOf(m, rng(77 + w.batch), w.batch * size(m.input)) }]);
    } else if (w.kind === 'train') {
      const m = MODELS[w.model];
      const outUnits = m.layers[m.layers.length - 1].units;
      // Targets: uniform(-1, 1) for mse, one-hot classes for a categorical crossentropy.
      const y = w.loss === 'categorical_crossentropy' ? oneHot(rng(92), w.samples, outUnits) : uniform(rng(92), w.samples * outUnits, 1);
      cached(`input-${w.id}`, JSON.stringify([w, m.input, outUnits, m.layers[0]]), () => [
        { name: 'x', shape: [w.samples, ...m.input], data: inputsOf(m, rng(91), w.samples * size(m.input)) },
        { name: 'y', shape: [w.samples, outUnits], data: y },
      ]);
    } else if (w.kind === 'gemm') {
      const n = w.size;
      cached(`input-${w.id}`, JSON.stringify(w), () => [
        { name: 'a', shape: [n, n], data: uniform(rng(300 + n), n * n, 1) },
        { name: 'b', shape: [n, n], data: uniform(rng(400 + n), n * n, 1) },
      ]);
    }
  }
}

/** Weights of a model as an ordered list of { name, shape, data }. */
export function modelWeights(modelName) {
  const set = loadSet(`weights-${modelName}`);
  return weightSpecs(MODELS[modelName]).map((s) => ({ name: s.name, shape: s.shape, data: set[s.name].data }));
}

export function median(xs) {
  const s = [...xs].sort((a, b) => a - b);
  const n = s.length;
  return n % 2 ? s[(n - 1) / 2] : (s[n / 2 - 1] + s[n / 2]) / 2;
}

/**
 * The timing protocol (the Python child follows the same): warm up for at least `warmupMs` and two
 * calls; then take samples, each the mean time per call of `reps` consecutive calls, with `reps` sized
 * from the median warm-up call (not the last one, which a scheduler hiccup can make 10× off) so that a
 * sample lasts ≥ 20 ms; at least `minSamples` samples, and more while within `budgetMs`. Each sample
 * also records the process's CPU time per call (user + system, all threads: `process.cpuUsage`),
 * which a shared machine disturbs less than wall time. Returns milliseconds.
 */
export async function timeIt(fn, { warmupMs = 300, warmupCalls = 2, minSamples = 5, maxSamples = 30, budgetMs = 3000 } = {}) {
  const t0 = performance.now();
  const warm = [];
  while (warm.length < warmupCalls || (warmupMs > 0 && performance.now() - t0 < warmupMs)) {
    const s = performance.now();
    await fn();
    const d = performance.now() - s;
    warm.push(d);
    if (d > warmupMs) break;
  }
  const typical = warm.length ? median(warm) : 0;
  const reps = warm.length === 0 ? 1 : Math.max(1, Math.min(100000, Math.ceil(20 / Math.max(typical, 1e-4))));
  const samples = [];
  const cpu = [];
  const start = performance.now();
  while (samples.length < minSamples || (samples.length < maxSamples && performance.now() - start < budgetMs)) {
    const c = process.cpuUsage();
    const s = performance.now();
    for (let i = 0; i < reps; i++) await fn();
    samples.push((performance.now() - s) / reps);
    const dc = process.cpuUsage(c);
    cpu.push((dc.user + dc.system) / 1000 / reps);
  }
  return {
    median: median(samples),
    min: Math.min(...samples),
    max: Math.max(...samples),
    samples: samples.length,
    reps,
    cpu: { median: median(cpu), min: Math.min(...cpu), max: Math.max(...cpu) },
  };
}

/** Float32 values to base64 (for cross-checking outputs between processes). */
export function encodeF32(arr) {
  const f = arr instanceof Float32Array ? arr : Float32Array.from(arr);
  return Buffer.from(f.buffer, f.byteOffset, f.byteLength).toString('base64');
}

export function decodeF32(b64) {
  const buf = Buffer.from(b64, 'base64');
  return new Float32Array(buf.buffer.slice(buf.byteOffset, buf.byteOffset + buf.byteLength));
}

/** A strided sample of at most `n` values (GEMM outputs are large). */
export function sampleValues(arr, n = 4096) {
  if (arr.length <= n) return arr;
  const out = new Float32Array(n);
  const step = arr.length / n;
  for (let i = 0; i < n; i++) out[i] = arr[Math.floor(i * step)];
  return out;
}

/**
 * Resets this process's peak RSS (VmHWM) to its current RSS (Linux: `5` into /proc/self/clear_refs), so
 * that a later peak measures what happened after this point. Returns false where that is impossible.
 */
export function resetPeakRss() {
  try {
    writeFileSync('/proc/self/clear_refs', '5');
    return true;
  } catch {
    return false;
  }
}

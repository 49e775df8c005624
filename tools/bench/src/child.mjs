// Runs one workload on one JavaScript system and prints one line `RESULT {json}`.
//   node src/child.mjs <kerasts|ort-node|ort-node-1t|ort-web|tfjs|tfjs-wasm|tfjs-node> <workload-id>
// A separate process per (system, workload) keeps peak RSS per workload and keeps the tfjs backends
// from seeing each other.
import { existsSync, readFileSync, writeFileSync, mkdirSync } from 'node:fs';
import { createRequire } from 'node:module';
import { join } from 'node:path';
import { BENCH_DIR, CACHE_DIR, MODELS, WORKLOADS, encodeF32, loadSet, modelWeights, resetPeakRss, sampleValues, timeIt } from './common.mjs';

const [system, workloadId] = process.argv.slice(2);
const workload = WORKLOADS.find((w) => w.id === workloadId);
if (!workload) throw new Error(`unknown workload ${workloadId}`);
const mb = (bytes) => Math.round((bytes / 1048576) * 10) / 10;

/**
 * Peak RSS of this process: VmHWM from /proc (Linux). getrusage's maxRSS is not used: on Linux it
 * carries over the parent's peak across fork+exec, so every child would report at least the
 * orchestrator's size.
 */
function peakRssBytes() {
  try {
    const m = /VmHWM:\s+(\d+) kB/.exec(readFileSync('/proc/self/status', 'utf8'));
    if (m) return Number(m[1]) * 1024;
  } catch {
    // not Linux
  }
  return process.resourceUsage().maxRSS * 1024;
}

function emit(result) {
  console.log(`RESULT ${JSON.stringify({ system, workload: workloadId, peakRssMB: mb(peakRssBytes()), ...result })}`);
}

/** Time budget per workload: slow systems get fewer samples. */
const timing = { warmupMs: 300, minSamples: 5, maxSamples: 30, budgetMs: 2500 };

// ---------------------------------------------------------------------------------------------------
// kerasts

/** One cold load: peak RSS reset, then `load()` timed once; the peak is what the load added to RSS. */
async function coldLoad(load, info, note) {
  const base = process.memoryUsage().rss;
  const reset = resetPeakRss();
  const t0 = performance.now();
  await load();
  const ms = performance.now() - t0;
  const peak = peakRssBytes();
  return {
    status: 'ok',
    time: { median: ms, min: ms, max: ms, samples: 1, reps: 1 },
    baseRssMB: mb(base),
    loadPeakAboveBaseMB: reset ? mb(peak - base) : null,
    info,
    note,
  };
}

/** The workload's model in kerasts, with the bench weights (also what the ONNX graphs are exported from). */
async function buildKerasts(modelName) {
  const { Tensor } = await import('@kerasts/tensor');
  const { LSTM, GRU, Bidirectional, Embedding, Dense, Conv1D, Conv2D, MaxPooling2D, Flatten, GlobalMaxPooling1D } = await import('@kerasts/layers');
  const { Sequential } = await import('@kerasts/model');
  const m = MODELS[modelName];
  const layers = m.layers.map((l, i) => {
    const first = i === 0 ? { inputShape: m.input } : {};
    if (l.type === 'lstm') return new LSTM({ units: l.units, returnSequences: !!l.returnSequences, kernelInitializer: 'zeros', recurrentInitializer: 'zeros', ...first });
    if (l.type === 'embedding') return new Embedding(l.inputDim, l.outputDim, { embeddingsInitializer: 'zeros', ...first });
    if (l.type === 'bigru') return new Bidirectional(new GRU(l.units, { resetAfter: false, kernelInitializer: 'zeros', recurrentInitializer: 'zeros' }), first);
    if (l.type === 'conv1d') return new Conv1D(l.filters, l.kernelSize, { activation: l.activation ?? 'linear', kernelInitializer: 'zeros', ...first });
    if (l.type === 'conv2d') return new Conv2D(l.filters, l.kernelSize, { activation: l.activation ?? 'linear', kernelInitializer: 'zeros', ...first });
    if (l.type === 'maxpool2d') return new MaxPooling2D(l.poolSize, first);
    if (l.type === 'flatten') return new Flatten(first);
    if (l.type === 'globalmaxpool1d') return new GlobalMaxPooling1D(first);
    return new Dense({ units: l.units, activation: l.activation ?? 'linear', kernelInitializer: 'zeros', ...first });
  });
  const model = new Sequential({ layers });
  model.setWeights(modelWeights(modelName).map((w) => new Tensor(w.data.slice(), w.shape)));
  return model;
}

async function kerasts() {
  if (workload.kind === 'load-cold') {
    const file = join(CACHE_DIR, 'large.h5');
    if (!existsSync(file)) return { status: 'skipped', reason: 'no large.h5 (written by Keras; needs the oracle venv)' };
    const io = await import('@kerasts/io-hdf5');
    return coldLoad(() => io.loadModel(file), {}, 'loadModel of the .h5');
  }
  const { Tensor, gemm, getBackend, setThreads, getThreads } = await import('@kerasts/tensor');
  const info = { backend: getBackend() };
  const build = buildKerasts;
  const base = process.memoryUsage().rss;
  if (workload.kind === 'predict') {
    const model = await build(workload.model);
    const set = loadSet(`input-${workload.id}`);
    const x = new Tensor(set.x.data.slice(), set.x.shape);
    const opts = { batchSize: workload.batch };
    const out = model.predict(x, opts).data;
    const t = await timeIt(() => model.predict(x, opts), timing);
    return { status: 'ok', time: t, output: encodeF32(sampleValues(out)), baseRssMB: mb(base), info };
  }
  if (workload.kind === 'gemm') {
    const n = workload.size;
    const set = loadSet(`input-${workload.id}`);
    const a = set.a.data.slice(), b = set.b.data.slice(), c = new Float32Array(n * n);
    gemm(n, n, n, a, b, c);
    const out = c.slice();
    const t = await timeIt(() => gemm(n, n, n, a, b, c), timing);
    // The GEMM target is per core: the same product on one thread.
    const threads = getThreads();
    setThreads(1);
    const t1 = await timeIt(() => gemm(n, n, n, a, b, c), timing);
    setThreads(threads);
    return {
      status: 'ok', time: t, output: encodeF32(sampleValues(out)), gflops: (2 * n ** 3) / (t.median * 1e6),
      gflopsOneThread: (2 * n ** 3) / (t1.median * 1e6), baseRssMB: mb(base), info,
    };
  }
  if (workload.kind === 'train') {
    const model = await build(workload.model);
    if (typeof model.compile !== 'function' || typeof model.fit !== 'function') {
      return { status: 'skipped', reason: 'not implemented yet (Sequential has no compile/fit)' };
    }
    const set = loadSet(`input-${workload.id}`);
    const rowsOf = (arr, shape, n) => new Tensor(arr.data.slice(0, (arr.data.length / shape[0]) * n), [n, ...shape.slice(1)]);
    try {
      await model.compile({ optimizer: 'adam', loss: workload.loss ?? 'mse' });
      const t = await trainTiming((n) => {
        const x = rowsOf(set.x, set.x.shape, n), y = rowsOf(set.y, set.y.shape, n);
        return () => model.fit(x, y, { batchSize: workload.batch, epochs: 1, shuffle: false, verbose: 0 });
      });
      return { status: 'ok', baseRssMB: mb(base), info, ...t };
    } catch (err) {
      return { status: 'skipped', reason: `compile/fit failed: ${String(err?.message ?? err).split('\n')[0]}` };
    }
  }
  if (workload.kind === 'load') {
    let io;
    try {
      io = await import('@kerasts/io-hdf5');
    } catch (err) {
      return { status: 'skipped', reason: `@kerasts/io-hdf5 does not load: ${String(err?.message ?? err).split('\n')[0]}` };
    }
    if (typeof io.loadModel !== 'function') return { status: 'skipped', reason: 'not implemented yet (no loadModel in @kerasts/io-hdf5)' };
    const file = join(CACHE_DIR, 'large.h5');
    if (!existsSync(file)) return { status: 'skipped', reason: 'no large.h5 (written by Keras; needs the oracle venv)' };
    try {
      const first = await io.loadModel(file);
      const set = loadSet('input-large');
      const out = first.predict(new Tensor(set.x.data.slice(), set.x.shape), { batchSize: 4 }).data;
      const t = await timeIt(() => io.loadModel(file), { warmupMs: 0, warmupCalls: 0, minSamples: 3, maxSamples: 5, budgetMs: 8000 });
      return { status: 'ok', time: t, output: encodeF32(out), baseRssMB: mb(base), info, note: 'output: the loaded model predicting the large workload input' };
    } catch (err) {
      return { status: 'skipped', reason: `loadModel failed: ${String(err?.message ?? err).split('\n')[0]}` };
    }
  }
  throw new Error(`unknown kind ${workload.kind}`);
}

// ---------------------------------------------------------------------------------------------------
// TensorFlow.js (cpu = pure JS, wasm = SIMD backend, node = TF C++)

async function loadTf() {
  const req = createRequire(join(BENCH_DIR, 'package.json'));
  if (system === 'tfjs-node') {
    const peer = join(BENCH_DIR, '.peers', 'tfjs-node', 'package.json');
    if (!existsSync(peer)) throw new Error('tfjs-node is not installed (tools/bench/.peers/tfjs-node); see setup-peers.mjs output');
    const tf = createRequire(peer)('@tensorflow/tfjs-node');
    return tf;
  }
  const tf = req('@tensorflow/tfjs');
  if (system === 'tfjs-wasm') {
    req('@tensorflow/tfjs-backend-wasm');
    if (!(await tf.setBackend('wasm'))) throw new Error('tf.setBackend("wasm") failed');
  } else {
    if (!(await tf.setBackend('cpu'))) throw new Error('tf.setBackend("cpu") failed');
  }
  await tf.ready();
  return tf;
}

async function tfjs() {
  let tf;
  try {
    tf = await loadTf();
  } catch (err) {
    return { status: 'skipped', reason: `cannot load: ${String(err?.message ?? err).split('\n')[0]}` };
  }
  const info = { backend: tf.getBackend(), version: tf.version?.tfjs ?? tf.version_core };
  if (system === 'tfjs-wasm') {
    info.simd = tf.env().getBool('WASM_HAS_SIMD_SUPPORT');
    info.threads = tf.env().getBool('WASM_HAS_MULTITHREAD_SUPPORT');
  }
  const build = (modelName) => {
    const m = MODELS[modelName];
    const model = tf.sequential();
    m.layers.forEach((l, i) => {
      const first = i === 0 ? { inputShape: m.input } : {};
      if (l.type === 'lstm') {
        model.add(tf.layers.lstm({ units: l.units, returnSequences: !!l.returnSequences, recurrentActivation: 'sigmoid', kernelInitializer: 'zeros', recurrentInitializer: 'zeros', ...first }));
      } else if (l.type === 'embedding') {
        model.add(tf.layers.embedding({ inputDim: l.inputDim, outputDim: l.outputDim, embeddingsInitializer: 'zeros', ...first }));
      } else if (l.type === 'bigru') {
        const gru = tf.layers.gru({ units: l.units, recurrentActivation: 'sigmoid', kernelInitializer: 'zeros', recurrentInitializer: 'zeros' });
        model.add(tf.layers.bidirectional({ layer: gru, mergeMode: 'concat', ...first }));
      } else if (l.type === 'conv1d' || l.type === 'conv2d') {
        const make = l.type === 'conv1d' ? tf.layers.conv1d : tf.layers.conv2d;
        model.add(make({ filters: l.filters, kernelSize: l.kernelSize, activation: l.activation ?? 'linear', kernelInitializer: 'zeros', ...first }));
      } else if (l.type === 'maxpool2d') {
        model.add(tf.layers.maxPooling2d({ poolSize: l.poolSize, ...first }));
      } else if (l.type === 'flatten') {
        model.add(tf.layers.flatten(first));
      } else if (l.type === 'globalmaxpool1d') {
        model.add(tf.layers.globalMaxPooling1d(first));
      } else {
        model.add(tf.layers.dense({ units: l.units, activation: l.activation ?? 'linear', kernelInitializer: 'zeros', ...first }));
      }
    });
    model.setWeights(modelWeights(modelName).map((w) => tf.tensor(w.data, w.shape)));
    return model;
  };
  const base = process.memoryUsage().rss;
  if (workload.kind === 'predict') {
    const model = build(workload.model);
    const set = loadSet(`input-${workload.id}`);
    const x = tf.tensor(set.x.data, set.x.shape);
    const run = () => {
      const y = model.predict(x, { batchSize: workload.batch });
      const d = y.dataSync();
      y.dispose();
      return d;
    };
    const out = run();
    const t = await timeIt(run, slow() ? { ...timing, minSamples: 3, maxSamples: 5 } : timing);
    return { status: 'ok', time: t, output: encodeF32(sampleValues(out)), baseRssMB: mb(base), info };
  }
  if (workload.kind === 'gemm') {
    const n = workload.size;
    const set = loadSet(`input-${workload.id}`);
    const a = tf.tensor2d(set.a.data, [n, n]), b = tf.tensor2d(set.b.data, [n, n]);
    const run = () => {
      const c = tf.matMul(a, b);
      const d = c.dataSync();
      c.dispose();
      return d;
    };
    const out = run();
    const t = await timeIt(run, timing);
    return { status: 'ok', time: t, output: encodeF32(sampleValues(out)), gflops: (2 * n ** 3) / (t.median * 1e6), baseRssMB: mb(base), info };
  }
  if (workload.kind === 'train') {
    // pure-JS tfjs trains the W6 CNN at seconds per batch: past the child's time limit
    if (system === 'tfjs' && workload.id === 'w6-train') return { status: 'skipped', reason: 'slow (pure-JS tfjs takes seconds per batch of the W6 CNN; the epoch exceeds the 4-minute limit of a child)' };
    const model = build(workload.model);
    const set = loadSet(`input-${workload.id}`);
    model.compile({ optimizer: tf.train.adam(), loss: workload.loss === 'categorical_crossentropy' ? 'categoricalCrossentropy' : 'meanSquaredError' });
    const xAll = tf.tensor(set.x.data, set.x.shape), yAll = tf.tensor(set.y.data, set.y.shape);
    const t = await trainTiming((n) => {
      const x = n === workload.samples ? xAll : xAll.slice(0, n), y = n === workload.samples ? yAll : yAll.slice(0, n);
      return () => model.fit(x, y, { batchSize: workload.batch, epochs: 1, shuffle: false, verbose: 0 });
    });
    return { status: 'ok', baseRssMB: mb(base), info, ...t };
  }
  if (workload.kind === 'load-cold') {
    const dir = join(CACHE_DIR, 'large-tfjs');
    const topo = join(dir, 'model.json');
    const bin = join(dir, 'weights.bin');
    if (!existsSync(topo) || !existsSync(bin)) return { status: 'skipped', reason: "no model in tfjs' format yet (the w4 workload writes it)" };
    return coldLoad(
      async () => {
        const { modelTopology, weightSpecs } = JSON.parse(readFileSync(topo, 'utf8'));
        const buf = readFileSync(bin);
        const weightData = buf.buffer.slice(buf.byteOffset, buf.byteOffset + buf.byteLength);
        return tf.loadLayersModel(tf.io.fromMemory({ modelTopology, weightSpecs, weightData }));
      },
      info,
      "tfjs' own format (model.json + weights.bin)",
    );
  }
  if (workload.kind === 'load') {
    const dir = join(CACHE_DIR, 'large-tfjs');
    const topo = join(dir, 'model.json');
    const bin = join(dir, 'weights.bin');
    if (!existsSync(topo) || !existsSync(bin)) {
      // Save once in tfjs' own format (topology JSON + one weights file).
      const model = build('large');
      await model.save(
        tf.io.withSaveHandler(async (art) => {
          mkdirSync(dir, { recursive: true });
          writeFileSync(bin, Buffer.from(art.weightData));
          writeFileSync(topo, JSON.stringify({ modelTopology: art.modelTopology, weightSpecs: art.weightSpecs }));
          return { modelArtifactsInfo: { dateSaved: new Date(), modelTopologyType: 'JSON' } };
        }),
      );
      model.dispose();
    }
    const load = async () => {
      const { modelTopology, weightSpecs } = JSON.parse(readFileSync(topo, 'utf8'));
      const buf = readFileSync(bin);
      const weightData = buf.buffer.slice(buf.byteOffset, buf.byteOffset + buf.byteLength);
      return tf.loadLayersModel(tf.io.fromMemory({ modelTopology, weightSpecs, weightData }));
    };
    const first = await load();
    const set = loadSet('input-large');
    const y = first.predict(tf.tensor(set.x.data, set.x.shape), { batchSize: 4 });
    const out = y.dataSync();
    first.dispose();
    const t = await timeIt(
      async () => {
        const m = await load();
        m.dispose();
      },
      { warmupMs: 0, warmupCalls: 0, minSamples: 3, maxSamples: 5, budgetMs: 8000 },
    );
    return { status: 'ok', time: t, output: encodeF32(out), baseRssMB: mb(base), info, note: "tfjs' own format (model.json + weights.bin)" };
  }
  throw new Error(`unknown kind ${workload.kind}`);
}

// ---------------------------------------------------------------------------------------------------
// ONNX Runtime: onnxruntime-node (native; intra-op threads default, or 1) and onnxruntime-web (WASM, in
// Node), on graphs made by @kerasts/io-onnx from the same kerasts models and weights.

/** `.cache/<model>.onnx`, exported once from the kerasts model (the W4 file for ONNX Runtime). */
async function onnxFile(modelName) {
  const file = join(CACHE_DIR, `${modelName}.onnx`);
  if (!existsSync(file)) {
    const { exportOnnx } = await import('@kerasts/io-onnx');
    writeFileSync(file, exportOnnx(await buildKerasts(modelName)));
  }
  return file;
}

async function onnxRuntime() {
  const web = system === 'ort-web';
  let ort;
  try {
    ort = web ? await import('onnxruntime-web') : (await import('onnxruntime-node')).default;
  } catch (err) {
    return { status: 'skipped', reason: `cannot load ${web ? 'onnxruntime-web' : 'onnxruntime-node'}: ${String(err?.message ?? err).split('\n')[0]}` };
  }
  const oneThread = system === 'ort-node-1t';
  const options = web ? { executionProviders: ['wasm'] } : { executionProviders: ['cpu'], ...(oneThread ? { intraOpNumThreads: 1, interOpNumThreads: 1 } : {}) };
  const info = { runtime: web ? 'onnxruntime-web (WASM)' : 'onnxruntime-node (CPU)', version: ort.env.versions?.[web ? 'web' : 'node'], intraOpNumThreads: web ? 'wasm' : oneThread ? 1 : 'default' };
  const create = async (bytesOrPath) => ort.InferenceSession.create(web && typeof bytesOrPath === 'string' ? readFileSync(bytesOrPath) : bytesOrPath, options);
  const base = process.memoryUsage().rss;
  if (workload.kind === 'train') return { status: 'skipped', reason: 'ONNX Runtime for Node runs inference only' };
  if (workload.kind === 'load-cold') {
    const file = await onnxFile('large');
    return coldLoad(() => create(file), info, 'InferenceSession.create of the exported .onnx');
  }
  if (workload.kind === 'load') {
    const file = await onnxFile('large');
    const session = await create(file);
    const set = loadSet('input-large');
    const out = (await session.run({ [session.inputNames[0]]: new ort.Tensor('float32', set.x.data.slice(), set.x.shape) }))[session.outputNames[0]].data;
    await session.release?.();
    const t = await timeIt(
      async () => {
        const s = await create(file);
        await s.release?.();
      },
      { warmupMs: 0, warmupCalls: 0, minSamples: 3, maxSamples: 5, budgetMs: 8000 },
    );
    if (web) info.numThreads = ort.env.wasm.numThreads;
    return { status: 'ok', time: t, output: encodeF32(out), baseRssMB: mb(base), info, note: 'InferenceSession.create of the exported .onnx' };
  }
  let session;
  let feeds;
  if (workload.kind === 'predict') {
    const { exportOnnx } = await import('@kerasts/io-onnx');
    session = await create(exportOnnx(await buildKerasts(workload.model)));
    const set = loadSet(`input-${workload.id}`);
    feeds = { [session.inputNames[0]]: new ort.Tensor('float32', set.x.data.slice(), set.x.shape) };
  } else if (workload.kind === 'gemm') {
    // One MatMul, written with the exporter's graph builder.
    const { OnnxGraphBuilder, graphToOnnx, onnxValueInfo } = await import('@kerasts/io-onnx');
    const n = workload.size;
    const g = new OnnxGraphBuilder();
    for (const v of ['a', 'b']) {
      g.reserve(v);
      g.inputs.push(onnxValueInfo(v, 'float', [n, n]));
    }
    g.reserve('c');
    g.node('MatMul', ['a', 'b'], {}, ['c']);
    g.outputs.push(onnxValueInfo('c', 'float', [n, n]));
    session = await create(graphToOnnx(g, `gemm${n}`));
    const set = loadSet(`input-${workload.id}`);
    feeds = { a: new ort.Tensor('float32', set.a.data.slice(), [n, n]), b: new ort.Tensor('float32', set.b.data.slice(), [n, n]) };
  } else throw new Error(`unknown kind ${workload.kind}`);
  const run = async () => (await session.run(feeds))[session.outputNames[0]].data;
  const out = await run();
  if (web) info.numThreads = ort.env.wasm.numThreads;
  const t = await timeIt(run, timing);
  const extra = workload.kind === 'gemm' ? { gflops: (2 * workload.size ** 3) / (t.median * 1e6) } : {};
  return { status: 'ok', time: t, output: encodeF32(sampleValues(out)), baseRssMB: mb(base), info, ...extra };
}

/**
 * Times one epoch: two one-batch fits warm up and estimate the epoch; an epoch estimated over 8 s is
 * timed on its first batches only and scaled (reported in `note`). `fitOf(n)` returns a function that
 * fits on the first n samples.
 */
async function trainTiming(fitOf) {
  const B = workload.batch;
  const batches = workload.samples / B;
  const one = fitOf(B);
  await one();
  const s = performance.now();
  await one();
  const perBatch = performance.now() - s;
  // at least 2 batches, or 1 when one takes over 4 s (tfjs pure JS on W5: otherwise the child's 4 minutes run out)
  const used = perBatch * batches > 8000 ? Math.min(batches, Math.max(perBatch > 4000 ? 1 : 2, Math.floor(4000 / perBatch))) : batches;
  const fit = fitOf(used * B);
  const t = await timeIt(fit, { warmupMs: 0, warmupCalls: 0, minSamples: used === batches ? 3 : 2, maxSamples: 5, budgetMs: 12000 });
  const k = batches / used;
  return {
    // CPU time scaled like wall time: a ratio between an extrapolated and a whole epoch must compare epochs
    time: { ...t, median: t.median * k, min: t.min * k, max: t.max * k, ...(t.cpu ? { cpu: { median: t.cpu.median * k, min: t.cpu.min * k, max: t.cpu.max * k } } : {}) },
    ...(used !== batches ? { note: `extrapolated from ${used} of ${batches} batches` } : {}),
  };
}

/** tfjs pure JS on the big workloads takes seconds per call. */
function slow() {
  return system === 'tfjs' && ['w2', 'w5', 'w6', 'w7', 'large'].includes(workload.id);
}

try {
  emit(system === 'kerasts' ? await kerasts() : system.startsWith('ort-') ? await onnxRuntime() : await tfjs());
} catch (err) {
  emit({ status: 'skipped', reason: `failed: ${String(err?.stack ?? err).split('\n').slice(0, 2).join(' ')}` });
}
process.exit(0);

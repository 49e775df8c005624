// The child process of the fuzz harness: runs one case at a time on the built packages and reports
// its outcome class and the process's memory. A crash or hang here is seen by the parent (run.mjs),
// which records the case and starts a fresh child.
import { loadModel, readKerasH5 } from '../../packages/io-hdf5/dist/index.js';
import { readEngineStats } from '../../packages/io-hdf5/dist/read-engine.js';
import { modelFromJSON } from '../../packages/io-json/dist/index.js';
import { modelFromYAML } from '../../packages/io-yaml/dist/index.js';
import { modelFromKerasBytes } from '../../packages/io-keras/dist/index.js';
import { KerastsError, Tensor } from '../../packages/tensor/dist/index.js';
import { createHash } from 'node:crypto';
import { jsonSources, lcg } from './mutate.mjs';

const quiet = () => {};
const seedText = jsonSources()[0]; // the Keras 2.0.8 seed model: LSTM(4) on (1, 8), Dense(1)
const trainData = (() => {
  const rnd = lcg(7);
  const x = new Float32Array(4 * 8).map(() => rnd() * 2 - 1);
  const y = new Float32Array(4).map(() => rnd());
  return { x: new Tensor(x, [4, 1, 8]), y: new Tensor(y, [4, 1]) };
})();

/** A digest of read contents: every string and every array byte. */
function digest(c) {
  const h = createHash('sha256');
  h.update(JSON.stringify(c, (_k, v) => (ArrayBuffer.isView(v) ? `${v.constructor.name}:${v.length}:${createHash('sha256').update(new Uint8Array(v.buffer, v.byteOffset, v.byteLength)).digest('hex')}` : typeof v === 'bigint' ? String(v) : v)));
  return h.digest('hex');
}

/**
 * The built-in reader against h5wasm on one file: 'same', 'builtin declines', 'h5wasm refuses'
 * (the built-in reader reads a file HDF5 rejects), or 'DIFFERENT' (both read it, with different
 * contents: a defect).
 */
async function crossCheck(bytes, name) {
  const lite = await readKerasH5(bytes, { fileName: name, reader: 'builtin' }).then(digest, () => null);
  if (lite === null) return 'builtin declines';
  const ref = await readKerasH5(bytes, { fileName: name, reader: 'h5wasm' }).then(digest, () => null);
  if (ref === null) return 'h5wasm refuses';
  return lite === ref ? 'same' : 'DIFFERENT';
}

/** The outcome class of a thrown value: the typed error's class, or 'UNTYPED <name>'. */
function classify(err) {
  if (err instanceof KerastsError) return err.name;
  const name = err && typeof err === 'object' && 'name' in err ? String(err.name) : typeof err;
  return `UNTYPED ${name}`;
}

function peak() {
  return process.resourceUsage().maxRSS * 1024; // bytes (maxRSS is in KiB)
}

let lastCheck = null;

async function runCase(c) {
  lastCheck = null;
  const name = c.fileName;
  switch (c.kind) {
    case 'hdf5': {
      const bytes = new Uint8Array(c.bytes);
      // the reader, then a full load when the structure was readable (configs inside the file are
      // untrusted too)
      lastCheck = await crossCheck(bytes, name);
      const contents = await readKerasH5(bytes, { fileName: name });
      if (contents.kind === 'model' && contents.rootAttrs.modelConfig !== null) await loadModel(bytes, { fileName: name, warn: quiet });
      return;
    }
    case 'keras': {
      // a .keras archive: safe ZIP reading, config.json, model.weights.h5, compile_config
      await modelFromKerasBytes(new Uint8Array(c.bytes), { fileName: name, warn: quiet });
      return;
    }
    case 'json-fit': {
      // an architecture that loads, compiled and fitted one epoch (regularizers, constraints)
      const model = modelFromJSON(c.text, { source: name });
      model.compile({ loss: 'mse', optimizer: 'sgd' });
      await model.fit(trainData.x, trainData.y, { epochs: 1, batchSize: 2, verbose: 0, seed: 1 });
      return;
    }
    case 'training': {
      // a training configuration (optimizer, loss, metrics) compiled on the seed model, then one
      // epoch of two batches, so that names and values are used, not only parsed
      const model = modelFromJSON(seedText, { source: 'seed' });
      model.compileFromTrainingConfig(c.text);
      await model.fit(trainData.x, trainData.y, { epochs: 1, batchSize: 2, verbose: 0, seed: 1 });
      return;
    }
    case 'json':
      modelFromJSON(c.text, { source: name });
      return;
    case 'yaml':
      modelFromYAML(c.text, { source: name });
      return;
    // the harness's own check (tools/fuzz/test): each outcome class it must recognise
    case 'selftest-untyped':
      return null.property;
    case 'selftest-crash':
      process.exit(3);
      return;
    case 'selftest-hang':
      for (;;);
    default:
      throw new Error(`unknown case kind ${c.kind}`);
  }
}

process.on('message', async (c) => {
  if (c.kind === 'stats') {
    process.send({ id: c.id, rss: process.memoryUsage().rss, peak: peak(), engines: readEngineStats() });
    return;
  }
  const before = peak();
  const t0 = performance.now();
  let outcome = 'ok';
  let message = '';
  try {
    await runCase(c);
  } catch (err) {
    outcome = classify(err);
    message = String(err && err.message ? err.message : err).slice(0, 300);
  }
  const rss = process.memoryUsage().rss;
  const p = peak();
  process.send({ id: c.id, outcome, message, check: lastCheck, ms: performance.now() - t0, rss, peak: Math.max(rss, p > before ? p : 0) });
});
process.send({ ready: true });

// The child process of the fuzz harness: runs one case at a time on the built packages and reports
// its outcome class and the process's memory. A crash or hang here is seen by the parent (run.mjs),
// which records the case and starts a fresh child.
import { loadModel, readKerasH5 } from '../../packages/io-hdf5/dist/index.js';
import { readEngineStats } from '../../packages/io-hdf5/dist/read-engine.js';
import { modelFromJSON } from '../../packages/io-json/dist/index.js';
import { modelFromYAML } from '../../packages/io-yaml/dist/index.js';
import { KerastsError } from '../../packages/tensor/dist/index.js';

/** The outcome class of a thrown value: the typed error's class, or 'UNTYPED <name>'. */
function classify(err) {
  if (err instanceof KerastsError) return err.name;
  const name = err && typeof err === 'object' && 'name' in err ? String(err.name) : typeof err;
  return `UNTYPED ${name}`;
}

function peak() {
  return process.resourceUsage().maxRSS * 1024; // bytes (maxRSS is in KiB)
}

async function runCase(c) {
  const name = c.fileName;
  switch (c.kind) {
    case 'hdf5': {
      const bytes = new Uint8Array(c.bytes);
      // the reader, then a full load when the structure was readable (configs inside the file are
      // untrusted too)
      const contents = await readKerasH5(bytes, { fileName: name });
      if (contents.kind === 'model' && contents.rootAttrs.modelConfig !== null) await loadModel(bytes, { fileName: name });
      return;
    }
    case 'json':
      modelFromJSON(c.text, { source: name });
      return;
    case 'yaml':
      modelFromYAML(c.text, { source: name });
      return;
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
  process.send({ id: c.id, outcome, message, ms: performance.now() - t0, rss, peak: Math.max(rss, p > before ? p : 0) });
});
process.send({ ready: true });

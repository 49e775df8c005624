// Memory-growth run of the fuzz harness (a fresh process): reads N corrupt HDF5 files one after the
// other, as a long-lived server would (read, then a full load when the file still holds a model),
// and prints its RSS at 16 checkpoints as JSON lines (after a full GC, so the figures are what the
// process keeps, not garbage waiting for collection).
import { readFileSync } from 'node:fs';
import { loadModel, readKerasH5 } from '../../packages/io-hdf5/dist/index.js';
import { readEngineStats } from '../../packages/io-hdf5/dist/read-engine.js';
import { KerastsError } from '../../packages/tensor/dist/index.js';
import { hdf5Sources, lcg, mutateHdf5 } from './mutate.mjs';

const seed = Number(process.argv[2] ?? 1);
const n = Number(process.argv[3] ?? 2000);
const rnd = lcg(seed);
const sources = hdf5Sources().map((p) => new Uint8Array(readFileSync(p)));
const gc = globalThis.gc ?? (() => {});
const counts = {};
const samples = {};
const every = Math.max(1, Math.floor(n / 16));
const quiet = () => {};
const point = (i) => {
  gc();
  gc();
  const m = process.memoryUsage();
  process.stdout.write(JSON.stringify({ i, rss: m.rss, heap: m.heapUsed, external: m.external + m.arrayBuffers, engines: readEngineStats(), counts, samples }) + '\n');
};
point(0); // before the first file: the process with the packages loaded
for (let i = 1; i <= n; i++) {
  const b = mutateHdf5(sources[i % sources.length], rnd);
  let out = 'ok';
  try {
    const c = await readKerasH5(b, { fileName: `growth-${i}.h5` });
    if (c.kind === 'model' && c.rootAttrs.modelConfig !== null) await loadModel(b, { fileName: `growth-${i}.h5`, warn: quiet });
  } catch (err) {
    out = err instanceof KerastsError ? err.name : `UNTYPED ${err?.name ?? typeof err}`;
    samples[out] ??= `growth-${i}.h5: ${String(err?.message ?? err).slice(0, 200)}`;
  }
  counts[out] = (counts[out] ?? 0) + 1;
  if (i % every === 0 || i === n) point(i);
}

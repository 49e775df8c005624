// Memory-growth run of the fuzz harness (a fresh process): reads N corrupt HDF5 files one after the
// other, as a long-lived server would, and prints its RSS at checkpoints as JSON lines.
import { readFileSync } from 'node:fs';
import { readKerasH5 } from '../../packages/io-hdf5/dist/index.js';
import { readEngineStats } from '../../packages/io-hdf5/dist/read-engine.js';
import { hdf5Sources, lcg, mutateHdf5 } from './mutate.mjs';

const seed = Number(process.argv[2] ?? 1);
const n = Number(process.argv[3] ?? 2000);
const rnd = lcg(seed);
const sources = hdf5Sources().map((p) => new Uint8Array(readFileSync(p)));
const gc = globalThis.gc;
const counts = {};
const every = Math.max(1, Math.floor(n / 8));
for (let i = 0; i < n; i++) {
  const b = mutateHdf5(sources[i % sources.length], rnd);
  let out = 'ok';
  try {
    await readKerasH5(b, { fileName: `growth-${i}.h5` });
  } catch (err) {
    out = err?.name ?? 'thrown';
  }
  counts[out] = (counts[out] ?? 0) + 1;
  if (i % every === 0 || i === n - 1) {
    gc?.();
    process.stdout.write(JSON.stringify({ i, rss: process.memoryUsage().rss, engines: readEngineStats(), counts }) + '\n');
  }
}

import { readKerasH5 } from './dist/index.js';
import { engineGeneration } from './dist/engine.js';
import { readFileSync } from 'node:fs';
const files = ['/work/shared/keras-samples/m.h5','/work/shared/keras-samples/crafted/k208_full.h5','/work/shared/real-keras-files/files/k1_lstm_tf_full.h5'].map(p => new Uint8Array(readFileSync(p)));
let seed = Number(process.argv[2] ?? 1);
function rnd() { seed = (seed * 1103515245 + 12345) & 0x7fffffff; return seed / 0x7fffffff; }
const kinds = {};
for (let i = 0; i < 600; i++) {
  const b = files[i % 3].slice(); const n = 1 + Math.floor(rnd()*8); for (let j=0;j<n;j++) b[Math.floor(rnd()*b.length)] = Math.floor(rnd()*256);
  try { await readKerasH5(b, { fileName: 'f' }); kinds.ok = (kinds.ok ?? 0) + 1; }
  catch (e) { const k = e.constructor.name + ': ' + e.message.replace(/\(.*$/, '').replace(/f, HDF5 path \S+/, '').slice(0, 90) + (e.message.includes('trap') ? ' TRAP' : ''); kinds[k] = (kinds[k] ?? 0) + 1; }
}
console.log(kinds, 'generation', engineGeneration());

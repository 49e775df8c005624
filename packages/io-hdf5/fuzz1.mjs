import h5wasm from 'h5wasm';
import { readFileSync } from 'node:fs';
const M = await h5wasm.ready;
M.activate_throwing_error_handler();
const FS = M.FS;
const files = ['/work/shared/keras-samples/m.h5','/work/shared/keras-samples/crafted/k208_full.h5','/work/shared/real-keras-files/files/k1_lstm_tf_full.h5'];
let seed = Number(process.argv[2] ?? 1);
function rnd() { seed = (seed * 1103515245 + 12345) & 0x7fffffff; return seed / 0x7fffffff; }
function walk(g, depth=0) {
  if (depth > 20) return;
  for (const n of Object.keys(g.attrs)) { g.attrs[n].value; }
  for (const k of g.keys()) { const e = g.get(k); if (!e) continue; if (e.type === 'Group') walk(e, depth+1); else if (e.type === 'Dataset') { e.value; } }
}
let ok = 0, err = 0; const kinds = {};
const mode = process.argv[3] ?? 'flip';
for (let i = 0; i < Number(process.argv[4] ?? 200); i++) {
  const src = readFileSync(files[i % files.length]);
  let b = new Uint8Array(src);
  if (mode === 'trunc') b = b.slice(0, Math.floor(rnd() * b.length));
  else { b = b.slice(); const n = 1 + Math.floor(rnd()*8); for (let j=0;j<n;j++) b[Math.floor(rnd()*b.length)] = Math.floor(rnd()*256); }
  const name = `/f${i}.h5`;
  FS.writeFile(name, b);
  let f;
  try { f = new h5wasm.File(name, 'r'); walk(f); ok++; }
  catch (e) { err++; const k = String(e?.message ?? e).split('\n').slice(-3).join(' | ').slice(0,150); kinds[e?.constructor?.name + ':' + k.slice(0,80)] = (kinds[e?.constructor?.name + ':' + k.slice(0,80)]||0)+1; }
  finally { try { f?.close(); } catch (e) { kinds['close:'+String(e).slice(0,80)]=1; } FS.unlink(name); }
}
console.log({ok, err}); console.log(kinds);
FS.writeFile('/good.h5', readFileSync(files[0])); const g = new h5wasm.File('/good.h5','r'); walk(g); g.close(); console.log('module still OK');

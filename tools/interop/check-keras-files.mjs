// Interop, Keras -> kerasts for Keras 3's own formats: .keras archives and .weights.h5 files that real
// Keras 3.15.1 just wrote (tools/oracle/gen_keras_fixtures.py --out <dir>) must load here, predict
// what Keras predicted (within 1e-5), and a compiled archive must resume training as Keras did (1e-4).
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { loadModelWithInfo, loadWeights, modelFromJSON, readKerasArchive, tensor } from 'kerasts';

const dir = process.argv[2];
let passed = 0, failed = 0;
const t = (j) => tensor(Float32Array.from(j.values), j.shape);
const maxDiff = (a, b) => a.reduce((m, v, i) => Math.max(m, Math.abs(v - b[i])), 0);
function check(name, d, tol, what = 'max|Δ|') {
  if (d <= tol) { passed++; console.log(`ok keras->kerasts ${name} ${what}=${d.toExponential(2)}`); }
  else { failed++; console.log(`FAIL keras->kerasts ${name} ${what}=${d} (tolerance ${tol})`); }
}
for (const name of Object.keys(JSON.parse(readFileSync(join(dir, 'index.json'), 'utf8')).cases)) {
  const c = JSON.parse(readFileSync(join(dir, `${name}.json`), 'utf8'));
  const xs = c.input.map(t);
  const xin = xs.length === 1 ? xs[0] : xs;
  try {
    const { model, optimizerRestored } = await loadModelWithInfo(join(dir, `${name}.keras`));
    check(`${name}.keras predict`, maxDiff(model.predict(xin).data, c.output.values), 1e-5);
    if (c.optimizer && !optimizerRestored) { failed++; console.log(`FAIL keras->kerasts ${name}.keras: optimizer state not restored`); }
    if (c.resume) {
      const tx = c.train.x.map(t);
      const h = await model.fit(tx.length === 1 ? tx[0] : tx, t(c.train.y), { epochs: c.resume.epochs, batchSize: c.train.batch_size, shuffle: false, verbose: 0 });
      const w = model.getWeights();
      check(`${name}.keras resume: weights after kerasts' further fit vs Keras'`, Math.max(...w.map((x, i) => maxDiff(x.data, c.resume.weights[i].values))), 1e-4);
      check(`${name}.keras resume: loss per epoch`, Math.max(...h.history.loss.map((l, i) => Math.abs(l - c.resume.loss[i]) / Math.max(1, Math.abs(c.resume.loss[i])))), 1e-4, 'rel|Δ|');
    }
  } catch (e) { failed++; console.log(`FAIL keras->kerasts ${name}.keras: ${e.message}`); }
  try {
    const { compile_config: _cc, ...arch } = (await readKerasArchive(new Uint8Array(readFileSync(join(dir, `${name}.keras`))))).config;
    const m = modelFromJSON(arch);
    await loadWeights(m, join(dir, `${name}.weights.h5`));
    check(`${name}.weights.h5 predict`, maxDiff(m.predict(xin).data, c.output.values), 1e-5);
  } catch (e) { failed++; console.log(`FAIL keras->kerasts ${name}.weights.h5: ${e.message}`); }
}
console.log(`${passed} passed, ${failed} failed`);
process.exit(failed || !passed ? 1 : 0);

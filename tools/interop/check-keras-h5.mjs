// Interop, Keras -> kerasts: files real Keras 3.15.1 just wrote must load here and predict the same.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { tensor } from '@kerasts/tensor';
import { modelFromJSON } from '@kerasts/io-json';
import { loadModel, loadWeights } from '@kerasts/io-hdf5';

const kd = join(process.argv[2], 'keras');
let passed = 0, failed = 0;
for (const name of JSON.parse(readFileSync(join(kd, 'index.json'), 'utf8'))) {
  const io = JSON.parse(readFileSync(join(kd, `${name}.io.json`), 'utf8'));
  const x = tensor(Float32Array.from(io.input.values), io.input.shape);
  const runs = {
    load_model: async () => loadModel(join(kd, `${name}.h5`)),
    load_weights: async () => { const m = modelFromJSON(io.json); await loadWeights(m, join(kd, `${name}.legacy.h5`)); return m; },
  };
  for (const [how, make] of Object.entries(runs)) {
    try {
      const y = (await make()).predict(x);
      const d = Math.max(...y.data.map((v, i) => Math.abs(v - io.output.values[i])));
      if (d <= 1e-5) { passed++; console.log(`ok keras->kerasts ${name} ${how} max|Δ|=${d.toExponential(2)}`); }
      else { failed++; console.log(`FAIL keras->kerasts ${name} ${how} max|Δ|=${d}`); }
    } catch (e) { failed++; console.log(`FAIL keras->kerasts ${name} ${how}: ${e.message}`); }
  }
}
console.log(`${passed} passed, ${failed} failed`);
process.exit(failed || !passed ? 1 : 0);

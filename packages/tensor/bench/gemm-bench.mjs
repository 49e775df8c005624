// Tiny GEMM throughput benchmark (not part of the tests). Build first, then run:
//   cd /work/main && pnpm exec tsc -b packages/tensor && node packages/tensor/bench/gemm-bench.mjs [sizes...]
// Reports the best of several ~250 ms windows (the median is shown too: shared machines are noisy).
import { gemm, lstmForward, getActivation } from '../dist/index.js';

function rate(fn, flops) {
  let t0 = performance.now();
  while (performance.now() - t0 < 300) fn(); // warm up the JIT
  const rates = [];
  for (let w = 0; w < 6; w++) {
    let reps = 0;
    t0 = performance.now();
    let t = t0;
    while (t - t0 < 250) {
      fn();
      reps++;
      t = performance.now();
    }
    rates.push((flops * reps) / ((t - t0) / 1000) / 1e9);
  }
  rates.sort((a, b) => a - b);
  return { best: rates[rates.length - 1], median: rates[rates.length >> 1] };
}

function benchGemm(m, n, k, transposeB) {
  const a = new Float32Array(m * k).map(() => Math.random() - 0.5);
  const b = new Float32Array(k * n).map(() => Math.random() - 0.5);
  const c = new Float32Array(m * n);
  const opts = { transposeB };
  return rate(() => gemm(m, n, k, a, b, c, opts), 2 * m * n * k);
}

const fmt = (r) => `${r.best.toFixed(2)} (median ${r.median.toFixed(2)})`;
const sizes = process.argv.length > 2 ? process.argv.slice(2).map(Number) : [64, 256, 1024];
for (const s of sizes) {
  console.log(`${s}³  A·B: ${fmt(benchGemm(s, s, s, false))} GFLOP/s   A·Bᵀ: ${fmt(benchGemm(s, s, s, true))} GFLOP/s`);
}
// the per-step shape of an LSTM, (batch × u)·(u × 4u)
for (const [m, n, k] of [[1, 512, 128], [3, 512, 128], [32, 512, 128]]) {
  console.log(`${m}×${n}×${k}  A·B: ${fmt(benchGemm(m, n, k, false))} GFLOP/s`);
}
// a whole LSTM: batch 32, T 50, inputDim 64, units 128
{
  const batch = 32, T = 50, inputDim = 64, u = 128;
  const x = new Float32Array(batch * T * inputDim).map(() => Math.random() - 0.5);
  const opts = {
    batch, timesteps: T, inputDim, units: u,
    kernel: new Float32Array(inputDim * 4 * u).map(() => (Math.random() - 0.5) * 0.1),
    recurrentKernel: new Float32Array(u * 4 * u).map(() => (Math.random() - 0.5) * 0.1),
    bias: new Float32Array(4 * u),
    activation: getActivation('tanh'), recurrentActivation: getActivation('sigmoid'),
    returnSequences: true, goBackwards: false,
  };
  const flops = 2 * batch * T * 4 * u * (inputDim + u);
  const r = rate(() => lstmForward(x, opts), flops);
  console.log(`LSTM batch ${batch}, T ${T}, in ${inputDim}, units ${u}: ${fmt(r)} GFLOP/s (matmul flops only), ${(flops / r.best / 1e6).toFixed(2)} ms per call`);
}

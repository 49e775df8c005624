// Tiny GEMM throughput benchmark (not part of the tests). Run after building:
//   cd /work/main && pnpm exec tsc -b packages/tensor && node packages/tensor/bench/gemm-bench.mjs
import { gemm } from '../dist/index.js';

function bench(m, n, k, transposeB) {
  const a = new Float32Array(m * k).map(() => Math.random() - 0.5);
  const b = new Float32Array(k * n).map(() => Math.random() - 0.5);
  const c = new Float32Array(m * n);
  const flops = 2 * m * n * k;
  // warm up for ~0.3 s, then time for ~1 s
  let t0 = performance.now();
  while (performance.now() - t0 < 300) gemm(m, n, k, a, b, c, { transposeB });
  let reps = 0;
  t0 = performance.now();
  let t = t0;
  while (t - t0 < 1000) {
    gemm(m, n, k, a, b, c, { transposeB });
    reps++;
    t = performance.now();
  }
  const secs = (t - t0) / 1000;
  return (flops * reps) / secs / 1e9;
}

const cases = process.argv.length > 2 ? process.argv.slice(2).map(Number) : [64, 256, 1024];
for (const s of cases) {
  console.log(`${s}x${s}x${s}: NN ${bench(s, s, s, false).toFixed(2)} GFLOP/s, NT (transposeB) ${bench(s, s, s, true).toFixed(2)} GFLOP/s`);
}
// shapes an LSTM step uses: (batch × u) · (u × 4u)
for (const [m, n, k] of [[1, 512, 128], [32, 512, 128], [3, 256, 64]]) {
  console.log(`${m}x${n}x${k}: NN ${bench(m, n, k, false).toFixed(2)} GFLOP/s`);
}

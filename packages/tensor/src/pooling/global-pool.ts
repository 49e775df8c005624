/**
 * Global max and average pooling over the positions of channels-last data `(batch, positions,
 * channels)` (any number of spatial axes flattened into `positions`), with the optional 0/1 mask of
 * Keras' `GlobalAveragePooling1D`, forward and backward as Keras 3 computes them on JAX: a mean is a
 * float32 sum divided by the count; the gradient of a max (`jnp.max`) is shared equally by all the
 * positions that hold the maximum.
 */
import { ShapeMismatchError } from '../errors.js';
import { wasmAlloc, wasmF32, wasmKernels, wasmMark, wasmRelease } from '../wasm/backend.js';

function check(what: string, x: Float32Array, n: number): void {
  if (x.length !== n) throw new ShapeMismatchError(`global pooling: ${what} has ${x.length} values, expected ${n}`, [n], [x.length]);
}

/** Max over positions: `(batch, positions, channels)` → `(batch, channels)`. */
export function globalMaxPool(x: Float32Array, batch: number, positions: number, channels: number): Float32Array {
  check('input', x, batch * positions * channels);
  const kern = wasmKernels();
  if (kern !== null && x.length > 0) {
    // branch-free SIMD maxima (a compare-and-branch loop mispredicts on random data)
    const y = new Float32Array(batch * channels);
    const mark = wasmMark();
    const px = wasmAlloc(kern, x.length);
    const py = wasmAlloc(kern, y.length);
    const mem = wasmF32(kern);
    mem.set(x, px >> 2);
    kern.globalMaxPool(px, batch, positions, channels, py);
    y.set(mem.subarray(py >> 2, (py >> 2) + y.length));
    wasmRelease(mark);
    return y;
  }
  const y = new Float32Array(batch * channels).fill(-Infinity);
  for (let n = 0; n < batch; n++) {
    const yo = n * channels;
    for (let p = 0; p < positions; p++) {
      const xo = (n * positions + p) * channels;
      for (let c = 0; c < channels; c++) {
        const v = x[xo + c]!;
        const b = y[yo + c]!;
        if (v > b || (v !== v && b === b)) y[yo + c] = v;
      }
    }
  }
  return y;
}

/** ∂L/∂x of {@link globalMaxPool}: `dy` shared equally by the positions equal to the maximum. */
export function globalMaxPoolBackward(x: Float32Array, y: Float32Array, dy: Float32Array, batch: number, positions: number, channels: number): Float32Array {
  check('input', x, batch * positions * channels);
  check('output gradient', dy, batch * channels);
  const dx = new Float32Array(x.length);
  const count = new Float32Array(channels);
  for (let n = 0; n < batch; n++) {
    const yo = n * channels;
    count.fill(0);
    for (let p = 0; p < positions; p++) {
      const xo = (n * positions + p) * channels;
      for (let c = 0; c < channels; c++) if (x[xo + c] === y[yo + c]) count[c]!++;
    }
    for (let p = 0; p < positions; p++) {
      const xo = (n * positions + p) * channels;
      for (let c = 0; c < channels; c++) if (x[xo + c] === y[yo + c]) dx[xo + c] = dy[yo + c]! / count[c]!;
    }
  }
  return dx;
}

/**
 * Mean over positions: `(batch, positions, channels)` → `(batch, channels)`. With a mask
 * (`(batch, positions)`, 0 = masked), masked positions count as 0 and the sum is divided by the number
 * of kept positions (NaN where every position is masked, as in Keras).
 */
export function globalAvgPool(x: Float32Array, batch: number, positions: number, channels: number, mask: Float32Array | null = null): Float32Array {
  check('input', x, batch * positions * channels);
  if (mask) check('mask', mask, batch * positions);
  const y = new Float32Array(batch * channels);
  const acc = new Float32Array(channels);
  for (let n = 0; n < batch; n++) {
    acc.fill(0);
    let kept = 0;
    for (let p = 0; p < positions; p++) {
      if (mask && mask[n * positions + p] === 0) continue;
      kept++;
      const xo = (n * positions + p) * channels;
      for (let c = 0; c < channels; c++) acc[c] = acc[c]! + x[xo + c]!;
    }
    const div = mask ? kept : positions;
    for (let c = 0; c < channels; c++) y[n * channels + c] = acc[c]! / div;
  }
  return y;
}

/** ∂L/∂x of {@link globalAvgPool}. */
export function globalAvgPoolBackward(dy: Float32Array, batch: number, positions: number, channels: number, mask: Float32Array | null = null): Float32Array {
  check('output gradient', dy, batch * channels);
  if (mask) check('mask', mask, batch * positions);
  const dx = new Float32Array(batch * positions * channels);
  const share = new Float32Array(channels);
  for (let n = 0; n < batch; n++) {
    let kept = positions;
    if (mask) {
      kept = 0;
      for (let p = 0; p < positions; p++) if (mask[n * positions + p] !== 0) kept++;
    }
    for (let c = 0; c < channels; c++) share[c] = dy[n * channels + c]! / kept;
    for (let p = 0; p < positions; p++) {
      if (mask && mask[n * positions + p] === 0) continue;
      dx.set(share, (n * positions + p) * channels);
    }
  }
  return dx;
}

/**
 * A 1-D convolution over embedded tokens, computed from the tokens' projections
 * (conv/token-projection.ts) instead of from the embedded sequence: each output step sums one
 * `filters`-long row per kernel tap. The sum is the convolution's own sum regrouped (per tap over the
 * input channels first, then over the taps), so results agree with the im2col GEMM to float32
 * rounding.
 */
import { LINEAR, RELU, type Activation } from '../activations.js';
import { takeF32 } from '../buffer-pool.js';
import { ConfigError, ShapeMismatchError } from '../errors.js';
import { wasmAlloc, wasmF32, wasmKernels, wasmMark, wasmRelease, type WasmKernels } from '../wasm/backend.js';
import type { WindowGeometry } from './geometry.js';
import type { TokenProjection } from './token-projection.js';

/**
 * `activation(conv1d(embeddings[indices], kernel) + bias)` as `(batch, outSteps, filters)`, channels
 * last, from a projection table that has a row for every index (see `tokenProjection`). `indices` is
 * `(batch, steps)`; `geometry` the convolution's 1-D window geometry over `steps` (padding, strides,
 * dilation as `windowGeometry` gives them; padded positions add nothing, as zero embeddings would).
 *
 * @throws {ConfigError} if the geometry is not 1-D or does not match the indices.
 * @throws {ShapeMismatchError} if the bias is not `filters` long.
 */
export function tokenConv1d(
  indices: Int32Array,
  batch: number,
  projection: TokenProjection,
  geometry: WindowGeometry,
  filters: number,
  bias: Float32Array | null,
  activation: Activation = LINEAR,
): Float32Array {
  if (geometry.inSize.length !== 1) throw new ConfigError(`tokenConv1d: expected a 1-D geometry, got ${geometry.inSize.length} axes`);
  const steps = geometry.inSize[0]!;
  const outSteps = geometry.outSize[0]!;
  if (indices.length !== batch * steps) throw new ConfigError(`tokenConv1d: ${indices.length} indices for ${batch} × ${steps} tokens`);
  if (bias !== null && bias.length !== filters) throw new ShapeMismatchError('tokenConv1d: bias', [filters], [bias.length]);
  // every value is written below; a large output comes from the buffer pool (Sequential's predict
  // gives it back once the next layer is done with it)
  const y = takeF32(batch * outSteps * filters, false);
  const kern = projection.address >= 0 ? wasmKernels() : null;
  if (kern !== null) tokenConv1dWasm(kern, indices, batch, projection, geometry, filters, bias, activation === RELU, y);
  else tokenConv1dJs(indices, batch, projection, geometry, filters, bias, activation === RELU, y);
  if (activation !== RELU && activation !== LINEAR) activation.apply(y, 0, batch * outSteps, filters);
  return y;
}

/** The gather-add in the kernels' memory (scripts/asm/token-conv1d.ts), float32 sums in tap order. */
function tokenConv1dWasm(kern: WasmKernels, indices: Int32Array, batch: number, projection: TokenProjection, geometry: WindowGeometry, filters: number, bias: Float32Array | null, relu: boolean, y: Float32Array): void {
  const steps = geometry.inSize[0]!;
  const mark = wasmMark();
  const pSlots = wasmAlloc(kern, indices.length);
  const pBias = bias !== null ? wasmAlloc(kern, filters) : 0;
  const pY = wasmAlloc(kern, y.length);
  const pPtrs = wasmAlloc(kern, geometry.window[0]!);
  const rowOf = new Int32Array(kern.memory.buffer, pSlots, indices.length);
  const { slots } = projection;
  for (let p = 0; p < indices.length; p++) rowOf[p] = slots[indices[p]!]!;
  if (bias !== null) wasmF32(kern).set(bias, pBias >> 2);
  kern.tokenConv1d(
    projection.address, pSlots, batch, steps, geometry.outSize[0]!, geometry.window[0]!, geometry.strides[0]!, geometry.dilations[0]!, geometry.padBefore[0]!,
    filters, pBias, relu ? 1 : 0, pY, pPtrs,
  );
  y.set(wasmF32(kern).subarray(pY >> 2, (pY >> 2) + y.length));
  wasmRelease(mark);
}

/** The gather-add in TypeScript (rows in a JavaScript array), the taps summed in double as the other TypeScript kernels. */
function tokenConv1dJs(indices: Int32Array, batch: number, projection: TokenProjection, geometry: WindowGeometry, filters: number, bias: Float32Array | null, relu: boolean, y: Float32Array): void {
  const steps = geometry.inSize[0]!;
  const outSteps = geometry.outSize[0]!;
  const taps = geometry.window[0]!;
  const stride = geometry.strides[0]!;
  const dilation = geometry.dilations[0]!;
  const pad = geometry.padBefore[0]!;
  const { slots } = projection;
  const rows = projection.rows!;
  const kf = taps * filters;
  const at = new Int32Array(taps);
  const acc = new Float64Array(filters);
  for (let b = 0; b < batch; b++) {
    const tok = b * steps;
    for (let t = 0; t < outSteps; t++) {
      // the rows this window reads (padding reads none)
      let n = 0;
      for (let k = 0; k < taps; k++) {
        const pos = t * stride - pad + k * dilation;
        if (pos >= 0 && pos < steps) at[n++] = slots[indices[tok + pos]!]! * kf + k * filters;
      }
      acc.fill(0);
      for (let i = 0; i < n; i++) {
        const r = at[i]!;
        for (let f = 0; f < filters; f++) acc[f]! += rows[r + f]!;
      }
      const o = (b * outSteps + t) * filters;
      for (let f = 0; f < filters; f++) {
        const v = Math.fround(acc[f]!) + (bias !== null ? bias[f]! : 0);
        y[o + f] = relu && !(v > 0) ? 0 : v;
      }
    }
  }
}

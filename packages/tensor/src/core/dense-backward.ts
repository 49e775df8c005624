/**
 * The backward pass of Keras `Dense` over plain float32 buffers (the activation's derivative is
 * applied first, by `activationBackward`).
 */
import { ConfigError, ShapeMismatchError } from '../errors.js';
import { takeF32 } from '../buffer-pool.js';
import { gemm } from '../gemm.js';

/** What {@link denseBackward} returns. */
export interface DenseBackwardResult {
  /** ∂L/∂x, `rows × inputDim`, or null when not asked for. */
  dx: Float32Array | null;
  /** ∂L/∂kernel, `inputDim × units`. */
  dKernel: Float32Array;
  /** ∂L/∂bias, `units`, or null without a bias. */
  dBias: Float32Array | null;
}

/** Options of {@link denseBackward}. */
export interface DenseBackwardOptions {
  /** Compute ∂L/∂x (default true); the first trainable layer of a model does not need it. */
  needInputGrad?: boolean;
  /** The layer has a bias (default true). */
  useBias?: boolean;
}

/**
 * The backward pass of `y = act(x·kernel + bias)` for `dz = ∂L/∂(x·kernel + bias)` (apply
 * {@link activationBackward} to ∂L/∂y first): `dKernel = xᵀ·dz`, `dBias = Σ_rows dz`, `dx = dz·kernelᵀ`.
 * The products are GEMMs (float32, as Keras); the bias sum runs in double precision.
 *
 * @throws {ShapeMismatchError} if an array has the wrong length.
 * @throws {ConfigError} if a dimension is not a non-negative integer.
 */
export function denseBackward(
  x: Float32Array,
  dz: Float32Array,
  rows: number,
  inputDim: number,
  units: number,
  kernel: Float32Array,
  options: DenseBackwardOptions = {},
): DenseBackwardResult {
  for (const [name, v] of [['rows', rows], ['inputDim', inputDim], ['units', units]] as const) {
    if (!Number.isInteger(v) || v < 0) throw new ConfigError(`denseBackward: ${name} must be a non-negative integer, got ${v}`);
  }
  expectLength('denseBackward: input', x, [rows, inputDim]);
  expectLength('denseBackward: dz', dz, [rows, units]);
  expectLength('denseBackward: kernel', kernel, [inputDim, units]);
  const dKernel = new Float32Array(inputDim * units);
  // xᵀ·dz as one GEMM (x is stored rows × inputDim, i.e. "k × m" for transposeA).
  if (rows > 0 && inputDim > 0 && units > 0) gemm(inputDim, units, rows, x, dz, dKernel, { transposeA: true });
  let dBias: Float32Array | null = null;
  if (options.useBias ?? true) {
    const b = new Float64Array(units);
    for (let r = 0; r < rows; r++) {
      const zo = r * units;
      for (let j = 0; j < units; j++) b[j] = b[j]! + dz[zo + j]!;
    }
    dBias = Float32Array.from(b);
  }
  let dx: Float32Array | null = null;
  if (options.needInputGrad ?? true) {
    // gemm writes every value (C = 0 + dz·kernelᵀ): a pooled buffer, given back by the graph once the
    // layer below has used it
    dx = takeF32(rows * inputDim, false);
    // dz (rows × units) · kernelᵀ: the kernel is stored inputDim × units, i.e. already "n × k".
    gemm(rows, inputDim, units, dz, kernel, dx, { transposeB: true });
  }
  return { dx, dKernel, dBias };
}

function expectLength(what: string, arr: Float32Array, shape: readonly number[]): void {
  let size = 1;
  for (const d of shape) size *= d;
  if (arr.length !== size) throw new ShapeMismatchError(`${what} has ${arr.length} values, expected ${size}`, shape, [arr.length]);
}

/**
 * The arithmetic shared by Keras' normalization layers: statistics over some axes, the affine
 * normalization `y = x·inv + (β − mean·inv)` with `inv = rsqrt(var + ε)·γ`, and its gradient.
 *
 * A {@link NormPlan} says, for a row-major shape, which axes index the statistics (mean/variance)
 * and which index the parameters (γ/β): BatchNormalization keeps the channel axis for both,
 * LayerNormalization keeps the batch-like axes for statistics and the normalized axes for
 * parameters, GroupNormalization keeps (batch, group) for statistics and the channel for parameters.
 * Adjacent axes that step both indices the same way are merged, so the kernels walk a few blocks with
 * an odometer and an innermost strided loop: nothing is allocated per element.
 *
 * Rounding follows Keras 3 on JAX (keras/src/backend/jax/nn.py `moments`, `batch_normalization`;
 * ops/nn.py `_layer_normalization`): statistics are float32 values (computed here in double and
 * rounded once, which is within float32 rounding of XLA's sums), and each of `rsqrt(var+ε)`, `·γ`,
 * `−mean·inv`, `+β`, `x·inv` and the final sum is rounded to float32.
 */
import { ShapeMismatchError } from '../errors.js';

const f32 = Math.fround;

/** How a shape's elements map to statistic and parameter indices (see the module comment). */
export interface NormPlan {
  /** Merged block sizes, outermost first. */
  readonly dims: readonly number[];
  /** Step of the statistic index per block (0 for axes the statistics reduce over). */
  readonly statStrides: readonly number[];
  /** Step of the parameter index per block (0 for axes the parameters broadcast over). */
  readonly paramStrides: readonly number[];
  /** Number of statistics (product of the statistic axes). */
  readonly stats: number;
  /** Number of parameters (product of the parameter axes). */
  readonly params: number;
  /** Elements. */
  readonly size: number;
  /** Elements reduced into each statistic. */
  readonly perStat: number;
}

/**
 * Plan a normalization over `shape`: `statAxes[a]` says axis `a` indexes the statistics (is kept by
 * the reduction), `paramAxes[a]` that it indexes γ/β. Both indices are row-major over their axes.
 */
export function normPlan(shape: readonly number[], statAxes: readonly boolean[], paramAxes: readonly boolean[]): NormPlan {
  const rank = shape.length;
  if (statAxes.length !== rank || paramAxes.length !== rank) throw new ShapeMismatchError('normPlan: one flag per axis', shape, [statAxes.length, paramAxes.length]);
  const sStride = new Array<number>(rank).fill(0);
  const pStride = new Array<number>(rank).fill(0);
  let s = 1;
  let p = 1;
  for (let a = rank - 1; a >= 0; a--) {
    if (statAxes[a]) {
      sStride[a] = s;
      s *= shape[a]!;
    }
    if (paramAxes[a]) {
      pStride[a] = p;
      p *= shape[a]!;
    }
  }
  let size = 1;
  for (const d of shape) size *= d;
  const dims: number[] = [];
  const ss: number[] = [];
  const ps: number[] = [];
  for (let a = 0; a < rank; a++) {
    const n = shape[a]!;
    if (n === 1) continue;
    const k = dims.length - 1;
    // Merge with the previous block when this axis continues both strides.
    if (k >= 0 && ss[k] === sStride[a]! * n && ps[k] === pStride[a]! * n) {
      dims[k] = dims[k]! * n;
      ss[k] = sStride[a]!;
      ps[k] = pStride[a]!;
      continue;
    }
    dims.push(n);
    ss.push(sStride[a]!);
    ps.push(pStride[a]!);
  }
  if (dims.length === 0) {
    dims.push(1);
    ss.push(0);
    ps.push(0);
  }
  return { dims, statStrides: ss, paramStrides: ps, stats: s, params: p, size, perStat: s === 0 ? 0 : size / s };
}

/**
 * Calls `body(start, count, stat, statStep, param, paramStep)` for each run of the innermost block:
 * elements `start .. start+count-1` have statistic index `stat + i·statStep` and parameter index
 * `param + i·paramStep`.
 */
function walk(plan: NormPlan, body: (start: number, count: number, stat: number, statStep: number, param: number, paramStep: number) => void): void {
  const { dims, statStrides, paramStrides, size } = plan;
  if (size === 0) return;
  const k = dims.length;
  const inner = dims[k - 1]!;
  const iS = statStrides[k - 1]!;
  const iP = paramStrides[k - 1]!;
  const idx = new Array<number>(k).fill(0);
  let s = 0;
  let p = 0;
  for (let o = 0; o < size; o += inner) {
    body(o, inner, s, iS, p, iP);
    for (let a = k - 2; a >= 0; a--) {
      idx[a]!++;
      s += statStrides[a]!;
      p += paramStrides[a]!;
      if (idx[a]! < dims[a]!) break;
      s -= statStrides[a]! * dims[a]!;
      p -= paramStrides[a]! * dims[a]!;
      idx[a] = 0;
    }
  }
}

/**
 * Per-element weights of a masked reduction: element `i` has weight `mask[floor(i / maskDiv)]`
 * (Keras' BatchNormalization mask covers every axis but the last: `maskDiv` = last dimension).
 */
export interface ElementMask {
  readonly mask: Float32Array;
  readonly maskDiv: number;
}

/** Mean and (biased) variance per statistic, as float32 values. */
export interface Moments {
  mean: Float32Array;
  variance: Float32Array;
  /** Weight sum per statistic (element count without a mask; Σmask + 1e-7 with one, as Keras). */
  count: Float64Array;
}

/**
 * `jnp.mean` and `jnp.var` over the reduced axes (Keras 3 `ops.moments`); with a mask, Keras 3
 * BatchNormalization's masked moments: `Σ w·x / (Σw + 1e-7)` and `Σ w·(x − mean)² / (Σw + 1e-7)`.
 */
export function moments(x: Float32Array, plan: NormPlan, mask: ElementMask | null = null): Moments {
  if (x.length !== plan.size) throw new ShapeMismatchError('moments: data length does not match the plan', [plan.size], [x.length]);
  const n = plan.stats;
  const sum = new Float64Array(n);
  const cnt = new Float64Array(n);
  const m = mask?.mask;
  const div = mask?.maskDiv ?? 1;
  walk(plan, (start, count, s0, sStep, _p0, _pStep) => {
    for (let i = 0, s = s0; i < count; i++, s += sStep) {
      const w = m ? m[Math.floor((start + i) / div)]! : 1;
      sum[s] = sum[s]! + w * x[start + i]!;
      cnt[s] = cnt[s]! + w;
    }
  });
  const mean = new Float32Array(n);
  if (m) for (let s = 0; s < n; s++) cnt[s] = cnt[s]! + 1e-7;
  for (let s = 0; s < n; s++) mean[s] = cnt[s] === 0 ? NaN : sum[s]! / cnt[s]!;
  const sq = new Float64Array(n);
  walk(plan, (start, count, s0, sStep) => {
    for (let i = 0, s = s0; i < count; i++, s += sStep) {
      const w = m ? m[Math.floor((start + i) / div)]! : 1;
      const d = f32(x[start + i]! - mean[s]!);
      sq[s] = sq[s]! + w * d * d;
    }
  });
  const variance = new Float32Array(n);
  for (let s = 0; s < n; s++) variance[s] = cnt[s] === 0 ? NaN : sq[s]! / cnt[s]!;
  return { mean, variance, count: cnt };
}

/**
 * `y = x·inv + (β − mean·inv)`, `inv = rsqrt(var + ε)·γ`, with mean/variance per statistic and γ/β
 * per parameter (either may be null: scale 1, offset 0); each step rounded to float32 as Keras 3 does.
 */
export function normalizeAffine(
  x: Float32Array,
  plan: NormPlan,
  mean: Float32Array,
  variance: Float32Array,
  gamma: Float32Array | null,
  beta: Float32Array | null,
  epsilon: number,
  out?: Float32Array,
): Float32Array {
  const y = out ?? new Float32Array(plan.size);
  const eps = f32(epsilon);
  const rs = new Float32Array(plan.stats);
  for (let s = 0; s < plan.stats; s++) rs[s] = 1 / Math.sqrt(f32(variance[s]! + eps));
  const sameIndex = isSameIndex(plan);
  if (sameIndex || (gamma === null && beta === null)) {
    // inv and res depend on the statistic only: compute them once per statistic.
    const a = new Float32Array(plan.stats);
    const b = new Float32Array(plan.stats);
    for (let s = 0; s < plan.stats; s++) {
      const inv = gamma ? f32(rs[s]! * gamma[s]!) : rs[s]!;
      a[s] = inv;
      const r = f32(-mean[s]! * inv);
      b[s] = beta ? f32(r + beta[s]!) : r;
    }
    walk(plan, (start, count, s0, sStep) => {
      for (let i = 0, s = s0; i < count; i++, s += sStep) y[start + i] = f32(x[start + i]! * a[s]!) + b[s]!;
    });
    return y;
  }
  walk(plan, (start, count, s0, sStep, p0, pStep) => {
    for (let i = 0, s = s0, p = p0; i < count; i++, s += sStep, p += pStep) {
      const inv = gamma ? f32(rs[s]! * gamma[p]!) : rs[s]!;
      let r = f32(-mean[s]! * inv);
      if (beta) r = f32(r + beta[p]!);
      y[start + i] = f32(x[start + i]! * inv) + r;
    }
  });
  return y;
}

/** Whether the parameter index equals the statistic index everywhere (BatchNormalization). */
function isSameIndex(plan: NormPlan): boolean {
  return plan.stats === plan.params && plan.statStrides.every((s, i) => s === plan.paramStrides[i]);
}

/** Gradients of {@link normalizeAffine}. */
export interface NormBackwardResult {
  /** ∂L/∂x, or null when not asked for. */
  dx: Float32Array | null;
  /** ∂L/∂γ per parameter (null without γ). */
  dGamma: Float32Array | null;
  /** ∂L/∂β per parameter (null without β). */
  dBeta: Float32Array | null;
}

/** Options of {@link normalizeBackward}. */
export interface NormBackwardOptions {
  /** Whether mean and variance are this batch's (training): their dependence on x is differentiated. */
  batchStatistics: boolean;
  needDx: boolean;
  needGamma: boolean;
  needBeta: boolean;
  /** Mask of the moments (batch statistics only). */
  mask?: ElementMask | null;
  /** Weight sums per statistic from {@link moments} (batch statistics with a mask). */
  count?: Float64Array;
}

/**
 * Back-propagates `dy` through {@link normalizeAffine}. With batch statistics (training), mean and
 * variance are functions of x (the moments above, masked or not); otherwise they are constants
 * (moving statistics, a frozen layer) and `dx = dy·inv`.
 */
export function normalizeBackward(
  x: Float32Array,
  dy: Float32Array,
  plan: NormPlan,
  mean: Float32Array,
  variance: Float32Array,
  gamma: Float32Array | null,
  epsilon: number,
  options: NormBackwardOptions,
): NormBackwardResult {
  const eps = f32(epsilon);
  const nS = plan.stats;
  const rs = new Float64Array(nS);
  for (let s = 0; s < nS; s++) rs[s] = 1 / Math.sqrt(f32(variance[s]! + eps));
  const dGammaD = gamma && options.needGamma ? new Float64Array(plan.params) : null;
  const dBetaD = options.needBeta ? new Float64Array(plan.params) : null;
  // Σ dx̂ and Σ dx̂·(x − mean) per statistic, and Σ w·(x − mean) for the masked mean term.
  const s1 = new Float64Array(nS);
  const s2 = new Float64Array(nS);
  const sw = new Float64Array(nS);
  const m = options.mask?.mask;
  const div = options.mask?.maskDiv ?? 1;
  walk(plan, (start, count, s0, sStep, p0, pStep) => {
    for (let i = 0, s = s0, p = p0; i < count; i++, s += sStep, p += pStep) {
      const g = dy[start + i]!;
      const xc = x[start + i]! - mean[s]!;
      if (dBetaD) dBetaD[p] = dBetaD[p]! + g;
      if (dGammaD) dGammaD[p] = dGammaD[p]! + g * xc * rs[s]!;
      const dxhat = gamma ? g * gamma[p]! : g;
      s1[s] = s1[s]! + dxhat;
      s2[s] = s2[s]! + dxhat * xc;
      if (m) sw[s] = sw[s]! + m[Math.floor((start + i) / div)]! * xc;
    }
  });
  let dx: Float32Array | null = null;
  if (options.needDx) {
    dx = new Float32Array(plan.size);
    const out = dx;
    if (!options.batchStatistics) {
      walk(plan, (start, count, s0, sStep, p0, pStep) => {
        for (let i = 0, s = s0, p = p0; i < count; i++, s += sStep, p += pStep) {
          out[start + i] = dy[start + i]! * (gamma ? f32(f32(rs[s]!) * gamma[p]!) : f32(rs[s]!));
        }
      });
    } else {
      const cnt = options.count;
      const dmean = new Float64Array(nS);
      const dvar = new Float64Array(nS);
      const nEff = new Float64Array(nS);
      for (let s = 0; s < nS; s++) {
        const r = rs[s]!;
        nEff[s] = cnt ? cnt[s]! : plan.perStat;
        dvar[s] = -0.5 * r * r * r * s2[s]!;
        dmean[s] = -r * s1[s]! + (m ? (dvar[s]! * -2 * sw[s]!) / nEff[s]! : 0);
      }
      walk(plan, (start, count, s0, sStep, p0, pStep) => {
        for (let i = 0, s = s0, p = p0; i < count; i++, s += sStep, p += pStep) {
          const w = m ? m[Math.floor((start + i) / div)]! : 1;
          const dxhat = gamma ? dy[start + i]! * gamma[p]! : dy[start + i]!;
          const xc = x[start + i]! - mean[s]!;
          out[start + i] = dxhat * rs[s]! + (w * (dmean[s]! + 2 * dvar[s]! * xc)) / nEff[s]!;
        }
      });
    }
  }
  return {
    dx,
    dGamma: dGammaD ? Float32Array.from(dGammaD) : null,
    dBeta: dBetaD ? Float32Array.from(dBetaD) : null,
  };
}

/**
 * `y = x · min(rsqrt(Σ x²), 1/ε)` over the reduced axes (Keras 3 `ops.normalize(order=2)`, used by
 * UnitNormalization with ε = 1e-12).
 */
export function l2Normalize(x: Float32Array, plan: NormPlan, epsilon: number, out?: Float32Array): { y: Float32Array; inv: Float32Array } {
  const ss = new Float64Array(plan.stats);
  walk(plan, (start, count, s0, sStep) => {
    for (let i = 0, s = s0; i < count; i++, s += sStep) ss[s] = ss[s]! + x[start + i]! * x[start + i]!;
  });
  const cap = f32(1 / epsilon);
  const inv = new Float32Array(plan.stats);
  for (let s = 0; s < plan.stats; s++) {
    const r = f32(1 / Math.sqrt(f32(ss[s]!)));
    inv[s] = r < cap ? r : cap;
  }
  const y = out ?? new Float32Array(plan.size);
  walk(plan, (start, count, s0, sStep) => {
    for (let i = 0, s = s0; i < count; i++, s += sStep) y[start + i] = x[start + i]! * inv[s]!;
  });
  return { y, inv };
}

/** Gradient of {@link l2Normalize}: `dx = inv·dy − x·inv³·Σ dy·x` (just `inv·dy` where the cap holds). */
export function l2NormalizeBackward(x: Float32Array, dy: Float32Array, plan: NormPlan, inv: Float32Array, epsilon: number): Float32Array {
  const cap = f32(1 / epsilon);
  const dot = new Float64Array(plan.stats);
  walk(plan, (start, count, s0, sStep) => {
    for (let i = 0, s = s0; i < count; i++, s += sStep) dot[s] = dot[s]! + dy[start + i]! * x[start + i]!;
  });
  const dx = new Float32Array(plan.size);
  walk(plan, (start, count, s0, sStep) => {
    for (let i = 0, s = s0; i < count; i++, s += sStep) {
      const r = inv[s]!;
      dx[start + i] = r < cap ? r * dy[start + i]! - x[start + i]! * r * r * r * dot[s]! : r * dy[start + i]!;
    }
  });
  return dx;
}

/**
 * Keras 3 LayerNormalization's deprecated `rms_scaling`: `y = (x·rsqrt(var + ε))·γ` (the variance
 * about the mean, no centring of x, no β), each product rounded to float32.
 */
export function rmsScale(x: Float32Array, plan: NormPlan, variance: Float32Array, gamma: Float32Array | null, epsilon: number, out?: Float32Array): Float32Array {
  const eps = f32(epsilon);
  const rs = new Float32Array(plan.stats);
  for (let s = 0; s < plan.stats; s++) rs[s] = 1 / Math.sqrt(f32(variance[s]! + eps));
  const y = out ?? new Float32Array(plan.size);
  walk(plan, (start, count, s0, sStep, p0, pStep) => {
    for (let i = 0, s = s0, p = p0; i < count; i++, s += sStep, p += pStep) {
      const v = f32(x[start + i]! * rs[s]!);
      y[start + i] = gamma ? v * gamma[p]! : v;
    }
  });
  return y;
}

/** Gradient of {@link rmsScale}: `dγ = Σ dy·x·s`, `dx = dŷ·s − s³·(x − mean)/n·Σ dŷ·x` with `dŷ = dy·γ`. */
export function rmsScaleBackward(
  x: Float32Array,
  dy: Float32Array,
  plan: NormPlan,
  mean: Float32Array,
  variance: Float32Array,
  gamma: Float32Array | null,
  epsilon: number,
  needDx: boolean,
  needGamma: boolean,
): { dx: Float32Array | null; dGamma: Float32Array | null } {
  const eps = f32(epsilon);
  const rs = new Float64Array(plan.stats);
  for (let s = 0; s < plan.stats; s++) rs[s] = 1 / Math.sqrt(f32(variance[s]! + eps));
  const dGamma = gamma && needGamma ? new Float64Array(plan.params) : null;
  const dot = new Float64Array(plan.stats);
  walk(plan, (start, count, s0, sStep, p0, pStep) => {
    for (let i = 0, s = s0, p = p0; i < count; i++, s += sStep, p += pStep) {
      const g = dy[start + i]!;
      const xv = x[start + i]!;
      if (dGamma) dGamma[p] = dGamma[p]! + g * xv * rs[s]!;
      dot[s] = dot[s]! + (gamma ? g * gamma[p]! : g) * xv;
    }
  });
  let dx: Float32Array | null = null;
  if (needDx) {
    const out = new Float32Array(plan.size);
    const n = plan.perStat;
    walk(plan, (start, count, s0, sStep, p0, pStep) => {
      for (let i = 0, s = s0, p = p0; i < count; i++, s += sStep, p += pStep) {
        const r = rs[s]!;
        const dyg = gamma ? dy[start + i]! * gamma[p]! : dy[start + i]!;
        out[start + i] = dyg * r - (r * r * r * (x[start + i]! - mean[s]!) * dot[s]!) / n;
      }
    });
    dx = out;
  }
  return { dx, dGamma: dGamma ? Float32Array.from(dGamma) : null };
}

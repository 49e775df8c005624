/**
 * Weight regularizers and constraints, read from the configs layers keep (`kernel_regularizer`,
 * `bias_constraint`, ...), applied in training as Keras 3 applies them: regularization penalties are
 * added to the loss (and their gradients to the weights' gradients); constraints project the weights
 * after each optimizer step.
 */
import type { JsonValue } from '@kerasts/layers';
import { ConfigError, UnsupportedError } from '@kerasts/tensor';

const f = Math.fround;

/** An L1/L2 penalty `l1·Σ|x| + l2·Σx²`. */
export interface Regularizer {
  readonly l1: number;
  readonly l2: number;
  /** The penalty of `x` (float32). */
  penalty(x: Float32Array): number;
  /** Adds `scale·∂penalty/∂x` into `out`. */
  addGradient(x: Float32Array, out: Float32Array, scale?: number): void;
}

function makeRegularizer(l1: number, l2: number): Regularizer {
  return {
    l1,
    l2,
    penalty(x: Float32Array): number {
      let a = 0;
      let s = 0;
      for (let i = 0; i < x.length; i++) {
        a += Math.abs(x[i]!);
        s += x[i]! * x[i]!;
      }
      let r = 0;
      if (l1 !== 0) r = f(r + f(f(l1) * f(a)));
      if (l2 !== 0) r = f(r + f(f(l2) * f(s)));
      return r;
    },
    addGradient(x: Float32Array, out: Float32Array, scale = 1): void {
      const a = f(l1);
      const b = f(l2);
      for (let i = 0; i < x.length; i++) {
        const v = x[i]!;
        out[i] = f(out[i]! + scale * (a * (v > 0 ? 1 : v < 0 ? -1 : 0) + 2 * b * v));
      }
    },
  };
}

function configOf(v: JsonValue, where: string): { cls: string; cfg: Record<string, JsonValue> } | null {
  if (v === null || v === undefined) return null;
  if (typeof v === 'string') return { cls: v, cfg: {} };
  if (typeof v !== 'object' || Array.isArray(v)) throw new ConfigError(`expected a {class_name, config} object, found ${JSON.stringify(v)}`, where);
  const cls = typeof v.class_name === 'string' ? v.class_name.replace(/^.*>/, '') : '';
  const c = v.config;
  const cfg = c !== null && typeof c === 'object' && !Array.isArray(c) ? c : {};
  return { cls, cfg };
}

function numberOr(v: JsonValue | undefined, dflt: number): number {
  return typeof v === 'number' ? v : dflt;
}

/**
 * A regularizer from its Keras config of any era (`{class_name: 'L2', config: {l2}}`, Keras 2's
 * `L1L2`, the strings `'l1'`, `'l2'`, `'l1_l2'`), or null for none.
 *
 * @throws {UnsupportedError} for a regularizer kerasts does not implement (e.g. OrthogonalRegularizer).
 */
export function getRegularizer(config: JsonValue, where = 'regularizer'): Regularizer | null {
  const c = configOf(config, where);
  if (!c) return null;
  switch (c.cls) {
    case 'L1':
    case 'l1':
      return makeRegularizer(numberOr(c.cfg.l1, 0.01), 0);
    case 'L2':
    case 'l2':
      return makeRegularizer(0, numberOr(c.cfg.l2, 0.01));
    case 'L1L2':
    case 'l1_l2':
      return makeRegularizer(numberOr(c.cfg.l1, c.cls === 'l1_l2' ? 0.01 : 0), numberOr(c.cfg.l2, c.cls === 'l1_l2' ? 0.01 : 0));
    default:
      throw new UnsupportedError(`regularizer '${c.cls}' is not supported in training (supported: L1, L2, L1L2)`, where);
  }
}

/** Projects a weight in place after an update (Keras' `kernel_constraint`, ...). */
export type Constraint = (w: Float32Array, shape: readonly number[]) => void;

/** Sum of squares along `axis` of a row-major array, kept per position of the other axes. */
function axisNorms(w: Float32Array, shape: readonly number[], axis: number): { norms: Float32Array; index: (p: number) => number } {
  const rank = shape.length;
  const ax = axis < 0 ? axis + rank : axis;
  if (rank === 0 || ax < 0 || ax >= rank) {
    let s = 0;
    for (let i = 0; i < w.length; i++) s += w[i]! * w[i]!;
    return { norms: new Float32Array([f(Math.sqrt(f(s)))]), index: () => 0 };
  }
  let inner = 1;
  for (let d = ax + 1; d < rank; d++) inner *= shape[d]!;
  const len = shape[ax]!;
  const outer = w.length / (len * inner || 1);
  const norms = new Float32Array(outer * inner);
  const acc = new Float64Array(outer * inner);
  const index = (p: number): number => {
    const o = Math.floor(p / (len * inner));
    return o * inner + (p % inner);
  };
  for (let p = 0; p < w.length; p++) acc[index(p)] = acc[index(p)]! + w[p]! * w[p]!;
  for (let i = 0; i < acc.length; i++) norms[i] = f(Math.sqrt(f(acc[i]!)));
  return { norms, index };
}

const EPS = f(1e-7);

/**
 * A constraint from its Keras config (`NonNeg`, `MaxNorm`, `UnitNorm`, `MinMaxNorm`, the Keras 2
 * names `non_neg`, `max_norm`, `unit_norm`, `min_max_norm`), or null for none.
 *
 * @throws {UnsupportedError} for an unknown constraint.
 */
export function getConstraint(config: JsonValue, where = 'constraint'): Constraint | null {
  const c = configOf(config, where);
  if (!c) return null;
  const axis = typeof c.cfg.axis === 'number' ? c.cfg.axis : 0;
  switch (c.cls) {
    case 'NonNeg':
    case 'non_neg':
      return (w) => {
        for (let i = 0; i < w.length; i++) if (!(w[i]! >= 0)) w[i] = w[i]! < 0 ? 0 : w[i]!;
      };
    case 'MaxNorm':
    case 'max_norm': {
      const maxValue = numberOr(c.cfg.max_value, 2);
      return (w, shape) => {
        const { norms, index } = axisNorms(w, shape, axis);
        for (let p = 0; p < w.length; p++) {
          const n = norms[index(p)]!;
          const desired = n < 0 ? 0 : n > maxValue ? f(maxValue) : n;
          w[p] = f(w[p]! * f(desired / f(EPS + n)));
        }
      };
    }
    case 'UnitNorm':
    case 'unit_norm':
      return (w, shape) => {
        const { norms, index } = axisNorms(w, shape, axis);
        for (let p = 0; p < w.length; p++) w[p] = f(w[p]! / f(EPS + norms[index(p)]!));
      };
    case 'MinMaxNorm':
    case 'min_max_norm': {
      const lo = numberOr(c.cfg.min_value, 0);
      const hi = numberOr(c.cfg.max_value, 1);
      const rate = numberOr(c.cfg.rate, 1);
      return (w, shape) => {
        const { norms, index } = axisNorms(w, shape, axis);
        for (let p = 0; p < w.length; p++) {
          const n = norms[index(p)]!;
          const clipped = n < lo ? lo : n > hi ? hi : n;
          const desired = f(f(f(rate) * f(clipped)) + f(f(1 - rate) * n));
          w[p] = f(w[p]! * f(desired / f(EPS + n)));
        }
      };
    }
    default:
      throw new UnsupportedError(`constraint '${c.cls}' is not supported in training (supported: NonNeg, MaxNorm, UnitNorm, MinMaxNorm)`, where);
  }
}

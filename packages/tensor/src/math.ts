/**
 * Scalar special functions computed in double precision: `erf`, `erfc`, and numerically stable
 * `sigmoid`, `softplus`.
 */

const TWO_OVER_SQRT_PI = 1.1283791670955126; // 2/√π
const ONE_OVER_SQRT_PI = 0.5641895835477563; // 1/√π
/** Below this |x|, erf comes from its power series; above it, erfc from its continued fraction. */
const SERIES_LIMIT = 2.5;

/**
 * erf(x) for x ≥ 0 by the all-positive series `2/√π · e^(−x²) · Σ (2x²)ⁿ x / (1·3·…·(2n+1))`
 * (no cancellation; used for x < 2.5, where it needs at most ~50 terms).
 */
function erfSeries(x: number): number {
  const x2 = x * x;
  const twoX2 = 2 * x2;
  let term = x;
  let sum = x;
  for (let n = 1; n < 200; n++) {
    term *= twoX2 / (2 * n + 1);
    sum += term;
    if (term < sum * 1e-17) break;
  }
  return TWO_OVER_SQRT_PI * Math.exp(-x2) * sum;
}

/**
 * erfc(x) for x ≥ 2.5 by the continued fraction `e^(−x²)/√π · 1/(x + (1/2)/(x + 1/(x + (3/2)/(x + …))))`,
 * evaluated with the modified Lentz method.
 */
function erfcFraction(x: number): number {
  const tiny = 1e-300;
  let f = x;
  let c = x;
  let d = 0;
  for (let n = 1; n < 500; n++) {
    const an = n * 0.5;
    d = x + an * d;
    if (d === 0) d = tiny;
    c = x + an / c;
    if (c === 0) c = tiny;
    d = 1 / d;
    const delta = c * d;
    f *= delta;
    if (Math.abs(delta - 1) < 1e-16) break;
  }
  return (ONE_OVER_SQRT_PI * Math.exp(-x * x)) / f;
}

/** The error function, accurate to about 1e-15 relative in double precision. */
export function erf(x: number): number {
  if (Number.isNaN(x)) return NaN;
  const ax = Math.abs(x);
  if (ax === 0) return x; // keeps the sign of zero
  // Beyond 6, erfc(|x|) < 2.2e-17 and 1 − erfc rounds to 1 in double precision.
  const r = ax < SERIES_LIMIT ? erfSeries(ax) : ax > 6 ? 1 : 1 - erfcFraction(ax);
  return x < 0 ? -r : r;
}

/** The complementary error function `1 − erf(x)`, accurate in relative terms also in the far tail. */
export function erfc(x: number): number {
  if (Number.isNaN(x)) return NaN;
  if (x >= SERIES_LIMIT) return x > 27 ? 0 : erfcFraction(x);
  if (x > -SERIES_LIMIT) return 1 - (x < 0 ? -erfSeries(-x) : erfSeries(x));
  return x < -6 ? 2 : 2 - erfcFraction(-x);
}

/** The logistic sigmoid `1/(1+e^(−x))`, without overflow for large |x|. */
export function sigmoid(x: number): number {
  if (x >= 0) return 1 / (1 + Math.exp(-x));
  const e = Math.exp(x);
  return e / (1 + e);
}

/** `log(1+e^x)`, computed as `max(x,0) + log1p(e^(−|x|))` so that it neither overflows nor loses small values. */
export function softplus(x: number): number {
  return (x > 0 ? x : 0) + Math.log1p(Math.exp(-Math.abs(x)));
}

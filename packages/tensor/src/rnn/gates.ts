/**
 * The activations the LSTM kernels compute inline (forward and backward share the codes and the
 * scalar formulas); anything else goes through the activation's own `apply`.
 */

/** Codes of the inlined activations. */
export const Fn = { Other: 0, Sigmoid: 1, HardSigmoid3: 2, HardSigmoid2: 3, Tanh: 4, Relu: 5, Linear: 6 } as const;
/** One of {@link Fn}'s codes. */
export type Fn = (typeof Fn)[keyof typeof Fn];

/** One of the inlined activations, on a scalar; `Fn.Other` is never passed here. */
export function fast(fn: Fn, x: number): number {
  switch (fn) {
    case Fn.Sigmoid:
      if (x >= 0) return 1 / (1 + Math.exp(-x));
      {
        const e = Math.exp(x);
        return e / (1 + e);
      }
    case Fn.HardSigmoid3: {
      const y = x + 3;
      return y > 0 ? (y < 6 ? y / 6 : 1) : 0;
    }
    case Fn.HardSigmoid2: {
      const y = 0.2 * x + 0.5;
      return y > 0 ? (y < 1 ? y : 1) : 0;
    }
    case Fn.Tanh:
      return Math.tanh(x);
    case Fn.Relu:
      return x > 0 ? x : 0;
    default:
      return x;
  }
}

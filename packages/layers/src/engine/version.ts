import type { HardSigmoidVariant } from '@kerasts/tensor';

/**
 * The Keras version whose numerics a model follows. Keras changed the meaning of some functions
 * between eras (hard_sigmoid is clip(0.2x+0.5) up to 2.x, clip(x/6+0.5) from 3.0), so a model keeps
 * the version of the Keras that defined it.
 */
export const DEFAULT_KERAS_VERSION = '3.15.1';

/** Major version of a Keras version string (`"2.2.4-tf"` → 2, `"1"` → 1); unknown strings count as 3. */
export function kerasMajor(version: string | null | undefined): number {
  if (version === null || version === undefined) return 3;
  const m = /^(\d+)/.exec(version.trim());
  return m ? Number(m[1]) : 3;
}

/** `[major, minor]` of a version string; missing parts are 0. */
export function kerasMajorMinor(version: string): [number, number] {
  const m = /^(\d+)(?:\.(\d+))?/.exec(version.trim());
  return m ? [Number(m[1]), Number(m[2] ?? 0)] : [3, 0];
}

/** Which hard_sigmoid a model from this Keras version computes. */
export function hardSigmoidFor(version: string | null | undefined): HardSigmoidVariant {
  return kerasMajor(version) >= 3 ? 'keras3' : 'keras2';
}

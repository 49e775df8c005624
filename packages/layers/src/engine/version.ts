import type { HardSigmoidVariant } from '@kerasts/tensor';

/**
 * The Keras version whose numerics a model follows. Keras changed the meaning of some functions
 * between eras (hard_sigmoid is clip(0.2x+0.5) up to 2.x, clip(x/6+0.5) from 3.0), so a model keeps
 * the version of the Keras that defined it.
 */
export const DEFAULT_KERAS_VERSION = '3.15.1';

/**
 * Whether a version string is TensorFlow.js' (`"tfjs-layers 4.22.0"`, the `keras_version` tfjs writes
 * in a model.json). tfjs-layers is a port of Keras 2.1: its hard_sigmoid is clip(0.2x+0.5) and its
 * RNNs carry the state at masked steps, so such a model follows Keras 2.1's numerics.
 */
export function isTfjsVersion(version: string | null | undefined): boolean {
  return typeof version === 'string' && /^tfjs-layers\b/.test(version.trim());
}

/** Major version of a Keras version string (`"2.2.4-tf"` → 2, `"1"` → 1, `"tfjs-layers 4.22.0"` → 2); unknown strings count as 3. */
export function kerasMajor(version: string | null | undefined): number {
  if (version === null || version === undefined) return 3;
  if (isTfjsVersion(version)) return 2;
  const m = /^(\d+)/.exec(version.trim());
  return m ? Number(m[1]) : 3;
}

/** `[major, minor]` of a version string; missing parts are 0. */
export function kerasMajorMinor(version: string): [number, number] {
  if (isTfjsVersion(version)) return [2, 1];
  const m = /^(\d+)(?:\.(\d+))?/.exec(version.trim());
  return m ? [Number(m[1]), Number(m[2] ?? 0)] : [3, 0];
}

/** Which hard_sigmoid a model from this Keras version computes. */
export function hardSigmoidFor(version: string | null | undefined): HardSigmoidVariant {
  return kerasMajor(version) >= 3 ? 'keras3' : 'keras2';
}

/**
 * The family of Keras a model follows, where they compute masks differently:
 * - `keras1`, `keras2`: standalone Keras 1.x–2.3.x (merge layers AND the masks they keep; a
 *   Bidirectional RNN repeats the previous output at masked steps);
 * - `tf.keras`: Keras inside TensorFlow (`"2.2.4-tf"`, and the keras package 2.4–2.15): merges as
 *   Keras 2, but Bidirectional RNNs output zeros at masked steps when returning sequences;
 * - `keras3`: Keras 3 (merges OR the masks; an RNN called with `initial_state` gets no mask).
 */
export type KerasEra = 'keras1' | 'keras2' | 'tf.keras' | 'keras3';

/** The {@link KerasEra} of a Keras version string (unknown strings count as Keras 3). */
export function kerasEraFor(version: string | null | undefined): KerasEra {
  if (version === null || version === undefined) return 'keras3';
  const v = version.trim();
  const [major, minor] = kerasMajorMinor(v);
  if (major >= 3) return 'keras3';
  if (major <= 1) return 'keras1';
  if (v.includes('-tf') || minor >= 4) return 'tf.keras';
  return 'keras2';
}

/**
 * What recurrent layers of a model from this Keras version output at masked timesteps (see
 * `CallContext.maskedOutput`): Keras 3 and Keras ≤ 2.2 (TensorFlow backend: `where(mask, output,
 * states[0])`) output the carried state; Keras 2.3 and tf.keras 2 (`backend.rnn`'s `prev_output`,
 * zeros at first) the previous output.
 */
export function maskedOutputFor(version: string | null | undefined): 'state' | 'previous' {
  if (version === null || version === undefined) return 'state';
  const [major, minor] = kerasMajorMinor(version);
  if (major !== 2) return 'state';
  return minor >= 3 || /-tf$/.test(version.trim()) ? 'previous' : 'state';
}

/** The Keras era a file comes from, named for people (KERAS-FORMAT §1). */

/**
 * The Keras era of a `keras_version` string: `Keras 1.x (1.2.2)`, `Keras 2.0.x multi-backend (2.0.8)`,
 * `tf.keras inside TensorFlow (2.2.4-tf)`, `tf.keras 2.x (2.15.0)`, `Keras 3 legacy .h5 (3.15.1)`, ...;
 * `null` (no version attribute) is Keras 1.
 */
export function kerasEra(version: string | null): string {
  if (version === null) return 'Keras 1.x (no keras_version attribute)';
  const v = version.trim();
  if (/^tfjs-layers\b/.test(v)) return `TensorFlow.js layers, a port of Keras 2.1 (${v})`;
  if (v.endsWith('-tf')) return `tf.keras inside TensorFlow (${v})`;
  const [maj, min] = v.split('.').map((x) => Number.parseInt(x, 10));
  if (maj === 1) return `Keras 1.x (${v})`;
  if (maj === 2 && min !== undefined && min <= 3) return `Keras ${maj}.${min}.x multi-backend (${v})`;
  if (maj === 2) return `tf.keras 2.x (${v})`;
  if (maj === 3) return `Keras 3 legacy .h5 (${v})`;
  return `unknown (${v})`;
}

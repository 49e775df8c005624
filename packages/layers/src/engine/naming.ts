/**
 * Automatic layer names, as Keras makes them. Keras keeps one counter per prefix for the whole session;
 * Keras 3 (and tf.keras 2.x) name the first `dense`, then `dense_1`, `dense_2`; Keras 1/2 started at
 * `dense_1`. kerasts follows Keras 3 by default, because the files it writes are read by Keras 3 and
 * tf.keras, whose users expect those names; `setNamingConvention('keras-2')` switches to `dense_1`.
 */
export type NamingConvention = 'keras-3' | 'keras-2';

let convention: NamingConvention = 'keras-3';
const counters = new Map<string, number>();

/** Choose how automatic names are numbered (see the module comment). */
export function setNamingConvention(c: NamingConvention): void {
  convention = c;
}

/** The current naming convention. */
export function getNamingConvention(): NamingConvention {
  return convention;
}

/** Forget all name counters, like `keras.backend.clear_session()`. */
export function clearSession(): void {
  counters.clear();
}

/** Next unique name for a prefix (`dense` → `dense`, `dense_1`, ... or `dense_1`, `dense_2`, ...). */
export function uniqueName(prefix: string): string {
  const n = counters.get(prefix) ?? 0;
  counters.set(prefix, n + 1);
  if (convention === 'keras-2') return `${prefix}_${n + 1}`;
  return n === 0 ? prefix : `${prefix}_${n}`;
}

/** Keras' snake_case of a class name (`LSTM` → `lstm`, `InputLayer` → `input_layer`). */
export function toSnakeCase(name: string): string {
  const cleaned = name.replace(/\W+/g, '');
  const step1 = cleaned.replace(/(.)([A-Z][a-z]+)/g, '$1_$2');
  return step1.replace(/([a-z])([A-Z])/g, '$1_$2').toLowerCase();
}

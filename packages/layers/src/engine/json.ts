/** JSON values as Keras configs hold them. */
export type JsonValue = null | boolean | number | string | JsonValue[] | JsonObject;
/** A JSON object. */
export interface JsonObject {
  [key: string]: JsonValue;
}

/** A Keras serialized object in its simplest form, `{class_name, config}` (extra keys such as `module` are dropped). */
export interface SerializedObject {
  class_name: string;
  config: JsonObject;
}

/** True for a plain JSON object (not an array, not null). */
export function isJsonObject(v: unknown): v is JsonObject {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

/**
 * Deep copy of a JSON value. Keeps NaN and ±Infinity (Python's json writes them; a round trip
 * through JSON text would turn them into null and an error would then say "found null").
 */
export function cloneJson<T extends JsonValue>(v: T): T {
  return structuredClone(v);
}

/** A value as an error message shows it: JSON, with NaN and ±Infinity as themselves (not null). */
export function showValue(v: unknown): string {
  if (typeof v === 'number' && !Number.isFinite(v)) return String(v);
  let nonFinite = false;
  const text = JSON.stringify(v, (_k, x: unknown) => {
    if (typeof x === 'number' && !Number.isFinite(x)) {
      nonFinite = true;
      return `__nf_${String(x)}__`;
    }
    return x;
  });
  if (text === undefined) return String(v);
  const shown = nonFinite ? text.replace(/"__nf_(NaN|-?Infinity)__"/g, '$1') : text;
  return shown.length > 200 ? `${shown.slice(0, 200)}… (${shown.length} characters)` : shown;
}

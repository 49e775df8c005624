/** A Keras shape: `null` marks an unknown dimension (the batch, or a variable time axis). */
export type Shape = readonly (number | null)[];

/** Keras' own notation, e.g. `(None, 1, 8)`. */
export function formatShape(shape: Shape): string {
  const parts = shape.map((d) => (d === null ? 'None' : String(d)));
  return parts.length === 1 ? `(${parts[0]},)` : `(${parts.join(', ')})`;
}

/** Do two shapes agree, treating `null` as "any"? */
export function shapesCompatible(a: Shape, b: Shape): boolean {
  if (a.length !== b.length) return false;
  return a.every((d, i) => d === null || b[i] === null || d === b[i]);
}

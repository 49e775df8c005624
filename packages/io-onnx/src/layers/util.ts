/** Helpers the family mappings share. */
import type { Layer, LayerWeight } from '@kerasts/layers';
import { KerastsError } from '@kerasts/tensor';

/** A layer's weight by its Keras name (`kernel`, `bias`, ...). */
export function weightOf(layer: Layer, name: string): LayerWeight {
  const w = layer.weights.find((x) => x.name === name);
  if (!w) throw new KerastsError(`layer "${layer.name}" (${layer.className}) has no weight "${name}" (has: ${layer.weights.map((x) => x.name).join(', ') || 'none'})`, layer.name);
  return w;
}

/**
 * Wrappers' stored weights: a Bidirectional layer stores its forward layer's weights, then its
 * backward layer's (every era; Keras 1's per-gate arrays included), and a TimeDistributed layer its
 * wrapped layer's. Each part is converted as the wrapped layer's own weights are.
 */
import type { Layer } from '@kerasts/layers';
import type { Tensor } from '@kerasts/tensor';
import { convertForLayer } from '../convert.js';
import type { Converted, Converter } from './types.js';

const bidirectional: Converter = (layer: Layer, stored: readonly Tensor[], kerasVersion: string | null, backend: string | null = null): Converted | null => {
  const w = layer as Layer & { forwardLayer?: Layer; backwardLayer?: Layer };
  if (!w.forwardLayer || !w.backwardLayer || stored.length % 2 !== 0) return null;
  // Keras' Bidirectional.set_weights: the first half is the forward layer's.
  const half = stored.length / 2;
  const f = convertForLayer(w.forwardLayer, stored.slice(0, half), kerasVersion, backend);
  const b = convertForLayer(w.backwardLayer, stored.slice(half), kerasVersion, backend);
  if (!f.note && !b.note) return null;
  return { values: [...f.values, ...b.values], note: `both directions: ${f.note ?? b.note}` };
};

const timeDistributed: Converter = (layer: Layer, stored: readonly Tensor[], kerasVersion: string | null, backend: string | null = null): Converted | null => {
  const inner = (layer as Layer & { layer?: Layer }).layer;
  if (!inner) return null;
  const r = convertForLayer(inner, stored, kerasVersion, backend);
  return r.note ? r : null;
};

/** Converters of this family, by the class name of the layer the weights go into. */
export const wrapperConverters: readonly (readonly [string, Converter])[] = [
  ['Bidirectional', bidirectional],
  ['TimeDistributed', timeDistributed],
];

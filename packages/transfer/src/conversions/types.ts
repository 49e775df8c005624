import type { Layer } from '@kerasts/layers';
import type { Tensor } from '@kerasts/tensor';

/** Result of converting one layer's stored weights to the layout the model layer expects. */
export interface Converted {
  values: Tensor[];
  /** What was converted, for the report; null when nothing was. */
  note: string | null;
}

/**
 * Converts one layer's stored weights from an old layout (`kerasVersion` and `backend` are the file's;
 * null when it does not say), or returns null when they are already in the layout the layer expects.
 */
export type Converter = (layer: Layer, stored: readonly Tensor[], kerasVersion: string | null, backend?: string | null) => Converted | null;

/** Keras' preprocessing layers that saved models carry: Normalization, Rescaling. */
import type { Normalization, Rescaling, Shape } from '@kerasts/layers';
import type { LayerMapping, MappingTable, RefusalTable } from '../mapping.js';

const f32 = Math.fround;

/** Dims that broadcast statistics over `kept` axes of an input of `shape` (1 elsewhere, batch excluded). */
function keptDims(shape: Shape, kept: readonly number[], statShape: readonly number[]): number[] {
  if (kept.length === 0) return [];
  const first = Math.min(...kept);
  return shape.slice(first).map((_, i) => (kept.includes(first + i) ? statShape[kept.indexOf(first + i)]! : 1));
}

/**
 * `(x − mean) / max(√variance, 1e-7)`, or `mean + x·max(√variance, 1e-7)` with `invert`; the divisor is
 * computed here in float32 as Keras computes it.
 */
const normalization: LayerMapping<Normalization> = ({ g }, { layer, inputs }) => {
  const x = inputs[0]!;
  const { mean, variance, keptAxes, shape } = layer.statistics();
  const dims = keptDims(x.shape, keptAxes, shape);
  const div = Float32Array.from(variance, (v) => {
    const sd = f32(Math.sqrt(v));
    return sd > 1e-7 ? sd : f32(1e-7);
  });
  const m = g.weight('mean', Float32Array.from(mean), dims);
  const d = g.weight('divisor', div, dims);
  if (layer.invert) return { outputs: [g.op('Add', [m, g.op('Mul', [x.name, d])])] };
  return { outputs: [g.op('Div', [g.op('Sub', [x.name, m]), d])] };
};

/** `x·scale + offset` (values broadcast against the trailing axes). */
const rescaling: LayerMapping<Rescaling> = ({ g }, { layer, inputs }) => {
  const s = layer.scaleValues;
  const o = layer.offsetValues;
  const scaled = g.op('Mul', [inputs[0]!.name, g.weight('scale', Float32Array.from(s.values), s.shape)]);
  return { outputs: [g.op('Add', [scaled, g.weight('offset', Float32Array.from(o.values), o.shape)])] };
};

export const preprocessingMappings: MappingTable = [
  ['Normalization', normalization as LayerMapping],
  ['Rescaling', rescaling as LayerMapping],
];

export const preprocessingRefusals: RefusalTable = [];

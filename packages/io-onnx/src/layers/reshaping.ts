/**
 * Keras' reshaping layers (`keras/src/layers/reshaping/`): Flatten, Reshape, RepeatVector, Permute,
 * ZeroPadding1D/2D/3D, Cropping1D/2D/3D, UpSampling1D/2D/3D (nearest; bilinear as jax.image.resize).
 */
import type { CroppingBase, DataFormat, Flatten, Permute, RepeatVector, Reshape, Shape, UpSamplingBase, ZeroPaddingBase } from '@kerasts/layers';
import { KerastsError, linearResizeWeights } from '@kerasts/tensor';
import { Is, S, type GraphBuilder } from '../graph.js';
import type { LayerMapping, MappingTable, RefusalTable } from '../mapping.js';

/** `(batch, ...)` to `(batch, n)`; channels_first moves the channels last first, as Keras does. */
const flatten: LayerMapping<Flatten> = ({ g }, { layer, inputs }) => {
  const x = inputs[0]!;
  const rank = x.shape.length;
  let v = x.name;
  if (layer.dataFormat === 'channels_first' && rank > 2) {
    const perm = [0];
    for (let a = 2; a < rank; a++) perm.push(a);
    perm.push(1);
    v = g.op('Transpose', [v], { perm: Is(perm) });
  }
  return { outputs: [g.op('Reshape', [v, g.ints([0, -1])])] };
};

/** The batch axis kept (0 copies it), the sample reshaped to `target_shape` (one −1 allowed). */
const reshape: LayerMapping<Reshape> = ({ g }, { layer, inputs }) => ({
  outputs: [g.op('Reshape', [inputs[0]!.name, g.ints([0, ...layer.targetShape])])],
});

/** `(batch, features)` to `(batch, n, features)`. */
const repeatVector: LayerMapping<RepeatVector> = ({ g }, { layer, inputs }) => ({
  outputs: [g.op('Expand', [g.op('Unsqueeze', [inputs[0]!.name, g.ints([1])]), g.ints([1, layer.n, 1])])],
});

/** `(batch, ...)` axes permuted (Keras numbers them from 1). */
const permute: LayerMapping<Permute> = ({ g }, { layer, inputs }) => ({
  outputs: [g.op('Transpose', [inputs[0]!.name], { perm: Is([0, ...layer.dims]) })],
});

/** The spatial axes of a rank-`rank` input. */
function spatial(rank: number, dataFormat: DataFormat): number[] {
  return Array.from({ length: rank - 2 }, (_, i) => (dataFormat === 'channels_first' ? i + 2 : i + 1));
}

/** Zeros before/after the spatial axes (ONNX Pad, constant 0). */
const zeroPadding: LayerMapping<ZeroPaddingBase> = ({ g }, { layer, inputs }) => {
  const x = inputs[0]!;
  const rank = x.shape.length;
  const begin = new Array<number>(rank).fill(0);
  const end = new Array<number>(rank).fill(0);
  spatial(rank, layer.dataFormat).forEach((a, i) => {
    begin[a] = layer.padding[i]![0];
    end[a] = layer.padding[i]![1];
  });
  return { outputs: [g.op('Pad', [x.name, g.ints([...begin, ...end])], { mode: S('constant') })] };
};

/** Rows removed before/after the spatial axes (ONNX Slice). */
const cropping: LayerMapping<CroppingBase> = ({ g }, { layer, inputs }) => {
  const x = inputs[0]!;
  const axes = spatial(x.shape.length, layer.dataFormat);
  const starts = axes.map((_, i) => layer.cropping[i]![0]);
  // An end of 0 from the back means "to the end": a large bound does that.
  const ends = axes.map((_, i) => (layer.cropping[i]![1] === 0 ? 2 ** 62 : -layer.cropping[i]![1]));
  return { outputs: [g.op('Slice', [x.name, g.ints(starts), g.ints(ends), g.ints(axes)])] };
};

/** Repeat every element `f` times along axis `a`: unsqueeze after it, expand, merge the two axes. */
function repeatAxis(g: GraphBuilder, x: string, shape: Shape, a: number, f: number, layer: UpSamplingBase): { v: string; shape: Shape } {
  if (f === 1) return { v: x, shape };
  const rank = shape.length;
  const expanded = g.op('Expand', [g.op('Unsqueeze', [x, g.ints([a + 1])]), g.ints([...new Array<number>(a + 1).fill(1), f, ...new Array<number>(rank - a - 1).fill(1)])]);
  const out = shape.map((d, i) => (i === a ? (d === null ? null : d * f) : d));
  const target = out.map((d, i) => (i < a ? 0 : d === null ? -1 : d));
  if (target.filter((d) => d === -1).length > 1) throw new KerastsError(`layer "${layer.name}" (${layer.className}): at most one unknown axis from the upsampled one on can be exported`, layer.name);
  return { v: g.op('Reshape', [expanded, g.ints(target)]), shape: out };
}

/**
 * Nearest: repeats per axis. Bilinear (UpSampling2D): per spatial axis a MatMul with JAX's weight
 * matrix (2 non-zeros per output pixel), the axis moved last and back.
 */
const upSampling: LayerMapping<UpSamplingBase> = ({ g }, { layer, inputs }) => {
  const x = inputs[0]!;
  const rank = x.shape.length;
  const axes = spatial(rank, layer.dataFormat);
  let v = x.name;
  let shape: Shape = x.shape;
  axes.forEach((a, i) => {
    const f = layer.factors[i]!;
    if (layer.interpolation === 'nearest') {
      ({ v, shape } = repeatAxis(g, v, shape, a, f, layer));
      return;
    }
    const d = shape[a];
    if (d === null || d === undefined) throw new KerastsError(`layer "${layer.name}" (${layer.className}): bilinear upsampling needs known spatial sizes`, layer.name);
    const w = linearResizeWeights(d, d * f);
    const m = new Float32Array(d * d * f);
    for (let o = 0; o < d * f; o++) {
      const lo = w.lo[o]! * d * f + o;
      const hi = w.hi[o]! * d * f + o;
      m[lo] = m[lo]! + w.wLo[o]!;
      m[hi] = m[hi]! + w.wHi[o]!;
    }
    const toLast = [...Array(rank).keys()].filter((k) => k !== a).concat(a);
    const back = toLast.map((_, k) => toLast.indexOf(k));
    const moved = g.op('Transpose', [v], { perm: Is(toLast) });
    const resized = g.op('MatMul', [moved, g.weight('resize', m, [d, d * f])]);
    v = g.op('Transpose', [resized], { perm: Is(back) });
    shape = shape.map((s, k) => (k === a ? d * f : s));
  });
  return { outputs: [v] };
};

export const reshapingMappings: MappingTable = [
  ['Flatten', flatten as LayerMapping],
  ['Reshape', reshape as LayerMapping],
  ['RepeatVector', repeatVector as LayerMapping],
  ['Permute', permute as LayerMapping],
  ...(['ZeroPadding1D', 'ZeroPadding2D', 'ZeroPadding3D'] as const).map((c) => [c, zeroPadding as LayerMapping] as const),
  ...(['Cropping1D', 'Cropping2D', 'Cropping3D'] as const).map((c) => [c, cropping as LayerMapping] as const),
  ...(['UpSampling1D', 'UpSampling2D', 'UpSampling3D'] as const).map((c) => [c, upSampling as LayerMapping] as const),
];

export const reshapingRefusals: RefusalTable = [];

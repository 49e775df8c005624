/**
 * Keras' normalization layers (`keras/src/layers/normalization/`): BatchNormalization (moving
 * statistics, as in inference), LayerNormalization, GroupNormalization, UnitNormalization. The
 * arithmetic follows Keras 3: `x·inv + (β − mean·inv)` with `inv = rsqrt(var + ε)·γ`.
 */
import type { BatchNormalization, GroupNormalization, Layer, LayerNormalization, Shape, UnitNormalization } from '@kerasts/layers';
import { KerastsError } from '@kerasts/tensor';
import { I, Is, type GraphBuilder } from '../graph.js';
import type { LayerMapping, MappingTable, RefusalTable } from '../mapping.js';
import { weightOf } from './util.js';

const f32 = Math.fround;

/** Axes (an int or a list, negative from the end) as sorted non-negative axes of a rank. */
export function resolveAxes(axis: number | readonly number[], rank: number): number[] {
  return (typeof axis === 'number' ? [axis] : [...axis]).map((a) => (a < 0 ? a + rank : a)).sort((x, y) => x - y);
}

/** The dims a parameter over `axes` broadcasts with: the axis sizes there, 1 elsewhere from the first axis on. */
function broadcastDims(shape: Shape, axes: readonly number[], layer: Layer): number[] {
  const first = axes[0]!;
  return shape.slice(first).map((d, i) => {
    if (!axes.includes(first + i)) return 1;
    if (d === null || d === undefined) throw new KerastsError(`layer "${layer.name}" (${layer.className}): axis ${first + i} needs a known size for ONNX`, layer.name);
    return d;
  });
}

/**
 * BatchNormalization in inference: per feature `a = rsqrt(var + ε)·γ` and `b = β − mean·a`, computed
 * here in float32 as Keras does, then `x·a + b`.
 */
const batchNormalization: LayerMapping<BatchNormalization> = ({ g }, { layer, inputs }) => {
  const x = inputs[0]!;
  const rank = x.shape.length;
  const axes = resolveAxes(layer.axis, rank);
  const mean = weightOf(layer, 'moving_mean').value.data;
  const variance = weightOf(layer, 'moving_variance').value.data;
  const gamma = layer.scale ? weightOf(layer, 'gamma').value.data : null;
  const beta = layer.center ? weightOf(layer, 'beta').value.data : null;
  const n = mean.length;
  const a = new Float32Array(n);
  const b = new Float32Array(n);
  const eps = f32(layer.epsilon);
  for (let i = 0; i < n; i++) {
    const inv = f32(1 / Math.sqrt(f32(variance[i]! + eps)));
    a[i] = gamma ? f32(inv * gamma[i]!) : inv;
    const r = f32(-mean[i]! * a[i]!);
    b[i] = beta ? f32(r + beta[i]!) : r;
  }
  // One axis: (C,) broadcast as (C, 1, ..., 1); tf.keras axis lists: the parameters already have the input's rank.
  const dims = axes.length === 1 ? [n, ...new Array<number>(rank - 1 - axes[0]!).fill(1)] : weightOf(layer, 'moving_mean').shape;
  const scaled = g.op('Mul', [x.name, g.weight('bn_scale', a, dims)]);
  return { outputs: [g.op('Add', [scaled, g.weight('bn_offset', b, dims)])] };
};

/**
 * Mean and (biased) variance over `axes` (kept as size-1 axes), then `x·inv + res` with per-statistic
 * `inv = rsqrt(var + ε)` times a per-parameter γ, as Keras 3's moments and layer_normalization do.
 */
function normalizeOver(
  g: GraphBuilder,
  x: string,
  axes: readonly number[],
  epsilon: number,
  gamma: string | null,
  beta: string | null,
): string {
  const mean = g.op('ReduceMean', [x], { axes: Is(axes), keepdims: I(1) });
  const centred = g.op('Sub', [x, mean]);
  const variance = g.op('ReduceMean', [g.op('Mul', [centred, centred])], { axes: Is(axes), keepdims: I(1) });
  let inv = g.op('Reciprocal', [g.op('Sqrt', [g.op('Add', [variance, g.scalar(f32(epsilon))])])]);
  if (gamma) inv = g.op('Mul', [inv, gamma]);
  let res = g.op('Neg', [g.op('Mul', [mean, inv])]);
  if (beta) res = g.op('Add', [res, beta]);
  return g.op('Add', [g.op('Mul', [x, inv]), res]);
}

/** LayerNormalization over its axes (any, not only the trailing ones); rms_scaling as Keras 3. */
const layerNormalization: LayerMapping<LayerNormalization> = ({ g }, { layer, inputs }) => {
  const x = inputs[0]!;
  const axes = resolveAxes(layer.axis, x.shape.length);
  const dims = broadcastDims(x.shape, axes, layer);
  const param = (name: string): string | null => {
    const w = layer.weights.find((v) => v.name === name);
    return w ? g.weight(name, w.value.data, dims, { of: w.value.data, tag: `bcast:${dims.join(',')}` }) : null;
  };
  const gamma = param('gamma');
  if (layer.rmsScaling) {
    const mean = g.op('ReduceMean', [x.name], { axes: Is(axes), keepdims: I(1) });
    const centred = g.op('Sub', [x.name, mean]);
    const variance = g.op('ReduceMean', [g.op('Mul', [centred, centred])], { axes: Is(axes), keepdims: I(1) });
    const inv = g.op('Reciprocal', [g.op('Sqrt', [g.op('Add', [variance, g.scalar(f32(layer.epsilon))])])]);
    const y = g.op('Mul', [x.name, inv]);
    return { outputs: [gamma ? g.op('Mul', [y, gamma]) : y] };
  }
  return { outputs: [normalizeOver(g, x.name, axes, layer.epsilon, gamma, param('beta'))] };
};

/**
 * GroupNormalization: the channel axis split into (groups, channels per group), statistics per
 * sample and group over everything else, γ/β per channel, then the original shape back.
 */
const groupNormalization: LayerMapping<GroupNormalization> = ({ g }, { layer, inputs }) => {
  const x = inputs[0]!;
  const rank = x.shape.length;
  const axis = resolveAxes(layer.axis, rank)[0]!;
  const c = x.shape[axis];
  if (c === null || c === undefined) throw new KerastsError(`layer "${layer.name}" (GroupNormalization): the channel axis needs a known size`, layer.name);
  const groups = layer.groups === -1 ? c : layer.groups;
  // Grouped shape: 0 copies the leading dims (batch and before the channel axis), then known sizes.
  let unknown = 0;
  const target = x.shape.map((d, i) => {
    if (i < axis) return 0;
    if (d === null || d === undefined) {
      unknown++;
      return -1;
    }
    return d;
  });
  if (unknown > 1) throw new KerastsError(`layer "${layer.name}" (GroupNormalization): at most one unknown axis after the channels can be exported`, layer.name);
  target.splice(axis, 1, groups, c / groups);
  const grouped = g.op('Reshape', [x.name, g.ints(target)]);
  const gRank = rank + 1;
  const reduce: number[] = [];
  for (let i = 1; i < gRank; i++) if (i !== axis) reduce.push(i);
  const dims = [groups, c / groups, ...new Array<number>(gRank - axis - 2).fill(1)];
  const param = (name: string): string | null => {
    const w = layer.weights.find((v) => v.name === name);
    return w ? g.weight(name, w.value.data, dims, { of: w.value.data, tag: `groups:${dims.join(',')}` }) : null;
  };
  const y = normalizeOver(g, grouped, reduce, layer.epsilon, param('gamma'), param('beta'));
  return { outputs: [g.op('Reshape', [y, g.op('Shape', [x.name])])] };
};

/** `x · min(rsqrt(Σ x²), 1e12)` over the axes (Keras 3 `ops.normalize`, ε = 1e-12). */
const unitNormalization: LayerMapping<UnitNormalization> = ({ g }, { layer, inputs }) => {
  const x = inputs[0]!;
  const axes = resolveAxes(layer.axis, x.shape.length);
  const sumSq = g.op('ReduceSumSquare', [x.name], { axes: Is(axes), keepdims: I(1) });
  const inv = g.op('Min', [g.op('Reciprocal', [g.op('Sqrt', [sumSq])]), g.scalar(f32(1e12))]);
  return { outputs: [g.op('Mul', [x.name, inv])] };
};

export const normalizationMappings: MappingTable = [
  ['BatchNormalization', batchNormalization as LayerMapping],
  ['LayerNormalization', layerNormalization as LayerMapping],
  ['GroupNormalization', groupNormalization as LayerMapping],
  ['UnitNormalization', unitNormalization as LayerMapping],
];

export const normalizationRefusals: RefusalTable = [];

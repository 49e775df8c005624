/**
 * Keras' merge layers (`keras/src/layers/merging/`). Element-wise merges align ranks as Keras 3 does
 * (size-1 axes inserted after the batch axis of lower-rank inputs, then broadcasting) and combine the
 * inputs one after another, so every step rounds to float32 as in kerasts. Output masks follow the
 * model's era: Keras 3 ORs the masks (none when an input has none), Keras 1/2 and tf.keras AND the
 * masks that are there.
 */
import type { Concatenate, Layer } from '@kerasts/layers';
import { I, Is, type GraphBuilder } from '../graph.js';
import type { ExportContext, LayerCall, LayerMapping, MappingTable, OnnxValue, RefusalTable } from '../mapping.js';

/** The inputs with size-1 axes inserted at position 1 up to the highest rank (Keras 3's alignment). */
function aligned(g: GraphBuilder, inputs: readonly OnnxValue[]): string[] {
  const rank = Math.max(...inputs.map((x) => x.shape.length));
  return inputs.map((x) => {
    const missing = rank - x.shape.length;
    return missing === 0 ? x.name : g.op('Unsqueeze', [x.name, g.ints(Array.from({ length: missing }, (_, k) => 1 + k))]);
  });
}

function elementwiseMask(ctx: ExportContext, masks: readonly (string | null)[]): string | null {
  const present = masks.filter((m): m is string => m !== null);
  if (present.length === 0) return null;
  if (ctx.era === 'keras3') {
    if (present.length < masks.length) return null;
    return present.reduce((a, b) => ctx.g.op('Or', [a, b]));
  }
  return present.reduce((a, b) => ctx.g.op('And', [a, b]));
}

function elementwise(op: string, finish?: (g: GraphBuilder, acc: string, n: number) => string): LayerMapping {
  return (ctx: ExportContext, { inputs, masks }: LayerCall<Layer>) => {
    const xs = aligned(ctx.g, inputs);
    let acc = xs[0]!;
    for (let k = 1; k < xs.length; k++) acc = ctx.g.op(op, [acc, xs[k]!]);
    if (xs.length === 1) acc = ctx.g.op('Identity', [acc]);
    if (finish) acc = finish(ctx.g, acc, xs.length);
    return { outputs: [acc], masks: [elementwiseMask(ctx, masks)] };
  };
}

/**
 * Keras' `Concatenate.compute_mask`: each input's mask (all ones where there is none) extended over
 * the input's last axis, joined along the axis, then reduced over the last axis (`any` in Keras 3,
 * `all` before). In Keras 1/2 a mask is extended to size 1, not the full last axis, unless the
 * concatenation is along the last axis.
 */
function concatMask(ctx: ExportContext, layer: Concatenate, inputs: readonly OnnxValue[], masks: readonly (string | null)[]): string | null {
  if (masks.every((m) => m === null)) return null;
  const { g } = ctx;
  const rank = inputs[0]!.shape.length;
  const axis = layer.axis < 0 ? layer.axis + rank : layer.axis;
  const useAll = ctx.era !== 'keras3';
  const parts = inputs.map((x, k) => {
    const m = masks[k] ?? null;
    const shape = g.op('Shape', [x.name]);
    if (m === null) return g.op('Expand', [g.constant('bool', [1], []), shape]);
    const m1 = g.op('Unsqueeze', [m, g.ints([-1])]);
    if (!useAll || axis === rank - 1) return g.op('Expand', [m1, shape]);
    return m1;
  });
  const joined = g.op('Cast', [g.op('Concat', parts, { axis: I(axis) })], { to: I(1) });
  const reduced = g.op(useAll ? 'ReduceMin' : 'ReduceMax', [joined], { axes: Is([-1]), keepdims: I(0) });
  return g.op('Cast', [reduced], { to: I(9) });
}

const concatenate: LayerMapping<Concatenate> = (ctx, { layer, inputs, masks }) => {
  const rank = inputs[0]!.shape.length;
  const axis = layer.axis < 0 ? layer.axis + rank : layer.axis;
  const out = ctx.g.op('Concat', inputs.map((x) => x.name), { axis: I(axis) });
  return { outputs: [out], masks: [concatMask(ctx, layer, inputs, masks)] };
};

export const mergingMappings: MappingTable = [
  ['Concatenate', concatenate as LayerMapping],
  ['Add', elementwise('Add')],
  ['Subtract', elementwise('Sub')],
  ['Multiply', elementwise('Mul')],
  ['Average', elementwise('Add', (g, acc, n) => g.op('Div', [acc, g.scalar(n)]))],
  ['Maximum', elementwise('Max')],
  ['Minimum', elementwise('Min')],
];

export const mergingRefusals: RefusalTable = [];

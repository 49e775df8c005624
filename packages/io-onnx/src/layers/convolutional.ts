/**
 * Keras' convolution layers (`keras/src/layers/convolutional/`): Conv1D/2D/3D (groups, dilation,
 * causal padding), SeparableConv1D/2D, DepthwiseConv1D/2D, Conv1D/2D/3DTranspose, and every alias
 * Keras 1/2 files use (Convolution2D, AtrousConvolution1D, Deconvolution2D, ...).
 *
 * ONNX convolutions are channels-first: a channels_last layer is wrapped in two transposes (ONNX
 * Runtime's optimizer removes the pairs between consecutive layers). Padding is written explicitly
 * as Keras computes it (`same`: the extra row goes after, as TensorFlow and JAX put it) when the
 * spatial size is known, else as `auto_pad` `SAME_UPPER`, which is the same rule.
 */
import type { Layer } from '@kerasts/layers';
import { UnsupportedError } from '@kerasts/tensor';
import { activation } from '../activations.js';
import { I, Is, S, type Attr, type GraphBuilder } from '../graph.js';
import type { ExportContext, LayerMapping, MappingTable, OnnxValue, RefusalTable } from '../mapping.js';
import { weightOf } from './util.js';

/** What the mappings read from kerasts' convolution layers. */
export interface ConvLike extends Layer {
  readonly rank: number;
  readonly filters?: number;
  readonly kernelSize: readonly number[];
  readonly strides: readonly number[];
  readonly padding: 'valid' | 'same' | 'causal';
  readonly dataFormat: 'channels_last' | 'channels_first';
  readonly dilationRate: readonly number[];
  readonly groups?: number;
  readonly depthMultiplier?: number;
  readonly outputPadding?: readonly number[] | null;
  readonly activation: { readonly name: string };
  readonly useBias: boolean;
}

/** Permutations between channels_last (N, ..., C) and channels_first (N, C, ...) for `rank` spatial axes. */
export function toChannelsFirst(rank: number): number[] {
  return [0, rank + 1, ...Array.from({ length: rank }, (_, i) => i + 1)];
}
export function toChannelsLast(rank: number): number[] {
  return [0, ...Array.from({ length: rank }, (_, i) => i + 2), 1];
}

/** The input as channels_first, and a function that brings a channels_first result back to the layer's format. */
export function channelsFirst(g: GraphBuilder, x: OnnxValue, rank: number, format: 'channels_last' | 'channels_first'): { x: string; back: (y: string) => string } {
  if (format === 'channels_first') return { x: x.name, back: (y) => y };
  return { x: g.op('Transpose', [x.name], { perm: Is(toChannelsFirst(rank)) }), back: (y) => g.op('Transpose', [y], { perm: Is(toChannelsLast(rank)) }) };
}

/** The spatial sizes of a Keras shape in a data format (null where unknown). */
export function spatialSizes(shape: readonly (number | null)[], rank: number, format: 'channels_last' | 'channels_first'): (number | null)[] {
  return format === 'channels_last' ? shape.slice(1, 1 + rank) : shape.slice(2, 2 + rank);
}

/**
 * The `pads` (or `auto_pad`) attributes of a window op, as Keras pads: `valid` none, `same` the total
 * padding split with the extra one after, `causal` all before.
 */
export function windowPadding(padding: 'valid' | 'same' | 'causal', sizes: readonly (number | null)[], window: readonly number[], strides: readonly number[], dilations: readonly number[]): Record<string, Attr> {
  if (padding === 'valid') return {};
  const eff = window.map((k, i) => (k - 1) * dilations[i]! + 1);
  if (padding === 'causal') return { pads: Is([...eff.map((e) => e - 1), ...eff.map(() => 0)]) };
  if (sizes.some((n) => n === null)) return { auto_pad: S('SAME_UPPER') };
  const before: number[] = [];
  const after: number[] = [];
  sizes.forEach((n, i) => {
    const out = Math.ceil(n! / strides[i]!);
    const total = Math.max((out - 1) * strides[i]! + eff[i]! - n!, 0);
    before.push(Math.floor(total / 2));
    after.push(total - Math.floor(total / 2));
  });
  return { pads: Is([...before, ...after]) };
}

/**
 * A Keras kernel `(k..., a, b)` as ONNX's `(b, a, k...)` (convolutions), or `(a, b, k...)` with
 * `keepOrder` (depthwise kernels `(k..., C, m)`, whose output channel `c·m + j` ONNX wants in order).
 */
function kernelToOnnx(g: GraphBuilder, layer: Layer, name: string, rank: number, keepOrder = false): string {
  const w = weightOf(layer, name);
  const shape = w.shape;
  const perm = [...(keepOrder ? [rank, rank + 1] : [rank + 1, rank]), ...Array.from({ length: rank }, (_, i) => i)];
  const out = new Float32Array(w.value.size);
  const dims = perm.map((p) => shape[p]!);
  // strides of the Keras layout
  const strides = new Array<number>(shape.length).fill(1);
  for (let d = shape.length - 2; d >= 0; d--) strides[d] = strides[d + 1]! * shape[d + 1]!;
  const idx = new Array<number>(dims.length).fill(0);
  const src = w.value.data;
  for (let p = 0; p < out.length; p++) {
    let q = 0;
    for (let d = 0; d < dims.length; d++) q += idx[d]! * strides[perm[d]!]!;
    out[p] = src[q]!;
    for (let d = dims.length - 1; d >= 0; d--) {
      if (++idx[d]! < dims[d]!) break;
      idx[d] = 0;
    }
  }
  return g.weight(name, out, dims, { of: w.value.data, tag: keepOrder ? 'onnx-depthwise' : 'onnx-conv' });
}

function bias(g: GraphBuilder, layer: ConvLike): string[] {
  if (!layer.useBias) return [];
  const b = weightOf(layer, 'bias');
  return [g.weight('bias', b.value.data, b.shape, { of: b.value.data, tag: 'as-is' })];
}

function finish(ctx: ExportContext, layer: ConvLike, y: string, back: (v: string) => string): string {
  // In the layer's own format: softmax-like activations work on the last axis, as in Keras.
  return activation(ctx.g, back(y), layer.activation.name, { hardSigmoid: ctx.hardSigmoid });
}

const conv: LayerMapping = (ctx, { layer: l, inputs }) => {
  const layer = l as ConvLike;
  const { g } = ctx;
  const r = layer.rank;
  const { x, back } = channelsFirst(g, inputs[0]!, r, layer.dataFormat);
  const pads = windowPadding(layer.padding, spatialSizes(inputs[0]!.shape, r, layer.dataFormat), layer.kernelSize, layer.strides, layer.dilationRate);
  const y = g.op('Conv', [x, kernelToOnnx(g, layer, 'kernel', r), ...bias(g, layer)], {
    kernel_shape: Is(layer.kernelSize),
    strides: Is(layer.strides),
    dilations: Is(layer.dilationRate),
    group: I(layer.groups ?? 1),
    ...pads,
  });
  return { outputs: [finish(ctx, layer, y, back)] };
};

/** Depthwise: a grouped convolution with one group per input channel (`depth_multiplier` filters each). */
const depthwise: LayerMapping = (ctx, { layer: l, inputs }) => {
  const layer = l as ConvLike;
  const { g } = ctx;
  const r = layer.rank;
  const k = weightOf(layer, 'kernel');
  const channels = k.shape[r]!;
  const m = k.shape[r + 1]!;
  const { x, back } = channelsFirst(g, inputs[0]!, r, layer.dataFormat);
  const pads = windowPadding(layer.padding, spatialSizes(inputs[0]!.shape, r, layer.dataFormat), layer.kernelSize, layer.strides, layer.dilationRate);
  // Keras (k..., C, m) → ONNX (C·m, 1, k...): output channel c·m + j is kernel[..., c, j].
  const w = g.op('Reshape', [kernelToOnnx(g, layer, 'kernel', r, true), g.ints([channels * m, 1, ...layer.kernelSize])]);
  const y = g.op('Conv', [x, w, ...bias(g, layer)], { kernel_shape: Is(layer.kernelSize), strides: Is(layer.strides), dilations: Is(layer.dilationRate), group: I(channels), ...pads });
  return { outputs: [finish(ctx, layer, y, back)] };
};

/** Separable: the depthwise convolution, then a 1×1 convolution over its channels, then the bias. */
const separable: LayerMapping = (ctx, { layer: l, inputs }) => {
  const layer = l as ConvLike;
  const { g } = ctx;
  const r = layer.rank;
  const dk = weightOf(layer, 'depthwise_kernel');
  const channels = dk.shape[r]!;
  const m = dk.shape[r + 1]!;
  const { x, back } = channelsFirst(g, inputs[0]!, r, layer.dataFormat);
  const pads = windowPadding(layer.padding, spatialSizes(inputs[0]!.shape, r, layer.dataFormat), layer.kernelSize, layer.strides, layer.dilationRate);
  const dw = g.op('Reshape', [kernelToOnnx(g, layer, 'depthwise_kernel', r, true), g.ints([channels * m, 1, ...layer.kernelSize])]);
  const mid = g.op('Conv', [x, dw], { kernel_shape: Is(layer.kernelSize), strides: Is(layer.strides), dilations: Is(layer.dilationRate), group: I(channels), ...pads });
  const ones = layer.kernelSize.map(() => 1);
  const y = g.op('Conv', [mid, kernelToOnnx(g, layer, 'pointwise_kernel', r), ...bias(g, layer)], { kernel_shape: Is(ones) });
  return { outputs: [finish(ctx, layer, y, back)] };
};

/**
 * Transposed convolution as Keras 3 computes it on JAX (`conv_transpose` with Keras' padding rule):
 * the equivalent ONNX ConvTranspose has `pads` = (k_eff − 1 − left, max(0, k_eff − 1 − right)) and
 * `output_padding` = whatever `right` needs beyond that.
 */
const transpose: LayerMapping = (ctx, { layer: l, inputs }) => {
  const layer = l as ConvLike;
  const { g } = ctx;
  const r = layer.rank;
  const { x, back } = channelsFirst(g, inputs[0]!, r, layer.dataFormat);
  const begin: number[] = [];
  const end: number[] = [];
  const outPad: number[] = [];
  for (let i = 0; i < r; i++) {
    const s = layer.strides[i]!;
    const eff = (layer.kernelSize[i]! - 1) * layer.dilationRate[i]! + 1;
    const op = layer.outputPadding ? layer.outputPadding[i]! : null;
    let left: number;
    let right: number;
    if (layer.padding === 'valid') {
      left = eff - 1;
      right = eff - 1 + (op ?? Math.max(eff, s) - eff);
    } else {
      const padLen = op === null ? s + eff - 2 : eff + (eff % 2) - 2 + op;
      left = Math.min(Math.floor(padLen / 2) + (padLen % 2), eff - 1);
      right = padLen - left;
    }
    const pe = Math.max(0, eff - 1 - right);
    begin.push(eff - 1 - left);
    end.push(pe);
    outPad.push(right - (eff - 1 - pe));
  }
  if (outPad.some((p, i) => p >= Math.max(layer.strides[i]!, layer.dilationRate[i]!))) {
    throw new UnsupportedError(`layer "${layer.name}" (${layer.className}): its padding needs an ONNX output_padding of [${outPad.join(', ')}], beyond what ConvTranspose allows`, layer.name);
  }
  const y = g.op('ConvTranspose', [x, kernelToOnnx(g, layer, 'kernel', r), ...bias(g, layer)], {
    kernel_shape: Is(layer.kernelSize),
    strides: Is(layer.strides),
    dilations: Is(layer.dilationRate),
    pads: Is([...begin, ...end]),
    ...(outPad.some((p) => p > 0) ? { output_padding: Is(outPad) } : {}),
  });
  return { outputs: [finish(ctx, layer, y, back)] };
};

export const convolutionalMappings: MappingTable = [
  ...['Conv1D', 'Convolution1D', 'AtrousConvolution1D', 'AtrousConv1D', 'Conv2D', 'Convolution2D', 'AtrousConvolution2D', 'AtrousConv2D', 'Conv3D', 'Convolution3D'].map(
    (c) => [c, conv] as const,
  ),
  ...['SeparableConv1D', 'SeparableConvolution1D', 'SeparableConv2D', 'SeparableConvolution2D'].map((c) => [c, separable] as const),
  ...['DepthwiseConv1D', 'DepthwiseConv2D'].map((c) => [c, depthwise] as const),
  ...['Conv1DTranspose', 'Convolution1DTranspose', 'Conv2DTranspose', 'Convolution2DTranspose', 'Deconvolution2D', 'Deconv2D', 'Conv3DTranspose', 'Convolution3DTranspose', 'Deconvolution3D', 'Deconv3D'].map(
    (c) => [c, transpose] as const,
  ),
];

export const convolutionalRefusals: RefusalTable = [];

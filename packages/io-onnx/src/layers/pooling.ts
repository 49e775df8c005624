/**
 * Keras' pooling layers (`keras/src/layers/pooling/`): Max/Average pooling 1D–3D and their global
 * forms, with Keras 1/2 aliases (MaxPool2D, GlobalAvgPool1D, ...). `same` average pooling divides by
 * the number of real (unpadded) positions, as Keras 3 does on JAX (`count_include_pad=0`); padded
 * positions never win a max. GlobalAveragePooling1D averages only the unmasked steps.
 */
import type { Layer } from '@kerasts/layers';
import { I, Is } from '../graph.js';
import type { LayerMapping, MappingTable, RefusalTable } from '../mapping.js';
import { channelsFirst, spatialSizes, windowPadding } from './convolutional.js';

interface PoolingLike extends Layer {
  readonly rank: number;
  readonly mode: 'max' | 'avg';
  readonly poolSize: readonly number[];
  readonly strides: readonly number[];
  readonly padding: 'valid' | 'same';
  readonly dataFormat: 'channels_last' | 'channels_first';
}

interface GlobalPoolingLike extends Layer {
  readonly rank: number;
  readonly mode: 'max' | 'avg';
  readonly dataFormat: 'channels_last' | 'channels_first';
  readonly keepdims: boolean;
}

const pooling: LayerMapping = ({ g }, { layer: l, inputs }) => {
  const layer = l as PoolingLike;
  const r = layer.rank;
  const { x, back } = channelsFirst(g, inputs[0]!, r, layer.dataFormat);
  const ones = layer.poolSize.map(() => 1);
  const pads = windowPadding(layer.padding, spatialSizes(inputs[0]!.shape, r, layer.dataFormat), layer.poolSize, layer.strides, ones);
  const attrs = { kernel_shape: Is(layer.poolSize), strides: Is(layer.strides), ...pads };
  const y = layer.mode === 'max' ? g.op('MaxPool', [x], attrs) : g.op('AveragePool', [x], { ...attrs, count_include_pad: I(0) });
  return { outputs: [back(y)] };
};

/** The mean or max over the spatial axes; a masked GlobalAveragePooling1D averages the kept steps only. */
const globalPooling: LayerMapping = ({ g }, { layer: l, inputs, masks }) => {
  const layer = l as GlobalPoolingLike;
  const r = layer.rank;
  const axes = layer.dataFormat === 'channels_last' ? Array.from({ length: r }, (_, i) => i + 1) : Array.from({ length: r }, (_, i) => i + 2);
  const x = inputs[0]!.name;
  const keep = I(layer.keepdims ? 1 : 0);
  const mask = layer.mode === 'avg' && r === 1 && (l as Layer).supportsMasking ? (masks[0] ?? null) : null;
  let y: string;
  if (mask !== null) {
    // Keras 3: sum(x·m over steps) / sum(m over steps), the mask broadcast over the channels.
    const m = g.op('Cast', [g.op('Unsqueeze', [mask, g.ints([layer.dataFormat === 'channels_last' ? 2 : 1])])], { to: I(1) });
    const num = g.op('ReduceSum', [g.op('Mul', [x, m]), g.ints(axes)], { keepdims: keep });
    const den = g.op('ReduceSum', [m, g.ints(axes)], { keepdims: keep });
    y = g.op('Div', [num, den]);
  } else if (layer.mode === 'max') y = g.op('ReduceMax', [x], { axes: Is(axes), keepdims: keep });
  else y = g.op('ReduceMean', [x], { axes: Is(axes), keepdims: keep });
  return { outputs: [y], masks: [null] };
};

export const poolingMappings: MappingTable = [
  ...['MaxPooling1D', 'MaxPool1D', 'MaxPooling2D', 'MaxPool2D', 'MaxPooling3D', 'MaxPool3D', 'AveragePooling1D', 'AvgPool1D', 'AveragePooling2D', 'AvgPool2D', 'AveragePooling3D', 'AvgPool3D'].map(
    (c) => [c, pooling] as const,
  ),
  ...[
    'GlobalMaxPooling1D',
    'GlobalMaxPool1D',
    'GlobalMaxPooling2D',
    'GlobalMaxPool2D',
    'GlobalMaxPooling3D',
    'GlobalMaxPool3D',
    'GlobalAveragePooling1D',
    'GlobalAvgPool1D',
    'GlobalAveragePooling2D',
    'GlobalAvgPool2D',
    'GlobalAveragePooling3D',
    'GlobalAvgPool3D',
  ].map((c) => [c, globalPooling] as const),
];

export const poolingRefusals: RefusalTable = [];

/** Layers Keras defines inside keras.applications: ConvNeXt's LayerScale. */
import type { LayerScale } from '@kerasts/layers';
import type { LayerMapping, MappingTable, RefusalTable } from '../mapping.js';
import { weightOf } from './util.js';

/** `x · γ`, γ over the last axis (ONNX's Mul broadcasts from the right, as Keras' multiply does). */
const layerScale: LayerMapping<LayerScale> = ({ g }, { layer, inputs }) => {
  const w = weightOf(layer, 'variable');
  return { outputs: [g.op('Mul', [inputs[0]!.name, g.weight(`${layer.name}_gamma`, w.value.data, w.shape, { of: w, tag: 'gamma' })])] };
};

export const applicationMappings: MappingTable = [['LayerScale', layerScale as LayerMapping]];

export const applicationRefusals: RefusalTable = [];

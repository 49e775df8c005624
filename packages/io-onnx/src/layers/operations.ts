/** `keras.ops` numpy operations recorded in Keras 3 functional graphs (kerasts' NumpyOperation nodes). */
import type { NumpyOperation } from '@kerasts/layers';
import type { LayerMapping, MappingTable, RefusalTable } from '../mapping.js';

const ONNX_OP: Readonly<Record<string, string>> = { Add: 'Add', Subtract: 'Sub', Multiply: 'Mul', Divide: 'Div', TrueDivide: 'Div' };

/** ONNX's arithmetic broadcasts as NumPy does; constants are float32 scalars, as Keras makes them. Operations carry no mask. */
const numpyOperation: LayerMapping<NumpyOperation> = ({ g }, { layer, inputs }) => {
  let k = 0;
  const args = layer.operands.map((o) => (o === null ? inputs[k++]!.name : g.scalar(o)));
  if (layer.operation === 'Negative') return { outputs: [g.op('Neg', [args[0]!])], masks: [null] };
  return { outputs: [g.op(ONNX_OP[layer.operation]!, args)], masks: [null] };
};

export const operationMappings: MappingTable = [['NumpyOperation', numpyOperation as LayerMapping]];

export const operationRefusals: RefusalTable = [];

/**
 * @kerasts/io-onnx — export Keras models of every era to ONNX (opset 17), in pure TypeScript: one
 * mapping per layer class (layers/<family>.ts) written against the @kerasts/layers registry, each
 * era's numerics kept (hard_sigmoid, masked RNN steps, merge masks), protobuf through
 * @bufbuild/protobuf. Runs in Node and browsers (no `node:*` imports).
 */
export {
  exportOnnx,
  exportOnnxWithInfo,
  exportLayerOnnx,
  toOnnxModel,
  graphToOnnx,
  ONNX_OPSET,
  ONNX_IR_VERSION,
  type OnnxExportOptions,
  type OnnxLayerExportOptions,
  type OnnxExport,
} from './export.js';
export { registerOnnxMapping, mappingFor as onnxMappingFor, refusalFor as onnxRefusalFor, onnxMappedClasses, onnxRefusedClasses } from './layers/index.js';
export type {
  ExportContext as OnnxExportContext,
  LayerCall as OnnxLayerCall,
  LayerExport as OnnxLayerExport,
  LayerMapping as OnnxLayerMapping,
  OnnxValue,
} from './mapping.js';
export { GraphBuilder as OnnxGraphBuilder, valueInfo as onnxValueInfo, type Attr as OnnxAttr, type DimSpec as OnnxDimSpec, type ElemType as OnnxElemType } from './graph.js';
import { F, Fs, I, Is, S, Ss } from './graph.js';
/** Typed ONNX attribute values for custom mappings: `{ alpha: onnxAttr.f(0.2), perm: onnxAttr.ints([1, 0]) }`. */
export const onnxAttr = Object.freeze({ f: F, i: I, s: S, floats: Fs, ints: Is, strings: Ss });
export { activation as onnxActivation } from './activations.js';
export * as onnxProto from './proto/onnx_pb.js';
export {
  createOrtPredictor,
  type OrtPredictor,
  type OrtPredictorOptions,
  type OrtModuleLike,
  type OrtSessionLike,
  type OrtTensorLike,
} from './ort-predictor.js';

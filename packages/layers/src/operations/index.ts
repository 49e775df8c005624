/** `keras.ops` operations that Keras 3 functional graphs record as nodes (`x + 3.0`, `x * y`), computed as layers. */
import type { LayerFactory } from '../engine/layer.js';
import { NumpyOperation } from './numpy-operation.js';

export { NumpyOperation, NUMPY_OPERATIONS, isSupportedNumpyOperation, type NumpyOperationName, type NumpyOperationOptions } from './numpy-operation.js';

/** Class names and factories this family adds to the registry. */
export const operationLayers: readonly (readonly [string, LayerFactory])[] = [['NumpyOperation', NumpyOperation.fromConfig]];

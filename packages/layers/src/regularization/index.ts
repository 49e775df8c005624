/** Keras' regularization layers (`keras/src/layers/regularization/`): Dropout. */
import type { LayerFactory } from '../engine/layer.js';
import { Dropout } from './dropout.js';

export { Dropout, type DropoutOptions } from './dropout.js';

/** Class names and factories this family adds to the registry. */
export const regularizationLayers: readonly (readonly [string, LayerFactory])[] = [['Dropout', Dropout.fromConfig]];

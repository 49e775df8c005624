/** Keras' activation layers (`keras/src/layers/activations/`). */
import type { LayerFactory } from '../engine/layer.js';
import { Activation } from './activation.js';

export { Activation, type ActivationOptions } from './activation.js';

/** Class names and factories this family adds to the registry. */
export const activationLayers: readonly (readonly [string, LayerFactory])[] = [['Activation', Activation.fromConfig]];

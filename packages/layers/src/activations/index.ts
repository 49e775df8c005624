/** Keras' activation layers (`keras/src/layers/activations/`), plus Keras 1/2's ThresholdedReLU. */
import type { LayerFactory } from '../engine/layer.js';
import { Activation } from './activation.js';
import { ELU } from './elu.js';
import { LeakyReLU } from './leaky-relu.js';
import { PReLU } from './prelu.js';
import { ReLU } from './relu.js';
import { Softmax } from './softmax.js';
import { ThresholdedReLU } from './thresholded-relu.js';

export { Activation, type ActivationOptions } from './activation.js';
export { ELU, type ELUOptions } from './elu.js';
export { LeakyReLU, type LeakyReLUOptions } from './leaky-relu.js';
export { PReLU, type PReLUOptions } from './prelu.js';
export { ReLU, type ReLUOptions } from './relu.js';
export { Softmax, type SoftmaxOptions } from './softmax.js';
export { ThresholdedReLU, type ThresholdedReLUOptions } from './thresholded-relu.js';

/** Class names and factories this family adds to the registry. */
export const activationLayers: readonly (readonly [string, LayerFactory])[] = [
  ['Activation', Activation.fromConfig],
  ['ReLU', ReLU.fromConfig],
  ['LeakyReLU', LeakyReLU.fromConfig],
  ['PReLU', PReLU.fromConfig],
  ['ELU', ELU.fromConfig],
  ['Softmax', Softmax.fromConfig],
  ['ThresholdedReLU', ThresholdedReLU.fromConfig],
];

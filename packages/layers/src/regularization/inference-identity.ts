import type { Layer } from '../engine/layer.js';
import { AlphaDropout } from './alpha-dropout.js';
import { Dropout } from './dropout.js';
import { GaussianDropout } from './gaussian-dropout.js';
import { GaussianNoise } from './gaussian-noise.js';
import { SpatialDropout1D } from './spatial-dropout-1d.js';

const IDENTITY_AT_INFERENCE: readonly unknown[] = [Dropout, SpatialDropout1D, GaussianNoise, GaussianDropout, AlphaDropout];

/**
 * Whether `layer` returns its input unchanged at inference and passes its mask on (Keras' noise and
 * dropout layers over sequences), so that inference-time rewrites such as the Embedding → Conv1D fold
 * may look through it. Exact classes only: a subclass may change `call`.
 */
export function isInferenceIdentity(layer: Layer): boolean {
  return IDENTITY_AT_INFERENCE.includes(layer.constructor);
}

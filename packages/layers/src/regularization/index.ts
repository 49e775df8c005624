/**
 * Keras' regularization layers (`keras/src/layers/regularization/`): Dropout, SpatialDropout1D/2D/3D,
 * GaussianNoise, GaussianDropout, AlphaDropout, ActivityRegularization. All are identity at
 * inference; in training they draw from kerasts' seeded random stream.
 */
import type { LayerFactory } from '../engine/layer.js';
import { ActivityRegularization } from './activity-regularization.js';
import { AlphaDropout } from './alpha-dropout.js';
import { Dropout } from './dropout.js';
import { GaussianDropout } from './gaussian-dropout.js';
import { GaussianNoise } from './gaussian-noise.js';
import { SpatialDropout1D } from './spatial-dropout-1d.js';
import { SpatialDropout2D } from './spatial-dropout-2d.js';
import { SpatialDropout3D } from './spatial-dropout-3d.js';

export { Dropout, type DropoutOptions } from './dropout.js';
export { SpatialDropout, type SpatialDropoutOptions } from './spatial-dropout.js';
export { SpatialDropout1D } from './spatial-dropout-1d.js';
export { SpatialDropout2D } from './spatial-dropout-2d.js';
export { SpatialDropout3D } from './spatial-dropout-3d.js';
export { GaussianNoise, type GaussianNoiseOptions } from './gaussian-noise.js';
export { GaussianDropout, type GaussianDropoutOptions } from './gaussian-dropout.js';
export { AlphaDropout, type AlphaDropoutOptions } from './alpha-dropout.js';
export { ActivityRegularization, type ActivityRegularizationOptions } from './activity-regularization.js';
export { isInferenceIdentity } from './inference-identity.js';

/** Class names and factories this family adds to the registry. */
export const regularizationLayers: readonly (readonly [string, LayerFactory])[] = [
  ['Dropout', Dropout.fromConfig],
  ['SpatialDropout1D', SpatialDropout1D.fromConfig],
  ['SpatialDropout2D', SpatialDropout2D.fromConfig],
  ['SpatialDropout3D', SpatialDropout3D.fromConfig],
  ['GaussianNoise', GaussianNoise.fromConfig],
  ['GaussianDropout', GaussianDropout.fromConfig],
  ['AlphaDropout', AlphaDropout.fromConfig],
  ['ActivityRegularization', ActivityRegularization.fromConfig],
];

/**
 * Keras' pooling layers (`keras/src/layers/pooling/`): MaxPooling1D/2D/3D, AveragePooling1D/2D/3D and
 * their global forms, each also under Keras' short aliases (`MaxPool2D`, `GlobalAvgPool1D`, ...).
 */
import type { LayerFactory } from '../engine/layer.js';
import { AveragePooling1D } from './average-pooling1d.js';
import { AveragePooling2D } from './average-pooling2d.js';
import { AveragePooling3D } from './average-pooling3d.js';
import { GlobalAveragePooling1D } from './global-average-pooling1d.js';
import { GlobalAveragePooling2D } from './global-average-pooling2d.js';
import { GlobalAveragePooling3D } from './global-average-pooling3d.js';
import { GlobalMaxPooling1D } from './global-max-pooling1d.js';
import { GlobalMaxPooling2D } from './global-max-pooling2d.js';
import { GlobalMaxPooling3D } from './global-max-pooling3d.js';
import { MaxPooling1D } from './max-pooling1d.js';
import { MaxPooling2D } from './max-pooling2d.js';
import { MaxPooling3D } from './max-pooling3d.js';

export { BasePooling, POOLING_KEYS, type PoolingOptions } from './base-pooling.js';
export { BaseGlobalPooling, GLOBAL_POOLING_KEYS, type GlobalPoolingOptions } from './base-global-pooling.js';
export { MaxPooling1D, type MaxPooling1DOptions } from './max-pooling1d.js';
export { MaxPooling2D, type MaxPooling2DOptions } from './max-pooling2d.js';
export { MaxPooling3D, type MaxPooling3DOptions } from './max-pooling3d.js';
export { AveragePooling1D, type AveragePooling1DOptions } from './average-pooling1d.js';
export { AveragePooling2D, type AveragePooling2DOptions } from './average-pooling2d.js';
export { AveragePooling3D, type AveragePooling3DOptions } from './average-pooling3d.js';
export { GlobalMaxPooling1D, type GlobalMaxPooling1DOptions } from './global-max-pooling1d.js';
export { GlobalMaxPooling2D, type GlobalMaxPooling2DOptions } from './global-max-pooling2d.js';
export { GlobalMaxPooling3D, type GlobalMaxPooling3DOptions } from './global-max-pooling3d.js';
export { GlobalAveragePooling1D, type GlobalAveragePooling1DOptions } from './global-average-pooling1d.js';
export { GlobalAveragePooling2D, type GlobalAveragePooling2DOptions } from './global-average-pooling2d.js';
export { GlobalAveragePooling3D, type GlobalAveragePooling3DOptions } from './global-average-pooling3d.js';

/** Class names (with Keras' aliases) and factories this family adds to the registry. */
export const poolingLayers: readonly (readonly [string, LayerFactory])[] = [
  ['MaxPooling1D', MaxPooling1D.fromConfig],
  ['MaxPool1D', MaxPooling1D.fromConfig],
  ['MaxPooling2D', MaxPooling2D.fromConfig],
  ['MaxPool2D', MaxPooling2D.fromConfig],
  ['MaxPooling3D', MaxPooling3D.fromConfig],
  ['MaxPool3D', MaxPooling3D.fromConfig],
  ['AveragePooling1D', AveragePooling1D.fromConfig],
  ['AvgPool1D', AveragePooling1D.fromConfig],
  ['AveragePooling2D', AveragePooling2D.fromConfig],
  ['AvgPool2D', AveragePooling2D.fromConfig],
  ['AveragePooling3D', AveragePooling3D.fromConfig],
  ['AvgPool3D', AveragePooling3D.fromConfig],
  ['GlobalMaxPooling1D', GlobalMaxPooling1D.fromConfig],
  ['GlobalMaxPool1D', GlobalMaxPooling1D.fromConfig],
  ['GlobalMaxPooling2D', GlobalMaxPooling2D.fromConfig],
  ['GlobalMaxPool2D', GlobalMaxPooling2D.fromConfig],
  ['GlobalMaxPooling3D', GlobalMaxPooling3D.fromConfig],
  ['GlobalMaxPool3D', GlobalMaxPooling3D.fromConfig],
  ['GlobalAveragePooling1D', GlobalAveragePooling1D.fromConfig],
  ['GlobalAvgPool1D', GlobalAveragePooling1D.fromConfig],
  ['GlobalAveragePooling2D', GlobalAveragePooling2D.fromConfig],
  ['GlobalAvgPool2D', GlobalAveragePooling2D.fromConfig],
  ['GlobalAveragePooling3D', GlobalAveragePooling3D.fromConfig],
  ['GlobalAvgPool3D', GlobalAveragePooling3D.fromConfig],
];

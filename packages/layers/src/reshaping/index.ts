/**
 * Keras' reshaping layers (`keras/src/layers/reshaping/`): Flatten, Reshape, Permute,
 * ZeroPadding1D/2D/3D, Cropping1D/2D/3D, UpSampling1D/2D/3D, RepeatVector.
 */
import type { LayerFactory } from '../engine/layer.js';
import { Cropping1D } from './cropping1d.js';
import { Cropping2D } from './cropping2d.js';
import { Cropping3D } from './cropping3d.js';
import { Flatten } from './flatten.js';
import { RepeatVector } from './repeat-vector.js';
import { Permute } from './permute.js';
import { Reshape } from './reshape.js';
import { UpSampling1D } from './up-sampling1d.js';
import { UpSampling2D } from './up-sampling2d.js';
import { UpSampling3D } from './up-sampling3d.js';
import { ZeroPadding1D } from './zero-padding1d.js';
import { ZeroPadding2D } from './zero-padding2d.js';
import { ZeroPadding3D } from './zero-padding3d.js';

export { Flatten, type FlattenOptions } from './flatten.js';
export { Reshape, type ReshapeOptions } from './reshape.js';
export { RepeatVector, type RepeatVectorOptions } from './repeat-vector.js';
export { Permute, type PermuteOptions } from './permute.js';
export { ZeroPaddingBase, type ZeroPaddingOptions } from './zero-padding-base.js';
export { ZeroPadding1D, type ZeroPadding1DOptions } from './zero-padding1d.js';
export { ZeroPadding2D, type ZeroPadding2DOptions } from './zero-padding2d.js';
export { ZeroPadding3D, type ZeroPadding3DOptions } from './zero-padding3d.js';
export { CroppingBase, type CroppingOptions } from './cropping-base.js';
export { Cropping1D, type Cropping1DOptions } from './cropping1d.js';
export { Cropping2D, type Cropping2DOptions } from './cropping2d.js';
export { Cropping3D, type Cropping3DOptions } from './cropping3d.js';
export { UpSamplingBase, type UpSamplingOptions, type Interpolation } from './up-sampling-base.js';
export { UpSampling1D, type UpSampling1DOptions } from './up-sampling1d.js';
export { UpSampling2D, type UpSampling2DOptions } from './up-sampling2d.js';
export { UpSampling3D, type UpSampling3DOptions } from './up-sampling3d.js';

/** Class names and factories this family adds to the registry. */
export const reshapingLayers: readonly (readonly [string, LayerFactory])[] = [
  ['Flatten', Flatten.fromConfig],
  ['Reshape', Reshape.fromConfig],
  ['RepeatVector', RepeatVector.fromConfig],
  ['Permute', Permute.fromConfig],
  ['ZeroPadding1D', ZeroPadding1D.fromConfig],
  ['ZeroPadding2D', ZeroPadding2D.fromConfig],
  ['ZeroPadding3D', ZeroPadding3D.fromConfig],
  ['Cropping1D', Cropping1D.fromConfig],
  ['Cropping2D', Cropping2D.fromConfig],
  ['Cropping3D', Cropping3D.fromConfig],
  ['UpSampling1D', UpSampling1D.fromConfig],
  ['UpSampling2D', UpSampling2D.fromConfig],
  ['UpSampling3D', UpSampling3D.fromConfig],
];

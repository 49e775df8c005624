/**
 * Keras' convolution layers (`keras/src/layers/convolutional/`): Conv1D/2D/3D, SeparableConv1D/2D,
 * DepthwiseConv1D/2D, Conv1D/2D/3DTranspose, each also under its Keras 1/2/3 aliases
 * (`Convolution2D`, `AtrousConvolution1D`, `Deconvolution2D`, ...; io-json renames the Keras 1
 * arguments before a config reaches the registry).
 */
import type { LayerFactory } from '../engine/layer.js';
import { Conv1D } from './conv1d.js';
import { Conv1DTranspose } from './conv1d-transpose.js';
import { Conv2D } from './conv2d.js';
import { Conv2DTranspose } from './conv2d-transpose.js';
import { Conv3D } from './conv3d.js';
import { Conv3DTranspose } from './conv3d-transpose.js';
import { DepthwiseConv1D } from './depthwise-conv1d.js';
import { DepthwiseConv2D } from './depthwise-conv2d.js';
import { SeparableConv1D } from './separable-conv1d.js';
import { SeparableConv2D } from './separable-conv2d.js';

export { BaseConv, CONV_KEYS, type ConvOptions } from './base-conv.js';
export { BaseDepthwiseConv, DEPTHWISE_KEYS, type DepthwiseConvOptions } from './base-depthwise-conv.js';
export { BaseSeparableConv, SEPARABLE_KEYS, type SeparableConvOptions } from './base-separable-conv.js';
export { BaseConvTranspose, CONV_TRANSPOSE_KEYS, type ConvTransposeOptions } from './base-conv-transpose.js';
export { type DataFormat, type IntTuple } from './conv-utils.js';
export { Conv1D, type Conv1DOptions } from './conv1d.js';
export { foldsIntoConv1D, embeddingConv1D } from './embedding-conv1d-fold.js';
export { Conv2D, type Conv2DOptions } from './conv2d.js';
export { Conv3D, type Conv3DOptions } from './conv3d.js';
export { DepthwiseConv1D, type DepthwiseConv1DOptions } from './depthwise-conv1d.js';
export { DepthwiseConv2D, type DepthwiseConv2DOptions } from './depthwise-conv2d.js';
export { SeparableConv1D, type SeparableConv1DOptions } from './separable-conv1d.js';
export { SeparableConv2D, type SeparableConv2DOptions } from './separable-conv2d.js';
export { Conv1DTranspose, type Conv1DTransposeOptions } from './conv1d-transpose.js';
export { Conv2DTranspose, type Conv2DTransposeOptions } from './conv2d-transpose.js';
export { Conv3DTranspose, type Conv3DTransposeOptions } from './conv3d-transpose.js';

/** Class names (with Keras' aliases of every era) and factories this family adds to the registry. */
export const convolutionalLayers: readonly (readonly [string, LayerFactory])[] = [
  ['Conv1D', Conv1D.fromConfig],
  ['Convolution1D', Conv1D.fromConfig],
  ['AtrousConvolution1D', Conv1D.fromConfig],
  ['AtrousConv1D', Conv1D.fromConfig],
  ['Conv2D', Conv2D.fromConfig],
  ['Convolution2D', Conv2D.fromConfig],
  ['AtrousConvolution2D', Conv2D.fromConfig],
  ['AtrousConv2D', Conv2D.fromConfig],
  ['Conv3D', Conv3D.fromConfig],
  ['Convolution3D', Conv3D.fromConfig],
  ['SeparableConv1D', SeparableConv1D.fromConfig],
  ['SeparableConvolution1D', SeparableConv1D.fromConfig],
  ['SeparableConv2D', SeparableConv2D.fromConfig],
  ['SeparableConvolution2D', SeparableConv2D.fromConfig],
  ['DepthwiseConv1D', DepthwiseConv1D.fromConfig],
  ['DepthwiseConv2D', DepthwiseConv2D.fromConfig],
  ['Conv1DTranspose', Conv1DTranspose.fromConfig],
  ['Convolution1DTranspose', Conv1DTranspose.fromConfig],
  ['Conv2DTranspose', Conv2DTranspose.fromConfig],
  ['Convolution2DTranspose', Conv2DTranspose.fromConfig],
  ['Deconvolution2D', Conv2DTranspose.fromConfig],
  ['Deconv2D', Conv2DTranspose.fromConfig],
  ['Conv3DTranspose', Conv3DTranspose.fromConfig],
  ['Convolution3DTranspose', Conv3DTranspose.fromConfig],
  ['Deconvolution3D', Conv3DTranspose.fromConfig],
  ['Deconv3D', Conv3DTranspose.fromConfig],
];

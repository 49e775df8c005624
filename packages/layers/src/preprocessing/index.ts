/**
 * Keras' preprocessing layers that saved models carry (`keras/src/layers/preprocessing/`):
 * Normalization (mean/variance weights or config values), Rescaling, and the image layers: Resizing,
 * CenterCrop, RandomCrop and the random augmentations (identity at inference, as in Keras).
 */
import type { LayerFactory } from '../engine/layer.js';
import { Normalization } from './normalization.js';
import { Rescaling } from './rescaling.js';
import { Resizing } from './resizing.js';
import { CenterCrop } from './center-crop.js';
import { RandomCrop } from './random-crop.js';
import { RandomFlip } from './random-flip.js';
import { RandomRotation } from './random-rotation.js';
import { RandomZoom } from './random-zoom.js';
import { RandomTranslation } from './random-translation.js';
import { RandomContrast } from './random-contrast.js';
import { RandomBrightness } from './random-brightness.js';
import { RandomShear } from './random-shear.js';
import { RandomGrayscale } from './random-grayscale.js';
import { RandomHue } from './random-hue.js';
import { RandomSaturation } from './random-saturation.js';
import { RandomSharpness } from './random-sharpness.js';
import { RandomColorDegeneration } from './random-color-degeneration.js';
import { RandomInvert } from './random-invert.js';
import { RandomPosterization } from './random-posterization.js';
import { RandomColorJitter } from './random-color-jitter.js';
import { RandomErasing } from './random-erasing.js';
import { RandomGaussianBlur } from './random-gaussian-blur.js';
import { RandomPerspective } from './random-perspective.js';
import { RandomElasticTransform } from './random-elastic-transform.js';
import { RandomHeight } from './random-height.js';
import { RandomWidth } from './random-width.js';

export { Normalization, type NormalizationOptions, type NestedNumbers } from './normalization.js';
export { Rescaling, type RescalingOptions } from './rescaling.js';
export { ImagePreprocessingLayer, RandomImageLayer, type Factor, type ValueRange, type FillMode, type ImageLayerOptions, type ArgSpec, type ArgTable, type ArgKind } from './image-base.js';
export { Resizing, type ResizingOptions, type ResizingInterpolation, resizeBatch, type ResizeSpec } from './resizing.js';
export { CenterCrop, type CenterCropOptions } from './center-crop.js';
export { RandomCrop, type RandomCropOptions } from './random-crop.js';
export { RandomFlip, type RandomFlipOptions, type FlipMode } from './random-flip.js';
export { RandomRotation, type RandomRotationOptions } from './random-rotation.js';
export { RandomZoom, type RandomZoomOptions } from './random-zoom.js';
export { RandomTranslation, type RandomTranslationOptions } from './random-translation.js';
export { RandomContrast, type RandomContrastOptions } from './random-contrast.js';
export { RandomBrightness, type RandomBrightnessOptions } from './random-brightness.js';
export { RandomShear, type RandomShearOptions } from './random-shear.js';
export { RandomGrayscale, type RandomGrayscaleOptions } from './random-grayscale.js';
export { RandomHue, type RandomHueOptions } from './random-hue.js';
export { RandomSaturation, type RandomSaturationOptions } from './random-saturation.js';
export { RandomSharpness, type RandomSharpnessOptions } from './random-sharpness.js';
export { RandomColorDegeneration, type RandomColorDegenerationOptions } from './random-color-degeneration.js';
export { RandomInvert, type RandomInvertOptions } from './random-invert.js';
export { RandomPosterization, type RandomPosterizationOptions } from './random-posterization.js';
export { RandomColorJitter, type RandomColorJitterOptions } from './random-color-jitter.js';
export { RandomErasing, type RandomErasingOptions } from './random-erasing.js';
export { RandomGaussianBlur, type RandomGaussianBlurOptions } from './random-gaussian-blur.js';
export { RandomPerspective, type RandomPerspectiveOptions } from './random-perspective.js';
export { RandomElasticTransform, type RandomElasticTransformOptions } from './random-elastic-transform.js';
export { RandomHeight, type RandomHeightOptions } from './random-height.js';
export { RandomWidth, type RandomWidthOptions } from './random-width.js';

/** Class names and factories this family adds to the registry. */
export const preprocessingLayers: readonly (readonly [string, LayerFactory])[] = [
  ['Normalization', Normalization.fromConfig],
  ['Rescaling', Rescaling.fromConfig],
  ['Resizing', Resizing.fromConfig],
  ['CenterCrop', CenterCrop.fromConfig],
  ['RandomCrop', RandomCrop.fromConfig],
  ['RandomFlip', RandomFlip.fromConfig],
  ['RandomRotation', RandomRotation.fromConfig],
  ['RandomZoom', RandomZoom.fromConfig],
  ['RandomTranslation', RandomTranslation.fromConfig],
  ['RandomContrast', RandomContrast.fromConfig],
  ['RandomBrightness', RandomBrightness.fromConfig],
  ['RandomShear', RandomShear.fromConfig],
  ['RandomGrayscale', RandomGrayscale.fromConfig],
  ['RandomHue', RandomHue.fromConfig],
  ['RandomSaturation', RandomSaturation.fromConfig],
  ['RandomSharpness', RandomSharpness.fromConfig],
  ['RandomColorDegeneration', RandomColorDegeneration.fromConfig],
  ['RandomInvert', RandomInvert.fromConfig],
  ['RandomPosterization', RandomPosterization.fromConfig],
  ['RandomColorJitter', RandomColorJitter.fromConfig],
  ['RandomErasing', RandomErasing.fromConfig],
  ['RandomGaussianBlur', RandomGaussianBlur.fromConfig],
  ['RandomPerspective', RandomPerspective.fromConfig],
  ['RandomElasticTransform', RandomElasticTransform.fromConfig],
  ['RandomHeight', RandomHeight.fromConfig],
  ['RandomWidth', RandomWidth.fromConfig],
];

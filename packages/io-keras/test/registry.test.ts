/**
 * Every layer class in the registry round-trips through Keras 3's own formats: some Keras-written
 * fixture (tools/oracle/gen_keras_fixtures.py) uses it, and keras-files.test.ts loads that fixture,
 * predicts within 1e-5, writes it back in Keras' exact layout and (compiled) resumes as Keras. A class
 * registered without such a case fails here: add one to CASES and regenerate
 * (`.venv-oracle/bin/python tools/oracle/gen_keras_fixtures.py`).
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { registeredLayers } from '@kerasts/layers';
import { FIXTURES } from './helpers.js';

/**
 * Keras 1/2 class names with no Keras 3 class, and Keras' aliases: they load as the class given, which
 * is what a .keras holds.
 */
const LEGACY_ONLY: Record<string, string> = {
  CuDNNLSTM: 'LSTM', CuDNNGRU: 'GRU',
  Convolution1D: 'Conv1D', AtrousConvolution1D: 'Conv1D', AtrousConv1D: 'Conv1D',
  Convolution2D: 'Conv2D', AtrousConvolution2D: 'Conv2D', AtrousConv2D: 'Conv2D',
  Convolution3D: 'Conv3D',
  SeparableConvolution1D: 'SeparableConv1D', SeparableConvolution2D: 'SeparableConv2D',
  Convolution1DTranspose: 'Conv1DTranspose',
  Convolution2DTranspose: 'Conv2DTranspose', Deconvolution2D: 'Conv2DTranspose', Deconv2D: 'Conv2DTranspose',
  Convolution3DTranspose: 'Conv3DTranspose', Deconvolution3D: 'Conv3DTranspose', Deconv3D: 'Conv3DTranspose',
  MaxPool1D: 'MaxPooling1D', MaxPool2D: 'MaxPooling2D', MaxPool3D: 'MaxPooling3D',
  AvgPool1D: 'AveragePooling1D', AvgPool2D: 'AveragePooling2D', AvgPool3D: 'AveragePooling3D',
  GlobalMaxPool1D: 'GlobalMaxPooling1D', GlobalMaxPool2D: 'GlobalMaxPooling2D', GlobalMaxPool3D: 'GlobalMaxPooling3D',
  GlobalAvgPool1D: 'GlobalAveragePooling1D', GlobalAvgPool2D: 'GlobalAveragePooling2D', GlobalAvgPool3D: 'GlobalAveragePooling3D',
  // Keras 3 dropped ThresholdedReLU; its function is ReLU(threshold=θ), whose case stands for it.
  ThresholdedReLU: 'ReLU',
  // tf.keras 2's RandomHeight / RandomWidth have no Keras 3 class; like every augmentation layer they
  // hold no variables and are the identity at inference, which the RandomZoom case stands for.
  RandomHeight: 'RandomZoom', RandomWidth: 'RandomZoom',
};

const index = JSON.parse(readFileSync(join(FIXTURES, 'index.json'), 'utf8')) as { cases: Record<string, { layers: string[] }> };
const covered = new Map<string, string[]>();
for (const [name, c] of Object.entries(index.cases)) for (const l of c.layers) covered.set(l, [...(covered.get(l) ?? []), name]);

describe('every registered layer has a Keras-written .keras case', () => {
  for (const cls of registeredLayers()) {
    const target = LEGACY_ONLY[cls] ?? cls;
    it(`${cls}${target !== cls ? ` (as ${target})` : ''}`, () => {
      expect(
        covered.has(target),
        `no Keras-written .keras / .weights.h5 fixture uses ${target}: add a case to CASES in tools/oracle/gen_keras_fixtures.py and regenerate it, so that its round-trip is checked against Keras 3.15.1 (and implement Layer.keras3VariableTree if its Keras 3 class keeps variables in sub-objects)`,
      ).toBe(true);
    });
  }
});

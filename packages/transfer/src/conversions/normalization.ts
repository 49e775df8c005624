/**
 * Old BatchNormalization layouts. Keras 1 stored `gamma, beta, running_mean, running_std`; despite
 * its name `running_std` held the moving *variance* (K1.2.2 `normalization.py`: it is updated with
 * the variance that `K.normalize_batch_in_training` returns — `tf.nn.moments`' variance, or Theano's
 * `1/stdinv²` — and read back as the variance by `K.batch_normalization`), which is Keras 2's
 * `moving_variance`: Keras 2 loaded the four arrays unchanged, and so does kerasts, saying so.
 */
import { kerasMajor, type Layer } from '@kerasts/layers';
import type { Tensor } from '@kerasts/tensor';
import type { Converted, Converter } from './types.js';

function keras1BatchNorm(layer: Layer, stored: readonly Tensor[], kerasVersion: string | null): Converted | null {
  if (kerasVersion === null || kerasMajor(kerasVersion) !== 1 || stored.length !== 4 || layer.weights.length !== 4) return null;
  return { values: [...stored], note: 'Keras 1 BatchNormalization: running_std holds the moving variance; loaded as moving_variance unchanged' };
}

export const normalizationConverters: readonly (readonly [string, Converter])[] = [['BatchNormalization', keras1BatchNorm]];

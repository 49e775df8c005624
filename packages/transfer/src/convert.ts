import type { Layer } from '@kerasts/layers';
import type { Tensor } from '@kerasts/tensor';
import { convolutionalConverters } from './conversions/convolutional.js';
import { normalizationConverters } from './conversions/normalization.js';
import { rnnConverters } from './conversions/rnn.js';
import { wrapperConverters } from './conversions/wrappers.js';
import type { Converted, Converter } from './conversions/types.js';

export type { Converted, Converter } from './conversions/types.js';

// One list per Keras family (conversions/<family>.ts), keyed by the class of the receiving layer.
const converters = new Map<string, Converter>([...rnnConverters, ...wrapperConverters, ...convolutionalConverters, ...normalizationConverters]);

/**
 * Convert stored weights of one layer into the layout `layer` expects, as Keras' loaders did
 * (`preprocess_weights_for_loading`): Keras 1 LSTMs stored 12 arrays in gate order i, c, f, o; CuDNNLSTM
 * stored a doubled bias and per-gate re-laid-out kernels; Keras 1 convolutions stored other kernel
 * layouts, and the Theano backend flipped kernels (see conversions/convolutional.ts). `kerasVersion`
 * and `backend` are the file's (null: not recorded).
 */
export function convertForLayer(layer: Layer, stored: readonly Tensor[], kerasVersion: string | null, backend: string | null = null): Converted {
  return converters.get(layer.className)?.(layer, stored, kerasVersion, backend) ?? { values: [...stored], note: null };
}

/** io-json's knowledge of every layer class, joined from one file per Keras family. */
import { activationFormats } from './activations.js';
import { applicationFormats } from './applications.js';
import { convolutionalFormats } from './convolutional.js';
import { coreFormats } from './core.js';
import type { LayerFormat } from './format.js';
import { mergingFormats } from './merging.js';
import { poolingFormats } from './pooling.js';
import { normalizationFormats } from './normalization.js';
import { preprocessingFormats } from './preprocessing.js';
import { regularizationFormats } from './regularization.js';
import { reshapingFormats } from './reshaping.js';
import { rnnFormats } from './rnn.js';

export type { Dialect, EraInfo, LayerFormat, SchemaFragment } from './format.js';

/** Class name → what io-json knows of it (a Map: lookups never find Object.prototype names). */
export const LAYER_FORMATS: ReadonlyMap<string, LayerFormat> = new Map(
  Object.entries({ ...coreFormats, ...activationFormats, ...regularizationFormats, ...rnnFormats, ...mergingFormats, ...reshapingFormats, ...convolutionalFormats, ...poolingFormats, ...normalizationFormats, ...preprocessingFormats, ...applicationFormats }),
);

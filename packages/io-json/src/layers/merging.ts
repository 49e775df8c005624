/** Keras' merge layers in every era. */
import type { LayerFormat } from './format.js';
import { sameKeys } from './format.js';

const weightless: LayerFormat = { keys: sameKeys([]) };

export const mergingFormats: Readonly<Record<string, LayerFormat>> = {
  Concatenate: {
    keys: sameKeys(['axis']),
    schema: { properties: { axis: { anyOf: [{ type: 'integer' }, { type: 'array', items: { type: 'integer' }, minItems: 1, maxItems: 1 }] } } },
  },
  Add: weightless,
  Subtract: weightless,
  Multiply: weightless,
  Average: weightless,
  Maximum: weightless,
  Minimum: weightless,
};

/** Keras' preprocessing layers that saved models carry: Normalization (mean/variance), Rescaling. */
import type { LayerFormat, SchemaFragment } from './format.js';
import { axisListNote, sameKeys } from './format.js';

const NUMBERS: SchemaFragment = {
  anyOf: [{ type: 'number' }, { type: 'array' }, { type: 'null' }, { type: 'object', required: ['class_name'] }],
};

export const preprocessingFormats: Readonly<Record<string, LayerFormat>> = {
  Normalization: {
    // tf.keras 2.x writes axis, mean, variance (invert from 2.12); Keras 3 axis, invert, mean, variance.
    keys: { 'keras-2.0': ['axis', 'mean', 'variance'], 'keras-2': ['axis', 'mean', 'variance'], 'keras-3': ['axis', 'invert', 'mean', 'variance'] },
    defaults: () => ({ invert: false, mean: null, variance: null }),
    schema: {
      properties: {
        axis: { anyOf: [{ type: 'integer' }, { type: 'array', items: { type: 'integer' } }, { type: 'null' }] },
        invert: { type: 'boolean' },
        mean: NUMBERS,
        variance: NUMBERS,
      },
    },
    normalize: (cfg) => {
      if (typeof cfg.axis === 'number') cfg.axis = [cfg.axis];
      else if (cfg.axis === null) cfg.axis = [];
    },
    dialectNote: (cfg, dialect) => (dialect !== 'keras-3' && cfg.invert === true ? 'uses invert, which tf.keras before 2.12 does not have' : axisListNote(cfg, dialect)),
  },
  Rescaling: {
    keys: sameKeys(['scale', 'offset']),
    defaults: () => ({ offset: 0 }),
    schema: { required: ['scale'], properties: { scale: NUMBERS, offset: NUMBERS } },
  },
};

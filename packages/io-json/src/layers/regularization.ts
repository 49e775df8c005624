/** Keras' regularization layers in every era: Dropout (Keras 1 called its rate `p`). */
import type { LayerFormat } from './format.js';

export const regularizationFormats: Readonly<Record<string, LayerFormat>> = {
  Dropout: {
    keys: { 'keras-2.0': ['rate'], 'keras-2': ['rate', 'noise_shape', 'seed'], 'keras-3': ['rate', 'seed', 'noise_shape'] },
    defaults: () => ({ seed: null, noise_shape: null }),
    schema: {
      anyOf: [{ required: ['rate'] }, { required: ['p'] }],
      properties: {
        rate: { $ref: '#/$defs/rate' },
        p: { $ref: '#/$defs/rate' },
        noise_shape: { $ref: '#/$defs/shapeOrNull' },
        seed: { anyOf: [{ type: 'integer' }, { type: 'null' }] },
      },
    },
    normalize: (cfg, era) => {
      if (era.keras1 && 'p' in cfg) {
        cfg.rate = cfg.p!;
        delete cfg.p;
      }
    },
  },
};

/** Keras' activation layers in every era. */
import type { Dialect, LayerFormat } from './format.js';
import { sameKeys } from './format.js';

const NUM = { type: 'number' };
const OBJ = { $ref: '#/$defs/objectOrNull' };

/** Keras 2.0.8 (what the keras-2.0 dialect targets) has neither a ReLU nor a Softmax layer. */
const notIn208 = (cls: string) => (_cfg: unknown, dialect: Dialect): string | null =>
  dialect === 'keras-2.0' ? `Keras 2.0.8 has no ${cls} layer (it arrived in Keras 2.1/2.2); write the keras-2 or keras-3 dialect` : null;

export const activationFormats: Readonly<Record<string, LayerFormat>> = {
  Activation: {
    keys: sameKeys(['activation']),
    schema: { required: ['activation'], properties: { activation: { $ref: '#/$defs/activation' } } },
  },
  ReLU: {
    keys: sameKeys(['max_value', 'negative_slope', 'threshold']),
    schema: { properties: { max_value: { anyOf: [{ type: 'number', minimum: 0 }, { type: 'null' }] }, negative_slope: { type: 'number', minimum: 0 }, threshold: { type: 'number', minimum: 0 } } },
    dialectNote: notIn208('ReLU'),
  },
  LeakyReLU: {
    // Keras 1/2 and tf.keras call the slope `alpha`; Keras 3 `negative_slope` (and still reads `alpha`).
    keys: { 'keras-2.0': ['alpha'], 'keras-2': ['alpha'], 'keras-3': ['negative_slope'] },
    schema: { properties: { alpha: NUM, negative_slope: NUM } },
    normalize: (cfg) => {
      if (cfg.negative_slope === undefined && cfg.alpha !== undefined) cfg.negative_slope = cfg.alpha;
      delete cfg.alpha;
    },
    write: (out, src, dialect) => {
      if (dialect !== 'keras-3') out.alpha = src.negative_slope ?? 0.3;
    },
  },
  PReLU: {
    keys: sameKeys(['alpha_initializer', 'alpha_regularizer', 'alpha_constraint', 'shared_axes']),
    schema: {
      properties: {
        alpha_initializer: { $ref: '#/$defs/initializer' },
        alpha_regularizer: OBJ,
        alpha_constraint: OBJ,
        shared_axes: { anyOf: [{ type: 'integer', minimum: 1 }, { type: 'array', items: { type: 'integer', minimum: 1 } }, { type: 'null' }] },
      },
    },
    normalize: (cfg, era) => {
      // Keras 1's `init` arrives renamed to kernel_initializer (the Keras 1 rename table).
      if (era.keras1 && cfg.kernel_initializer !== undefined && cfg.alpha_initializer === undefined) cfg.alpha_initializer = cfg.kernel_initializer;
      delete cfg.kernel_initializer;
    },
  },
  ELU: {
    keys: sameKeys(['alpha']),
    schema: { properties: { alpha: NUM } },
    write: (out, _src, dialect) => {
      // Keras 3's ELU has no get_config: its auto-config writes the __init__ arguments right after `name`.
      if (dialect !== 'keras-3') return;
      const entries = Object.entries(out);
      for (const [k] of entries) delete out[k];
      const first = entries.filter(([k]) => k === 'name' || k === 'alpha');
      for (const [k, v] of [...first, ...entries.filter(([k]) => k !== 'name' && k !== 'alpha')]) out[k] = v;
    },
  },
  Softmax: {
    keys: sameKeys(['axis']),
    schema: { properties: { axis: { anyOf: [{ type: 'integer' }, { type: 'array', items: { type: 'integer' }, minItems: 1 }] } } },
    dialectNote: notIn208('Softmax'),
  },
  ThresholdedReLU: {
    keys: sameKeys(['theta']),
    schema: { properties: { theta: NUM } },
    dialectNote: (_cfg, dialect) => (dialect === 'keras-3' ? 'Keras 3 has no ThresholdedReLU class and cannot load it (its ReLU(threshold=θ) computes the same)' : null),
  },
};

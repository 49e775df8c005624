/**
 * Keras' regularization layers in every era: Dropout, SpatialDropout1D/2D/3D, GaussianNoise,
 * GaussianDropout, AlphaDropout, ActivityRegularization. Keras 1 called a rate `p` and GaussianNoise's
 * deviation `sigma`.
 */
import type { JsonObject } from '@kerasts/layers';
import type { EraInfo, LayerFormat } from './format.js';

const rateSchema = {
  anyOf: [{ required: ['rate'] }, { required: ['p'] }],
  properties: {
    rate: { $ref: '#/$defs/rate' },
    p: { $ref: '#/$defs/rate' },
    noise_shape: { $ref: '#/$defs/shapeOrNull' },
    seed: { anyOf: [{ type: 'integer' }, { type: 'null' }] },
  },
} as const;

/** Keras 1's `p` is the rate (Keras 1 configs of these layers may carry no other Keras 1 mark). */
function keras1Rate(cfg: JsonObject): void {
  if ('p' in cfg && !('rate' in cfg)) {
    cfg.rate = cfg.p!;
    delete cfg.p;
  }
}

/** Keras 1's dim_ordering (th/tf) as Keras 2's data_format. */
function keras1DataFormat(cfg: JsonObject): void {
  if (typeof cfg.dim_ordering === 'string') {
    if (cfg.data_format === undefined) cfg.data_format = cfg.dim_ordering === 'th' ? 'channels_first' : 'channels_last';
    delete cfg.dim_ordering;
  }
}

/**
 * SpatialDropout: Keras 3's class takes only (rate, seed, name, dtype[, data_format]), so no dialect
 * writes `trainable` or `noise_shape` (tf.keras and Keras 2 read it fine without them).
 */
function spatial(withDataFormat: boolean): LayerFormat {
  const df = withDataFormat ? ['data_format'] : [];
  return {
    keys: { 'keras-2.0': ['rate', ...df], 'keras-2': ['rate', 'seed', ...df], 'keras-3': ['rate', 'seed', ...df] },
    defaults: () => ({ seed: null, data_format: 'channels_last' }),
    omitBaseKeys: ['trainable'],
    schema: { ...rateSchema, properties: { ...rateSchema.properties, data_format: { enum: ['channels_last', 'channels_first'] }, dim_ordering: { enum: ['th', 'tf', 'default'] } } },
    normalize: (cfg: JsonObject, _era: EraInfo) => {
      keras1Rate(cfg);
      keras1DataFormat(cfg);
      if (cfg.noise_shape === null) delete cfg.noise_shape;
    },
  };
}

export const regularizationFormats: Readonly<Record<string, LayerFormat>> = {
  Dropout: {
    keys: { 'keras-2.0': ['rate'], 'keras-2': ['rate', 'noise_shape', 'seed'], 'keras-3': ['rate', 'seed', 'noise_shape'] },
    defaults: () => ({ seed: null, noise_shape: null }),
    schema: rateSchema,
    normalize: (cfg) => keras1Rate(cfg),
  },
  SpatialDropout1D: spatial(false),
  SpatialDropout2D: spatial(true),
  SpatialDropout3D: spatial(true),
  GaussianNoise: {
    // Keras 2.x's GaussianNoise takes no seed; Keras 3 adds it.
    keys: { 'keras-2.0': ['stddev'], 'keras-2': ['stddev'], 'keras-3': ['stddev', 'seed'] },
    defaults: () => ({ seed: null }),
    schema: {
      anyOf: [{ required: ['stddev'] }, { required: ['sigma'] }],
      properties: { stddev: { type: 'number', minimum: 0 }, sigma: { type: 'number', minimum: 0 }, seed: { anyOf: [{ type: 'integer' }, { type: 'null' }] } },
    },
    normalize: (cfg) => {
      if ('sigma' in cfg && !('stddev' in cfg)) {
        cfg.stddev = cfg.sigma!;
        delete cfg.sigma;
      }
    },
  },
  GaussianDropout: {
    keys: { 'keras-2.0': ['rate'], 'keras-2': ['rate'], 'keras-3': ['rate', 'seed'] },
    defaults: () => ({ seed: null }),
    schema: rateSchema,
    normalize: (cfg) => keras1Rate(cfg),
  },
  AlphaDropout: {
    keys: { 'keras-2.0': ['rate'], 'keras-2': ['rate'], 'keras-3': ['rate', 'seed', 'noise_shape'] },
    defaults: () => ({ seed: null, noise_shape: null }),
    schema: rateSchema,
    normalize: (cfg) => keras1Rate(cfg),
  },
  ActivityRegularization: {
    keys: { 'keras-2.0': ['l1', 'l2'], 'keras-2': ['l1', 'l2'], 'keras-3': ['l1', 'l2'] },
    schema: { properties: { l1: { type: 'number', minimum: 0 }, l2: { type: 'number', minimum: 0 } } },
    normalize: (cfg) => {
      // Keras 2 wrote the activity_regularizer it builds from l1/l2; the layer makes it again.
      delete cfg.activity_regularizer;
    },
  },
};

/**
 * Keras' normalization layers in every era: BatchNormalization (Keras 1's `mode` and `*_init`
 * names, tf.keras' list `axis`), LayerNormalization, GroupNormalization, UnitNormalization.
 */
import type { JsonObject } from '@kerasts/layers';
import type { LayerFormat, SchemaFragment } from './format.js';
import { axisListNote, sameKeys } from './format.js';

const AXIS: SchemaFragment = { anyOf: [{ type: 'integer' }, { type: 'array', items: { type: 'integer' } }] };
const INIT: SchemaFragment = { $ref: '#/$defs/initializer' };
const OBJ: SchemaFragment = { $ref: '#/$defs/objectOrNull' };
const GAMMA_BETA = {
  center: { type: 'boolean' },
  scale: { type: 'boolean' },
  epsilon: { type: 'number', minimum: 0 },
  beta_initializer: INIT,
  gamma_initializer: INIT,
  beta_regularizer: OBJ,
  gamma_regularizer: OBJ,
  beta_constraint: OBJ,
  gamma_constraint: OBJ,
};

const BN_KEYS_2 = [
  'axis', 'momentum', 'epsilon', 'center', 'scale', 'beta_initializer', 'gamma_initializer', 'moving_mean_initializer',
  'moving_variance_initializer', 'beta_regularizer', 'gamma_regularizer', 'beta_constraint', 'gamma_constraint',
];

/** tf.keras writes the axis as a list after building (`[3]`); one entry is the plain int Keras 3 takes. */
function singleAxis(cfg: JsonObject): void {
  if (Array.isArray(cfg.axis) && cfg.axis.length === 1 && typeof cfg.axis[0] === 'number') cfg.axis = cfg.axis[0];
}

const LN_KEYS_2 = ['axis', 'epsilon', 'center', 'scale', 'beta_initializer', 'gamma_initializer', 'beta_regularizer', 'gamma_regularizer', 'beta_constraint', 'gamma_constraint'];
const LN_KEYS_3 = ['axis', 'epsilon', 'center', 'scale', 'rms_scaling', 'beta_initializer', 'gamma_initializer', 'beta_regularizer', 'gamma_regularizer', 'beta_constraint', 'gamma_constraint'];
const GN_KEYS = ['groups', 'axis', 'epsilon', 'center', 'scale', 'beta_initializer', 'gamma_initializer', 'beta_regularizer', 'gamma_regularizer', 'beta_constraint', 'gamma_constraint'];

export const normalizationFormats: Readonly<Record<string, LayerFormat>> = {
  BatchNormalization: {
    keys: { 'keras-2.0': BN_KEYS_2, 'keras-2': BN_KEYS_2, 'keras-3': [...BN_KEYS_2, 'synchronized'] },
    defaults: () => ({ synchronized: false }),
    schema: {
      properties: {
        ...GAMMA_BETA,
        axis: AXIS,
        momentum: { type: 'number' },
        moving_mean_initializer: INIT,
        moving_variance_initializer: INIT,
        synchronized: { type: 'boolean' },
        renorm: { type: 'boolean' },
        renorm_clipping: { anyOf: [{ type: 'object' }, { type: 'null' }] },
        renorm_momentum: { type: 'number' },
        virtual_batch_size: { anyOf: [{ type: 'integer', minimum: 1 }, { type: 'null' }] },
        fused: { anyOf: [{ type: 'boolean' }, { type: 'null' }] },
        // Keras 1
        mode: { enum: [0, 1, 2] },
        beta_init: INIT,
        gamma_init: INIT,
      },
    },
    normalize: (cfg) => {
      // Keras 1: beta_init/gamma_init (K2.0.8 legacy_batchnorm_support); `mode` stays for the layer to check.
      if ('beta_init' in cfg) {
        cfg.beta_initializer ??= cfg.beta_init!;
        delete cfg.beta_init;
      }
      if ('gamma_init' in cfg) {
        cfg.gamma_initializer ??= cfg.gamma_init!;
        delete cfg.gamma_init;
      }
      if (cfg.mode === 0) delete cfg.mode;
      singleAxis(cfg);
      // tf.keras/Keras 3 keys with no effect on what is computed.
      delete cfg.fused;
      delete cfg.adjustment;
      if (cfg.renorm === false) {
        delete cfg.renorm;
        delete cfg.renorm_clipping;
        delete cfg.renorm_momentum;
      }
      if (cfg.virtual_batch_size === null) delete cfg.virtual_batch_size;
    },
    dialectNote: (cfg) =>
      Array.isArray(cfg.axis) && cfg.axis.length > 1
        ? `normalizes over several axes (${JSON.stringify(cfg.axis)}), which only tf.keras 2.x can express; Keras 2.0 and Keras 3 take one axis`
        : null,
  },
  LayerNormalization: {
    keys: { 'keras-2.0': LN_KEYS_2, 'keras-2': LN_KEYS_2, 'keras-3': LN_KEYS_3 },
    defaults: () => ({ rms_scaling: false }),
    schema: { properties: { ...GAMMA_BETA, axis: AXIS, rms_scaling: { type: 'boolean' } } },
    normalize: (cfg) => {
      if (cfg.rms_scaling === false) delete cfg.rms_scaling;
    },
    dialectNote: (cfg, dialect) => (dialect !== 'keras-3' && cfg.rms_scaling === true ? 'uses rms_scaling, which only Keras 3 has' : axisListNote(cfg, dialect)),
  },
  GroupNormalization: {
    keys: sameKeys(GN_KEYS),
    schema: { properties: { ...GAMMA_BETA, groups: { type: 'integer', minimum: -1 }, axis: { type: 'integer' } } },
  },
  UnitNormalization: {
    keys: sameKeys(['axis']),
    schema: { properties: { axis: AXIS } },
    dialectNote: axisListNote,
  },
};

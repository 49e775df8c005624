import type { JsonObject } from '../engine/json.js';
import { imageLayerArgs, imageOptionsFromConfig, RandomImageLayer, type ArgTable, type ImageLayerOptions, type Factor, type ValueRange } from './image-base.js';

/** Options of {@link RandomElasticTransform} (Keras' arguments in camelCase). */
export interface RandomElasticTransformOptions extends ImageLayerOptions {
  /** Probability range of a distortion (default 1). */
  factor?: Factor;
  /** Displacement strength range (default 1). */
  scale?: Factor;
  /** Default `bilinear`. */
  interpolation?: 'bilinear' | 'nearest';
  /** Default `reflect`. */
  fillMode?: 'reflect' | 'wrap' | 'constant' | 'nearest';
  /** Default 0. */
  fillValue?: number;
  /** Pixel range (default `[0, 255]`). */
  valueRange?: ValueRange;
  seed?: number | null;
}

const TABLE: ArgTable = {
  className: 'RandomElasticTransform',
  prefix: 'random_elastic_transform',
  positional: ['factor'],
  args: [
    { key: 'factor', option: 'factor', kind: 'factor', dflt: 1 },
    { key: 'scale', option: 'scale', kind: 'factor', dflt: 1 },
    { key: 'interpolation', option: 'interpolation', kind: { oneOf: ['bilinear', 'nearest'] }, dflt: "bilinear" },
    { key: 'fill_mode', option: 'fillMode', kind: { oneOf: ['reflect', 'wrap', 'constant', 'nearest'] }, dflt: "reflect" },
    { key: 'fill_value', option: 'fillValue', kind: 'number', dflt: 0 },
    { key: 'value_range', option: 'valueRange', kind: 'range', dflt: [0, 255] },
    { key: 'seed', option: 'seed', kind: 'seed', dflt: null },
  ],
};

/**
 * Distorts images elastically at random in training (Keras 3's `RandomElasticTransform`);
 * the identity at inference, as in Keras. kerasts does not implement this transform: in training
 * (`fit`) the layer is the identity too (see {@link RandomImageLayer.augmentsInTraining}). The
 * config is kept as Keras wrote it, so a saved model still augments when Keras loads it.
 */
export class RandomElasticTransform extends RandomImageLayer {
  readonly className: string = 'RandomElasticTransform';

  /** `new RandomElasticTransform(factor, options?)` or `new RandomElasticTransform({ ... })`. */
  constructor(factor?: Factor, options?: Omit<RandomElasticTransformOptions, 'factor'>);
  constructor(options?: RandomElasticTransformOptions);
  constructor(a?: Factor | RandomElasticTransformOptions, more?: Omit<RandomElasticTransformOptions, 'factor'>) {
    super(TABLE, imageLayerArgs<RandomElasticTransformOptions>(TABLE, [a, more]));
  }

  /** Build from a canonical Keras config. */
  static fromConfig(config: JsonObject): RandomElasticTransform {
    return new RandomElasticTransform(imageOptionsFromConfig(TABLE, config) as unknown as RandomElasticTransformOptions);
  }
}

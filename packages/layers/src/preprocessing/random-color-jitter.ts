import type { JsonObject } from '../engine/json.js';
import type { Keras3VariableTree } from '../engine/layer.js';
import { uniqueName } from '../engine/naming.js';
import { imageLayerArgs, imageOptionsFromConfig, RandomImageLayer, type ArgTable, type ImageLayerOptions, type Factor, type ValueRange } from './image-base.js';

/** Options of {@link RandomColorJitter} (Keras' arguments in camelCase). */
export interface RandomColorJitterOptions extends ImageLayerOptions {
  /** Pixel range (default `[0, 255]`). */
  valueRange?: ValueRange;
  /** As RandomBrightness' factor; null: none. */
  brightnessFactor?: Factor | null;
  /** As RandomContrast's factor; null: none. */
  contrastFactor?: Factor | null;
  /** As RandomSaturation's factor; null: none. */
  saturationFactor?: Factor | null;
  /** As RandomHue's factor; null: none. */
  hueFactor?: Factor | null;
  seed?: number | null;
}

const TABLE: ArgTable = {
  className: 'RandomColorJitter',
  prefix: 'random_color_jitter',
  positional: [],
  args: [
    { key: 'value_range', option: 'valueRange', kind: 'range', dflt: [0, 255] },
    { key: 'brightness_factor', option: 'brightnessFactor', kind: 'factorOrNull', dflt: null },
    { key: 'contrast_factor', option: 'contrastFactor', kind: 'factorOrNull', dflt: null },
    { key: 'saturation_factor', option: 'saturationFactor', kind: 'factorOrNull', dflt: null },
    { key: 'hue_factor', option: 'hueFactor', kind: 'factorOrNull', dflt: null },
    { key: 'seed', option: 'seed', kind: 'seed', dflt: null },
  ],
};

/**
 * Changes brightness, contrast, saturation and hue at random in training (Keras 3's `RandomColorJitter`);
 * the identity at inference, as in Keras. kerasts does not implement this transform: in training
 * (`fit`) the layer is the identity too (see {@link RandomImageLayer.augmentsInTraining}). The
 * config is kept as Keras wrote it, so a saved model still augments when Keras loads it.
 */
export class RandomColorJitter extends RandomImageLayer {
  readonly className: string = 'RandomColorJitter';

  /** `new RandomColorJitter({ ... })`. */
  constructor(options?: RandomColorJitterOptions) {
    super(TABLE, imageLayerArgs<RandomColorJitterOptions>(TABLE, [options]));
    // Keras 3 builds one sub-layer per factor given, named from its session counter, in this order.
    for (const [key, cls] of [['brightness_factor', 'random_brightness'], ['contrast_factor', 'random_contrast'], ['saturation_factor', 'random_saturation'], ['hue_factor', 'random_hue']] as const) {
      if (this.arg(key) !== null) this.subLayers.push({ key: cls, name: uniqueName(cls) });
    }
  }

  /** The sub-layers Keras 3 creates (attribute and layer name); they hold no variables. */
  private readonly subLayers: { key: string; name: string }[] = [];

  /** Keras 3's `.weights.h5` layout: an empty `vars` group per sub-layer (`random_brightness`, ...). */
  override keras3VariableTree(): Keras3VariableTree {
    return { name: this.name, variables: [], children: this.subLayers.map((s) => ({ key: s.key, tree: { name: s.name, variables: [], children: [] } })) };
  }

  /** Build from a canonical Keras config. */
  static fromConfig(config: JsonObject): RandomColorJitter {
    return new RandomColorJitter(imageOptionsFromConfig(TABLE, config) as unknown as RandomColorJitterOptions);
  }
}

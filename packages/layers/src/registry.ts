import { ConfigError, UnsupportedError } from '@kerasts/tensor';
import { activationLayers } from './activations/index.js';
import { convolutionalLayers } from './convolutional/index.js';
import { coreLayers } from './core/index.js';
import { KERAS_LAYER_CLASSES } from './keras-classes.js';
import type { JsonObject } from './engine/json.js';
import type { Layer, LayerFactory } from './engine/layer.js';
import { mergingLayers } from './merging/index.js';
import { poolingLayers } from './pooling/index.js';
import { normalizationLayers } from './normalization/index.js';
import { preprocessingLayers } from './preprocessing/index.js';
import { regularizationLayers } from './regularization/index.js';
import { reshapingLayers } from './reshaping/index.js';
import { rnnLayers } from './rnn/index.js';

export type { LayerFactory } from './engine/layer.js';

// One list per Keras family (a family's index.ts says what it adds); a new family is one line here.
const registry = new Map<string, LayerFactory>([...coreLayers, ...activationLayers, ...regularizationLayers, ...rnnLayers, ...mergingLayers, ...reshapingLayers, ...convolutionalLayers, ...poolingLayers, ...normalizationLayers, ...preprocessingLayers]);

/**
 * Register a layer class under its Keras `class_name` (e.g. a custom layer written in TypeScript),
 * so that configs naming it can be loaded. Registering an existing name replaces it.
 */
export function registerLayer(className: string, factory: LayerFactory): void {
  registry.set(className, factory);
}

/** Is a Keras class name registered? */
export function isLayerRegistered(className: string): boolean {
  return registry.has(className);
}

/** All registered Keras class names. */
export function registeredLayers(): string[] {
  return [...registry.keys()];
}

/** Build a layer from `class_name` and canonical config; unknown classes throw an UnsupportedError. */
export function deserializeLayer(className: string, config: JsonObject, where = ''): Layer {
  const factory = registry.get(className);
  if (!factory) {
    const name = typeof config.name === 'string' ? ` "${config.name}"` : '';
    if (className === 'Lambda') {
      throw new UnsupportedError(
        `unsupported: layer class "Lambda"${name} holds Python code, which kerasts never runs; rebuild the model without it, or implement its function in TypeScript and register it with registerLayer("Lambda", factory)`,
        where,
      );
    }
    if (KERAS_LAYER_CLASSES.has(className)) {
      throw new UnsupportedError(`unsupported: the Keras layer class "${className}"${name} is not supported yet by kerasts (supported: ${registeredLayers().join(', ')})`, where);
    }
    throw new UnsupportedError(
      `unsupported: layer class "${className}"${name} is not a Keras built-in and is not registered (a custom layer?); implement it in TypeScript and call registerLayer("${className}", factory) before loading`,
      where,
    );
  }
  try {
    return factory(config);
  } catch (e) {
    // Wrappers build their wrapped layers through here too: say where the outer layer is.
    if (where && (e instanceof UnsupportedError || e instanceof ConfigError) && !e.message.startsWith(where)) {
      throw e instanceof UnsupportedError ? new UnsupportedError(e.message, where) : new ConfigError(e.message, where);
    }
    throw e;
  }
}

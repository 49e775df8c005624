import { ConfigError, KerastsError, UnsupportedError, withContext } from '@kerasts/tensor';
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
import { operationLayers } from './operations/index.js';
import { applicationLayers } from './applications/index.js';

export type { LayerFactory } from './engine/layer.js';

// One list per Keras family (a family's index.ts says what it adds); a new family is one line here.
const registry = new Map<string, LayerFactory>([...coreLayers, ...activationLayers, ...regularizationLayers, ...rnnLayers, ...mergingLayers, ...reshapingLayers, ...convolutionalLayers, ...poolingLayers, ...normalizationLayers, ...preprocessingLayers, ...operationLayers, ...applicationLayers]);

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
  const name = typeof config.name === 'string' ? `layer "${config.name}" (${className})` : `a ${className} layer`;
  try {
    return factory(config);
  } catch (err) {
    // errors from a layer's options name the layer; this adds the file and position. Anything
    // untyped (a factory's bug on an input it did not expect) still reaches the user typed.
    if (err instanceof KerastsError) {
      const mentioned = typeof config.name === 'string' && err.message.includes(config.name);
      throw withContext(err, mentioned ? where : where ? `${where}: ${name}` : name);
    }
    const e = new ConfigError(`${name} cannot be built from its config: ${err instanceof Error ? `${err.name}: ${err.message}` : String(err)}`, where);
    (e as { cause?: unknown }).cause = err;
    throw e;
  }
}

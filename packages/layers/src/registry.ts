import { UnsupportedError } from '@kerasts/tensor';
import { activationLayers } from './activations/index.js';
import { coreLayers } from './core/index.js';
import type { JsonObject } from './engine/json.js';
import type { Layer, LayerFactory } from './engine/layer.js';
import { mergingLayers } from './merging/index.js';
import { regularizationLayers } from './regularization/index.js';
import { reshapingLayers } from './reshaping/index.js';
import { rnnLayers } from './rnn/index.js';

export type { LayerFactory } from './engine/layer.js';

// One list per Keras family (a family's index.ts says what it adds); a new family is one line here.
const registry = new Map<string, LayerFactory>([...coreLayers, ...activationLayers, ...regularizationLayers, ...rnnLayers, ...mergingLayers, ...reshapingLayers]);

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
    throw new UnsupportedError(
      `unsupported: layer class "${className}"${name} is not known to kerasts (supported: ${registeredLayers().join(', ')}); ` +
        `if it is a custom layer, implement it and call registerLayer("${className}", factory) before loading`,
      where,
    );
  }
  return factory(config);
}

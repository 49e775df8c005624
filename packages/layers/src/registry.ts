import { UnsupportedError } from '@kerasts/tensor';
import { Activation, Dense, Dropout, InputLayer } from './core.js';
import type { JsonObject } from './json.js';
import type { Layer } from './layer.js';
import { LSTM } from './lstm.js';
import { Add, Average, Concatenate, Maximum, Minimum, Multiply, Subtract } from './merge.js';

/** Builds a layer from its canonical Keras config. */
export type LayerFactory = (config: JsonObject) => Layer;

const registry = new Map<string, LayerFactory>([
  ['InputLayer', InputLayer.fromConfig],
  ['Dense', Dense.fromConfig],
  ['LSTM', LSTM.fromConfig],
  ['Dropout', Dropout.fromConfig],
  ['Activation', Activation.fromConfig],
  ['Concatenate', Concatenate.fromConfig],
  ['Add', Add.fromConfig],
  ['Subtract', Subtract.fromConfig],
  ['Multiply', Multiply.fromConfig],
  ['Average', Average.fromConfig],
  ['Maximum', Maximum.fromConfig],
  ['Minimum', Minimum.fromConfig],
  // Keras 2's GPU-only CuDNNLSTM computes an LSTM with sigmoid gates and tanh; its weights are converted
  // on load (bias halves summed, kernels re-laid out; see @kerasts/transfer).
  ['CuDNNLSTM', (config) => LSTM.fromConfig({ ...config, activation: 'tanh', recurrent_activation: 'sigmoid', unit_forget_bias: config.unit_forget_bias ?? true })],
]);

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

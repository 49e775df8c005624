/**
 * Every family's mappings and refusals, joined. A layer class registered in @kerasts/layers must have
 * one or the other (test/registry.test.ts checks it against the live registry).
 */
import type { LayerMapping } from '../mapping.js';
import { activationMappings, activationRefusals } from './activations.js';
import { convolutionalMappings, convolutionalRefusals } from './convolutional.js';
import { coreMappings, coreRefusals } from './core.js';
import { mergingMappings, mergingRefusals } from './merging.js';
import { normalizationMappings, normalizationRefusals } from './normalization.js';
import { poolingMappings, poolingRefusals } from './pooling.js';
import { preprocessingMappings, preprocessingRefusals } from './preprocessing.js';
import { regularizationMappings, regularizationRefusals } from './regularization.js';
import { reshapingMappings, reshapingRefusals } from './reshaping.js';
import { rnnMappings, rnnRefusals } from './rnn.js';
import { operationMappings, operationRefusals } from './operations.js';
import { applicationMappings, applicationRefusals } from './applications.js';

const mappings = new Map<string, LayerMapping>([
  ...coreMappings,
  ...activationMappings,
  ...regularizationMappings,
  ...rnnMappings,
  ...mergingMappings,
  ...reshapingMappings,
  ...convolutionalMappings,
  ...poolingMappings,
  ...normalizationMappings,
  ...preprocessingMappings,
  ...operationMappings,
  ...applicationMappings,
]);

const refusals = new Map<string, string>([
  ...coreRefusals,
  ...activationRefusals,
  ...regularizationRefusals,
  ...rnnRefusals,
  ...mergingRefusals,
  ...reshapingRefusals,
  ...convolutionalRefusals,
  ...poolingRefusals,
  ...normalizationRefusals,
  ...preprocessingRefusals,
  ...operationRefusals,
  ...applicationRefusals,
]);

/** The mapping of a Keras class, or undefined. */
export function mappingFor(className: string): LayerMapping | undefined {
  return mappings.get(className);
}

/** Why a Keras class cannot be expressed in ONNX, or undefined when it can (or is unknown). */
export function refusalFor(className: string): string | undefined {
  return refusals.get(className);
}

/**
 * Add or replace the ONNX mapping of a layer class (a custom layer registered with `registerLayer`).
 * The mapping writes the layer's call into the graph (see {@link LayerMapping}).
 */
export function registerOnnxMapping(className: string, mapping: LayerMapping): void {
  refusals.delete(className);
  mappings.set(className, mapping);
}

/** Class names with an ONNX mapping. */
export function onnxMappedClasses(): string[] {
  return [...mappings.keys()];
}

/** Class names ONNX cannot express, with the reason. */
export function onnxRefusedClasses(): [string, string][] {
  return [...refusals.entries()];
}

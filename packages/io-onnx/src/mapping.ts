/**
 * What a per-layer mapping receives and returns. One mapping per Keras class, in files by family
 * (`layers/<family>.ts`); `layers/index.ts` joins them, with the classes ONNX cannot express.
 */
import type { KerasEra, Layer, Shape } from '@kerasts/layers';
import type { HardSigmoidVariant } from '@kerasts/tensor';
import type { GraphBuilder } from './graph.js';

/** A tensor in the graph being built: its ONNX value name and its Keras shape (null = unknown, as the batch). */
export interface OnnxValue {
  readonly name: string;
  readonly shape: Shape;
}

/** How masked RNN steps output, as kerasts' `CallContext.maskedOutput` says (see @kerasts/layers). */
export type MaskedOutput = 'state' | 'previous';

/** The model-wide facts a mapping needs. */
export interface ExportContext {
  readonly g: GraphBuilder;
  /** Which hard_sigmoid the model's Keras computes. */
  readonly hardSigmoid: HardSigmoidVariant;
  /** Which Keras' mask rules apply. */
  readonly era: KerasEra;
  /** What masked RNN steps output in this model's Keras (when zero_output_for_mask is off). */
  readonly maskedOutput: MaskedOutput;
  /** Use ONNX's LSTM/GRU/RNN operators where they compute the same function. */
  readonly nativeRecurrentOps: boolean;
  /** Record a warning (the export goes on). */
  warn(message: string): void;
  /**
   * Export a call of another layer (a wrapper's inner layer) through the registry, with kerasts'
   * default masks filled in; `inputs` carry the shapes the inner layer sees.
   */
  callLayer(layer: Layer, inputs: readonly OnnxValue[], masks: readonly (string | null)[]): { outputs: readonly string[]; masks: readonly (string | null)[] };
}

/** One call of a layer to export. */
export interface LayerCall<L extends Layer = Layer> {
  readonly layer: L;
  /** The call's tensors: the data first, then (RNNs) initial states. Merge layers: every input. */
  readonly inputs: readonly OnnxValue[];
  /** Masks of the inputs (ONNX bool tensors over their leading axes), null where there is none. */
  readonly masks: readonly (string | null)[];
  /** Keras shapes of the call's outputs. */
  readonly outputShapes: readonly Shape[];
}

/** What a mapping returns: one ONNX value per output, and (optionally) their masks. */
export interface LayerExport {
  readonly outputs: readonly string[];
  /**
   * The outputs' masks. Omit them for a layer whose mask follows kerasts' default (passed on when
   * the layer supports masking, else dropped); a layer that computes masks must give them.
   */
  readonly masks?: readonly (string | null)[];
}

/** Writes one layer call into the graph. */
export type LayerMapping<L extends Layer = Layer> = (ctx: ExportContext, call: LayerCall<L>) => LayerExport;

/** A family's mappings, keyed by Keras class name. */
export type MappingTable = readonly (readonly [string, LayerMapping])[];

/** Classes a family registers that ONNX cannot express, with the reason. */
export type RefusalTable = readonly (readonly [string, string])[];

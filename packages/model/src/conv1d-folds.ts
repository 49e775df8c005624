/**
 * Where a model's inference pass may compute Embedding → Conv1D as one step (`@kerasts/layers`'
 * `embeddingConv1D`: the convolution from kept per-token projections of the embedding table).
 *
 * The fold stands for the two layers only when nothing else sees the embedded sequence: the
 * Embedding's output reaches only the Conv1D, through nothing but layers that are the identity at
 * inference (Dropout, SpatialDropout1D, GaussianNoise, ...), and none of those tensors is a model
 * output. Training passes never fold (they need the embedded sequence for gradients).
 */
import { embeddingConv1D, foldsIntoConv1D, isInferenceIdentity, type CallContext, type Conv1D, type Embedding, type Layer, type LayerNode, type SymbolicTensor } from '@kerasts/layers';
import type { Tensor } from '@kerasts/tensor';

/**
 * In a Sequential stack: the index of the Conv1D that `stack[i]` (an Embedding) folds into, or -1.
 */
export function sequentialConv1DFold(stack: readonly Layer[], i: number): number {
  let j = i + 1;
  while (j < stack.length && isInferenceIdentity(stack[j]!)) j++;
  return j < stack.length && foldsIntoConv1D(stack[i]!, stack[j]!) ? j : -1;
}

/** A foldable chain of a functional graph: an Embedding's output → identities → a Conv1D. */
export interface Conv1DFoldChain {
  readonly conv: LayerNode;
  /** The nodes the fold computes (the identities and the Conv1D). */
  readonly covered: readonly LayerNode[];
}

/** The chains that start at one Embedding node. */
export interface EmbeddingFolds {
  readonly chains: readonly Conv1DFoldChain[];
  /**
   * Whether the chains are every use of the embedded sequence (then, when every chain folds, the
   * Embedding node itself need not run; else it runs for its other consumers).
   */
  readonly complete: boolean;
}

/**
 * In a functional graph (nodes in execution order): by Embedding node, the chains Embedding →
 * identities → Conv1D in which every tensor after the Embedding's has exactly one consumer and is
 * not a model output (so nothing else needs it). An Embedding may feed several (Kim's text CNN: one
 * Conv1D per window size). Layer classes are checked here; whether the layers are built (weights,
 * shapes) is checked per call by {@link runConv1DFold}.
 */
export function functionalConv1DFolds(order: readonly LayerNode[], outputs: readonly SymbolicTensor[]): Map<LayerNode, EmbeddingFolds> {
  const consumers = new Map<SymbolicTensor, LayerNode[]>();
  for (const node of order) for (const t of node.inputs) consumers.set(t, [...(consumers.get(t) ?? []), node]);
  const usersOf = (t: SymbolicTensor): readonly LayerNode[] => consumers.get(t) ?? [];
  // the only consumer of a node's single output, when nothing else (not a model output) uses it
  const soleUser = (node: LayerNode): LayerNode | null => {
    if (node.outputs.length !== 1 || outputs.includes(node.outputs[0]!)) return null;
    const users = usersOf(node.outputs[0]!);
    return users.length === 1 ? users[0]! : null;
  };
  const folds = new Map<LayerNode, EmbeddingFolds>();
  for (const node of order) {
    if (node.inputs.length !== 1 || node.outputs.length !== 1 || node.layer.className !== 'Embedding') continue;
    const embedded = node.outputs[0]!;
    const users = usersOf(embedded);
    const chains: Conv1DFoldChain[] = [];
    for (const first of new Set(users)) {
      const covered: LayerNode[] = [];
      let n: LayerNode | null = first;
      while (n !== null && n.inputs.length === 1 && isInferenceIdentity(n.layer)) {
        covered.push(n);
        n = soleUser(n);
      }
      if (n === null || n.inputs.length !== 1 || n.layer.className !== 'Conv1D' || n.outputs.length !== 1) continue;
      covered.push(n);
      chains.push({ conv: n, covered });
    }
    if (chains.length === 0) continue;
    const complete = !outputs.includes(embedded) && chains.length === users.length;
    folds.set(node, { chains, complete });
  }
  return folds;
}

/**
 * `conv(embedding(tokens))` through the fold when the two layers allow it now, else null (the caller
 * runs the layers one by one). Inference only.
 */
export function runConv1DFold(embedding: Layer, conv: Layer, tokens: Tensor, ctx: CallContext): Tensor | null {
  if (ctx.training || !foldsIntoConv1D(embedding, conv)) return null;
  return embeddingConv1D(embedding as Embedding, conv as Conv1D, tokens, ctx);
}

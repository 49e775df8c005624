/**
 * Embedding → Conv1D at inference, computed from per-token projections of the embedding table
 * (`@kerasts/tensor`'s `tokenProjection` / `tokenConv1d`) instead of convolving the embedded sequence.
 *
 * A text CNN's first convolution multiplies every window of embedded tokens by the kernel: for W7
 * (Embedding(20000, 128) → Conv1D(128, 5)) 2 GFLOP per batch of 64 × 200 tokens. The same output is
 * `bias + Σ_k P_k[token]` with `P_k[v] = E[v] · W_k`, and P's rows are computed once per token and kept,
 * so repeated predictions only gather and add. Models detect the pattern (an Embedding whose output
 * reaches only a Conv1D, possibly through Dropout-like layers) and call {@link embeddingConv1D}.
 *
 * Masks: Keras' Conv1D does not support masking (base_conv.py keeps Layer's default), so it ignores
 * an Embedding's `mask_zero` mask (token 0's embedding row is convolved like any other) and its
 * output carries no mask; the fold does the same.
 */
import { tokenConv1d, tokenProjection, Tensor, windowGeometry } from '@kerasts/tensor';
import type { CallContext, Layer, LayerWeight } from '../engine/layer.js';
import { Embedding } from '../core/embedding.js';
import { Conv1D } from './conv1d.js';

/**
 * Whether {@link embeddingConv1D} can stand for `conv(embedding(x))`: exactly these two classes (a
 * subclass may change `call`), both built, a channels-last ungrouped convolution whose input channels
 * are the embedding's size.
 */
export function foldsIntoConv1D(embedding: Layer, conv: Layer): boolean {
  if (embedding.constructor !== Embedding || conv.constructor !== Conv1D) return false;
  const e = embedding as Embedding;
  const c = conv as Conv1D;
  if (!e.built || !c.built || c.dataFormat !== 'channels_last' || c.groups !== 1) return false;
  const kernel = weight(c, 'kernel');
  return kernel !== undefined && kernel.shape.length === 3 && kernel.shape[1] === e.outputDim && weight(e, 'embeddings') !== undefined && (!c.useBias || weight(c, 'bias') !== undefined);
}

/** A weight by its Keras name (`weights` lists trainable ones first, so positions move with freezing). */
function weight(layer: Layer, name: string): LayerWeight | undefined {
  return layer.weights.find((w) => w.name === name);
}

/**
 * `conv(embedding(tokens))` at inference from the kept token projections, or null when it must be
 * computed the ordinary way (tokens not `(batch, steps)`, a `valid` window longer than the sequence —
 * the ordinary path reports that — or a projection table over its memory cap). Out-of-range tokens
 * throw the Embedding's own error. Call only when {@link foldsIntoConv1D} holds.
 *
 * @throws {ConfigError} for a token outside `[0, inputDim)`, as `Embedding.call`.
 */
export function embeddingConv1D(embedding: Embedding, conv: Conv1D, tokens: Tensor, ctx: CallContext): Tensor | null {
  if (tokens.rank !== 2) return null;
  const [batch, steps] = tokens.shape as [number, number];
  const taps = conv.kernelSize[0]!;
  const span = (taps - 1) * conv.dilationRate[0]! + 1;
  if (conv.padding === 'valid' && steps < span) return null;
  const indices = embedding.tokenIndices(tokens);
  const kernel = weight(conv, 'kernel')!;
  const bias = conv.useBias ? weight(conv, 'bias')!.value.data : null;
  const projection = tokenProjection(weight(embedding, 'embeddings')!.value.data, embedding.inputDim, embedding.outputDim, kernel.value.data, taps, conv.filters, indices);
  if (projection === null) return null;
  const geometry = windowGeometry([steps], conv.kernelSize, conv.strides, conv.dilationRate, conv.padding);
  const y = tokenConv1d(indices, batch, projection, geometry, conv.filters, bias, conv.activation.get(ctx.hardSigmoid));
  return new Tensor(y, [batch, geometry.outSize[0]!, conv.filters]);
}


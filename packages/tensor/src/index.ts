/**
 * `@kerasts/tensor`: the float32 math under kerasts.
 *
 * - {@link Tensor}: a shape plus a row-major `Float32Array`; {@link tensor}, {@link zeros} to make one.
 * - {@link gemm}: a blocked single-precision matrix multiply on raw arrays (and {@link matmul} on tensors).
 * - Keras activations by name ({@link getActivation}, {@link activate}), including both eras of
 *   `hard_sigmoid` and the exact and tanh forms of `gelu`.
 * - {@link denseForward} and {@link lstmForward}: the forward passes of Keras `Dense` and `LSTM`.
 * - {@link Random}: a seeded, repeatable random number generator for initialisers.
 * - The typed errors every kerasts package throws ({@link KerastsError} and its subclasses).
 *
 * It knows nothing of Keras files or layers, and imports nothing from Node.
 *
 * @packageDocumentation
 */
export { KerastsError, ConfigError, UnsupportedError, FormatError, ShapeMismatchError, FileAccessError, FileExistsError, LimitError, formatBytes, withContext } from './errors.js';
export { DEFAULT_LIMITS, getLimits, setDefaultLimits, withLimits, resolveLimits, checkDeclaredShape, checkDepth, claimWeight, withParameterBudget, type Limits } from './limits.js';
export { Tensor, tensor, zeros, ones, full, shapeSize, type NestedArray } from './tensor.js';
export { gemm, matmul, type GemmOptions } from './gemm.js';
export {
  getActivation,
  activate,
  ACTIVATION_NAMES,
  type Activation,
  type ActivationOptions,
  type HardSigmoidVariant,
  type SparsemaxVariant,
} from './activations.js';
export { erf, erfc, sigmoid, softplus } from './math.js';
export { denseForward } from './core/dense.js';
export { embeddingIndices, embeddingForward, embeddingBackward } from './core/embedding.js';
export { lstmForward, type LstmForwardOptions, type LstmForwardResult } from './rnn/lstm.js';
export type { MaskedOutput } from './rnn/common.js';
export { recycleFloat32, recycleInt32 } from './buffer-pool.js';
export { gruForward, type GruForwardOptions, type GruForwardResult } from './rnn/gru.js';
export {
  gruForwardTrain,
  gruBackward,
  releaseGruTape,
  type GruTrainOptions,
  type GruTrainResult,
  type GruTape,
  type GruBackwardOptions,
  type GruBackwardResult,
} from './rnn/gru-backward.js';
export { simpleRnnForward, type SimpleRnnForwardOptions, type SimpleRnnForwardResult } from './rnn/simple-rnn.js';
export {
  simpleRnnForwardTrain,
  simpleRnnBackward,
  type SimpleRnnTrainOptions,
  type SimpleRnnTrainResult,
  type SimpleRnnTape,
  type SimpleRnnBackwardOptions,
  type SimpleRnnBackwardResult,
} from './rnn/simple-rnn-backward.js';
export { Random } from './random.js';
export { setBackend, getBackend, wasmReady, wasmUnavailableReason, type Backend } from './wasm/backend.js';
export { markWeightsChanged, weightVersion, releasePackedWeights, clearPackCache, setPackCacheLimit, packCacheStats, type PackCacheStats } from './wasm/pack-cache.js';
export { activationBackward, activationDerivative, type ActivationDerivative } from './activations-backward.js';
export {
  reluWithParams,
  reluWithParamsBackward,
  eluWithAlpha,
  eluWithAlphaBackward,
  prelu,
  preluBackward,
  preluAlphaIndex,
  type ReluParams,
} from './activations/parametric.js';
export { denseBackward, type DenseBackwardOptions, type DenseBackwardResult } from './core/dense-backward.js';
export {
  lstmForwardTrain,
  lstmBackward,
  type LstmTrainOptions,
  type LstmTrainResult,
  type LstmTape,
  type LstmBackwardOptions,
  type LstmBackwardResult,
} from './rnn/lstm-backward.js';
export { lossKernel, LOSS_KERNEL_NAMES, type LossKernelName, type LossKernelOptions, type LossKernelResult } from './losses/loss-kernels.js';
export { setThreads, getThreads, threadStats } from './wasm/threads.js';
export { adamUpdate, type AdamStepConstants } from './optimizers/adam.js';
export { transpose, transposeShape, inversePermutation } from './reshaping/transpose.js';
export { windowGeometry, transposeGeometry, type WindowGeometry, type PaddingMode } from './conv/geometry.js';
export { convForward, convMaxPoolForward, convBackward, convBackwardInput, convBackwardKernel, biasGradient, type ConvSpec, type ConvForwardOptions, type ConvBackwardOptions, type ConvBackwardResult } from './conv/conv.js';
export { winogradOptions } from './conv/winograd.js';
export { depthwiseForward, depthwiseBackwardInput, depthwiseBackwardKernel, type DepthwiseSpec } from './conv/depthwise.js';
export { toChannelsLast, toChannelsFirst } from './conv/layout.js';
export { poolForward, maxPoolBackward, avgPoolBackward, type PoolSpec, type PoolResult } from './pooling/pool.js';
export { globalMaxPool, globalMaxPoolBackward, globalAvgPool, globalAvgPoolBackward } from './pooling/global-pool.js';
export { pad, crop, paddedShape, croppedShape, type Margins } from './reshaping/pad-crop.js';
export { resizeImages, resizeImagesBackward, resizeWeights, nearestIndices, RESIZE_INTERPOLATIONS, type ResizeInterpolation, type ImageLayout } from './image/resize.js';
export { affineTransform, affineTransformBackward, type AffineFillMode, type AffineOptions } from './image/affine.js';
export {
  repeatAxes,
  repeatAxesBackward,
  linearResizeWeights,
  resizeAxisLinear,
  resizeAxisLinearBackward,
  type LinearResizeWeights,
} from './reshaping/upsample.js';
export {
  normPlan,
  moments,
  normalizeAffine,
  normalizeBackward,
  l2Normalize,
  l2NormalizeBackward,
  rmsScale,
  rmsScaleBackward,
  type NormPlan,
  type ElementMask,
  type Moments,
  type NormBackwardOptions,
  type NormBackwardResult,
} from './normalization/moments.js';
export { tokenProjection, setTokenProjectionLimit, tokenProjectionStats, tokenProjectionBytes, type TokenProjection, type TokenProjectionStats } from './conv/token-projection.js';
export { tokenConv1d } from './conv/token-conv1d.js';

/**
 * Every layer class name Keras has shipped (Keras 1.2.2, 2.3.1, tf.keras 2.15's public API and
 * Keras 3.15.1's `keras.layers`, aliases included). The registry uses it to tell a Keras built-in that
 * kerasts does not support yet from a custom class, which needs `registerLayer`.
 */
export const KERAS_LAYER_CLASSES: ReadonlySet<string> = new Set([
  'Activation', 'ActivityRegularization', 'AdaptiveAveragePooling1D', 'AdaptiveAveragePooling2D',
  'AdaptiveAveragePooling3D', 'AdaptiveMaxPooling1D', 'AdaptiveMaxPooling2D', 'AdaptiveMaxPooling3D', 'Add',
  'AdditiveAttention', 'AlphaDropout', 'AtrousConvolution1D', 'AtrousConvolution2D', 'Attention', 'AugMix',
  'AutoContrast', 'Average', 'AveragePooling1D', 'AveragePooling2D', 'AveragePooling3D', 'AvgPool1D',
  'AvgPool2D', 'AvgPool3D', 'BatchNormalization', 'Bidirectional', 'CategoryEncoding', 'CenterCrop',
  'Concatenate', 'ContrastLimitedAdaptiveHistogramEqualization', 'Conv1D', 'Conv1DTranspose', 'Conv2D',
  'Conv2DTranspose', 'Conv3D', 'Conv3DTranspose', 'ConvLSTM1D', 'ConvLSTM2D', 'ConvLSTM2DCell', 'ConvLSTM3D',
  'ConvRNN2D', 'Convolution1D', 'Convolution1DTranspose', 'Convolution2D', 'Convolution2DTranspose',
  'Convolution3D', 'Convolution3DTranspose', 'Cropping1D', 'Cropping2D', 'Cropping3D', 'CuDNNGRU', 'CuDNNLSTM',
  'CutMix', 'Deconvolution2D', 'Dense', 'DenseFeatures', 'DepthwiseConv1D', 'DepthwiseConv2D',
  'Discretization', 'Dot', 'Dropout', 'ELU', 'EinsumDense', 'Embedding', 'Equalization', 'Flatten',
  'FlaxLayer', 'GRU', 'GRUCell', 'GaussianDropout', 'GaussianNoise', 'GlobalAveragePooling1D',
  'GlobalAveragePooling2D', 'GlobalAveragePooling3D', 'GlobalAvgPool1D', 'GlobalAvgPool2D', 'GlobalAvgPool3D',
  'GlobalMaxPool1D', 'GlobalMaxPool2D', 'GlobalMaxPool3D', 'GlobalMaxPooling1D', 'GlobalMaxPooling2D',
  'GlobalMaxPooling3D', 'GroupNormalization', 'GroupQueryAttention', 'HashedCrossing', 'Hashing', 'Highway',
  'Identity', 'IntegerLookup', 'JaxLayer', 'LSTM', 'LSTMCell', 'Lambda', 'LayerNormalization', 'LeakyReLU',
  'LocallyConnected1D', 'LocallyConnected2D', 'Masking', 'MaxNumBoundingBoxes', 'MaxPool1D', 'MaxPool2D',
  'MaxPool3D', 'MaxPooling1D', 'MaxPooling2D', 'MaxPooling3D', 'Maximum', 'MaxoutDense', 'MelSpectrogram',
  'Merge', 'Minimum', 'MixUp', 'MultiHeadAttention', 'Multiply', 'Normalization', 'PReLU',
  'ParametricSoftplus', 'Permute', 'Pipeline', 'PreprocessingLayer', 'RMSNormalization', 'RNN', 'RandAugment',
  'RandomBrightness', 'RandomColorDegeneration', 'RandomColorJitter', 'RandomContrast', 'RandomCrop',
  'RandomElasticTransform', 'RandomErasing', 'RandomFlip', 'RandomFourierFeatures', 'RandomGaussianBlur',
  'RandomGrayscale', 'RandomHeight', 'RandomHue', 'RandomInvert', 'RandomPerspective', 'RandomPosterization',
  'RandomRotation', 'RandomSaturation', 'RandomSharpness', 'RandomShear', 'RandomTranslation', 'RandomWidth',
  'RandomZoom', 'ReLU', 'RepeatVector', 'Rescaling', 'Reshape', 'Resizing', 'ReversibleEmbedding', 'SReLU',
  'STFTSpectrogram', 'SeparableConv1D', 'SeparableConv2D', 'SeparableConvolution1D', 'SeparableConvolution2D',
  'SimpleRNN', 'SimpleRNNCell', 'SlicingOpLambda', 'Softmax', 'Solarization', 'SpatialDropout1D',
  'SpatialDropout2D', 'SpatialDropout3D', 'SpectralNormalization', 'StackedRNNCells', 'StringLookup',
  'Subtract', 'SyncBatchNormalization', 'TFOpLambda', 'TFSMLayer', 'TextVectorization', 'ThresholdedReLU',
  'TimeDistributed', 'TimeDistributedDense', 'TorchModuleWrapper', 'UnitNormalization', 'UpSampling1D',
  'UpSampling2D', 'UpSampling3D', 'ZeroPadding1D', 'ZeroPadding2D', 'ZeroPadding3D',
]);

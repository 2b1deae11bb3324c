/** torch.nn: modules, parameters, initializers and the functional forms, as in PyTorch. */
export { Module, keyOf } from './module';
export type { StateDict, IncompatibleKeys, RemovableHandle, ForwardHook, ForwardPreHook, LoadStateDictPostHook } from './module';
export type { FullBackwardHook } from './backward_hook';
export { Parameter } from './parameter';
export * as init from './init';
export * as functional from './functional';
export { Identity, Linear, Bilinear } from './modules/linear';
export type { FactoryOptions } from './modules/linear';
export { Sequential, ModuleList, ModuleDict, ParameterList, ParameterDict } from './modules/container';
export {
  ReLU, LeakyReLU, GELU, SiLU, ELU, Tanh, Sigmoid, Softmax, Softmax2d, LogSoftmax, Softplus, Mish, Hardswish,
  Hardtanh, ReLU6, Hardsigmoid, SELU, CELU, GLU, Threshold, Softshrink, Hardshrink, LogSigmoid, Softsign, Tanhshrink, Softmin, PReLU, RReLU,
} from './modules/activation';
export { Dropout, Dropout1d, Dropout2d, Dropout3d, AlphaDropout, FeatureAlphaDropout } from './modules/dropout';
export { Flatten, Unflatten } from './modules/flatten';
export { Conv1d, Conv2d, Conv3d, ConvTranspose1d, ConvTranspose2d, ConvTranspose3d } from './modules/conv';
export {
  MaxPool1d, MaxPool2d, MaxPool3d, AvgPool1d, AvgPool2d, AvgPool3d, AdaptiveAvgPool1d, AdaptiveAvgPool2d, AdaptiveAvgPool3d,
  AdaptiveMaxPool1d, AdaptiveMaxPool2d, AdaptiveMaxPool3d, LPPool1d, LPPool2d, MaxUnpool1d, MaxUnpool2d, MaxUnpool3d,
  FractionalMaxPool2d, FractionalMaxPool3d,
} from './modules/pooling';
export {
  ConstantPad1d, ConstantPad2d, ConstantPad3d, ZeroPad2d, ReflectionPad1d, ReflectionPad2d, ReflectionPad3d,
  ReplicationPad1d, ReplicationPad2d, ReplicationPad3d,
} from './modules/padding';
export { ChannelShuffle, PixelShuffle, PixelUnshuffle, Upsample, UpsamplingNearest2d, UpsamplingBilinear2d, Fold, Unfold } from './modules/vision';
export type { UpsampleOptions } from './modules/vision';
export { CosineSimilarity, PairwiseDistance } from './modules/distance';
export { BatchNorm1d, BatchNorm2d, BatchNorm3d, InstanceNorm1d, InstanceNorm2d, InstanceNorm3d, LayerNorm, RMSNorm, GroupNorm, LocalResponseNorm } from './modules/normalization';
export { Embedding, EmbeddingBag } from './modules/sparse';
export {
  LazyLinear, LazyConv1d, LazyConv2d, LazyConv3d, LazyConvTranspose1d, LazyConvTranspose2d, LazyConvTranspose3d,
  LazyBatchNorm1d, LazyBatchNorm2d, LazyBatchNorm3d, LazyInstanceNorm1d, LazyInstanceNorm2d, LazyInstanceNorm3d,
} from './modules/lazy';
export type { BagMode, EmbeddingBagOptions } from './modules/sparse';
export { RNNBase, RNN, LSTM, GRU, RNNCellBase, RNNCell, LSTMCell, GRUCell } from './modules/rnn';
export type { RNNOptions } from './modules/rnn';
export { MultiheadAttention, NonDynamicallyQuantizableLinear } from './modules/attention';
export type { MultiheadAttentionOptions, AttentionCallOptions } from './modules/attention';
export { TransformerEncoderLayer, TransformerEncoder, TransformerDecoderLayer, TransformerDecoder, Transformer } from './modules/transformer';
export type { TransformerLayerOptions, TransformerOptions, TransformerMasks, DecoderMasks, Activation } from './modules/transformer';
export {
  MSELoss, L1Loss, SmoothL1Loss, HuberLoss, CrossEntropyLoss, NLLLoss, BCELoss, BCEWithLogitsLoss, KLDivLoss, CosineEmbeddingLoss, TripletMarginLoss, TripletMarginWithDistanceLoss,
  PoissonNLLLoss, GaussianNLLLoss, MarginRankingLoss, HingeEmbeddingLoss, SoftMarginLoss, MultiLabelSoftMarginLoss, MultiMarginLoss, MultiLabelMarginLoss, CTCLoss,
} from './modules/loss';
export * as utils from './utils';

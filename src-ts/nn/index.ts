/** torch.nn: modules, parameters, initializers and the functional forms, as in PyTorch. */
export { Module, keyOf } from './module';
export type { StateDict, IncompatibleKeys, RemovableHandle, ForwardHook, ForwardPreHook } from './module';
export { Parameter } from './parameter';
export * as init from './init';
export * as functional from './functional';
export { Identity, Linear, Bilinear } from './modules/linear';
export type { FactoryOptions } from './modules/linear';
export { Sequential, ModuleList, ModuleDict } from './modules/container';
export { ReLU, LeakyReLU, GELU, SiLU, ELU, Tanh, Sigmoid, Softmax, LogSoftmax, Softplus, Mish, Hardswish } from './modules/activation';
export { Dropout, Dropout2d } from './modules/dropout';
export { Flatten, Unflatten } from './modules/flatten';
export { Conv1d, Conv2d, Conv3d, ConvTranspose1d, ConvTranspose2d } from './modules/conv';
export { MaxPool1d, MaxPool2d, AvgPool1d, AvgPool2d, AdaptiveAvgPool1d, AdaptiveAvgPool2d } from './modules/pooling';
export { BatchNorm1d, BatchNorm2d, LayerNorm, GroupNorm } from './modules/normalization';
export { Embedding } from './modules/sparse';
export { MSELoss, L1Loss, SmoothL1Loss, HuberLoss, CrossEntropyLoss, NLLLoss, BCELoss, BCEWithLogitsLoss, KLDivLoss, CosineEmbeddingLoss, TripletMarginLoss } from './modules/loss';
export * as utils from './utils';

/** torch.nn.utils: gradient clipping, parameters as one vector, weight normalization, functional calls, conv-bn fusion, and packed sequences (`rnn`). */
export { clipGradNorm_, clipGradValue_ } from './clip_grad';
export { parametersToVector, vectorToParameters } from './convert_parameters';
export { weightNorm, removeWeightNorm } from './weight_norm';
export { spectralNorm, removeSpectralNorm } from './spectral_norm';
export { functionalCall } from './stateless';
export { fuseConvBnEval, fuseConvBnWeights } from './fusion';
export * as rnn from './rnn';
export * as prune from './prune';

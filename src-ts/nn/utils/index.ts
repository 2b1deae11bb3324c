/** torch.nn.utils: gradient clipping, parameters as one vector, and packed sequences (`rnn`). */
export { clipGradNorm_, clipGradValue_ } from './clip_grad';
export { parametersToVector, vectorToParameters } from './convert_parameters';
export * as rnn from './rnn';

/** torch.optim: optimizers with PyTorch's update rules and state-dict layout. */
export { Optimizer } from './optimizer';
export type { ParamGroup, ParamsLike, OptimizerStateDict } from './optimizer';
export { SGD } from './sgd';
export type { SGDOptions } from './sgd';
export { Adam, AdamW } from './adam';
export type { AdamOptions } from './adam';
export * as lrScheduler from './lr_scheduler';
export { RMSprop, Adagrad, Adadelta } from './rmsprop';
export type { RMSpropOptions, AdagradOptions, AdadeltaOptions } from './rmsprop';
export { Adamax, NAdam, RAdam } from './adam_variants';
export type { AdamaxOptions, NAdamOptions, RAdamOptions } from './adam_variants';
export { Rprop } from './rprop';
export type { RpropOptions } from './rprop';
export { ASGD } from './asgd';
export type { ASGDOptions } from './asgd';
export { LBFGS } from './lbfgs';
export type { LBFGSOptions } from './lbfgs';
export * as swaUtils from './swa_utils';

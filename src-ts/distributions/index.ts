/** torch.distributions: probability distributions for sampling, log-likelihoods and KL terms. */
export { Distribution } from './distribution';
export { Normal } from './normal';
export { Uniform } from './uniform';
export { Exponential } from './exponential';
export { Bernoulli } from './bernoulli';
export { Categorical } from './categorical';
export { OneHotCategorical } from './one_hot_categorical';
export { Laplace } from './laplace';
export { LogNormal } from './log_normal';
export { Poisson } from './poisson';
export { MultivariateNormal } from './multivariate_normal';
export { Independent } from './independent';
export { klDivergence, registerKl } from './kl';
export * as kl from './kl';
export * as constraints from './constraints';
export { probsToLogits, logitsToProbs, clampProbs } from './utils';

/** torch.distributions: probability distributions for sampling, log-likelihoods and KL terms. */
export { Distribution } from './distribution';
export { Normal } from './normal';
export { Uniform } from './uniform';
export { Exponential } from './exponential';
export { Bernoulli } from './bernoulli';
export { Categorical } from './categorical';
export { OneHotCategorical, OneHotCategoricalStraightThrough } from './one_hot_categorical';
export { Laplace } from './laplace';
export { LogNormal } from './log_normal';
export { Poisson } from './poisson';
export { MultivariateNormal } from './multivariate_normal';
export { LowRankMultivariateNormal } from './lowrank_multivariate_normal';
export { Gamma, Chi2 } from './gamma';
export { Dirichlet } from './dirichlet';
export { Beta } from './beta';
export { StudentT } from './student_t';
export { Cauchy, HalfCauchy } from './cauchy';
export { HalfNormal } from './half_normal';
export { Gumbel } from './gumbel';
export { Geometric } from './geometric';
export { Binomial } from './binomial';
export { Multinomial } from './multinomial';
export { NegativeBinomial } from './negative_binomial';
export { ContinuousBernoulli } from './continuous_bernoulli';
export { MixtureSameFamily } from './mixture_same_family';
export { TransformedDistribution } from './transformed_distribution';
export { Weibull } from './weibull';
export { Pareto } from './pareto';
export { Kumaraswamy } from './kumaraswamy';
export { LogisticNormal } from './logistic_normal';
export { VonMises } from './von_mises';
export { LKJCholesky } from './lkj_cholesky';
export { FisherSnedecor } from './fishersnedecor';
export { Wishart } from './wishart';
export { LogitRelaxedBernoulli, RelaxedBernoulli, ExpRelaxedCategorical, RelaxedOneHotCategorical } from './relaxed';
export {
  Transform, ComposeTransform, ExpTransform, PowerTransform, SigmoidTransform, TanhTransform, AbsTransform, AffineTransform,
  SoftplusTransform, SoftmaxTransform, StickBreakingTransform, LowerCholeskyTransform, IndependentTransform, ReshapeTransform,
  CumulativeDistributionTransform, CorrCholeskyTransform, CatTransform, StackTransform, identityTransform,
} from './transforms';
export * as transforms from './transforms';
export { bijectTo, transformTo, ConstraintRegistry } from './constraint_registry';
export { Independent } from './independent';
export { klDivergence, registerKl } from './kl';
import './kl_cross'; // registers the cross-kind pairs (after kl.ts has its registry)
export * as kl from './kl';
export * as constraints from './constraints';
export { probsToLogits, logitsToProbs, clampProbs } from './utils';

/**
 * The KL divergences PyTorch registers between distributions of different kinds (and between
 * Paretos and between TransformedDistributions), ported term for term from torch.distributions.kl.
 * Pairs whose KL is infinite (the second's support misses part of the first's) give Infinity.
 */
import { NotImplementedError } from '../errors';
import { diagEmbed, erf, fullLike, linalg, where } from '../generated/ops';
import { ValueError } from '../errors';
import type { Tensor } from '../tensor';
import type { Distribution } from './distribution';
import { broadcastShapes } from './utils';
import { klDivergence, registerKl } from './kl';
import { Bernoulli } from './bernoulli';
import { Beta } from './beta';
import { Binomial } from './binomial';
import { Exponential } from './exponential';
import { Gamma } from './gamma';
import { Gumbel } from './gumbel';
import { Laplace } from './laplace';
import { Normal } from './normal';
import { Poisson } from './poisson';
import { Uniform } from './uniform';
import { Pareto } from './pareto';
import { TransformedDistribution } from './transformed_distribution';
import { ContinuousBernoulli } from './continuous_bernoulli';
import { LowRankMultivariateNormal, lowrankLogdet, lowrankMahalanobis } from './lowrank_multivariate_normal';
import { MultivariateNormal, mahalanobis } from './multivariate_normal';

const EULER = 0.57721566490153286060;
const xLogX = (t: Tensor): Tensor => t.mul(t.log());
const infiniteLike = (t: Tensor): Tensor => fullLike(t, Infinity);

type DistClass<D extends Distribution = Distribution> = abstract new (...args: never[]) => D;
// Pairs whose KL is infinite everywhere: shaped like one of p's parameters.
function infinite<P extends Distribution>(p: DistClass<P>, qs: DistClass[], param: (d: P) => Tensor): void {
  for (const q of qs) registerKl(p, q, (d: P) => infiniteLike(param(d)));
}

// ---- same kind, not in kl.ts ---------------------------------------------------------------
registerKl(Pareto, Pareto, (p, q) => {
  const scaleRatio = p.scale.div(q.scale);
  const alphaRatio = q.alpha.div(p.alpha);
  const t1 = q.alpha.mul(scaleRatio.log());
  const t2 = alphaRatio.log().neg();
  return t1.add(t2).add(alphaRatio).sub(1).maskedFill(p.scale.lt(q.scale), Infinity);
});

registerKl(TransformedDistribution, TransformedDistribution, (p, q) => {
  const same = p.transforms.length === q.transforms.length && p.transforms.every((t, i) => t.equals(q.transforms[i]));
  if (!same) throw new NotImplementedError('KL between TransformedDistributions needs the same transforms on both sides');
  if (p.eventShape.join() !== q.eventShape.join()) throw new NotImplementedError('KL between TransformedDistributions needs the same event shape');
  return klDivergence(p.baseDist, q.baseDist);
});

// ---- Bernoulli, Poisson ---------------------------------------------------------------------
registerKl(Bernoulli, Poisson, (p, q) => p.entropy().neg().sub(p.probs.mul(q.rate.log()).sub(q.rate)));
infinite(Poisson, [Bernoulli, Binomial], (p) => p.rate);

// ---- Beta -----------------------------------------------------------------------------------
infinite(Beta, [Pareto], (p) => p.concentration1);
registerKl(Beta, Exponential, (p, q) =>
  p.entropy().neg().sub(q.rate.log()).add(q.rate.mul(p.concentration1.div(p.concentration1.add(p.concentration0)))),
);
registerKl(Beta, Gamma, (p, q) => {
  const sum = p.concentration1.add(p.concentration0);
  const t1 = p.entropy().neg();
  const t2 = q.concentration.lgamma().sub(q.concentration.mul(q.rate.log()));
  const t3 = q.concentration.sub(1).mul(p.concentration1.digamma().sub(sum.digamma()));
  const t4 = q.rate.mul(p.concentration1).div(sum);
  return t1.add(t2).sub(t3).add(t4);
});
registerKl(Beta, Normal, (p, q) => {
  const eBeta = p.concentration1.div(p.concentration1.add(p.concentration0));
  const varNormal = q.scale.pow(2);
  const t1 = p.entropy().neg();
  const t2 = varNormal.mul(2).mul(Math.PI).log().mul(0.5);
  const t3 = eBeta.mul(eBeta.neg().add(1)).div(p.concentration1.add(p.concentration0).add(1)).add(eBeta.pow(2)).mul(0.5);
  const t4 = q.loc.mul(eBeta);
  const t5 = q.loc.pow(2).mul(0.5);
  return t1.add(t2).add(t3.sub(t4).add(t5).div(varNormal));
});
registerKl(Beta, Uniform, (p, q) =>
  p.entropy().neg().add(q.high.sub(q.low).log()).maskedFill(q.low.gt(0).logicalOr(q.high.lt(1)), Infinity),
);

// ---- Exponential ----------------------------------------------------------------------------
infinite(Exponential, [Beta, ContinuousBernoulli, Pareto, Uniform], (p) => p.rate);
registerKl(Exponential, Gamma, (p, q) => {
  const ratio = q.rate.div(p.rate);
  const t1 = q.concentration.neg().mul(ratio.log());
  return t1.add(ratio).add(q.concentration.lgamma()).add(q.concentration.mul(EULER)).sub(1 + EULER);
});
registerKl(Exponential, Gumbel, (p, q) => {
  const scaleRateProd = p.rate.mul(q.scale);
  const locScaleRatio = q.loc.div(q.scale);
  const t1 = scaleRateProd.log().sub(1);
  const t2 = locScaleRatio.exp().mul(scaleRateProd).div(scaleRateProd.add(1));
  const t3 = scaleRateProd.reciprocal();
  return t1.sub(locScaleRatio).add(t2).add(t3);
});
registerKl(Exponential, Normal, (p, q) => {
  const varNormal = q.scale.pow(2);
  const rateSqr = p.rate.pow(2);
  const t1 = rateSqr.mul(varNormal).mul(2).mul(Math.PI).log().mul(0.5);
  const t2 = rateSqr.reciprocal();
  const t3 = q.loc.div(p.rate);
  const t4 = q.loc.pow(2).mul(0.5);
  return t1.sub(1).add(t2.sub(t3).add(t4).div(varNormal));
});

// ---- Gamma ----------------------------------------------------------------------------------
infinite(Gamma, [Beta, ContinuousBernoulli, Pareto, Uniform], (p) => p.concentration);
registerKl(Gamma, Exponential, (p, q) => p.entropy().neg().sub(q.rate.log()).add(q.rate.mul(p.concentration).div(p.rate)));
registerKl(Gamma, Gumbel, (p, q) => {
  const betaScaleProd = p.rate.mul(q.scale);
  const locScaleRatio = q.loc.div(q.scale);
  const c = p.concentration;
  const t1 = c.sub(1).mul(c.digamma()).sub(c.lgamma()).sub(c);
  const t2 = betaScaleProd.log().add(c.div(betaScaleProd));
  const t3 = locScaleRatio.exp().mul(betaScaleProd.reciprocal().add(1).pow(c.neg())).sub(locScaleRatio);
  return t1.add(t2).add(t3);
});
registerKl(Gamma, Normal, (p, q) => {
  const varNormal = q.scale.pow(2);
  const betaSqr = p.rate.pow(2);
  const c = p.concentration;
  const t1 = betaSqr.mul(varNormal).mul(2).mul(Math.PI).log().mul(0.5).sub(c).sub(c.lgamma());
  const t2 = c.pow(2).add(c).mul(0.5).div(betaSqr);
  const t3 = q.loc.mul(c).div(p.rate);
  const t4 = q.loc.pow(2).mul(0.5);
  return t1.add(c.sub(1).mul(c.digamma())).add(t2.sub(t3).add(t4).div(varNormal));
});

// ---- Gumbel ---------------------------------------------------------------------------------
infinite(Gumbel, [Beta, ContinuousBernoulli, Exponential, Gamma, Pareto, Uniform], (p) => p.loc);
registerKl(Gumbel, Normal, (p, q) => {
  const paramRatio = p.scale.div(q.scale);
  const t1 = paramRatio.div(Math.sqrt(2 * Math.PI)).log();
  const t2 = paramRatio.mul(Math.PI).mul(0.5).pow(2).div(3);
  const t3 = p.loc.add(p.scale.mul(EULER)).sub(q.loc).div(q.scale).pow(2).mul(0.5);
  return t1.neg().add(t2).add(t3).sub(EULER + 1);
});

// ---- Laplace --------------------------------------------------------------------------------
infinite(Laplace, [Beta, ContinuousBernoulli, Exponential, Gamma, Pareto, Uniform], (p) => p.loc);
registerKl(Laplace, Normal, (p, q) => {
  const varNormal = q.scale.pow(2);
  const scaleSqrVarRatio = p.scale.pow(2).div(varNormal);
  const t1 = scaleSqrVarRatio.mul(2).div(Math.PI).log().mul(0.5);
  const t2 = p.loc.pow(2).mul(0.5);
  const t3 = p.loc.mul(q.loc);
  const t4 = q.loc.pow(2).mul(0.5);
  return t1.neg().add(scaleSqrVarRatio).add(t2.sub(t3).add(t4).div(varNormal)).sub(1);
});

// ---- Normal ---------------------------------------------------------------------------------
infinite(Normal, [Beta, ContinuousBernoulli, Exponential, Gamma, Pareto, Uniform], (p) => p.loc);
registerKl(Normal, Gumbel, (p, q) => {
  const meanScaleRatio = p.loc.div(q.scale);
  const varScaleSqrRatio = p.scale.div(q.scale).pow(2);
  const locScaleRatio = q.loc.div(q.scale);
  const t1 = varScaleSqrRatio.log().mul(0.5);
  const t2 = meanScaleRatio.sub(locScaleRatio);
  const t3 = meanScaleRatio.neg().add(varScaleSqrRatio.mul(0.5)).add(locScaleRatio).exp();
  return t1.neg().add(t2).add(t3).sub(0.5 * (1 + Math.log(2 * Math.PI)));
});
registerKl(Normal, Laplace, (p, q) => {
  const locDiff = p.loc.sub(q.loc);
  const scaleRatio = p.scale.div(q.scale);
  const locDiffScaleRatio = locDiff.div(p.scale);
  const t1 = scaleRatio.log();
  const t2 = p.scale.mul(Math.sqrt(2 / Math.PI)).mul(locDiffScaleRatio.pow(2).mul(-0.5).exp());
  const t3 = locDiff.mul(erf(locDiffScaleRatio.mul(Math.sqrt(0.5))));
  return t1.neg().add(t2.add(t3).div(q.scale)).sub(0.5 * (1 + Math.log(0.5 * Math.PI)));
});

// ---- Pareto ---------------------------------------------------------------------------------
infinite(Pareto, [Beta, ContinuousBernoulli, Uniform], (p) => p.scale);
registerKl(Pareto, Exponential, (p, q) => {
  const scaleRateProd = p.scale.mul(q.rate);
  const t1 = p.alpha.div(scaleRateProd).log();
  const t2 = p.alpha.reciprocal();
  const t3 = p.alpha.mul(scaleRateProd).div(p.alpha.sub(1));
  return t1.sub(t2).add(t3).sub(1).maskedFill(p.alpha.le(1), Infinity);
});
registerKl(Pareto, Gamma, (p, q) => {
  const common = p.scale.log().add(p.alpha.reciprocal());
  const t1 = p.alpha.log().sub(common);
  const t2 = q.concentration.lgamma().sub(q.concentration.mul(q.rate.log()));
  const t3 = q.concentration.neg().add(1).mul(common);
  const t4 = q.rate.mul(p.alpha).mul(p.scale).div(p.alpha.sub(1));
  return t1.add(t2).add(t3).add(t4).sub(1).maskedFill(p.alpha.le(1), Infinity);
});
registerKl(Pareto, Normal, (p, q) => {
  const varNormal = q.scale.pow(2).mul(2);
  const common = p.scale.div(p.alpha.sub(1));
  const t1 = q.scale.mul(Math.sqrt(2 * Math.PI)).mul(p.alpha).div(p.scale).log();
  const t2 = p.alpha.reciprocal();
  const t3 = p.alpha.mul(common.pow(2)).div(p.alpha.sub(2));
  const t4 = p.alpha.mul(common).sub(q.loc).pow(2);
  return t1.sub(t2).add(t3.add(t4).div(varNormal)).sub(1).maskedFill(p.alpha.le(2), Infinity);
});

// ---- Uniform --------------------------------------------------------------------------------
registerKl(Uniform, Beta, (p, q) => {
  const common = p.high.sub(p.low);
  const t1 = common.log();
  const t2 = q.concentration1.sub(1).mul(xLogX(p.high).sub(xLogX(p.low)).sub(common)).div(common);
  const t3 = q.concentration0.sub(1).mul(xLogX(p.high.neg().add(1)).sub(xLogX(p.low.neg().add(1))).add(common)).div(common);
  const t4 = q.concentration1.lgamma().add(q.concentration0.lgamma()).sub(q.concentration1.add(q.concentration0).lgamma());
  return t3.add(t4).sub(t1).sub(t2).maskedFill(p.high.gt(1).logicalOr(p.low.lt(0)), Infinity);
});
registerKl(Uniform, Exponential, (p, q) =>
  q.rate.mul(p.high.add(p.low)).div(2).sub(p.high.sub(p.low).mul(q.rate).log()).maskedFill(p.low.lt(0), Infinity),
);
registerKl(Uniform, Gamma, (p, q) => {
  const common = p.high.sub(p.low);
  const t1 = common.log();
  const t2 = q.concentration.lgamma().sub(q.concentration.mul(q.rate.log()));
  const t3 = q.concentration.neg().add(1).mul(xLogX(p.high).sub(xLogX(p.low)).sub(common)).div(common);
  const t4 = q.rate.mul(p.high.add(p.low)).div(2);
  return t1.neg().add(t2).add(t3).add(t4).maskedFill(p.low.lt(0), Infinity);
});
registerKl(Uniform, Gumbel, (p, q) => {
  const common = q.scale.div(p.high.sub(p.low));
  const highLocDiff = p.high.sub(q.loc).div(q.scale);
  const lowLocDiff = p.low.sub(q.loc).div(q.scale);
  const t1 = common.log().add(highLocDiff.add(lowLocDiff).mul(0.5));
  const t2 = common.mul(highLocDiff.neg().exp().sub(lowLocDiff.neg().exp()));
  return t1.sub(t2);
});
registerKl(Uniform, Normal, (p, q) => {
  const common = p.high.sub(p.low);
  const t1 = q.scale.mul(Math.sqrt(Math.PI * 2)).div(common).log();
  const t2 = common.pow(2).div(12);
  const t3 = p.high.add(p.low).sub(q.loc.mul(2)).div(2).pow(2);
  return t1.add(t2.add(t3).mul(0.5).div(q.scale.pow(2)));
});
registerKl(Uniform, Pareto, (p, q) => {
  const support = p.high.sub(p.low);
  const t1 = q.alpha.mul(q.scale.pow(q.alpha)).mul(support).log();
  const t2 = xLogX(p.high).sub(xLogX(p.low)).sub(support).div(support);
  return t2.mul(q.alpha.add(1)).sub(t1).maskedFill(p.low.lt(q.scale), Infinity);
});

// ---- ContinuousBernoulli ------------------------------------------------------------------------
registerKl(ContinuousBernoulli, ContinuousBernoulli, (p, q) => {
  const t1 = p.mean.mul(p.logits.sub(q.logits));
  const t2 = p.contBernLogNorm().add(p.probs.neg().log1p());
  const t3 = q.contBernLogNorm().neg().sub(q.probs.neg().log1p());
  return t1.add(t2).add(t3);
});
registerKl(Beta, ContinuousBernoulli, (p, q) =>
  p.entropy().neg().sub(p.mean.mul(q.logits)).sub(q.probs.neg().log1p()).sub(q.contBernLogNorm()),
);
infinite(ContinuousBernoulli, [Pareto], (p) => p.probs);
registerKl(ContinuousBernoulli, Exponential, (p, q) => p.entropy().neg().sub(q.rate.log()).add(q.rate.mul(p.mean)));
registerKl(ContinuousBernoulli, Normal, (p, q) => {
  const t1 = p.entropy().neg();
  const t2 = q.loc.div(q.scale).square().add(Math.log(2 * Math.PI)).mul(0.5).add(q.scale.log());
  const t3 = p.variance.add(p.mean.square()).sub(q.loc.mul(2).mul(p.mean)).div(q.scale.square().mul(2));
  return t1.add(t2).add(t3);
});
// As Python 1.13: infinite where q.low >= 0 or q.high <= 1.
registerKl(ContinuousBernoulli, Uniform, (p, q) => {
  const result = p.entropy().neg().add(q.high.sub(q.low).log());
  return where(q.low.ge(0).logicalOr(q.high.le(1)), Infinity, result);
});
registerKl(Uniform, ContinuousBernoulli, (p, q) => {
  const result = p.entropy().neg().sub(p.mean.mul(q.logits)).sub(q.probs.neg().log1p()).sub(q.contBernLogNorm());
  return where(p.high.ge(1).logicalOr(p.low.le(0)), Infinity, result);
});

// ---- LowRankMultivariateNormal ------------------------------------------------------------------
// tr(X Xᵀ) per batch element (Python's _batch_trace_XXT).
const traceXXT = (x: Tensor): Tensor => x.reshape(-1, x.size(-2) * x.size(-1)).pow(2).sum(-1).reshape(x.shape.slice(0, -2));
const SHAPES = (low: string): string => `KL-divergence between two ${low} Multivariate Normals with${' '.repeat(26)}different event shapes cannot be computed`;

registerKl(LowRankMultivariateNormal, LowRankMultivariateNormal, (p, q) => {
  if (p.eventShape.join() !== q.eventShape.join()) throw new ValueError(SHAPES('Low Rank'));
  const [pu, qu] = [p.unbroadcasted, q.unbroadcasted];
  const term1 = lowrankLogdet(qu.d, qu.capTril).sub(lowrankLogdet(pu.d, pu.capTril));
  const term3 = lowrankMahalanobis(qu.w, qu.d, q.loc.sub(p.loc), qu.capTril);
  const a = linalg.solveTriangular(qu.capTril, qu.w.mT().div(qu.d.unsqueeze(-2)), { upper: false });
  const term21 = pu.d.div(qu.d).sum(-1);
  const term22 = traceXXT(pu.w.mul(qu.d.rsqrt().unsqueeze(-1)));
  const term23 = traceXXT(a.mul(pu.d.sqrt().unsqueeze(-2)));
  const term24 = traceXXT(a.matmul(pu.w));
  const term2 = term21.add(term22).sub(term23).sub(term24);
  return term1.add(term2).add(term3).sub(p.eventShape[0]).mul(0.5);
});

registerKl(MultivariateNormal, LowRankMultivariateNormal, (p, q) => {
  if (p.eventShape.join() !== q.eventShape.join()) throw new ValueError(SHAPES('(Low Rank)'));
  const qu = q.unbroadcasted;
  const pl = p.unbroadcastedScaleTril;
  const term1 = lowrankLogdet(qu.d, qu.capTril).sub(pl.diagonal(0, -2, -1).log().sum(-1).mul(2));
  const term3 = lowrankMahalanobis(qu.w, qu.d, q.loc.sub(p.loc), qu.capTril);
  const a = linalg.solveTriangular(qu.capTril, qu.w.mT().div(qu.d.unsqueeze(-2)), { upper: false });
  const term21 = traceXXT(pl.mul(qu.d.rsqrt().unsqueeze(-1)));
  const term22 = traceXXT(a.matmul(pl));
  return term1.add(term21.sub(term22)).add(term3).sub(p.eventShape[0]).mul(0.5);
});

registerKl(LowRankMultivariateNormal, MultivariateNormal, (p, q) => {
  if (p.eventShape.join() !== q.eventShape.join()) throw new ValueError(SHAPES('(Low Rank)'));
  const pu = p.unbroadcasted;
  const ql = q.unbroadcastedScaleTril;
  const term1 = ql.diagonal(0, -2, -1).log().sum(-1).mul(2).sub(lowrankLogdet(pu.d, pu.capTril));
  const term3 = mahalanobis(ql, q.loc.sub(p.loc));
  const batch = broadcastShapes(ql.shape.slice(0, -2), pu.w.shape.slice(0, -2));
  const n = p.eventShape[0];
  const qScaleTril = ql.expand([...batch, n, n]);
  const pCovFactor = pu.w.expand([...batch, n, p.covFactor.size(-1)]);
  const pCovDiag = diagEmbed(pu.d.sqrt()).expand([...batch, n, n]);
  const term21 = traceXXT(linalg.solveTriangular(qScaleTril, pCovFactor, { upper: false }));
  const term22 = traceXXT(linalg.solveTriangular(qScaleTril, pCovDiag, { upper: false }));
  return term1.add(term21.add(term22)).add(term3).sub(n).mul(0.5);
});

/**
 * KL divergence KL(p || q) between two distributions, by the closed forms PyTorch registers for
 * each pair (torch.distributions.kl). `registerKl` adds a pair; the most specific registered pair
 * (by class inheritance) is used, as in Python.
 */
import { NotImplementedError, ValueError } from '../errors';
import { broadcastTensors, linalg } from '../generated/ops';
import { softplus } from '../nn/functional';
import { scope } from '../memory';
import { autograd, enableGrad } from '../autograd';
import type { Tensor } from '../tensor';
import { Distribution } from './distribution';
import { Normal } from './normal';
import { Uniform } from './uniform';
import { Exponential } from './exponential';
import { Bernoulli } from './bernoulli';
import { Categorical } from './categorical';
import { Independent } from './independent';
import { Laplace } from './laplace';
import { LogNormal } from './log_normal';
import { OneHotCategorical } from './one_hot_categorical';
import { Poisson } from './poisson';
import { MultivariateNormal, mahalanobis } from './multivariate_normal';
import { Gamma } from './gamma';
import { Beta } from './beta';
import { Dirichlet } from './dirichlet';
import { Wishart } from './wishart';
import { sumRightmost } from './utils';
import { Cauchy } from './cauchy';
import { HalfNormal } from './half_normal';
import { Gumbel } from './gumbel';
import { Geometric } from './geometric';
import { Binomial } from './binomial';

type DistClass = abstract new (...args: never[]) => Distribution;
type KlFn = (p: never, q: never) => Tensor;
const registry: [DistClass, DistClass, KlFn][] = [];

/** Registers the KL divergence of a pair of distribution classes (Python's @register_kl). */
export function registerKl<P extends Distribution, Q extends Distribution>(
  typeP: abstract new (...args: never[]) => P,
  typeQ: abstract new (...args: never[]) => Q,
  fn: (p: P, q: Q) => Tensor,
): void {
  registry.unshift([typeP, typeQ, fn as KlFn]);
}

// How many prototype steps from `obj` up to `cls` (Infinity when not an instance).
function distance(obj: object, cls: DistClass): number {
  let d = 0;
  for (let proto = Object.getPrototypeOf(obj); proto !== null; proto = Object.getPrototypeOf(proto), d++) {
    if (proto === cls.prototype) return d;
  }
  return Infinity;
}

/** KL(p || q), batched over the distributions' batch shape. */
export function klDivergence(p: Distribution, q: Distribution): Tensor {
  let best: KlFn | undefined;
  let bestScore: [number, number] = [Infinity, Infinity];
  for (const [a, b, fn] of registry) {
    const score: [number, number] = [distance(p, a), distance(q, b)];
    if (score[0] === Infinity || score[1] === Infinity) continue;
    if (score[0] < bestScore[0] || (score[0] === bestScore[0] && score[1] < bestScore[1])) {
      best = fn;
      bestScore = score;
    }
  }
  if (best === undefined) throw new NotImplementedError(`No KL(p || q) is implemented for p type ${p.constructor.name} and q type ${q.constructor.name}`);
  return scope(() => (best as (p: Distribution, q: Distribution) => Tensor)(p, q));
}

registerKl(Normal, Normal, (p, q) => {
  const varRatio = p.scale.div(q.scale).pow(2);
  const t1 = p.loc.sub(q.loc).div(q.scale).pow(2);
  return varRatio.add(t1).sub(1).sub(varRatio.log()).mul(0.5);
});

registerKl(Uniform, Uniform, (p, q) => {
  const result = q.high.sub(q.low).div(p.high.sub(p.low)).log();
  return result.maskedFill(q.low.gt(p.low).logicalOr(q.high.lt(p.high)), Infinity);
});

registerKl(Exponential, Exponential, (p, q) => {
  const rateRatio = q.rate.div(p.rate);
  return rateRatio.log().neg().add(rateRatio).sub(1);
});

registerKl(Bernoulli, Bernoulli, (p, q) => {
  let t1 = p.probs.mul(softplus(q.logits.neg()).sub(softplus(p.logits.neg())));
  t1 = t1.maskedFill(q.probs.eq(0), Infinity).maskedFill(p.probs.eq(0), 0);
  let t2 = p.probs.neg().add(1).mul(softplus(q.logits).sub(softplus(p.logits)));
  t2 = t2.maskedFill(q.probs.eq(1), Infinity).maskedFill(p.probs.eq(1), 0);
  return t1.add(t2);
});

registerKl(Categorical, Categorical, (p, q) => {
  let t = p.probs.mul(p.logits.sub(q.logits));
  t = t.maskedFill(q.probs.eq(0).expandAs(t), Infinity).maskedFill(p.probs.eq(0).expandAs(t), 0);
  return t.sum(-1);
});

registerKl(Independent, Independent, (p, q) => {
  if (p.reinterpretedBatchNdims !== q.reinterpretedBatchNdims) throw new NotImplementedError('Independent: KL needs the same reinterpreted batch dimensions on both sides');
  const r = klDivergence(p.baseDist, q.baseDist);
  const n = p.reinterpretedBatchNdims;
  return n === 0 ? r : r.reshape([...r.shape.slice(0, r.dim() - n), -1]).sum(-1);
});

registerKl(Laplace, Laplace, (p, q) => {
  const scaleRatio = p.scale.div(q.scale);
  const locAbsDiff = p.loc.sub(q.loc).abs();
  const t1 = scaleRatio.log().neg();
  const t2 = locAbsDiff.div(q.scale);
  const t3 = scaleRatio.mul(locAbsDiff.neg().div(p.scale).exp());
  return t1.add(t2).add(t3).sub(1);
});

registerKl(Poisson, Poisson, (p, q) => p.rate.mul(p.rate.log().sub(q.rate.log())).sub(p.rate.sub(q.rate)));

// Both through the same exp: KL is the base Normals' (Python's transformed-transformed rule).
registerKl(LogNormal, LogNormal, (p, q) => klDivergence(p.baseDist, q.baseDist));

registerKl(OneHotCategorical, OneHotCategorical, (p, q) => klDivergence(p.categorical, q.categorical));

registerKl(MultivariateNormal, MultivariateNormal, (p, q) => {
  if (p.eventShape[0] !== q.eventShape[0]) throw new ValueError('KL-divergence between two Multivariate Normals with different event shapes cannot be computed');
  const [lp, lq] = [p.unbroadcastedScaleTril, q.unbroadcastedScaleTril];
  const halfTerm1 = lq.diagonal(0, -2, -1).log().sum(-1).sub(lp.diagonal(0, -2, -1).log().sum(-1));
  const n = p.eventShape[0];
  const batch = broadcastTensors([lq.select(-1, 0).select(-1, 0), lp.select(-1, 0).select(-1, 0)])[0].shape;
  const term2 = linalg.solveTriangular(lq.expand([...batch, n, n]), lp.expand([...batch, n, n]), { upper: false }).pow(2).sum([-2, -1]);
  const term3 = mahalanobis(lq, q.loc.sub(p.loc));
  return halfTerm1.add(term2.add(term3).sub(n).mul(0.5));
});

registerKl(Gamma, Gamma, (p, q) => {
  const t1 = q.concentration.mul(p.rate.div(q.rate).log());
  const t2 = q.concentration.lgamma().sub(p.concentration.lgamma());
  const t3 = p.concentration.sub(q.concentration).mul(p.concentration.digamma());
  const t4 = q.rate.sub(p.rate).mul(p.concentration.div(p.rate));
  return t1.add(t2).add(t3).add(t4);
});

registerKl(Beta, Beta, (p, q) => {
  const sumP = p.concentration1.add(p.concentration0);
  const sumQ = q.concentration1.add(q.concentration0);
  const t1 = q.concentration1.lgamma().add(q.concentration0.lgamma()).add(sumP.lgamma());
  const t2 = p.concentration1.lgamma().add(p.concentration0.lgamma()).add(sumQ.lgamma());
  const t3 = p.concentration1.sub(q.concentration1).mul(p.concentration1.digamma());
  const t4 = p.concentration0.sub(q.concentration0).mul(p.concentration0.digamma());
  const t5 = sumQ.sub(sumP).mul(sumP.digamma());
  return t1.sub(t2).add(t3).add(t4).add(t5);
});

registerKl(Dirichlet, Dirichlet, (p, q) => {
  const sumP = p.concentration.sum(-1);
  const sumQ = q.concentration.sum(-1);
  const t1 = sumP.lgamma().sub(sumQ.lgamma());
  const t2 = p.concentration.lgamma().sub(q.concentration.lgamma()).sum(-1);
  const t3 = p.concentration.sub(q.concentration);
  const t4 = p.concentration.digamma().sub(sumP.digamma().unsqueeze(-1));
  return t1.sub(t2).add(t3.mul(t4).sum(-1));
});

const EULER = 0.57721566490153286060;
registerKl(Gumbel, Gumbel, (p, q) => {
  const ct1 = p.scale.div(q.scale);
  const ct2 = q.loc.div(q.scale);
  const ct3 = p.loc.div(q.scale);
  const t1 = ct1.log().neg().sub(ct2).add(ct3);
  const t2 = ct1.mul(EULER);
  const t3 = ct2.add(ct1.add(1).lgamma()).sub(ct3).exp();
  return t1.add(t2).add(t3).sub(1 + EULER);
});

registerKl(Geometric, Geometric, (p, q) => p.entropy().neg().sub(q.probs.neg().log1p().div(p.probs)).sub(q.logits));

registerKl(HalfNormal, HalfNormal, (p, q) => klDivergence(p.baseDist, q.baseDist));

registerKl(Cauchy, Cauchy, (p, q) => {
  const t1 = p.scale.add(q.scale).pow(2).add(p.loc.sub(q.loc).pow(2)).log();
  const t2 = p.scale.mul(4).mul(q.scale).log();
  return t1.sub(t2);
});

registerKl(Binomial, Binomial, (p, q) => {
  if (p.totalCount.lt(q.totalCount).any().item<boolean>()) {
    throw new NotImplementedError('KL between Binomials where q.total_count > p.total_count is not implemented');
  }
  const kl = p.totalCount.mul(p.probs.mul(p.logits.sub(q.logits)).add(p.probs.neg().log1p()).sub(q.probs.neg().log1p()));
  return kl.maskedFill(p.totalCount.gt(q.totalCount), Infinity);
});

// Python's Bregman-divergence KL between two exponential families of one type. Of 1.13's
// distributions only Wishart pairs have no closed form registered, so they are the ones that
// take it: KL = A(η_q) - A(η_p) - Σ (η_q - η_p) ∇A(η_p), with A the log normalizer.
registerKl(Wishart, Wishart, (p, q) =>
  enableGrad(() => {
    const pn = p.naturalParams().map((t) => t.detach().requiresGrad_());
    const qn = q.naturalParams();
    const lg = p.logNormalizer(pn[0], pn[1]);
    const grads = autograd.grad(lg.sum(), pn, { createGraph: true });
    let result = q.logNormalizer(qn[0], qn[1]).sub(lg);
    pn.forEach((pnp, i) => {
      // Python sums each term over as many rightmost dims as the event has (both of them).
      result = result.sub(sumRightmost(qn[i].sub(pnp).mul(grads[i]!), q.eventShape.length));
    });
    return result;
  }),
);

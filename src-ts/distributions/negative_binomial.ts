/**
 * The negative binomial distribution: failures before `totalCount` successes in Bernoulli trials
 * whose success probability is 1 - `probs` (PyTorch's convention: `probs` is the probability of
 * the counted outcome). Samples are Poisson draws with Gamma-distributed rates, as Python's.
 */
import { logSigmoid, poisson } from '../generated/ops';
import { noGrad } from '../autograd';
import { scope } from '../memory';
import type { Tensor } from '../tensor';
import { argRepr, Distribution } from './distribution';
import * as constraints from './constraints';
import { Gamma } from './gamma';
import { countParams } from './utils';

export class NegativeBinomial extends Distribution {
  readonly totalCount: Tensor;
  readonly probs: Tensor;
  readonly logits: Tensor;
  private readonly given: 'probs' | 'logits';
  private readonly gamma: Gamma;

  /** `new NegativeBinomial(totalCount, { probs })`: exactly one of `probs` and `logits`. */
  constructor(totalCount: number | Tensor, options: { probs?: number | Tensor; logits?: number | Tensor; validateArgs?: boolean } = {}) {
    const p = countParams(totalCount, options);
    super(p.probs.shape, [], options.validateArgs);
    this.given = p.given;
    this.totalCount = p.totalCount;
    this.probs = p.probs;
    this.logits = p.logits;
    this.checkArgs();
    const rate = scope(() => this.logits.neg().exp());
    this.gamma = new Gamma(this.totalCount, rate, { validateArgs: false });
    rate.dispose();
  }
  get argConstraints(): Record<string, constraints.Constraint> {
    return { totalCount: constraints.greaterThanEq(0), ...(this.given === 'probs' ? { probs: constraints.halfOpenInterval(0, 1) } : { logits: constraints.real }) };
  }
  get support(): constraints.Constraint {
    return constraints.nonnegativeInteger;
  }
  get mean(): Tensor {
    return scope(() => this.totalCount.mul(this.logits.exp()));
  }
  get mode(): Tensor {
    return scope(() => this.totalCount.sub(1).mul(this.logits.exp()).floor().clamp(0));
  }
  get variance(): Tensor {
    return scope(() => this.mean.div(this.logits.neg().sigmoid()));
  }
  sample(sampleShape: number[] = []): Tensor {
    return noGrad(() => scope(() => poisson(this.gamma.sample(sampleShape))));
  }
  logProb(value: Tensor): Tensor {
    this.validateSample(value);
    return scope(() => {
      const n = this.totalCount;
      const unnormalized = n.mul(logSigmoid(this.logits.neg())).add(value.mul(logSigmoid(this.logits)));
      const normalization = n.add(value).lgamma().neg().add(value.add(1).lgamma()).add(n.lgamma());
      return unnormalized.sub(normalization.maskedFill(n.add(value).eq(0), 0));
    });
  }
  protected ownedTensors(): Tensor[] {
    return [this.totalCount, this.probs, this.logits];
  }
  dispose(): void {
    super.dispose();
    this.gamma.dispose();
  }
  toString(): string {
    const t = this.given === 'probs' ? this.probs : this.logits;
    return `NegativeBinomial(total_count: ${argRepr(this.totalCount)}, ${this.given}: ${argRepr(t)})`;
  }
}

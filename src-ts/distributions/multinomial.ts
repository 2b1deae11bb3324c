/**
 * The multinomial distribution: counts per category over `totalCount` draws from a Categorical
 * with `probs` (or `logits`) over the last dimension. Samples are count vectors.
 */
import { NotImplementedError } from '../errors';
import { onesLike, zeros } from '../generated/ops';
import { noGrad } from '../autograd';
import { scope } from '../memory';
import { tensor } from '../creation';
import type { Tensor } from '../tensor';
import { Distribution, broadcastAll } from './distribution';
import * as constraints from './constraints';
import { Binomial } from './binomial';
import { Categorical } from './categorical';

export class Multinomial extends Distribution {
  readonly totalCount: number;
  private readonly categorical: Categorical;
  private readonly binomial: Binomial;

  /** `new Multinomial(10, { probs })`: exactly one of `probs` and `logits`; totalCount an integer. */
  constructor(totalCount = 1, options: { probs?: Tensor; logits?: Tensor; validateArgs?: boolean } = {}) {
    if (!Number.isInteger(totalCount)) throw new NotImplementedError('inhomogeneous total_count is not supported');
    const categorical = new Categorical({ probs: options.probs, logits: options.logits });
    const param = (options.probs ?? options.logits)!;
    super(categorical.batchShape, param.shape.slice(-1), options.validateArgs);
    this.totalCount = totalCount;
    this.categorical = categorical;
    this.binomial = new Binomial(totalCount, { probs: categorical.probs });
    this.checkArgs();
  }
  get argConstraints(): Record<string, constraints.Constraint> {
    return { probs: constraints.simplex, logits: constraints.realVector };
  }
  get support(): constraints.Constraint {
    return constraints.multinomial(this.totalCount);
  }
  get probs(): Tensor {
    return this.categorical.probs;
  }
  get logits(): Tensor {
    return this.categorical.logits;
  }
  get mean(): Tensor {
    return this.probs.mul(this.totalCount);
  }
  get variance(): Tensor {
    return scope(() => this.probs.mul(this.totalCount).mul(this.probs.neg().add(1)));
  }
  sample(sampleShape: number[] = []): Tensor {
    const shape = this.extendedShape(sampleShape);
    return noGrad(() =>
      scope(() => {
        // Draws shaped (totalCount, ...sampleShape, ...batch), moved to the end and counted.
        const draws = this.categorical.sample([this.totalCount, ...sampleShape]);
        const order = Array.from({ length: draws.dim() }, (_, i) => i);
        order.push(order.shift()!);
        const samples = draws.permute(order);
        const counts = zeros(shape, { dtype: samples.dtype, device: samples.device });
        counts.scatterAdd_(-1, samples, onesLike(samples));
        return counts.typeAs(this.probs);
      }),
    );
  }
  logProb(value: Tensor): Tensor {
    this.validateSample(value);
    return scope(() => {
      const [logits, v] = broadcastAll(this.logits, value)[0];
      const logFactorialN = v.sum(-1).add(1).lgamma();
      const logFactorialXs = v.add(1).lgamma().sum(-1);
      // 0 * log(0): a category that cannot occur and did not.
      const safe = logits.maskedFill(v.eq(0).logicalAnd(logits.eq(-Infinity)), 0);
      return logFactorialN.sub(logFactorialXs).add(safe.mul(v).sum(-1));
    });
  }
  entropy(): Tensor {
    return scope(() => {
      const n = this.totalCount;
      const term1 = this.categorical.entropy().mul(n).sub(lgammaOf(n + 1));
      const support = this.binomial.enumerateSupport(false).narrow(0, 1, n);
      const binomialProbs = this.binomial.logProb(support).exp();
      const weights = support.add(1).lgamma();
      return term1.add(binomialProbs.mul(weights).sum([0, -1]));
    });
  }
  protected ownedTensors(): Tensor[] {
    return [];
  }
  dispose(): void {
    this.categorical.dispose();
    this.binomial.dispose();
  }
  /** Python prints no parameters here (they live in the Categorical). */
  toString(): string {
    return 'Multinomial()';
  }
}

// lgamma of an integer as Python's torch.lgamma(torch.tensor(n)) (int64 -> float32).
function lgammaOf(n: number): Tensor {
  return scope(() => tensor(n, { dtype: 'float32' }).lgamma());
}

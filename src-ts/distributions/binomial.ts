/**
 * The binomial distribution: successes in `totalCount` Bernoulli trials with success probability
 * `probs` (or sigmoid(`logits`)). `totalCount` broadcasts with the probabilities.
 */
import { NotImplementedError } from '../errors';
import { arange, binomial } from '../generated/ops';
import { noGrad } from '../autograd';
import { scope } from '../memory';
import type { Tensor } from '../tensor';
import { argRepr, Distribution } from './distribution';
import * as constraints from './constraints';
import { countParams } from './utils';

// (x.clamp(min=0) + x - x.clamp(max=0)) / 2, which is max(x, 0) with a gradient of 1/2 at 0.
const clampByZero = (x: Tensor): Tensor => x.clamp(0).add(x).sub(x.clamp(null, 0)).div(2);

export class Binomial extends Distribution {
  readonly totalCount: Tensor;
  readonly probs: Tensor;
  readonly logits: Tensor;
  private readonly given: 'probs' | 'logits';
  get hasEnumerateSupport(): boolean {
    return true;
  }

  /** `new Binomial(10, { probs })`: exactly one of `probs` and `logits`. */
  constructor(totalCount: number | Tensor = 1, options: { probs?: number | Tensor; logits?: number | Tensor; validateArgs?: boolean } = {}) {
    const p = countParams(totalCount, options);
    super(p.probs.shape, [], options.validateArgs);
    this.given = p.given;
    this.totalCount = p.totalCount;
    this.probs = p.probs;
    this.logits = p.logits;
    this.checkArgs();
  }
  get argConstraints(): Record<string, constraints.Constraint> {
    return { totalCount: constraints.nonnegativeInteger, ...(this.given === 'probs' ? { probs: constraints.unitInterval } : { logits: constraints.real }) };
  }
  get support(): constraints.Constraint {
    return constraints.integerInterval(0, this.totalCount);
  }
  get mean(): Tensor {
    return this.totalCount.mul(this.probs);
  }
  get mode(): Tensor {
    return scope(() => this.totalCount.add(1).mul(this.probs).floor().clampMax(this.totalCount));
  }
  get variance(): Tensor {
    return scope(() => this.totalCount.mul(this.probs).mul(this.probs.neg().add(1)));
  }
  sample(sampleShape: number[] = []): Tensor {
    const shape = this.extendedShape(sampleShape);
    return noGrad(() => scope(() => binomial(this.totalCount.expand(shape), this.probs.expand(shape))));
  }
  logProb(value: Tensor): Tensor {
    this.validateSample(value);
    return scope(() => {
      const n = this.totalCount;
      const logFactorialN = n.add(1).lgamma();
      const logFactorialK = value.add(1).lgamma();
      const logFactorialNmk = n.sub(value).add(1).lgamma();
      const normalize = n.mul(clampByZero(this.logits)).add(n.mul(this.logits.abs().neg().exp().log1p())).sub(logFactorialN);
      return value.mul(this.logits).sub(logFactorialK).sub(logFactorialNmk).sub(normalize);
    });
  }
  entropy(): Tensor {
    this.homogeneousCount('entropy');
    return scope(() => {
      const lp = this.logProb(this.enumerateSupport(false));
      return lp.exp().mul(lp).sum(0).neg();
    });
  }
  enumerateSupport(expand = true): Tensor {
    const total = this.homogeneousCount('enumerate_support');
    return scope(() => {
      const values = arange(1 + total, { dtype: this.probs.dtype, device: this.probs.device }).view([-1, ...this.batchShape.map(() => 1)]);
      return expand ? values.expand([-1, ...this.batchShape]) : values;
    });
  }
  private homogeneousCount(what: string): number {
    const [lo, hi] = scope(() => [this.totalCount.min().item<number>(), this.totalCount.max().item<number>()]);
    if (lo !== hi) throw new NotImplementedError(`Inhomogeneous total count not supported by \`${what}\`.`);
    return Math.trunc(hi);
  }
  protected ownedTensors(): Tensor[] {
    return [this.totalCount, this.probs, this.logits];
  }
  toString(): string {
    const t = this.given === 'probs' ? this.probs : this.logits;
    return `Binomial(total_count: ${argRepr(this.totalCount)}, ${this.given}: ${argRepr(t)})`;
  }
}

/** A categorical distribution whose samples are one-hot vectors (the event is the last dimension). */
import { oneHot } from '../nn/functional';
import { scope } from '../memory';
import type { Tensor } from '../tensor';
import { Distribution } from './distribution';
import { Categorical } from './categorical';
import * as constraints from './constraints';

class OneHot extends constraints.Constraint {
  readonly isDiscrete = true;
  readonly eventDim = 1;
  check(v: Tensor): Tensor {
    return scope(() => v.eq(0).logicalOr(v.eq(1)).all(-1).logicalAnd(v.sum(-1).eq(1)));
  }
  toString(): string {
    return 'OneHot()';
  }
}
const ONE_HOT = new OneHot();

export class OneHotCategorical extends Distribution {
  /** The categorical distribution over the indices. */
  readonly categorical: Categorical;

  constructor(options: { probs?: Tensor; logits?: Tensor; validateArgs?: boolean }) {
    const c = new Categorical(options);
    const param = (options.probs ?? options.logits)!;
    super(c.batchShape, [param.size(-1)], options.validateArgs);
    this.categorical = c;
  }
  get probs(): Tensor {
    return this.categorical.probs;
  }
  get logits(): Tensor {
    return this.categorical.logits;
  }
  get hasEnumerateSupport(): boolean {
    return true;
  }
  get argConstraints(): Record<string, constraints.Constraint> {
    return this.categorical.argConstraints;
  }
  get support(): constraints.Constraint {
    return ONE_HOT;
  }
  get mean(): Tensor {
    return this.probs.alias();
  }
  get mode(): Tensor {
    return scope(() => oneHot(this.probs.argmax(-1), this.eventShape[0]).to(this.probs.dtype));
  }
  get variance(): Tensor {
    return scope(() => this.probs.mul(this.probs.neg().add(1)));
  }
  sample(sampleShape: number[] = []): Tensor {
    return scope(() => oneHot(this.categorical.sample(sampleShape), this.eventShape[0]).to(this.probs.dtype));
  }
  logProb(value: Tensor): Tensor {
    this.validateSample(value);
    return scope(() => this.categorical.logProb(value.max(-1)[1]));
  }
  entropy(): Tensor {
    return this.categorical.entropy();
  }
  enumerateSupport(expand = true): Tensor {
    return scope(() => {
      const n = this.eventShape[0];
      const values = oneHot(this.categorical.enumerateSupport(false).reshape(-1), n).to(this.probs.dtype).view([n, ...this.batchShape.map(() => 1), n]);
      return expand ? values.expand([n, ...this.batchShape, n]) : values;
    });
  }
  protected ownedTensors(): Tensor[] {
    return [];
  }
  dispose(): void {
    this.categorical.dispose();
  }
  /** Python prints no parameters here (they live in the inner Categorical). */
  toString(): string {
    return `${this.constructor.name}()`;
  }
}

/**
 * A OneHotCategorical with straight-through gradients (Bengio et al., 2013): `rsample` returns
 * the one-hot sample, whose gradient flows to `probs` as if the sample were the probabilities.
 */
export class OneHotCategoricalStraightThrough extends OneHotCategorical {
  get hasRsample(): boolean {
    return true;
  }
  rsample(sampleShape: number[] = []): Tensor {
    return scope(() => {
      const samples = this.sample(sampleShape);
      const probs = this.categorical.probs;
      return samples.add(probs.sub(probs.detach()));
    });
  }
}

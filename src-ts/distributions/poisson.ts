/** The Poisson distribution with rate λ: P(k) = λ^k e^-λ / k!. */
import { poisson } from '../generated/ops';
import { noGrad } from '../autograd';
import { scope } from '../memory';
import type { Tensor } from '../tensor';
import { Distribution, broadcastAll } from './distribution';
import * as constraints from './constraints';

export class Poisson extends Distribution {
  readonly rate: Tensor;

  constructor(rate: number | Tensor, options: { validateArgs?: boolean } = {}) {
    const [[r], scalar] = broadcastAll(rate);
    super(scalar ? [] : r.shape, [], options.validateArgs);
    this.rate = r;
    this.checkArgs();
  }
  get argConstraints(): Record<string, constraints.Constraint> {
    return { rate: constraints.nonnegative };
  }
  get support(): constraints.Constraint {
    return constraints.nonnegativeInteger;
  }
  get mean(): Tensor {
    return this.rate.alias();
  }
  get mode(): Tensor {
    return this.rate.floor();
  }
  get variance(): Tensor {
    return this.rate.alias();
  }
  sample(sampleShape: number[] = []): Tensor {
    const shape = this.extendedShape(sampleShape);
    return noGrad(() => scope(() => poisson(this.rate.expand(shape))));
  }
  logProb(value: Tensor): Tensor {
    this.validateSample(value);
    return scope(() => {
      const [[rate, v]] = broadcastAll(this.rate, value);
      return v.xlogy(rate).sub(rate).sub(v.add(1).lgamma());
    });
  }
  protected ownedTensors(): Tensor[] {
    return [this.rate];
  }
}

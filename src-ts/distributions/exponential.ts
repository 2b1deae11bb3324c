/** The exponential distribution with rate λ: density λ·exp(-λx) on x >= 0. */
import { empty, zerosLike } from '../generated/ops';
import { scope } from '../memory';
import type { Tensor } from '../tensor';
import { Distribution, broadcastAll } from './distribution';
import * as constraints from './constraints';

export class Exponential extends Distribution {
  readonly rate: Tensor;
  get hasRsample(): boolean {
    return true;
  }

  constructor(rate: number | Tensor, options: { validateArgs?: boolean } = {}) {
    const [[r], scalar] = broadcastAll(rate);
    super(scalar ? [] : r.shape, [], options.validateArgs);
    this.rate = r;
    this.checkArgs();
  }
  get argConstraints(): Record<string, constraints.Constraint> {
    return { rate: constraints.positive };
  }
  get support(): constraints.Constraint {
    return constraints.nonnegative;
  }
  get mean(): Tensor {
    return this.rate.reciprocal();
  }
  get mode(): Tensor {
    return zerosLike(this.rate);
  }
  get stddev(): Tensor {
    return this.rate.reciprocal();
  }
  get variance(): Tensor {
    return this.rate.pow(-2);
  }
  rsample(sampleShape: number[] = []): Tensor {
    const shape = this.extendedShape(sampleShape);
    return scope(() => empty(shape, { dtype: this.rate.dtype, device: this.rate.device }).exponential_().div(this.rate));
  }
  logProb(value: Tensor): Tensor {
    this.validateSample(value);
    return scope(() => this.rate.log().sub(this.rate.mul(value)));
  }
  cdf(value: Tensor): Tensor {
    this.validateSample(value);
    return scope(() => this.rate.neg().mul(value).exp().neg().add(1));
  }
  icdf(value: Tensor): Tensor {
    return scope(() => value.neg().add(1).log().neg().div(this.rate));
  }
  entropy(): Tensor {
    return scope(() => this.rate.log().neg().add(1));
  }
  protected ownedTensors(): Tensor[] {
    return [this.rate];
  }
}

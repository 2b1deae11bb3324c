/** The normal (Gaussian) distribution, parameterized by `loc` (mean) and `scale` (standard deviation). */
import { empty, erf, erfinv, normal } from '../generated/ops';
import { noGrad } from '../autograd';
import { scope } from '../memory';
import type { Tensor } from '../tensor';
import { LocScale } from './distribution';

const LOG_SQRT_2PI = Math.log(Math.sqrt(2 * Math.PI));

export class Normal extends LocScale {
  get mean(): Tensor {
    return this.loc.alias();
  }
  get stddev(): Tensor {
    return this.scale.alias();
  }
  get variance(): Tensor {
    return this.scale.pow(2);
  }
  sample(sampleShape: number[] = []): Tensor {
    const shape = this.extendedShape(sampleShape);
    return noGrad(() => scope(() => normal(this.loc.expand(shape), this.scale.expand(shape))));
  }
  rsample(sampleShape: number[] = []): Tensor {
    const shape = this.extendedShape(sampleShape);
    return scope(() => {
      const eps = empty(shape, { dtype: this.loc.dtype, device: this.loc.device }).normal_();
      return this.loc.add(eps.mul(this.scale));
    });
  }
  logProb(value: Tensor): Tensor {
    this.validateSample(value);
    return scope(() => {
      const variance = this.scale.pow(2);
      return value.sub(this.loc).pow(2).neg().div(variance.mul(2)).sub(this.scale.log()).sub(LOG_SQRT_2PI);
    });
  }
  cdf(value: Tensor): Tensor {
    this.validateSample(value);
    return scope(() => erf(value.sub(this.loc).mul(this.scale.reciprocal()).div(Math.SQRT2)).add(1).mul(0.5));
  }
  icdf(value: Tensor): Tensor {
    return scope(() => this.loc.add(this.scale.mul(erfinv(value.mul(2).sub(1))).mul(Math.SQRT2)));
  }
  entropy(): Tensor {
    return scope(() => this.scale.log().add(0.5 + 0.5 * Math.log(2 * Math.PI)));
  }
}

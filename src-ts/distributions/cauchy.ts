/**
 * The Cauchy (Lorentz) distribution with median `loc` and half width `scale`, and HalfCauchy:
 * |X| for X ~ Cauchy(0, scale), as Python's (a Cauchy through AbsTransform).
 */
import { full } from '../generated/ops';
import { scope } from '../memory';
import type { Tensor } from '../tensor';
import { LocScale } from './distribution';
import { FoldedAtZero } from './folded';

const LOG_PI = Math.log(Math.PI);

export class Cauchy extends LocScale {
  /** Undefined: NaN. */
  get mean(): Tensor {
    return full(this.extendedShape(), NaN, { dtype: this.loc.dtype, device: this.loc.device });
  }
  /** Infinite. */
  get variance(): Tensor {
    return full(this.extendedShape(), Infinity, { dtype: this.loc.dtype, device: this.loc.device });
  }
  rsample(sampleShape: number[] = []): Tensor {
    const shape = this.extendedShape(sampleShape);
    return scope(() => {
      const eps = full(shape, 0, { dtype: this.loc.dtype, device: this.loc.device }).cauchy_();
      return this.loc.add(eps.mul(this.scale));
    });
  }
  logProb(value: Tensor): Tensor {
    this.validateSample(value);
    return scope(() => this.scale.log().neg().sub(LOG_PI).sub(value.sub(this.loc).div(this.scale).pow(2).add(1).log()));
  }
  cdf(value: Tensor): Tensor {
    this.validateSample(value);
    return scope(() => value.sub(this.loc).div(this.scale).atan().div(Math.PI).add(0.5));
  }
  icdf(value: Tensor): Tensor {
    return scope(() => value.sub(0.5).mul(Math.PI).tan().mul(this.scale).add(this.loc));
  }
  entropy(): Tensor {
    return scope(() => this.scale.log().add(Math.log(4 * Math.PI)));
  }
}

export class HalfCauchy extends FoldedAtZero<Cauchy> {
  constructor(scale: number | Tensor, options: { validateArgs?: boolean } = {}) {
    super(new Cauchy(0, scale, { validateArgs: false }), options.validateArgs);
  }
  get mean(): Tensor {
    return full(this.extendedShape(), Infinity, { dtype: this.scale.dtype, device: this.scale.device });
  }
  get variance(): Tensor {
    return this.baseDist.variance;
  }
}

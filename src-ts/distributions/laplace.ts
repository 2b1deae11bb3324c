/** The Laplace distribution: density exp(-|x - loc| / scale) / (2 scale). */
import { empty } from '../generated/ops';
import { finfo } from '../dtype';
import { scope } from '../memory';
import type { Tensor } from '../tensor';
import { LocScale } from './distribution';


export class Laplace extends LocScale {
  get mean(): Tensor {
    return this.loc.alias();
  }
  get variance(): Tensor {
    return scope(() => this.scale.pow(2).mul(2));
  }
  get stddev(): Tensor {
    return this.scale.mul(Math.SQRT2);
  }
  rsample(sampleShape: number[] = []): Tensor {
    const shape = this.extendedShape(sampleShape);
    return scope(() => {
      const u = empty(shape, { dtype: this.loc.dtype, device: this.loc.device }).uniform_(finfo(this.loc.dtype).eps - 1, 1); // never -1: log1p(-1) is -inf
      return this.loc.sub(this.scale.mul(u.sign()).mul(u.abs().neg().log1p()));
    });
  }
  logProb(value: Tensor): Tensor {
    this.validateSample(value);
    return scope(() => this.scale.mul(2).log().neg().sub(value.sub(this.loc).abs().div(this.scale)));
  }
  cdf(value: Tensor): Tensor {
    this.validateSample(value);
    return scope(() => {
      const d = value.sub(this.loc);
      return d.sign().mul(0.5).mul(d.abs().neg().div(this.scale).expm1()).neg().add(0.5);
    });
  }
  icdf(value: Tensor): Tensor {
    return scope(() => {
      const term = value.sub(0.5);
      return this.loc.sub(this.scale.mul(term.sign()).mul(term.abs().mul(-2).log1p()));
    });
  }
  entropy(): Tensor {
    return scope(() => this.scale.mul(2).log().add(1));
  }
}

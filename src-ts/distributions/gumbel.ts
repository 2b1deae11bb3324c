/**
 * The Gumbel distribution with location `loc` and scale `scale`. As Python's: a
 * Uniform(tiny, 1 - eps) draw u through log, negation, log and the affine map loc - scale * x,
 * so the draws are Python's for the same seed.
 */
import { finfo } from '../dtype';
import { fullLike } from '../generated/ops';
import { scope } from '../memory';
import type { Tensor } from '../tensor';
import { Distribution, broadcastAll } from './distribution';
import { Uniform } from './uniform';
import * as constraints from './constraints';

const EULER = 0.57721566490153286060;

export class Gumbel extends Distribution {
  readonly loc: Tensor;
  readonly scale: Tensor;
  private readonly base: Uniform;
  get hasRsample(): boolean {
    return true;
  }

  constructor(loc: number | Tensor, scale: number | Tensor, options: { validateArgs?: boolean } = {}) {
    const [[l, s], scalar] = broadcastAll(loc, scale);
    const { tiny, eps } = finfo(l.dtype);
    let base: Uniform;
    if (scalar) {
      base = new Uniform(tiny, 1 - eps);
    } else {
      const [lo, hi] = [fullLike(l, tiny), fullLike(l, 1 - eps)];
      base = new Uniform(lo, hi); // holds its own broadcast handles
      lo.dispose();
      hi.dispose();
    }
    super(base.batchShape, [], options.validateArgs);
    this.loc = l;
    this.scale = s;
    this.base = base;
    this.checkArgs();
  }
  get argConstraints(): Record<string, constraints.Constraint> {
    return { loc: constraints.real, scale: constraints.positive };
  }
  get support(): constraints.Constraint {
    return constraints.real;
  }
  get mean(): Tensor {
    return scope(() => this.loc.add(this.scale.mul(EULER)));
  }
  get mode(): Tensor {
    return this.loc.alias();
  }
  get stddev(): Tensor {
    return this.scale.mul(Math.PI / Math.sqrt(6));
  }
  get variance(): Tensor {
    return scope(() => this.stddev.pow(2));
  }
  // The transforms, in Python's order: log, x -> -x, log, x -> loc - scale * x.
  private forwardMap(u: Tensor): Tensor {
    return scope(() => this.scale.neg().mul(u.log().neg().log()).add(this.loc));
  }
  rsample(sampleShape: number[] = []): Tensor {
    return scope(() => this.forwardMap(this.base.rsample(sampleShape)));
  }
  sample(sampleShape: number[] = []): Tensor {
    return scope(() => this.forwardMap(this.base.sample(sampleShape)));
  }
  logProb(value: Tensor): Tensor {
    this.validateSample(value);
    return scope(() => {
      const y = this.loc.sub(value).div(this.scale);
      return y.sub(y.exp()).sub(this.scale.log());
    });
  }
  cdf(value: Tensor): Tensor {
    // Checked against Gumbel's support; Python checks the mapped value against the base
    // Uniform's [tiny, 1 - eps) and so refuses values far in the tails.
    this.validateSample(value);
    // The inverse maps back to u, then the base Uniform's cdf. The two sign flips cancel, but
    // Python still computes sign * (u - 0.5) + 0.5 with sign 1, which can move the last bit.
    return scope(() => this.base.cdf(value.sub(this.loc).div(this.scale.neg()).exp().neg().exp()).sub(0.5).add(0.5));
  }
  icdf(value: Tensor): Tensor {
    return scope(() => this.forwardMap(this.base.icdf(value.sub(0.5).add(0.5))));
  }
  entropy(): Tensor {
    return scope(() => this.scale.log().add(1 + EULER));
  }
  protected ownedTensors(): Tensor[] {
    return [this.loc, this.scale];
  }
  dispose(): void {
    super.dispose();
    this.base.dispose();
  }
}

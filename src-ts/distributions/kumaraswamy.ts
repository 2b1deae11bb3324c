/**
 * The Kumaraswamy distribution on (0, 1) with `concentration1` (a) and `concentration0` (b): a
 * Beta-like distribution with a closed-form cdf. As Python's, a Uniform through
 * x -> x^(1/b), x -> 1 - x, x -> x^(1/a), so the draws are Python's for the same seed.
 */
import { fullLike } from '../generated/ops';
import { scope } from '../memory';
import type { Tensor } from '../tensor';
import { broadcastAll } from './distribution';
import { Uniform } from './uniform';
import { TransformedDistribution } from './transformed_distribution';
import { AffineTransform, PowerTransform } from './transforms';
import * as constraints from './constraints';

const EULER = 0.57721566490153286060;

// E[X^n] = b Γ(1 + n/a) Γ(b) / Γ(1 + n/a + b).
function moments(a: Tensor, b: Tensor, n: number): Tensor {
  const arg1 = a.reciprocal().mul(n).add(1); // Python's n / a is a.reciprocal() * n
  return b.mul(arg1.lgamma().add(b.lgamma()).sub(arg1.add(b).lgamma()).exp());
}

export class Kumaraswamy extends TransformedDistribution {
  readonly concentration1: Tensor;
  readonly concentration0: Tensor;

  constructor(concentration1: number | Tensor, concentration0: number | Tensor, options: { validateArgs?: boolean } = {}) {
    const [[c1, c0]] = broadcastAll(concentration1, concentration0);
    const [lo, hi] = [fullLike(c0, 0), fullLike(c0, 1)];
    const base = new Uniform(lo, hi, options); // holds its own handles of the bounds
    lo.dispose();
    hi.dispose();
    const [r0, r1] = [c0.reciprocal(), c1.reciprocal()];
    super(base, [new PowerTransform(r0), new AffineTransform(1, -1), new PowerTransform(r1)], options);
    r0.dispose();
    r1.dispose();
    this.concentration1 = c1;
    this.concentration0 = c0;
    this.checkArgs();
  }
  get argConstraints(): Record<string, constraints.Constraint> {
    return { concentration1: constraints.positive, concentration0: constraints.positive };
  }
  get support(): constraints.Constraint {
    return constraints.unitInterval;
  }
  get hasRsample(): boolean {
    return true;
  }
  get mean(): Tensor {
    return scope(() => moments(this.concentration1, this.concentration0, 1));
  }
  /** As Python 1.13's formula (NaN where either concentration is below 1). */
  get mode(): Tensor {
    return scope(() => {
      const [c1, c0] = [this.concentration1, this.concentration0];
      const logMode = c0.reciprocal().mul(c0.neg().log1p()).sub(c0.neg().mul(c1).log1p());
      return logMode.maskedFill(c0.lt(1).logicalOr(c1.lt(1)), NaN).exp();
    });
  }
  get variance(): Tensor {
    return scope(() => moments(this.concentration1, this.concentration0, 2).sub(this.mean.pow(2)));
  }
  entropy(): Tensor {
    return scope(() => {
      const t1 = this.concentration1.reciprocal().neg().add(1);
      const t0 = this.concentration0.reciprocal().neg().add(1);
      const h0 = this.concentration0.add(1).digamma().add(EULER);
      return t0.add(t1.mul(h0)).sub(this.concentration1.log()).sub(this.concentration0.log());
    });
  }
  protected ownedTensors(): Tensor[] {
    return [this.concentration1, this.concentration0];
  }
  dispose(): void {
    super.dispose();
    this.baseDist.dispose();
    for (const t of this.transforms) t.dispose();
    for (const t of this.ownedTensors()) t.dispose();
  }
}

/**
 * The gamma distribution with shape `concentration` (α) and `rate` (β): density
 * β^α x^(α-1) e^(-βx) / Γ(α) on x > 0; and Chi2(df), which is Gamma(df/2, 1/2).
 */
import { finfo } from '../dtype';
import { noGrad } from '../autograd';
import { igamma } from '../generated/ops';
import { scope } from '../memory';
import type { Tensor } from '../tensor';
import { Distribution, broadcastAll } from './distribution';
import * as constraints from './constraints';
import { standardGamma } from './utils';

export class Gamma extends Distribution {
  readonly concentration: Tensor;
  readonly rate: Tensor;
  get hasRsample(): boolean {
    return true;
  }

  constructor(concentration: number | Tensor, rate: number | Tensor, options: { validateArgs?: boolean } = {}) {
    const [[c, r], scalar] = broadcastAll(concentration, rate);
    super(scalar ? [] : c.shape, [], options.validateArgs);
    this.concentration = c;
    this.rate = r;
    this.checkArgs();
  }
  get argConstraints(): Record<string, constraints.Constraint> {
    return { concentration: constraints.positive, rate: constraints.positive };
  }
  get support(): constraints.Constraint {
    return constraints.nonnegative;
  }
  get mean(): Tensor {
    return this.concentration.div(this.rate);
  }
  get mode(): Tensor {
    return scope(() => this.concentration.sub(1).div(this.rate).clamp(0));
  }
  get variance(): Tensor {
    return scope(() => this.concentration.div(this.rate.pow(2)));
  }
  rsample(sampleShape: number[] = []): Tensor {
    const shape = this.extendedShape(sampleShape);
    return scope(() => {
      const value = standardGamma(this.concentration.expand(shape)).div(this.rate.expand(shape));
      // As Python: draws that underflow to 0 become the smallest normal number, outside the graph.
      noGrad(() => value.detach().clamp_(finfo(value.dtype).tiny));
      return value;
    });
  }
  logProb(value: Tensor): Tensor {
    this.validateSample(value);
    return scope(() => {
      const c = this.concentration;
      return c.xlogy(this.rate).add(c.sub(1).xlogy(value)).sub(this.rate.mul(value)).sub(c.lgamma());
    });
  }
  cdf(value: Tensor): Tensor {
    this.validateSample(value);
    return scope(() => igamma(this.concentration, this.rate.mul(value)));
  }
  entropy(): Tensor {
    return scope(() => {
      const c = this.concentration;
      return c.sub(this.rate.log()).add(c.lgamma()).add(c.neg().add(1).mul(c.digamma()));
    });
  }
  protected ownedTensors(): Tensor[] {
    return [this.concentration, this.rate];
  }
}

/** The chi-squared distribution with `df` degrees of freedom: Gamma(df / 2, 1 / 2). */
export class Chi2 extends Gamma {
  /** Degrees of freedom (2 * concentration). */
  readonly df: Tensor;

  constructor(df: number | Tensor, options: { validateArgs?: boolean } = {}) {
    const [[d]] = broadcastAll(df);
    const half = d.mul(0.5);
    // Gamma's own check finds no df yet and passes; the check below is Python's (on df).
    super(half, 0.5, options);
    half.dispose();
    this.df = d;
    this.checkArgs();
  }
  get argConstraints(): Record<string, constraints.Constraint> {
    return { df: constraints.positive };
  }
  protected ownedTensors(): Tensor[] {
    return [...super.ownedTensors(), this.df];
  }
  /** Python prints no parameters here (df is a property there). */
  toString(): string {
    return 'Chi2()';
  }
}

/**
 * The Weibull distribution with `scale` λ and `concentration` k: as Python's, an Exponential
 * through a power and a scaling transform, so the draws are Python's for the same seed.
 */
import { onesLike } from '../generated/ops';
import { scope } from '../memory';
import type { Tensor } from '../tensor';
import { broadcastAll } from './distribution';
import { Exponential } from './exponential';
import { TransformedDistribution } from './transformed_distribution';
import { AffineTransform, PowerTransform } from './transforms';
import * as constraints from './constraints';

const EULER = 0.57721566490153286060;

export class Weibull extends TransformedDistribution {
  readonly scale: Tensor;
  readonly concentration: Tensor;
  readonly concentrationReciprocal: Tensor;

  constructor(scale: number | Tensor, concentration: number | Tensor, options: { validateArgs?: boolean } = {}) {
    const [[s, c]] = broadcastAll(scale, concentration);
    const cr = c.reciprocal();
    const ones = onesLike(s);
    const base = new Exponential(ones, options); // holds its own handle of the ones
    ones.dispose();
    super(base, [new PowerTransform(cr), new AffineTransform(0, s)], options);
    this.scale = s;
    this.concentration = c;
    this.concentrationReciprocal = cr;
    this.checkArgs();
  }
  get argConstraints(): Record<string, constraints.Constraint> {
    return { scale: constraints.positive, concentration: constraints.positive };
  }
  get support(): constraints.Constraint {
    return constraints.positive;
  }
  get mean(): Tensor {
    return scope(() => this.scale.mul(this.concentrationReciprocal.add(1).lgamma().exp()));
  }
  get mode(): Tensor {
    return scope(() => this.scale.mul(this.concentration.sub(1).div(this.concentration).pow(this.concentration.reciprocal())));
  }
  get variance(): Tensor {
    return scope(() => {
      const cr = this.concentrationReciprocal;
      return this.scale.pow(2).mul(cr.mul(2).add(1).lgamma().exp().sub(cr.add(1).lgamma().mul(2).exp()));
    });
  }
  entropy(): Tensor {
    return scope(() => this.concentrationReciprocal.neg().add(1).mul(EULER).add(this.scale.mul(this.concentrationReciprocal).log()).add(1));
  }
  protected ownedTensors(): Tensor[] {
    return [this.scale, this.concentration, this.concentrationReciprocal];
  }
  dispose(): void {
    super.dispose();
    this.baseDist.dispose();
    for (const t of this.transforms) t.dispose();
    for (const t of this.ownedTensors()) t.dispose();
  }
}

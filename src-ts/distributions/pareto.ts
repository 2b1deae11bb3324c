/**
 * The Pareto distribution with `scale` (the minimum) and shape `alpha`: as Python's, an
 * Exponential(alpha) through exp and scaling, so the draws are Python's for the same seed.
 */
import { scope } from '../memory';
import type { Tensor } from '../tensor';
import { broadcastAll } from './distribution';
import { Exponential } from './exponential';
import { TransformedDistribution } from './transformed_distribution';
import { AffineTransform, ExpTransform } from './transforms';
import * as constraints from './constraints';

export class Pareto extends TransformedDistribution {
  readonly scale: Tensor;
  readonly alpha: Tensor;

  constructor(scale: number | Tensor, alpha: number | Tensor, options: { validateArgs?: boolean } = {}) {
    const [[s, a]] = broadcastAll(scale, alpha);
    super(new Exponential(a, options), [new ExpTransform(), new AffineTransform(0, s)], options);
    this.scale = s;
    this.alpha = a;
    this.checkArgs();
  }
  get argConstraints(): Record<string, constraints.Constraint> {
    return { alpha: constraints.positive, scale: constraints.positive };
  }
  get support(): constraints.Constraint {
    return constraints.greaterThanEq(this.scale);
  }
  get mean(): Tensor {
    return scope(() => {
      const a = this.alpha.clamp(1);
      return a.mul(this.scale).div(a.sub(1));
    });
  }
  get mode(): Tensor {
    return this.scale.alias();
  }
  get variance(): Tensor {
    return scope(() => {
      const a = this.alpha.clamp(2);
      return this.scale.pow(2).mul(a).div(a.sub(1).pow(2).mul(a.sub(2)));
    });
  }
  entropy(): Tensor {
    return scope(() => this.scale.div(this.alpha).log().add(this.alpha.reciprocal().add(1)));
  }
  protected ownedTensors(): Tensor[] {
    return [this.scale, this.alpha];
  }
  dispose(): void {
    super.dispose();
    this.baseDist.dispose();
    for (const t of this.ownedTensors()) t.dispose();
  }
}

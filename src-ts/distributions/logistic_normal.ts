/**
 * The logistic-normal distribution on the simplex: a Normal over K-1 reals through stick
 * breaking (Python's LogisticNormal), a Dirichlet-like prior whose samples carry gradients.
 */
import type { Tensor } from '../tensor';
import { broadcastAll } from './distribution';
import { Normal } from './normal';
import { TransformedDistribution } from './transformed_distribution';
import { StickBreakingTransform } from './transforms';
import * as constraints from './constraints';
import type { Independent } from './independent';

export class LogisticNormal extends TransformedDistribution {
  constructor(loc: number | Tensor, scale: number | Tensor, options: { validateArgs?: boolean } = {}) {
    // Scalars become one-element vectors (Python expands the base Normal to batch shape [1]).
    const [[l, s], scalar] = broadcastAll(loc, scale);
    const base = scalar ? new Normal(l.reshape([1]), s.reshape([1]), options) : new Normal(l, s, options);
    l.dispose();
    s.dispose();
    super(base, new StickBreakingTransform(), options);
    this.checkArgs();
  }
  private get normal(): Normal {
    return (this.baseDist as Independent).baseDist as Normal;
  }
  get loc(): Tensor {
    return this.normal.loc;
  }
  get scale(): Tensor {
    return this.normal.scale;
  }
  get argConstraints(): Record<string, constraints.Constraint> {
    return { loc: constraints.real, scale: constraints.positive };
  }
  get support(): constraints.Constraint {
    return constraints.simplex;
  }
  get hasRsample(): boolean {
    return true;
  }
  dispose(): void {
    super.dispose();
    this.normal.dispose();
  }
  /** Python prints no parameters here (they live in the base Normal). */
  toString(): string {
    return 'LogisticNormal()';
  }
}

/** The half-normal distribution: |X| for X ~ Normal(0, scale), as Python's (through AbsTransform). */
import { scope } from '../memory';
import type { Tensor } from '../tensor';
import { FoldedAtZero } from './folded';
import { Normal } from './normal';

export class HalfNormal extends FoldedAtZero<Normal> {
  constructor(scale: number | Tensor, options: { validateArgs?: boolean } = {}) {
    super(new Normal(0, scale, { validateArgs: false }), options.validateArgs);
  }
  get mean(): Tensor {
    return this.scale.mul(Math.sqrt(2 / Math.PI));
  }
  get variance(): Tensor {
    return scope(() => this.scale.pow(2).mul(1 - 2 / Math.PI));
  }
}

/**
 * The beta distribution on [0, 1] with `concentration1` (α) and `concentration0` (β): a
 * two-category Dirichlet, as in Python (samples are the first category's share).
 */
import { tensor } from '../creation';
import { stack } from '../generated/ops';
import { scope } from '../memory';
import type { Tensor } from '../tensor';
import { Distribution, broadcastAll } from './distribution';
import * as constraints from './constraints';
import { Dirichlet } from './dirichlet';

export class Beta extends Distribution {
  readonly concentration1: Tensor;
  readonly concentration0: Tensor;
  private readonly dirichlet: Dirichlet;
  get hasRsample(): boolean {
    return true;
  }

  constructor(concentration1: number | Tensor, concentration0: number | Tensor, options: { validateArgs?: boolean } = {}) {
    const both =
      typeof concentration1 === 'number' && typeof concentration0 === 'number'
        ? tensor([concentration1, concentration0], { dtype: 'float32' })
        : scope(() => stack(broadcastAll(concentration1, concentration0)[0], -1));
    // Python checks the pair as the Dirichlet's concentration, with the Dirichlet's message.
    const dirichlet = new Dirichlet(both, options);
    both.dispose();
    super(dirichlet.batchShape, [], options.validateArgs);
    this.dirichlet = dirichlet;
    this.concentration1 = dirichlet.concentration.select(-1, 0);
    this.concentration0 = dirichlet.concentration.select(-1, 1);
  }
  get argConstraints(): Record<string, constraints.Constraint> {
    return { concentration1: constraints.positive, concentration0: constraints.positive };
  }
  get support(): constraints.Constraint {
    return constraints.unitInterval;
  }
  get mean(): Tensor {
    return scope(() => this.concentration1.div(this.concentration1.add(this.concentration0)));
  }
  get mode(): Tensor {
    return scope(() => this.dirichlet.mode.select(-1, 0));
  }
  get variance(): Tensor {
    return scope(() => {
      const total = this.concentration1.add(this.concentration0);
      return this.concentration1.mul(this.concentration0).div(total.pow(2).mul(total.add(1)));
    });
  }
  rsample(sampleShape: number[] = []): Tensor {
    return scope(() => this.dirichlet.rsample(sampleShape).select(-1, 0));
  }
  logProb(value: Tensor): Tensor {
    this.validateSample(value);
    return scope(() => this.dirichlet.logProb(stack([value, value.neg().add(1)], -1)));
  }
  entropy(): Tensor {
    return this.dirichlet.entropy();
  }
  protected ownedTensors(): Tensor[] {
    return [this.concentration1, this.concentration0, this.dirichlet.concentration];
  }
  /** Python prints no parameters here (they live in the Dirichlet). */
  toString(): string {
    return 'Beta()';
  }
}

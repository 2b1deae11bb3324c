/**
 * The log-normal distribution: exp(X) for X ~ Normal(loc, scale). As Python's LogNormal (a Normal
 * through ExpTransform): the same draws, densities and entropy.
 */
import { scope } from '../memory';
import type { Tensor } from '../tensor';
import { Distribution } from './distribution';
import { Normal } from './normal';
import * as constraints from './constraints';

export class LogNormal extends Distribution {
  readonly baseDist: Normal;

  constructor(loc: number | Tensor, scale: number | Tensor, options: { validateArgs?: boolean } = {}) {
    const base = new Normal(loc, scale, options);
    super(base.batchShape, [], options.validateArgs);
    this.baseDist = base;
  }
  get loc(): Tensor {
    return this.baseDist.loc;
  }
  get scale(): Tensor {
    return this.baseDist.scale;
  }
  get hasRsample(): boolean {
    return true;
  }
  get argConstraints(): Record<string, constraints.Constraint> {
    return { loc: constraints.real, scale: constraints.positive };
  }
  get support(): constraints.Constraint {
    return constraints.positive;
  }
  get mean(): Tensor {
    return scope(() => this.loc.add(this.scale.pow(2).div(2)).exp());
  }
  get mode(): Tensor {
    return scope(() => this.loc.sub(this.scale.square()).exp());
  }
  get variance(): Tensor {
    return scope(() => this.scale.pow(2).exp().sub(1).mul(this.loc.mul(2).add(this.scale.pow(2)).exp()));
  }
  rsample(sampleShape: number[] = []): Tensor {
    return scope(() => this.baseDist.rsample(sampleShape).exp());
  }
  sample(sampleShape: number[] = []): Tensor {
    return scope(() => this.baseDist.sample(sampleShape).exp());
  }
  logProb(value: Tensor): Tensor {
    this.validateSample(value);
    // log p(y) = log p_X(log y) - log |dy/dx|, with x = log y and dy/dx = y.
    return scope(() => {
      const x = value.log();
      return this.baseDist.logProb(x).sub(x);
    });
  }
  cdf(value: Tensor): Tensor {
    this.validateSample(value);
    return scope(() => this.baseDist.cdf(value.log()));
  }
  icdf(value: Tensor): Tensor {
    return scope(() => this.baseDist.icdf(value).exp());
  }
  entropy(): Tensor {
    return scope(() => this.baseDist.entropy().add(this.loc));
  }
  protected ownedTensors(): Tensor[] {
    return [];
  }
  dispose(): void {
    this.baseDist.dispose();
  }
  /** Python prints no parameters here (they live in the base Normal). */
  toString(): string {
    return 'LogNormal()';
  }
}

/** The half-normal distribution: |X| for X ~ Normal(0, scale), as Python's (through AbsTransform). */
import { where, zerosLike } from '../generated/ops';
import { scope } from '../memory';
import type { Tensor } from '../tensor';
import { Distribution } from './distribution';
import { Normal } from './normal';
import * as constraints from './constraints';

const LOG_2 = Math.log(2);

export class HalfNormal extends Distribution {
  readonly baseDist: Normal;
  get hasRsample(): boolean {
    return true;
  }

  constructor(scale: number | Tensor, options: { validateArgs?: boolean } = {}) {
    const base = new Normal(0, scale, { validateArgs: false });
    super(base.batchShape, [], options.validateArgs);
    this.baseDist = base;
    this.checkArgs();
  }
  get scale(): Tensor {
    return this.baseDist.scale;
  }
  get argConstraints(): Record<string, constraints.Constraint> {
    return { scale: constraints.positive };
  }
  get support(): constraints.Constraint {
    return constraints.nonnegative;
  }
  get mean(): Tensor {
    return this.scale.mul(Math.sqrt(2 / Math.PI));
  }
  get mode(): Tensor {
    return zerosLike(this.scale);
  }
  get variance(): Tensor {
    return scope(() => this.scale.pow(2).mul(1 - 2 / Math.PI));
  }
  rsample(sampleShape: number[] = []): Tensor {
    return scope(() => this.baseDist.rsample(sampleShape).abs());
  }
  sample(sampleShape: number[] = []): Tensor {
    return scope(() => this.baseDist.sample(sampleShape).abs());
  }
  logProb(value: Tensor): Tensor {
    this.validateSample(value);
    return scope(() => where(value.ge(0), this.baseDist.logProb(value).add(LOG_2), -Infinity));
  }
  cdf(value: Tensor): Tensor {
    this.validateSample(value);
    return scope(() => this.baseDist.cdf(value).mul(2).sub(1));
  }
  icdf(prob: Tensor): Tensor {
    return scope(() => this.baseDist.icdf(prob.add(1).div(2)));
  }
  entropy(): Tensor {
    return scope(() => this.baseDist.entropy().sub(LOG_2));
  }
  protected ownedTensors(): Tensor[] {
    return [];
  }
  dispose(): void {
    this.baseDist.dispose();
  }
  /** Python prints no parameters here (scale lives in the base Normal). */
  toString(): string {
    return 'HalfNormal()';
  }
}

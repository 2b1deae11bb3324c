/**
 * |X| for X from a distribution symmetric about 0 (Python's HalfNormal and HalfCauchy: a base
 * through AbsTransform): samples fold the base's, densities double it on x >= 0.
 */
import { where, zerosLike } from '../generated/ops';
import { scope } from '../memory';
import type { Tensor } from '../tensor';
import { Distribution } from './distribution';
import * as constraints from './constraints';

const LOG_2 = Math.log(2);

/** The base distributions that fold: symmetric about 0, with a `scale`. */
interface Symmetric extends Distribution {
  readonly scale: Tensor;
}

export abstract class FoldedAtZero<B extends Symmetric> extends Distribution {
  readonly baseDist: B;
  get hasRsample(): boolean {
    return true;
  }

  protected constructor(base: B, validateArgs: boolean | undefined) {
    super(base.batchShape, [], validateArgs);
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
  get mode(): Tensor {
    return zerosLike(this.scale);
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
  /** Python prints no parameters here (scale lives in the base distribution). */
  toString(): string {
    return `${this.constructor.name}()`;
  }
}

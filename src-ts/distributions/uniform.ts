/** The continuous uniform distribution on [low, high). */
import { rand } from '../generated/ops';
import { ValueError } from '../errors';
import { scope } from '../memory';
import type { Tensor } from '../tensor';
import { argRepr, Distribution, broadcastAll } from './distribution';
import * as constraints from './constraints';

export class Uniform extends Distribution {
  readonly low: Tensor;
  readonly high: Tensor;
  get hasRsample(): boolean {
    return true;
  }

  constructor(low: number | Tensor, high: number | Tensor, options: { validateArgs?: boolean } = {}) {
    const [[lo, hi], scalar] = broadcastAll(low, high);
    super(scalar ? [] : lo.shape, [], options.validateArgs);
    this.low = lo;
    this.high = hi;
    if (this.validateArgs && !scope(() => lo.lt(hi).all().item<boolean>())) {
      this.dispose();
      throw new ValueError('Uniform is not defined when low>= high');
    }
  }
  // Both bounds depend on each other: checked together above, as Python's dependent constraints.
  get argConstraints(): Record<string, constraints.Constraint> {
    return {};
  }
  get support(): constraints.Constraint {
    return constraints.interval(this.low, this.high);
  }
  get mean(): Tensor {
    return scope(() => this.high.add(this.low).div(2));
  }
  get mode(): Tensor {
    return this.high.mul(NaN);
  }
  get stddev(): Tensor {
    return scope(() => this.high.sub(this.low).div(12 ** 0.5));
  }
  get variance(): Tensor {
    return scope(() => this.high.sub(this.low).pow(2).div(12));
  }
  rsample(sampleShape: number[] = []): Tensor {
    const shape = this.extendedShape(sampleShape);
    return scope(() => this.low.add(rand(shape, { dtype: this.low.dtype, device: this.low.device }).mul(this.high.sub(this.low))));
  }
  logProb(value: Tensor): Tensor {
    this.validateSample(value);
    return scope(() => {
      const lb = this.low.le(value).typeAs(this.low);
      const ub = this.high.gt(value).typeAs(this.low);
      return lb.mul(ub).log().sub(this.high.sub(this.low).log());
    });
  }
  cdf(value: Tensor): Tensor {
    this.validateSample(value);
    return scope(() => value.sub(this.low).div(this.high.sub(this.low)).clamp(0, 1));
  }
  icdf(value: Tensor): Tensor {
    return scope(() => value.mul(this.high.sub(this.low)).add(this.low));
  }
  entropy(): Tensor {
    return scope(() => this.high.sub(this.low).log());
  }
  protected ownedTensors(): Tensor[] {
    return [this.low, this.high];
  }
  toString(): string {
    return `Uniform(low: ${argRepr(this.low)}, high: ${argRepr(this.high)})`;
  }
}

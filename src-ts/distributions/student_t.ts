/** Student's t distribution with `df` degrees of freedom, location `loc` and scale `scale`. */
import { empty, where } from '../generated/ops';
import { scope } from '../memory';
import type { Tensor } from '../tensor';
import { Distribution, broadcastAll } from './distribution';
import * as constraints from './constraints';
import { Chi2 } from './gamma';

const HALF_LOG_PI = 0.5 * Math.log(Math.PI); // also lgamma(0.5), which Python's entropy uses

export class StudentT extends Distribution {
  readonly df: Tensor;
  readonly loc: Tensor;
  readonly scale: Tensor;
  private readonly chi2: Chi2;
  get hasRsample(): boolean {
    return true;
  }

  constructor(df: number | Tensor, loc: number | Tensor = 0, scale: number | Tensor = 1, options: { validateArgs?: boolean } = {}) {
    const [[d, l, s]] = broadcastAll(df, loc, scale);
    super(d.shape, [], options.validateArgs);
    this.df = d;
    this.loc = l;
    this.scale = s;
    this.chi2 = new Chi2(d);
    this.checkArgs();
  }
  get argConstraints(): Record<string, constraints.Constraint> {
    return { df: constraints.positive, loc: constraints.real, scale: constraints.positive };
  }
  get support(): constraints.Constraint {
    return constraints.real;
  }
  /** loc where df > 1, NaN elsewhere. */
  get mean(): Tensor {
    return scope(() => where(this.df.le(1), NaN, this.loc));
  }
  get mode(): Tensor {
    return this.loc.alias();
  }
  /** scale² df / (df - 2) where df > 2, infinite where 1 < df <= 2, NaN elsewhere. */
  get variance(): Tensor {
    return scope(() => {
      const finite = this.scale.pow(2).mul(this.df).div(this.df.sub(2));
      return where(this.df.gt(2), finite, where(this.df.gt(1), Infinity, NaN));
    });
  }
  rsample(sampleShape: number[] = []): Tensor {
    const shape = this.extendedShape(sampleShape);
    return scope(() => {
      const x = empty(shape, { dtype: this.df.dtype, device: this.df.device }).normal_();
      const z = this.chi2.rsample(sampleShape);
      return this.loc.add(this.scale.mul(x.mul(z.div(this.df).rsqrt())));
    });
  }
  logProb(value: Tensor): Tensor {
    this.validateSample(value);
    return scope(() => {
      const df = this.df;
      const y = value.sub(this.loc).div(this.scale);
      const z = this.scale.log().add(df.log().mul(0.5)).add(HALF_LOG_PI).add(df.mul(0.5).lgamma()).sub(df.add(1).mul(0.5).lgamma());
      return df.add(1).mul(-0.5).mul(y.pow(2).div(df).log1p()).sub(z);
    });
  }
  entropy(): Tensor {
    return scope(() => {
      const df = this.df;
      const half = df.mul(0.5);
      const halfPlus = df.add(1).mul(0.5);
      const lbeta = half.lgamma().add(HALF_LOG_PI).sub(halfPlus.lgamma());
      return this.scale.log().add(df.add(1).mul(0.5).mul(halfPlus.digamma().sub(half.digamma()))).add(df.log().mul(0.5)).add(lbeta);
    });
  }
  dispose(): void {
    super.dispose();
    this.chi2.dispose();
  }
  protected ownedTensors(): Tensor[] {
    return [this.df, this.loc, this.scale];
  }
}

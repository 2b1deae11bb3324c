/** The Fisher-Snedecor (F) distribution with `df1` and `df2` degrees of freedom: a ratio of Gammas. */
import { finfo } from '../dtype';
import { scope } from '../memory';
import type { Tensor } from '../tensor';
import { Distribution, broadcastAll } from './distribution';
import * as constraints from './constraints';
import { Gamma } from './gamma';

export class FisherSnedecor extends Distribution {
  readonly df1: Tensor;
  readonly df2: Tensor;
  private readonly gamma1: Gamma;
  private readonly gamma2: Gamma;
  get hasRsample(): boolean {
    return true;
  }

  constructor(df1: number | Tensor, df2: number | Tensor, options: { validateArgs?: boolean } = {}) {
    const [[d1, d2], scalar] = broadcastAll(df1, df2);
    // As Python, the Gammas are made (and checked) first.
    const half1 = d1.mul(0.5);
    const half2 = d2.mul(0.5);
    try {
      const g1 = new Gamma(half1, d1);
      const g2 = new Gamma(half2, d2);
      super(scalar ? [] : d1.shape, [], options.validateArgs);
      this.gamma1 = g1;
      this.gamma2 = g2;
    } finally {
      half1.dispose();
      half2.dispose();
    }
    this.df1 = d1;
    this.df2 = d2;
    this.checkArgs();
  }
  get argConstraints(): Record<string, constraints.Constraint> {
    return { df1: constraints.positive, df2: constraints.positive };
  }
  get support(): constraints.Constraint {
    return constraints.positive;
  }
  get mean(): Tensor {
    return scope(() => {
      const df2 = this.df2.maskedFill(this.df2.le(2), NaN);
      return df2.div(df2.sub(2));
    });
  }
  get mode(): Tensor {
    return scope(() => this.df1.sub(2).div(this.df1).mul(this.df2).div(this.df2.add(2)).maskedFill(this.df1.le(2), NaN));
  }
  get variance(): Tensor {
    return scope(() => {
      const df2 = this.df2.maskedFill(this.df2.le(4), NaN);
      return df2.pow(2).mul(2).mul(this.df1.add(df2).sub(2)).div(this.df1.mul(df2.sub(2).pow(2)).mul(df2.sub(4)));
    });
  }
  rsample(sampleShape: number[] = []): Tensor {
    const shape = this.extendedShape(sampleShape);
    return scope(() => {
      const x1 = this.gamma1.rsample(sampleShape).view(shape);
      const x2 = this.gamma2.rsample(sampleShape).view(shape);
      // In place and recorded by autograd, as Python's.
      const tiny = finfo(x2.dtype).tiny;
      x2.clamp_(tiny);
      return x1.div(x2).clamp_(tiny);
    });
  }
  logProb(value: Tensor): Tensor {
    this.validateSample(value);
    return scope(() => {
      const ct1 = this.df1.mul(0.5);
      const ct2 = this.df2.mul(0.5);
      const ct3 = this.df1.div(this.df2);
      const t1 = ct1.add(ct2).lgamma().sub(ct1.lgamma()).sub(ct2.lgamma());
      const t2 = ct1.mul(ct3.log()).add(ct1.sub(1).mul(value.log()));
      const t3 = ct1.add(ct2).mul(ct3.mul(value).log1p());
      return t1.add(t2).sub(t3);
    });
  }
  protected ownedTensors(): Tensor[] {
    return [this.df1, this.df2];
  }
  dispose(): void {
    super.dispose();
    this.gamma1.dispose();
    this.gamma2.dispose();
  }
}

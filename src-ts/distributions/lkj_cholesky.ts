/**
 * The LKJ distribution over Cholesky factors of `dim` x `dim` correlation matrices, with
 * `concentration` η (1: uniform over correlation matrices; larger: closer to the identity). A
 * prior for covariance models; sampling is Python's vectorized onion method, draw for draw.
 */
import { finfo } from '../dtype';
import { ValueError } from '../errors';
import { arange, cat, diagEmbed, randn } from '../generated/ops';
import { noGrad } from '../autograd';
import { scope } from '../memory';
import type { Tensor } from '../tensor';
import { Distribution, broadcastAll } from './distribution';
import { Beta } from './beta';
import * as constraints from './constraints';

export class LKJCholesky extends Distribution {
  readonly dim: number;
  readonly concentration: Tensor;
  private readonly beta: Beta;

  constructor(dim: number, concentration: number | Tensor = 1, options: { validateArgs?: boolean } = {}) {
    if (!Number.isInteger(dim) || dim < 2) throw new ValueError(`Expected dim to be an integer greater than or equal to 2. Found dim=${dim}.`);
    const [[c]] = broadcastAll(concentration);
    super(c.shape, [dim, dim], options.validateArgs);
    this.dim = dim;
    this.concentration = c;
    // The Beta draws of the onion method (Sec. 3.2 of Lewandowski, Kurowicka & Joe).
    const [conc1, conc0] = scope(() => {
      const marginal = c.add(0.5 * (dim - 2));
      const off = arange(dim - 1, { dtype: c.dtype, device: c.device });
      const offset = cat([off.newZeros([1]), off]);
      return [offset.add(0.5), marginal.unsqueeze(-1).sub(offset.mul(0.5))];
    });
    this.beta = new Beta(conc1, conc0);
    conc1.dispose();
    conc0.dispose();
    this.checkArgs();
  }
  get argConstraints(): Record<string, constraints.Constraint> {
    return { concentration: constraints.positive };
  }
  get support(): constraints.Constraint {
    return constraints.corrCholesky;
  }
  sample(sampleShape: number[] = []): Tensor {
    return noGrad(() =>
      scope(() => {
        const y = this.beta.sample(sampleShape).unsqueeze(-1);
        const uNormal = randn(this.extendedShape(sampleShape), { dtype: y.dtype, device: y.device }).tril(-1);
        const uHypersphere = uNormal.div(uNormal.norm(2, -1, true));
        uHypersphere.select(-2, 0).fill_(0); // the first row's 0/0
        const w = y.sqrt().mul(uHypersphere);
        const diag = w.pow(2).sum(-1).neg().add(1).clamp(finfo(w.dtype).tiny).sqrt();
        return w.add_(diagEmbed(diag));
      }),
    );
  }
  logProb(value: Tensor): Tensor {
    this.validateSample(value);
    return scope(() => {
      const diagElems = value.diagonal(0, -1, -2).narrow(-1, 1, this.dim - 1);
      const order = this.concentration.sub(1).unsqueeze(-1).mul(2).add(this.dim).sub(arange(2, this.dim + 1, { device: this.concentration.device }));
      const unnormalized = order.mul(diagElems.log()).sum(-1);
      const dm1 = this.dim - 1;
      const alpha = this.concentration.add(0.5 * dm1);
      const denominator = alpha.lgamma().mul(dm1);
      const numerator = alpha.sub(0.5).mvlgamma(dm1);
      const normalize = numerator.add(0.5 * dm1 * Math.log(Math.PI)).sub(denominator);
      return unnormalized.sub(normalize);
    });
  }
  protected ownedTensors(): Tensor[] {
    return [this.concentration];
  }
  dispose(): void {
    super.dispose();
    this.beta.dispose();
  }
}

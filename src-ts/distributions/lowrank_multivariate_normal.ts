/**
 * A multivariate normal whose covariance is low rank plus diagonal, W Wᵀ + diag(D) (`covFactor` W
 * of shape [..., n, m], `covDiag` D of shape [..., n]): densities and samples cost O(n m²)
 * instead of O(n³). As Python's LowRankMultivariateNormal, through the capacitance matrix
 * I + Wᵀ D⁻¹ W, op for op.
 */
import { ValueError } from '../errors';
import { broadcastTensors, diagEmbed, empty, linalg } from '../generated/ops';
import { scope } from '../memory';
import { Tensor } from '../tensor';
import { Distribution } from './distribution';
import * as constraints from './constraints';
import { mahalanobis } from './multivariate_normal';

const LOG_2PI = Math.log(2 * Math.PI);
const pySize = (s: number[]): string => `torch.Size([${s.join(', ')}])`;

// A batch of matrices plus the identity.
function plusIdentity(k: Tensor): Tensor {
  const m = k.size(-1);
  const flat = k.contiguous();
  flat.view(-1, m * m).index(':', `::${m + 1}`).add_(1);
  return flat;
}

// Python's _batch_capacitance_tril: the Cholesky factor of I + Wᵀ D⁻¹ W.
function capacitanceTril(w: Tensor, d: Tensor): Tensor {
  return scope(() => linalg.cholesky(plusIdentity(w.mT().div(d.unsqueeze(-2)).matmul(w))));
}
// log det(W Wᵀ + D) = 2 Σ log diag(capacitance) + Σ log D.
export function lowrankLogdet(d: Tensor, capTril: Tensor): Tensor {
  return capTril.diagonal(0, -2, -1).log().sum(-1).mul(2).add(d.log().sum(-1));
}
// xᵀ (W Wᵀ + D)⁻¹ x, by the Woodbury identity.
export function lowrankMahalanobis(w: Tensor, d: Tensor, x: Tensor, capTril: Tensor): Tensor {
  const wtDinv = w.mT().div(d.unsqueeze(-2));
  const wtDinvX = wtDinv.matmul(x.unsqueeze(-1)).squeeze(-1);
  return x.pow(2).div(d).sum(-1).sub(mahalanobis(capTril, wtDinvX));
}

export class LowRankMultivariateNormal extends Distribution {
  readonly loc: Tensor;
  readonly covFactor: Tensor;
  readonly covDiag: Tensor;
  private readonly w: Tensor;
  private readonly d: Tensor;
  private readonly capTril: Tensor;
  get hasRsample(): boolean {
    return true;
  }

  constructor(loc: Tensor, covFactor: Tensor, covDiag: Tensor, options: { validateArgs?: boolean } = {}) {
    for (const [name, t] of [['loc', loc], ['cov_factor', covFactor], ['cov_diag', covDiag]] as const) {
      if (!(t instanceof Tensor)) throw new ValueError(`LowRankMultivariateNormal(): ${name} must be a Tensor`);
    }
    if (loc.dim() < 1) throw new ValueError('loc must be at least one-dimensional.');
    const n = loc.size(-1);
    if (covFactor.dim() < 2) throw new ValueError('cov_factor must be at least two-dimensional, with optional leading batch dimensions');
    if (covFactor.size(-2) !== n) throw new ValueError(`cov_factor must be a batch of matrices with shape ${n} x m`);
    if (covDiag.size(-1) !== n) throw new ValueError(`cov_diag must be a batch of vectors with shape ${pySize([n])}`);
    let parts: Tensor[];
    try {
      parts = scope(() => broadcastTensors([loc.unsqueeze(-1), covFactor, covDiag.unsqueeze(-1)]));
    } catch {
      throw new ValueError(`Incompatible batch shapes: loc ${pySize(loc.shape)}, cov_factor ${pySize(covFactor.shape)}, cov_diag ${pySize(covDiag.shape)}`);
    }
    const [loc_, factor, diag_] = parts;
    super(loc_.shape.slice(0, -2), [n], options.validateArgs);
    this.loc = loc_.select(-1, 0);
    this.covFactor = factor;
    this.covDiag = diag_.select(-1, 0);
    loc_.dispose();
    diag_.dispose();
    // The arguments themselves (not aliases), as Python keeps them: an alias would be one more
    // node in the graph, and gradients would then add up in another order.
    this.w = covFactor;
    this.d = covDiag;
    this.capTril = capacitanceTril(covFactor, covDiag);
    this.checkArgs();
  }
  get argConstraints(): Record<string, constraints.Constraint> {
    return { loc: constraints.realVector, covFactor: constraints.independent(constraints.real, 2), covDiag: constraints.independent(constraints.positive, 1) };
  }
  get support(): constraints.Constraint {
    return constraints.realVector;
  }
  get mean(): Tensor {
    return this.loc.alias();
  }
  get mode(): Tensor {
    return this.loc.alias();
  }
  get variance(): Tensor {
    return scope(() => this.w.pow(2).sum(-1).add(this.d).expand([...this.batchShape, ...this.eventShape]));
  }
  get scaleTril(): Tensor {
    return scope(() => {
      const dSqrt = this.d.sqrt().unsqueeze(-1);
      const dw = this.w.div(dSqrt);
      const l = dSqrt.mul(linalg.cholesky(plusIdentity(dw.matmul(dw.mT()))));
      return l.expand([...this.batchShape, ...this.eventShape, ...this.eventShape]);
    });
  }
  get covarianceMatrix(): Tensor {
    return scope(() => this.w.matmul(this.w.mT()).add(diagEmbed(this.d)).expand([...this.batchShape, ...this.eventShape, ...this.eventShape]));
  }
  get precisionMatrix(): Tensor {
    return scope(() => {
      const wtDinv = this.w.mT().div(this.d.unsqueeze(-2));
      const a = linalg.solveTriangular(this.capTril, wtDinv, { upper: false });
      return diagEmbed(this.d.reciprocal()).sub(a.mT().matmul(a)).expand([...this.batchShape, ...this.eventShape, ...this.eventShape]);
    });
  }
  rsample(sampleShape: number[] = []): Tensor {
    const shape = this.extendedShape(sampleShape);
    return scope(() => {
      const wShape = [...shape.slice(0, -1), this.covFactor.size(-1)];
      const epsW = empty(wShape, { dtype: this.loc.dtype, device: this.loc.device }).normal_();
      const epsD = empty(shape, { dtype: this.loc.dtype, device: this.loc.device }).normal_();
      return this.loc.add(this.w.matmul(epsW.unsqueeze(-1)).squeeze(-1)).add(this.d.sqrt().mul(epsD));
    });
  }
  logProb(value: Tensor): Tensor {
    this.validateSample(value);
    return scope(() => {
      const m = lowrankMahalanobis(this.w, this.d, value.sub(this.loc), this.capTril);
      const logDet = lowrankLogdet(this.d, this.capTril);
      return logDet.add(this.eventShape[0] * LOG_2PI).add(m).mul(-0.5);
    });
  }
  entropy(): Tensor {
    return scope(() => {
      const h = lowrankLogdet(this.d, this.capTril).add(this.eventShape[0] * (1.0 + LOG_2PI)).mul(0.5);
      return this.batchShape.length === 0 ? h : h.expand(this.batchShape);
    });
  }
  /** @internal W, D and the capacitance factor before broadcasting (the KL divergences use them). */
  get unbroadcasted(): { w: Tensor; d: Tensor; capTril: Tensor } {
    return { w: this.w, d: this.d, capTril: this.capTril };
  }
  protected ownedTensors(): Tensor[] {
    return [this.loc, this.covFactor, this.covDiag, this.capTril];
  }
}

/**
 * The multivariate normal distribution N(loc, Σ), given by exactly one of its covariance matrix,
 * precision matrix Σ⁻¹, or lower-triangular scale L (Σ = L Lᵀ). As Python's MultivariateNormal:
 * the same draws (loc + L ε), log densities and entropy; batched over leading dimensions.
 */
import { ValueError } from '../errors';
import { choleskyInverse, empty, eye, flip, linalg } from '../generated/ops';
import { scope } from '../memory';
import { Tensor } from '../tensor';
import { Distribution } from './distribution';
import * as constraints from './constraints';
import { broadcastShapes } from './utils';

const LOG_2PI = Math.log(2 * Math.PI);


// Python's _precision_to_scale_tril: L with L Lᵀ = P⁻¹, through a flipped Cholesky.
export function precisionToScaleTril(p: Tensor): Tensor {
  return scope(() => {
    const lf = linalg.cholesky(flip(p, [-2, -1]));
    const lInv = flip(lf, [-2, -1]).transpose(-2, -1);
    return linalg.solveTriangular(lInv, eye(p.size(-1), { dtype: p.dtype, device: p.device }), { upper: false });
  });
}

type Given = 'covarianceMatrix' | 'precisionMatrix' | 'scaleTril';

export class MultivariateNormal extends Distribution {
  readonly loc: Tensor;
  readonly scaleTril: Tensor;
  readonly covarianceMatrix: Tensor;
  readonly precisionMatrix: Tensor;
  /** L as given or computed, before broadcasting to the batch (Python's _unbroadcasted_scale_tril). */
  private readonly l: Tensor;
  private readonly given: Given;

  /** `loc` (…, n) and exactly one of covarianceMatrix, precisionMatrix, scaleTril (…, n, n). */
  constructor(loc: Tensor, options: { covarianceMatrix?: Tensor; precisionMatrix?: Tensor; scaleTril?: Tensor; validateArgs?: boolean }) {
    if (!(loc instanceof Tensor) || loc.dim() < 1) throw new ValueError('loc must be at least one-dimensional.');
    const kinds = (['covarianceMatrix', 'precisionMatrix', 'scaleTril'] as const).filter((k) => options[k] !== undefined);
    if (kinds.length !== 1) throw new ValueError('Exactly one of covariance_matrix or precision_matrix or scale_tril may be specified.');
    const given = kinds[0];
    const m = options[given]!;
    const what = { covarianceMatrix: 'covariance_matrix', precisionMatrix: 'precision_matrix', scaleTril: 'scale_tril' }[given];
    if (m.dim() < 2) throw new ValueError(`${what}${given === 'scaleTril' ? ' matrix' : ''} must be at least two-dimensional, with optional leading batch dimensions`);
    const batch = broadcastShapes(m.shape.slice(0, -2), loc.shape.slice(0, -1));
    const n = loc.size(-1);
    super(batch, [n], options.validateArgs);
    this.given = given;
    const mats = scope(() => {
      const expanded = m.expand([...batch, -1, -1]);
      const l0 = loc.expand([...batch, -1]);
      return [expanded, l0];
    });
    this.loc = mats[1];
    // The given matrix is checked before anything is computed from it, as in Python.
    (this as unknown as Record<string, Tensor>)[given] = mats[0];
    try {
      this.checkArgs();
    } catch (e) {
      mats.forEach((t) => t.dispose());
      throw e;
    }
    const full = [...batch, n, n];
    [this.l, this.scaleTril, this.covarianceMatrix, this.precisionMatrix] = scope(() => {
      const l = given === 'scaleTril' ? m.alias() : given === 'covarianceMatrix' ? linalg.cholesky(m) : precisionToScaleTril(m);
      return [
        l,
        given === 'scaleTril' ? mats[0] : l.expand(full),
        given === 'covarianceMatrix' ? mats[0] : l.matmul(l.mT()).expand(full),
        given === 'precisionMatrix' ? mats[0] : choleskyInverse(l).expand(full),
      ];
    });
  }
  get hasRsample(): boolean {
    return true;
  }
  get argConstraints(): Record<string, constraints.Constraint> {
    return { loc: constraints.realVector, [this.given]: this.given === 'scaleTril' ? constraints.lowerCholesky : constraints.positiveDefinite };
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
    return scope(() => this.l.pow(2).sum(-1).expand([...this.batchShape, ...this.eventShape]));
  }
  rsample(sampleShape: number[] = []): Tensor {
    const shape = this.extendedShape(sampleShape);
    return scope(() => {
      const eps = empty(shape, { dtype: this.loc.dtype, device: this.loc.device }).normal_();
      return this.loc.add(this.l.matmul(eps.unsqueeze(-1)).squeeze(-1));
    });
  }
  logProb(value: Tensor): Tensor {
    this.validateSample(value);
    return scope(() => {
      const diff = value.sub(this.loc);
      const M = mahalanobis(this.l, diff);
      const halfLogDet = this.l.diagonal(0, -2, -1).log().sum(-1);
      return M.add(this.eventShape[0] * LOG_2PI).mul(-0.5).sub(halfLogDet);
    });
  }
  entropy(): Tensor {
    return scope(() => {
      const halfLogDet = this.l.diagonal(0, -2, -1).log().sum(-1);
      const h = halfLogDet.add(0.5 * this.eventShape[0] * (1.0 + LOG_2PI));
      return this.batchShape.length === 0 ? h : h.expand(this.batchShape);
    });
  }
  /** @internal L before broadcasting (the KL divergence uses it). */
  get unbroadcastedScaleTril(): Tensor {
    return this.l;
  }
  protected ownedTensors(): Tensor[] {
    return [...new Set([this.loc, this.l, this.scaleTril, this.covarianceMatrix, this.precisionMatrix])];
  }
}

/**
 * xᵀ (L Lᵀ)⁻¹ x per batch element, by one triangular solve with all the x of a batch element as
 * columns. Python's _batch_mahalanobis step for step (its reshapes and permutes), so the solve
 * and the sums run in the same order and give the same bits.
 */
export function mahalanobis(bL: Tensor, bx: Tensor): Tensor {
  return scope(() => {
    const n = bx.size(-1);
    const bxBatch = bx.shape.slice(0, -1);
    const lBatchDims = bL.dim() - 2;
    const outer = bxBatch.length - lBatchDims;
    const oldDims = outer + lBatchDims;
    const newDims = outer + 2 * lBatchDims;
    // bx as (..., 1, i, j, 1, n), then permuted to (..., 1, j, i, 1, n).
    const newShape = bx.shape.slice(0, outer);
    bL.shape.slice(0, -2).forEach((sL, k) => newShape.push(bx.size(outer + k) / sL, sL));
    newShape.push(n);
    const range = (a: number, b: number, step = 1): number[] => Array.from({ length: Math.max(0, Math.ceil((b - a) / step)) }, (_, i) => a + i * step);
    const x = bx.reshape(newShape).permute([...range(0, outer), ...range(outer, newDims, 2), ...range(outer + 1, newDims, 2), newDims]);
    const flatL = bL.reshape(-1, n, n);
    const flatX = x.reshape(-1, flatL.size(0), n);
    const mSwap = linalg.solveTriangular(flatL, flatX.permute(1, 2, 0), { upper: false }).pow(2).sum(-2);
    const permuted = mSwap.t().reshape(x.shape.slice(0, -1));
    const inv = range(0, outer);
    for (let i = 0; i < lBatchDims; i++) inv.push(outer + i, oldDims + i);
    return permuted.permute(inv).reshape(bxBatch);
  });
}

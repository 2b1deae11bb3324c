/**
 * The Wishart distribution over positive-definite p x p matrices, with `df` degrees of freedom and
 * a scale given by exactly one of its covariance matrix, precision matrix or lower-triangular
 * factor L. As Python's Wishart: the Bartlett decomposition for rsample (chi-square diagonal,
 * normal below it, through L), the same log density, moments and entropy.
 *
 * A Bartlett draw can come out singular when df is close to p - 1; rsample draws those again (up
 * to `maxTryCorrection` times, with a warning), as PyTorch 2.x does. (PyTorch 1.13 tested the
 * opposite condition and drew every sample again, warning each time; the distribution of the
 * result is the same.)
 */
import { ValueError } from '../errors';
import { arange, choleskySolve, digamma, eye, linalg, mvlgamma, randn, slogdet } from '../generated/ops';
import { scope } from '../memory';
import { Tensor } from '../tensor';
import { finfo } from '../dtype';
import { tensor } from '../creation';
import { Distribution } from './distribution';
import * as constraints from './constraints';
import { Chi2 } from './gamma';
import { precisionToScaleTril } from './multivariate_normal';
import { broadcastShapes, vecToTrilMatrix } from './utils';

const LOG_2 = Math.log(2);

type Given = 'covarianceMatrix' | 'precisionMatrix' | 'scaleTril';

// Python's _mvdigamma: sum over i < p of digamma(x - i / 2).
function mvdigamma(x: Tensor, p: number): Tensor {
  return scope(() => {
    if (!x.gt((p - 1) / 2).all().item()) throw new ValueError('Wrong domain for multivariate digamma function.');
    return digamma(x.unsqueeze(-1).sub(arange(p, { dtype: x.dtype, device: x.device }).div(2).expand([...x.shape, -1]))).sum(-1);
  });
}

export class Wishart extends Distribution {
  readonly df: Tensor;
  readonly scaleTril: Tensor;
  readonly covarianceMatrix: Tensor;
  readonly precisionMatrix: Tensor;
  /** L as given or computed, before broadcasting to the batch. */
  private readonly l: Tensor;
  private readonly given: Given;
  private readonly chi2: Chi2;

  constructor(df: number | Tensor, options: { covarianceMatrix?: Tensor; precisionMatrix?: Tensor; scaleTril?: Tensor; validateArgs?: boolean }) {
    const kinds = (['covarianceMatrix', 'precisionMatrix', 'scaleTril'] as const).filter((k) => options[k] !== undefined);
    if (kinds.length !== 1) throw new ValueError('Exactly one of covariance_matrix or precision_matrix or scale_tril may be specified.');
    const given = kinds[0];
    const m = options[given]!;
    if (!(m instanceof Tensor) || m.dim() < 2) throw new ValueError('scale_tril must be at least two-dimensional, with optional leading batch dimensions');
    const batch = typeof df === 'number' ? m.shape.slice(0, -2) : broadcastShapes(m.shape.slice(0, -2), df.shape);
    const p = m.size(-1);
    const d = typeof df === 'number' ? tensor(df, { dtype: m.dtype, device: m.device }) : df.expand(batch);
    if (scope(() => d.le(p - 1).any().item())) {
      d.dispose();
      throw new ValueError(`Value of df=${typeof df === 'number' ? df : df.toString()} expected to be greater than ndim - 1 = ${p - 1}.`);
    }
    if (scope(() => d.lt(p).any().item())) {
      process.emitWarning('Low df values detected. Singular samples are highly likely to occur for ndim - 1 < df < ndim.', 'UserWarning');
    }
    super(batch, [p, p], options.validateArgs);
    this.given = given;
    this.df = d;
    const expanded = m.expand([...batch, -1, -1]);
    // The given matrix (and df) are checked before anything is computed from them, as in Python.
    (this as unknown as Record<string, Tensor>)[given] = expanded;
    try {
      this.checkArgs();
    } catch (e) {
      expanded.dispose();
      d.dispose();
      throw e;
    }
    const full = [...batch, p, p];
    [this.l, this.scaleTril, this.covarianceMatrix, this.precisionMatrix] = scope(() => {
      const l = given === 'scaleTril' ? m.alias() : given === 'covarianceMatrix' ? linalg.cholesky(m) : precisionToScaleTril(m);
      return [
        l,
        given === 'scaleTril' ? expanded : l.expand(full),
        given === 'covarianceMatrix' ? expanded : l.matmul(l.mT()).expand(full),
        given === 'precisionMatrix' ? expanded : choleskySolve(eye(p, { dtype: l.dtype, device: l.device }), l).expand(full),
      ];
    });
    // The Bartlett diagonal: chi-square with df, df - 1, ..., df - p + 1 degrees of freedom.
    const chiDf = scope(() => d.unsqueeze(-1).sub(arange(p, { dtype: this.l.dtype, device: this.l.device }).expand([...batch, -1])));
    this.chi2 = new Chi2(chiDf);
    chiDf.dispose(); // the Chi2 holds its own views
  }
  get hasRsample(): boolean {
    return true;
  }
  get argConstraints(): Record<string, constraints.Constraint> {
    return {
      [this.given]: this.given === 'scaleTril' ? constraints.lowerCholesky : constraints.positiveDefinite,
      df: constraints.greaterThan(this.eventShape[1] - 1),
    };
  }
  get support(): constraints.Constraint {
    return constraints.positiveDefinite;
  }
  // df over the batch, with two trailing dims to scale matrices.
  private dfMatrix(): Tensor {
    return this.df.view([...this.batchShape, 1, 1]);
  }
  get mean(): Tensor {
    return scope(() => this.dfMatrix().mul(this.covarianceMatrix));
  }
  get mode(): Tensor {
    return scope(() => {
      const factor = this.df.sub(this.eventShape[1]).sub(1);
      return factor.maskedFill(factor.le(0), NaN).view([...this.batchShape, 1, 1]).mul(this.covarianceMatrix);
    });
  }
  get variance(): Tensor {
    return scope(() => {
      const v = this.covarianceMatrix;
      const diag = v.diagonal(0, -2, -1);
      return this.dfMatrix().mul(v.pow(2).add(diag.unsqueeze(-1).mul(diag.unsqueeze(-2))));
    });
  }

  private bartlett(sampleShape: number[]): Tensor {
    return scope(() => {
      const p = this.eventShape[1];
      const eps = finfo(this.l.dtype).eps;
      const chi = this.chi2.rsample(sampleShape).sqrt().clamp(eps);
      const normal = randn([...sampleShape, ...this.batchShape, (p * (p - 1)) / 2], { dtype: chi.dtype, device: chi.device });
      const noise = vecToTrilMatrix(normal, -1).add(chi.diagEmbed(0, -2, -1));
      const chol = this.l.matmul(noise);
      return chol.matmul(chol.mT());
    });
  }

  /** Bartlett draws; a singular one is drawn again, up to `maxTryCorrection` times (default 10). */
  rsample(sampleShape: number[] = [], maxTryCorrection = 10): Tensor {
    this.extendedShape(sampleShape); // checks sampleShape
    return scope(() => {
      const sample = this.bartlett(sampleShape);
      const batchDims = this.batchShape.map((_, i) => -(i + 1));
      const singular = (s: Tensor): Tensor => {
        const bad = constraints.positiveDefinite.check(s).logicalNot();
        return batchDims.length > 0 ? bad.amax(batchDims) : bad;
      };
      let isSingular = singular(sample);
      if (isSingular.any().item()) {
        process.emitWarning('Singular sample detected.', 'UserWarning');
        for (let i = 0; i < maxTryCorrection; i++) {
          const count = isSingular.sum().item() as number;
          const fresh = this.bartlett([count]);
          sample.indexPut_([isSingular], fresh);
          const stillBad = singular(fresh);
          isSingular = isSingular.clone().indexPut_([isSingular], stillBad);
          if (!isSingular.any().item()) break;
        }
      }
      return sample;
    });
  }

  logProb(value: Tensor): Tensor {
    this.validateSample(value);
    return scope(() => {
      const nu = this.df;
      const p = this.eventShape[1];
      const logDetL = this.l.diagonal(0, -2, -1).log().sum(-1);
      return nu
        .mul(logDetL.add((p * LOG_2) / 2))
        .neg()
        .sub(mvlgamma(nu.div(2), p))
        .add(nu.sub(p).sub(1).div(2).mul(slogdet(value)[1]))
        .sub(choleskySolve(value, this.l).diagonal(0, -2, -1).sum(-1).div(2));
    });
  }
  entropy(): Tensor {
    return scope(() => {
      const nu = this.df;
      const p = this.eventShape[1];
      const logDetL = this.l.diagonal(0, -2, -1).log().sum(-1);
      return logDetL
        .add((p * LOG_2) / 2)
        .mul(p + 1)
        .add(mvlgamma(nu.div(2), p))
        .sub(nu.sub(p).sub(1).div(2).mul(mvdigamma(nu.div(2), p)))
        .add(nu.mul(p).div(2));
    });
  }
  /** @internal Python's _natural_params: -precision / 2 and (df - p - 1) / 2. */
  naturalParams(): [Tensor, Tensor] {
    return scope(() => [this.precisionMatrix.neg().div(2), this.df.sub(this.eventShape[1]).sub(1).div(2)]) as [Tensor, Tensor];
  }
  /** @internal Python's _log_normalizer of natural parameters (x, y). */
  logNormalizer(x: Tensor, y: Tensor): Tensor {
    return scope(() => {
      const p = this.eventShape[1];
      const a = y.add((p + 1) / 2);
      return a.mul(slogdet(x.mul(-2))[1].neg().add(LOG_2 * p)).add(mvlgamma(a, p));
    });
  }
  protected ownedTensors(): Tensor[] {
    return [...new Set([this.df, this.l, this.scaleTril, this.covarianceMatrix, this.precisionMatrix])];
  }
  dispose(): void {
    super.dispose();
    this.chi2.dispose();
  }
}

/**
 * The continuous Bernoulli distribution on [0, 1] (Loaiza-Ganem & Cunningham, 2019), for [0, 1]
 * data such as pixel intensities in a VAE: density ∝ p^x (1-p)^(1-x), normalized. Near p = 1/2
 * (inside `lims`) Python's Taylor expansions are used, as here, op for op.
 */
import { ValueError } from '../errors';
import { binaryCrossEntropyWithLogits, rand, where } from '../generated/ops';
import { noGrad } from '../autograd';
import { scope } from '../memory';
import { Tensor } from '../tensor';
import { argRepr, Distribution, broadcastAll } from './distribution';
import * as constraints from './constraints';
import { clampProbs, logitsToProbs, probsToLogits } from './utils';

const NONE = 0; // ATen's reduction codes

export class ContinuousBernoulli extends Distribution {
  readonly probs: Tensor;
  readonly logits: Tensor;
  private readonly given: 'probs' | 'logits';
  private readonly lims: [number, number];
  get hasRsample(): boolean {
    return true;
  }

  /** Exactly one of `probs` and `logits`; `lims` bounds the region computed by Taylor expansion. */
  constructor(options: { probs?: number | Tensor; logits?: number | Tensor; lims?: [number, number]; validateArgs?: boolean }) {
    const { probs, logits } = options;
    if ((probs === undefined) === (logits === undefined)) throw new ValueError('Either `probs` or `logits` must be specified, but not both.');
    const [[param], scalar] = broadcastAll((probs ?? logits)!);
    // As Python: probs are checked only when validateArgs is given explicitly, then clamped.
    if (probs !== undefined && options.validateArgs !== undefined && !scope(() => constraints.unitInterval.check(param).all().item<boolean>())) {
      param.dispose();
      throw new ValueError('The parameter probs has invalid values');
    }
    super(scalar ? [] : param.shape, [], options.validateArgs);
    this.given = probs !== undefined ? 'probs' : 'logits';
    this.lims = options.lims ?? [0.499, 0.501];
    if (this.given === 'probs') {
      this.probs = clampProbs(param);
      param.dispose();
      this.logits = probsToLogits(this.probs, true);
    } else {
      this.logits = param;
      this.probs = scope(() => clampProbs(logitsToProbs(param, true)));
    }
    this.checkArgs();
  }
  get argConstraints(): Record<string, constraints.Constraint> {
    return this.given === 'probs' ? { probs: constraints.unitInterval } : { logits: constraints.real };
  }
  get support(): constraints.Constraint {
    return constraints.unitInterval;
  }
  private outsideUnstableRegion(): Tensor {
    return this.probs.le(this.lims[0]).logicalOr(this.probs.gt(this.lims[1]));
  }
  private cutProbs(): Tensor {
    return where(this.outsideUnstableRegion(), this.probs, this.lims[0]);
  }
  /** The log normalizing constant, as a function of probs. */
  contBernLogNorm(): Tensor {
    return scope(() => {
      const cut = this.cutProbs();
      const below = where(cut.le(0.5), cut, 0);
      const above = where(cut.ge(0.5), cut, 1);
      const logNorm = cut.neg().log1p().sub(cut.log()).abs().log().sub(where(cut.le(0.5), below.mul(-2).log1p(), above.mul(2).sub(1).log()));
      const x = this.probs.sub(0.5).pow(2);
      const taylor = x.mul(104 / 45).add(4 / 3).mul(x).add(Math.log(2));
      return where(this.outsideUnstableRegion(), logNorm, taylor);
    });
  }
  get mean(): Tensor {
    return scope(() => {
      const cut = this.cutProbs();
      const mus = cut.div(cut.mul(2).sub(1)).add(cut.neg().log1p().sub(cut.log()).reciprocal());
      const x = this.probs.sub(0.5);
      const taylor = x.pow(2).mul(16 / 45).add(1 / 3).mul(x).add(0.5);
      return where(this.outsideUnstableRegion(), mus, taylor);
    });
  }
  get variance(): Tensor {
    return scope(() => {
      const cut = this.cutProbs();
      const vars = cut.mul(cut.sub(1)).div(cut.mul(2).neg().add(1).pow(2)).add(cut.neg().log1p().sub(cut.log()).pow(2).reciprocal());
      const x = this.probs.sub(0.5).pow(2);
      const taylor = x.mul(128 / 945).neg().add(1 / 15).mul(x).neg().add(1 / 12);
      return where(this.outsideUnstableRegion(), vars, taylor);
    });
  }
  sample(sampleShape: number[] = []): Tensor {
    const shape = this.extendedShape(sampleShape);
    return scope(() => {
      const u = rand(shape, { dtype: this.probs.dtype, device: this.probs.device });
      return noGrad(() => this.icdf(u));
    });
  }
  rsample(sampleShape: number[] = []): Tensor {
    const shape = this.extendedShape(sampleShape);
    return scope(() => this.icdf(rand(shape, { dtype: this.probs.dtype, device: this.probs.device })));
  }
  logProb(value: Tensor): Tensor {
    this.validateSample(value);
    return scope(() => {
      const [logits, v] = broadcastAll(this.logits, value)[0];
      return binaryCrossEntropyWithLogits(logits, v, null, null, NONE).neg().add(this.contBernLogNorm());
    });
  }
  cdf(value: Tensor): Tensor {
    this.validateSample(value);
    return scope(() => {
      const cut = this.cutProbs();
      const cdfs = cut.pow(value).mul(cut.neg().add(1).pow(value.neg().add(1))).add(cut).sub(1).div(cut.mul(2).sub(1));
      const unbounded = where(this.outsideUnstableRegion(), cdfs, value);
      return where(value.le(0), 0, where(value.ge(1), 1, unbounded));
    });
  }
  icdf(value: Tensor): Tensor {
    return scope(() => {
      const cut = this.cutProbs();
      const inner = cut.neg().add(value.mul(cut.mul(2).sub(1))).log1p().sub(cut.neg().log1p()).div(cut.log().sub(cut.neg().log1p()));
      return where(this.outsideUnstableRegion(), inner, value);
    });
  }
  entropy(): Tensor {
    return scope(() => {
      const logProbs0 = this.probs.neg().log1p();
      const logProbs1 = this.probs.log();
      return this.mean.mul(logProbs0.sub(logProbs1)).sub(this.contBernLogNorm()).sub(logProbs0);
    });
  }
  protected ownedTensors(): Tensor[] {
    return [this.probs, this.logits];
  }
  toString(): string {
    const t = this.given === 'probs' ? this.probs : this.logits;
    return `ContinuousBernoulli(${this.given}: ${argRepr(t)})`;
  }
}

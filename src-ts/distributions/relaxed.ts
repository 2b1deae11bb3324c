/**
 * Relaxed (Concrete / Gumbel-softmax) distributions, continuous stand-ins for Bernoulli and
 * one-hot Categorical samples that carry gradients: RelaxedBernoulli on (0, 1) (a
 * LogitRelaxedBernoulli through a sigmoid) and RelaxedOneHotCategorical on the simplex (an
 * ExpRelaxedCategorical through exp). Lower `temperature`, closer to discrete. As Python's,
 * op for op; `temperature` is a number or a tensor.
 */
import { tensor } from '../creation';
import { fullLike, rand } from '../generated/ops';
import { scope } from '../memory';
import { Tensor } from '../tensor';
import { argRepr, Distribution, broadcastAll } from './distribution';
import { Categorical } from './categorical';
import * as constraints from './constraints';
import { TransformedDistribution } from './transformed_distribution';
import { ExpTransform, SigmoidTransform } from './transforms';
import { binaryParams, clampProbs } from './utils';

type Params<P> = { probs?: P; logits?: P; validateArgs?: boolean };

// A number temperature as a 0-d tensor of the parameters' dtype (Python's code needs a tensor).
const asTensor = (t: number | Tensor, like: Tensor): Tensor => (t instanceof Tensor ? t.alias() : tensor(t, { dtype: like.dtype, device: like.device }));

/** The logit of a RelaxedBernoulli sample: (logistic noise + logits) / temperature. */
export class LogitRelaxedBernoulli extends Distribution {
  readonly temperature: Tensor;
  readonly probs: Tensor;
  readonly logits: Tensor;
  private readonly given: 'probs' | 'logits';
  get hasRsample(): boolean {
    return true;
  }

  constructor(temperature: number | Tensor, options: Params<number | Tensor>) {
    const p = binaryParams(options);
    super(p.batchShape, [], options.validateArgs);
    this.given = p.given;
    this.probs = p.probs;
    this.logits = p.logits;
    this.temperature = asTensor(temperature, p.probs);
    this.checkArgs();
  }
  get argConstraints(): Record<string, constraints.Constraint> {
    return this.given === 'probs' ? { probs: constraints.unitInterval } : { logits: constraints.real };
  }
  get support(): constraints.Constraint {
    return constraints.real;
  }
  rsample(sampleShape: number[] = []): Tensor {
    const shape = this.extendedShape(sampleShape);
    return scope(() => {
      const probs = clampProbs(this.probs.expand(shape));
      const u = clampProbs(rand(shape, { dtype: probs.dtype, device: probs.device }));
      return u.log().sub(u.neg().log1p()).add(probs.log()).sub(probs.neg().log1p()).div(this.temperature);
    });
  }
  logProb(value: Tensor): Tensor {
    this.validateSample(value);
    return scope(() => {
      const [logits, v] = broadcastAll(this.logits, value)[0];
      const diff = logits.sub(v.mul(this.temperature));
      return this.temperature.log().add(diff).sub(diff.exp().log1p().mul(2));
    });
  }
  protected ownedTensors(): Tensor[] {
    return [this.probs, this.logits, this.temperature];
  }
  toString(): string {
    return `LogitRelaxedBernoulli(${this.given}: ${argRepr(this.given === 'probs' ? this.probs : this.logits)})`;
  }
}

// What RelaxedBernoulli and RelaxedOneHotCategorical share: a relaxed base distribution through
// one transform, whose temperature and probabilities they expose.
interface RelaxedBase extends Distribution {
  readonly temperature: Tensor;
  readonly probs: Tensor;
  readonly logits: Tensor;
}
abstract class Relaxed<B extends RelaxedBase> extends TransformedDistribution {
  declare readonly baseDist: B;
  get temperature(): Tensor {
    return this.baseDist.temperature;
  }
  get probs(): Tensor {
    return this.baseDist.probs;
  }
  get logits(): Tensor {
    return this.baseDist.logits;
  }
  get hasRsample(): boolean {
    return true;
  }
  dispose(): void {
    super.dispose();
    this.baseDist.dispose();
  }
  /** Python prints no parameters here (they live in the base distribution). */
  toString(): string {
    return `${this.constructor.name}()`;
  }
}

/** A relaxed Bernoulli sample in (0, 1), with gradients (rsample). */
export class RelaxedBernoulli extends Relaxed<LogitRelaxedBernoulli> {
  constructor(temperature: number | Tensor, options: Params<number | Tensor>) {
    super(new LogitRelaxedBernoulli(temperature, { probs: options.probs, logits: options.logits }), new SigmoidTransform(), options);
    this.checkArgs();
  }
  get argConstraints(): Record<string, constraints.Constraint> {
    return { probs: constraints.unitInterval, logits: constraints.real };
  }
  get support(): constraints.Constraint {
    return constraints.unitInterval;
  }
}

/** The log of a RelaxedOneHotCategorical sample: log-softmax((logits + Gumbel noise) / temperature). */
export class ExpRelaxedCategorical extends Distribution {
  readonly temperature: Tensor;
  private readonly categorical: Categorical;
  get hasRsample(): boolean {
    return true;
  }

  constructor(temperature: number | Tensor, options: Params<Tensor>) {
    const categorical = new Categorical({ probs: options.probs, logits: options.logits });
    const param = (options.probs ?? options.logits)!;
    super(categorical.batchShape, param.shape.slice(-1), options.validateArgs);
    this.categorical = categorical;
    this.temperature = asTensor(temperature, categorical.probs);
    this.checkArgs();
  }
  get probs(): Tensor {
    return this.categorical.probs;
  }
  get logits(): Tensor {
    return this.categorical.logits;
  }
  get argConstraints(): Record<string, constraints.Constraint> {
    return { probs: constraints.simplex, logits: constraints.realVector };
  }
  get support(): constraints.Constraint {
    return constraints.realVector;
  }
  rsample(sampleShape: number[] = []): Tensor {
    const shape = this.extendedShape(sampleShape);
    return scope(() => {
      const u = clampProbs(rand(shape, { dtype: this.logits.dtype, device: this.logits.device }));
      const gumbels = u.log().neg().log().neg();
      const scores = this.logits.add(gumbels).div(this.temperature);
      return scores.sub(scores.logsumexp(-1, true));
    });
  }
  logProb(value: Tensor): Tensor {
    const k = this.eventShape[0];
    this.validateSample(value);
    return scope(() => {
      const [logits, v] = broadcastAll(this.logits, value)[0];
      const logScale = fullLike(this.temperature, k).lgamma().sub(this.temperature.log().mul(-(k - 1)));
      let score = logits.sub(v.mul(this.temperature));
      score = score.sub(score.logsumexp(-1, true)).sum(-1);
      return score.add(logScale);
    });
  }
  protected ownedTensors(): Tensor[] {
    return [this.temperature];
  }
  dispose(): void {
    super.dispose();
    this.categorical.dispose();
  }
  /** Python prints no parameters here (they live in the Categorical). */
  toString(): string {
    return 'ExpRelaxedCategorical()';
  }
}

/** A relaxed one-hot sample on the simplex, with gradients (rsample): Gumbel-softmax. */
export class RelaxedOneHotCategorical extends Relaxed<ExpRelaxedCategorical> {
  constructor(temperature: number | Tensor, options: Params<Tensor>) {
    super(new ExpRelaxedCategorical(temperature, options), new ExpTransform(), options);
    this.checkArgs();
  }
  get argConstraints(): Record<string, constraints.Constraint> {
    return { probs: constraints.simplex, logits: constraints.realVector };
  }
  get support(): constraints.Constraint {
    return constraints.simplex;
  }
}

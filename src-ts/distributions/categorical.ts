/**
 * The categorical distribution over {0, ..., K-1}: `probs` (normalized over the last dimension) or
 * `logits` (unnormalized log-probabilities). The last dimension indexes the categories; the rest
 * is the batch.
 */
import { ValueError, TypeError as TorchTypeError } from '../errors';
import { broadcastTensors, full, multinomial } from '../generated/ops';
import { noGrad } from '../autograd';
import { scope } from '../memory';
import { Tensor } from '../tensor';
import { argRepr, enumerateValues, Distribution } from './distribution';
import * as constraints from './constraints';
import { logitsToProbs, probsToLogits } from './utils';
import { finfo } from '../dtype';

export class Categorical extends Distribution {
  readonly probs: Tensor;
  readonly logits: Tensor;
  get hasEnumerateSupport(): boolean {
    return true;
  }
  private readonly given: 'probs' | 'logits';
  private readonly numEvents: number;

  /** Exactly one of `probs` and `logits`, each at least 1-D. */
  constructor(options: { probs?: Tensor; logits?: Tensor; validateArgs?: boolean }) {
    const { probs, logits } = options;
    if ((probs === undefined) === (logits === undefined)) throw new ValueError('Either `probs` or `logits` must be specified, but not both.');
    const given = probs !== undefined ? 'probs' : 'logits';
    const param = (probs ?? logits)!;
    if (!(param instanceof Tensor)) throw new TorchTypeError(`Categorical: \`${given}\` must be a Tensor`);
    if (param.dim() < 1) throw new ValueError(`\`${given}\` parameter must be at least one-dimensional.`);
    super(param.dim() > 1 ? param.shape.slice(0, -1) : [], [], options.validateArgs);
    this.given = given;
    this.numEvents = param.size(-1);
    // Both forms are made now (Python makes the other lazily): they then live as long as the distribution.
    [this.probs, this.logits] = scope(() => {
      if (given === 'probs') {
        const p = param.div(param.sum(-1, true));
        return [p, probsToLogits(p)];
      }
      const l = param.sub(param.logsumexp(-1, true));
      return [logitsToProbs(l), l];
    });
    this.checkArgs();
  }
  get argConstraints(): Record<string, constraints.Constraint> {
    return this.given === 'probs' ? { probs: constraints.simplex } : { logits: constraints.realVector };
  }
  get support(): constraints.Constraint {
    return constraints.integerInterval(0, this.numEvents - 1);
  }
  get mean(): Tensor {
    return full(this.extendedShape(), NaN, { dtype: this.probs.dtype, device: this.probs.device });
  }
  get mode(): Tensor {
    return this.probs.argmax(-1);
  }
  get variance(): Tensor {
    return full(this.extendedShape(), NaN, { dtype: this.probs.dtype, device: this.probs.device });
  }
  sample(sampleShape: number[] = []): Tensor {
    const shape = this.extendedShape(sampleShape);
    const n = sampleShape.reduce((a, b) => a * b, 1);
    return noGrad(() => scope(() => multinomial(this.probs.reshape(-1, this.numEvents), n, true).t().reshape(shape)));
  }
  logProb(value: Tensor): Tensor {
    this.validateSample(value);
    return scope(() => {
      const [v, logPmf] = broadcastTensors([value.long().unsqueeze(-1), this.logits]);
      return logPmf.gather(-1, v.narrow(-1, 0, 1)).squeeze(-1);
    });
  }
  entropy(): Tensor {
    return scope(() => this.logits.clamp({ min: finfo(this.logits.dtype).min }).mul(this.probs).sum(-1).neg());
  }
  enumerateSupport(expand = true): Tensor {
    return enumerateValues(this.numEvents, 'int64', this.probs.device, this.batchShape, expand);
  }

  protected ownedTensors(): Tensor[] {
    return [this.probs, this.logits];
  }
  toString(): string {
    const t = this.given === 'probs' ? this.probs : this.logits;
    return `Categorical(${this.given}: ${argRepr(t)})`;
  }
}

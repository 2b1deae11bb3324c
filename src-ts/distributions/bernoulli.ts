/** The Bernoulli distribution: 1 with probability `probs` (or sigmoid(`logits`)), else 0. */
import { bernoulli, binaryCrossEntropyWithLogits } from '../generated/ops';
import { noGrad } from '../autograd';
import { scope } from '../memory';
import type { Tensor } from '../tensor';
import { argRepr, enumerateValues, Distribution, broadcastAll } from './distribution';
import * as constraints from './constraints';
import { binaryParams } from './utils';

const NONE = 0; // ATen's reduction codes

export class Bernoulli extends Distribution {
  readonly probs: Tensor;
  readonly logits: Tensor;
  get hasEnumerateSupport(): boolean {
    return true;
  }
  private readonly given: 'probs' | 'logits';

  /** Exactly one of `probs` and `logits`. */
  constructor(options: { probs?: number | Tensor; logits?: number | Tensor; validateArgs?: boolean }) {
    const p = binaryParams(options);
    super(p.batchShape, [], options.validateArgs);
    this.given = p.given;
    this.probs = p.probs;
    this.logits = p.logits;
    this.checkArgs();
  }
  get argConstraints(): Record<string, constraints.Constraint> {
    return this.given === 'probs' ? { probs: constraints.unitInterval } : { logits: constraints.real };
  }
  get support(): constraints.Constraint {
    return constraints.boolean;
  }
  get mean(): Tensor {
    return this.probs.alias();
  }
  get mode(): Tensor {
    return scope(() => this.probs.ge(0.5).to(this.probs.dtype).maskedFill(this.probs.eq(0.5), NaN));
  }
  get variance(): Tensor {
    return scope(() => this.probs.mul(this.probs.neg().add(1)));
  }
  sample(sampleShape: number[] = []): Tensor {
    const shape = this.extendedShape(sampleShape);
    return noGrad(() => scope(() => bernoulli(this.probs.expand(shape))));
  }
  logProb(value: Tensor): Tensor {
    this.validateSample(value);
    return scope(() => {
      const [logits, v] = broadcastAll(this.logits, value)[0];
      return binaryCrossEntropyWithLogits(logits, v, null, null, NONE).neg();
    });
  }
  entropy(): Tensor {
    return binaryCrossEntropyWithLogits(this.logits, this.probs, null, null, NONE);
  }
  enumerateSupport(expand = true): Tensor {
    return enumerateValues(2, this.probs.dtype, this.probs.device, this.batchShape, expand);
  }

  protected ownedTensors(): Tensor[] {
    return [this.probs, this.logits];
  }
  toString(): string {
    const t = this.given === 'probs' ? this.probs : this.logits;
    return `Bernoulli(${this.given}: ${argRepr(t)})`;
  }
}

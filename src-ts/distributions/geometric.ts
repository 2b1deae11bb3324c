/**
 * The geometric distribution: the number of failures before the first success in Bernoulli
 * trials with success probability `probs` (or sigmoid(`logits`)).
 */
import { finfo } from '../dtype';
import { ValueError } from '../errors';
import { binaryCrossEntropyWithLogits, empty, zerosLike } from '../generated/ops';
import { noGrad } from '../autograd';
import { scope } from '../memory';
import type { Tensor } from '../tensor';
import { argRepr, Distribution, broadcastAll } from './distribution';
import * as constraints from './constraints';
import { binaryParams } from './utils';

const NONE = 0; // ATen's reduction codes
const pyTupleShape = (s: number[]): string => `(${s.join(', ')}${s.length === 1 ? ',' : ''})`;

export class Geometric extends Distribution {
  readonly probs: Tensor;
  readonly logits: Tensor;
  private readonly given: 'probs' | 'logits';

  /** Exactly one of `probs` (in (0, 1]) and `logits`. */
  constructor(options: { probs?: number | Tensor; logits?: number | Tensor; validateArgs?: boolean }) {
    const p = binaryParams(options);
    super(p.batchShape, [], options.validateArgs);
    this.given = p.given;
    this.probs = p.probs;
    this.logits = p.logits;
    this.checkArgs();
    if (this.validateArgs && this.given === 'probs') {
      const invalid = scope(() => {
        const bad = this.probs.le(0);
        return bad.any().item<boolean>() ? this.probs.detach().index(bad).toString() : null;
      });
      if (invalid !== null) {
        throw new ValueError(
          `Expected parameter probs (Tensor of shape ${pyTupleShape(this.probs.shape)}) of distribution ${this.toString()} to be positive but found invalid values:\n${invalid}`,
        );
      }
    }
  }
  get argConstraints(): Record<string, constraints.Constraint> {
    return this.given === 'probs' ? { probs: constraints.unitInterval } : { logits: constraints.real };
  }
  get support(): constraints.Constraint {
    return constraints.nonnegativeInteger;
  }
  get mean(): Tensor {
    return scope(() => this.probs.reciprocal().sub(1));
  }
  get mode(): Tensor {
    return zerosLike(this.probs);
  }
  get variance(): Tensor {
    return scope(() => this.probs.reciprocal().sub(1).div(this.probs));
  }
  sample(sampleShape: number[] = []): Tensor {
    const shape = this.extendedShape(sampleShape);
    const tiny = finfo(this.probs.dtype).tiny;
    return noGrad(() =>
      scope(() => {
        const u = empty(shape, { dtype: this.probs.dtype, device: this.probs.device }).uniform_(tiny, 1);
        return u.log().div(this.probs.neg().log1p()).floor();
      }),
    );
  }
  logProb(value: Tensor): Tensor {
    this.validateSample(value);
    return scope(() => {
      const [v, p] = broadcastAll(value, this.probs)[0];
      // p = 1 with k = 0 is probability 1: 0 * log(0) would be NaN.
      const probs = p.maskedFill(p.eq(1).logicalAnd(v.eq(0)), 0);
      return v.mul(probs.neg().log1p()).add(this.probs.log());
    });
  }
  entropy(): Tensor {
    return scope(() => binaryCrossEntropyWithLogits(this.logits, this.probs, null, null, NONE).div(this.probs));
  }
  protected ownedTensors(): Tensor[] {
    return [this.probs, this.logits];
  }
  toString(): string {
    const t = this.given === 'probs' ? this.probs : this.logits;
    return `Geometric(${this.given}: ${argRepr(t)})`;
  }
}

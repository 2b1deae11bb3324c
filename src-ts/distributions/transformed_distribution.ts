/**
 * A base distribution pushed through a sequence of transforms (Python's TransformedDistribution):
 * X ~ base, Y = f(X), log p(Y) = log p(X) - log |det dY/dX|. E.g. a squashed Gaussian policy:
 *
 *     const pi = new D.TransformedDistribution(new D.Normal(mu, std), [new D.transforms.TanhTransform({ cacheSize: 1 })]);
 *     const a = pi.rsample();           // in (-1, 1)
 *     const logp = pi.logProb(a);       // uses the cached pre-tanh sample, not atanh(a)
 */
import { ValueError } from '../errors';
import { noGrad } from '../autograd';
import { scope } from '../memory';
import type { Tensor } from '../tensor';
import { Distribution, expandDistribution } from './distribution';
import { Independent } from './independent';
import * as constraints from './constraints';
import { ComposeTransform, Transform, mulSign } from './transforms';
import { sumRightmost } from './utils';

const sameShape = (a: number[], b: number[]): boolean => a.length === b.length && a.every((n, i) => n === b[i]);

export class TransformedDistribution extends Distribution {
  readonly baseDist: Distribution;
  readonly transforms: Transform[];
  // The base was expanded here to the transforms' batch shape (they broadcast it): it is ours.
  private readonly ownsBase: boolean;

  constructor(baseDistribution: Distribution, transforms: Transform | Transform[], options: { validateArgs?: boolean } = {}) {
    if (!(baseDistribution instanceof Distribution)) throw new ValueError('TransformedDistribution: base_distribution must be a Distribution');
    let list: Transform[];
    if (transforms instanceof Transform) list = [transforms];
    else if (Array.isArray(transforms)) {
      if (!transforms.every((t) => t instanceof Transform)) throw new ValueError('transforms must be a Transform or a list of Transforms');
      list = transforms;
    } else throw new ValueError(`transforms must be a Transform or list, but was ${String(transforms)}`);
    const baseShape = [...baseDistribution.batchShape, ...baseDistribution.eventShape];
    const baseEventDim = baseDistribution.eventShape.length;
    const transform = new ComposeTransform(list);
    const domainEventDim = transform.domain.eventDim;
    if (baseShape.length < domainEventDim) {
      throw new ValueError(`base_distribution needs to have shape with size at least ${domainEventDim}, but got torch.Size([${baseShape.join(', ')}]).`);
    }
    const shape = transform.forwardShape(baseShape);
    const expandedBaseShape = transform.inverseShape(shape);
    // Transforms that broadcast (an AffineTransform with a batch of scales) need the base over
    // that batch too, as Python expands it.
    const expanded = sameShape(expandedBaseShape, baseShape) ? null : baseDistribution.expand(expandedBaseShape.slice(0, expandedBaseShape.length - baseEventDim));
    const reinterpreted = domainEventDim - baseEventDim;
    const base = reinterpreted > 0 ? new Independent(expanded ?? baseDistribution, reinterpreted) : (expanded ?? baseDistribution);
    const eventDim = transform.codomain.eventDim + Math.max(baseEventDim - domainEventDim, 0);
    const cut = shape.length - eventDim;
    super(shape.slice(0, cut), shape.slice(cut), options.validateArgs);
    this.baseDist = base;
    this.ownsBase = expanded !== null;
    this.transforms = list;
  }

  /** Python's: the base expanded to the batch shape the transforms map back from the new one. */
  expand(batchShape: number[]): this {
    let shape = [...batchShape, ...this.eventShape];
    for (const t of [...this.transforms].reverse()) shape = t.inverseShape(shape);
    const baseBatch = shape.slice(0, shape.length - this.baseDist.eventShape.length);
    return expandDistribution(this, batchShape, (inner) => (inner === this.baseDist ? baseBatch : undefined));
  }
  get argConstraints(): Record<string, constraints.Constraint> {
    return {};
  }
  get support(): constraints.Constraint {
    if (this.transforms.length === 0) return this.baseDist.support;
    const support = this.transforms[this.transforms.length - 1].codomain;
    return this.eventShape.length > support.eventDim ? constraints.independent(support, this.eventShape.length - support.eventDim) : support;
  }
  get hasRsample(): boolean {
    return this.baseDist.hasRsample;
  }
  sample(sampleShape: number[] = []): Tensor {
    return noGrad(() => scope(() => this.transforms.reduce((x, t) => t.call(x), this.baseDist.sample(sampleShape))));
  }
  rsample(sampleShape: number[] = []): Tensor {
    return scope(() => this.transforms.reduce((x, t) => t.call(x), this.baseDist.rsample(sampleShape)));
  }
  logProb(value: Tensor): Tensor {
    this.validateSample(value);
    return scope(() => {
      let eventDim = this.eventShape.length;
      let logProb: Tensor | null = null;
      let y = value;
      for (const t of [...this.transforms].reverse()) {
        const x = t.inv.call(y);
        eventDim += t.domain.eventDim - t.codomain.eventDim;
        const term = sumRightmost(t.logAbsDetJacobian(x, y), eventDim - t.domain.eventDim);
        logProb = logProb === null ? term.neg() : logProb.sub(term);
        y = x;
      }
      const base = sumRightmost(this.baseDist.logProb(y), eventDim - this.baseDist.eventShape.length);
      return logProb === null ? base.alias() : logProb.add(base);
    });
  }
  // Python's _monotonize_cdf: flips value -> 1 - value where the transforms decrease.
  private monotonize(value: Tensor): Tensor {
    const sign = this.transforms.reduce<number | Tensor>((s, t) => mulSign(s, t.sign), 1);
    if (sign === 1) return value;
    return typeof sign === 'number' ? value.sub(0.5).mul(sign).add(0.5) : sign.mul(value.sub(0.5)).add(0.5);
  }
  cdf(value: Tensor): Tensor {
    return scope(() => {
      const x = [...this.transforms].reverse().reduce((v, t) => t.inv.call(v), value);
      return this.monotonize(this.baseDist.cdf(x));
    });
  }
  icdf(value: Tensor): Tensor {
    return scope(() => this.transforms.reduce((x, t) => t.call(x), this.baseDist.icdf(this.monotonize(value))));
  }
  protected ownedTensors(): Tensor[] {
    return [];
  }
  /**
   * Frees what this distribution made (a base it expanded, with the Independent around it); the
   * base distribution and the transforms stay the caller's.
   */
  dispose(): void {
    if (this.ownsBase) this.baseDist.dispose();
  }
}

/**
 * Reinterprets the rightmost `reinterpretedBatchNdims` batch dimensions of a distribution as event
 * dimensions: a diagonal Normal over vectors is `new Independent(new Normal(loc, scale), 1)`, and
 * its logProb sums over the vector.
 */
import { ValueError, NotImplementedError } from '../errors';
import { scope } from '../memory';
import type { Tensor } from '../tensor';
import { Distribution } from './distribution';
import * as constraints from './constraints';
import { sumRightmost } from './utils';


export class Independent extends Distribution {
  constructor(readonly baseDist: Distribution, readonly reinterpretedBatchNdims: number, options: { validateArgs?: boolean } = {}) {
    if (!(baseDist instanceof Distribution)) throw new ValueError('Independent: expected a Distribution');
    const bs = baseDist.batchShape;
    if (!Number.isInteger(reinterpretedBatchNdims) || reinterpretedBatchNdims < 0 || reinterpretedBatchNdims > bs.length) {
      throw new ValueError(`Expected reinterpreted_batch_ndims <= len(base_distribution.batch_shape), actual ${reinterpretedBatchNdims} vs ${bs.length}`);
    }
    const shape = [...bs, ...baseDist.eventShape];
    const eventDim = reinterpretedBatchNdims + baseDist.eventShape.length;
    super(shape.slice(0, shape.length - eventDim), shape.slice(shape.length - eventDim), options.validateArgs);
  }
  get hasRsample(): boolean {
    return this.baseDist.hasRsample;
  }
  get hasEnumerateSupport(): boolean {
    return this.reinterpretedBatchNdims > 0 ? false : this.baseDist.hasEnumerateSupport;
  }
  get argConstraints(): Record<string, constraints.Constraint> {
    return {};
  }
  get support(): constraints.Constraint {
    const base = this.baseDist.support;
    return this.reinterpretedBatchNdims ? constraints.independent(base, this.reinterpretedBatchNdims) : base;
  }
  get mean(): Tensor {
    return this.baseDist.mean;
  }
  get mode(): Tensor {
    return this.baseDist.mode;
  }
  get variance(): Tensor {
    return this.baseDist.variance;
  }
  sample(sampleShape: number[] = []): Tensor {
    return this.baseDist.sample(sampleShape);
  }
  rsample(sampleShape: number[] = []): Tensor {
    return this.baseDist.rsample(sampleShape);
  }
  logProb(value: Tensor): Tensor {
    return scope(() => sumRightmost(this.baseDist.logProb(value), this.reinterpretedBatchNdims));
  }
  entropy(): Tensor {
    return scope(() => sumRightmost(this.baseDist.entropy(), this.reinterpretedBatchNdims));
  }
  enumerateSupport(expand = true): Tensor {
    if (this.reinterpretedBatchNdims > 0) throw new NotImplementedError('Enumeration over cartesian product is not implemented');
    return this.baseDist.enumerateSupport(expand);
  }
  /** Frees the base distribution's tensors (it owns nothing else). */
  protected ownedTensors(): Tensor[] {
    return [];
  }
  dispose(): void {
    this.baseDist.dispose();
  }
  toString(): string {
    return `Independent(${this.baseDist.toString()}, ${this.reinterpretedBatchNdims})`;
  }
}
